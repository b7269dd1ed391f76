"""Delivery of the outbox, against real servers on loopback: every kind of failure is recorded on
the row and retried, a server that is down is probed with backoff, and its return sends every
waiting email at once."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.workers import worker_register
from sellerdesk.notifications import delivery
from sellerdesk.notifications.delivery import outbound_emails_deliver, outbox_recover
from sellerdesk.notifications.models import MailServerStatus, OutboundEmail
from sellerdesk.orders.models import OrderEvent
from tests.conftest import SmtpInbox, free_port, mail_to, run_tasks, smtp_server
from tests.factories import make_order
from tests.mailservers import mail_server_that

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERY_TASK = "sellerdesk.notifications.tasks.deliver_outbound_emails"


def cancel_one(seller, user) -> OutboundEmail:
    order = make_order(seller)
    order_cancel(
        seller=seller, amazon_order_id=order.amazon_order_id, actor=user, reason="PricingError"
    )
    return OutboundEmail.objects.get(order=order)


def server() -> MailServerStatus:
    return MailServerStatus.objects.get(mailer="default")


def make_due(*emails: OutboundEmail) -> None:
    OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).update(
        next_attempt_at=timezone.now()
    )


def make_probe_due() -> None:
    MailServerStatus.objects.update(next_probe_at=timezone.now())


def test_a_4xx_reply_keeps_the_email_with_the_error_and_backs_off(
    smtp: SmtpInbox, seller, seller_user
):
    smtp.fail = True
    email = cancel_one(seller, seller_user)

    run_tasks()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.claimed_by) == ("pending", 1, "")
    assert "451" in email.last_error
    assert email.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    assert smtp.messages == []
    # The server answered: it is not down, only this email waits.
    assert not MailServerStatus.objects.filter(down_since__isnull=False).exists()


def test_a_retry_that_falls_due_is_queued_by_the_sweep_and_delivered(
    smtp: SmtpInbox, seller, seller_user
):
    smtp.fail = True
    email = cancel_one(seller, seller_user)
    run_tasks()
    smtp.fail = False

    outbox_recover()
    nothing_yet = DBTaskResult.objects.filter(task_path=DELIVERY_TASK, status="READY").count()
    make_due(email)
    outbox_recover()
    run_tasks()

    email.refresh_from_db()
    assert nothing_yet == 0
    assert (email.status, email.attempts) == ("sent", 2)
    assert [m["Message-ID"] for m in smtp.messages] == [email.message_id]


def test_backoff_doubles_and_gives_up_after_the_last_attempt(
    smtp: SmtpInbox, seller, seller_user, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    smtp.fail = True
    email = cancel_one(seller, seller_user)
    delays = []

    for _ in range(3):
        make_due(email)
        before = timezone.now()
        outbound_emails_deliver()
        email.refresh_from_db()
        delays.append(round((email.next_attempt_at - before).total_seconds() / 30))

    assert delays[:2] == [1, 2]
    assert (email.status, email.attempts) == ("failed", 3)


def test_a_5xx_refusal_is_final_at_once(smtp: SmtpInbox, seller, seller_user):
    smtp.refuse = True
    email = cancel_one(seller, seller_user)

    run_tasks()

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 1)
    assert "550" in email.last_error
    assert smtp.messages == []


@pytest.mark.parametrize(
    ("failure", "expected_error"),
    [
        ("refused", "ConnectionRefusedError"),
        ("timeout", "timed out"),
        ("421", "SMTPConnectError: (421"),
        ("use_tls", "SMTPNotSupportedError"),
        ("use_ssl", "SSLError"),
    ],
)
def test_a_server_that_cannot_be_used_is_recorded_on_every_email_and_marked_down(
    settings, seller, seller_user, failure, expected_error
):
    port = free_port()
    emails = [cancel_one(seller, seller_user) for _ in range(3)]
    before = timezone.now()
    mail_to(settings, port, timeout=1)
    if failure == "refused":
        outbound_emails_deliver()  # nothing listens on the port
    elif failure == "timeout":
        with mail_server_that(None, port):
            outbound_emails_deliver()
    elif failure == "421":
        with mail_server_that(b"421 4.3.2 Service not available, closing channel\r\n", port):
            outbound_emails_deliver()
    else:  # the server speaks SMTP but not TLS
        controller = smtp_server(SmtpInbox(), port)
        mail_to(settings, port, timeout=1, **{failure: True})
        try:
            outbound_emails_deliver()
        finally:
            controller.stop()

    rows = list(OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]))
    assert {(e.status, e.attempts, e.claimed_by) for e in rows} == {("pending", 1, "")}
    assert all(expected_error in e.last_error for e in rows), rows[0].last_error
    status = server()
    assert status.down_since is not None and status.failures == 1
    assert expected_error in status.last_error
    # The first probe comes 5 s after the failure.
    probe = status.next_probe_at
    assert probe is not None
    assert (
        before + datetime.timedelta(seconds=4)
        < probe
        < timezone.now() + datetime.timedelta(seconds=6)
    )


def test_while_the_server_is_down_emails_wait_and_only_the_probe_connects(
    settings, seller, seller_user
):
    port = free_port()
    mail_to(settings, port, timeout=1)
    email = cancel_one(seller, seller_user)
    outbound_emails_deliver()  # refused: the server is down
    make_due(email)

    with mail_server_that(b"421 busy\r\n", port) as connections:
        before_probe_time = outbound_emails_deliver()
        seen_before_probe = len(connections)
        make_probe_due()
        outbound_emails_deliver()
        seen_at_probe = len(connections)

    email.refresh_from_db()
    assert before_probe_time["sent"] == 0
    assert (seen_before_probe, seen_at_probe) == (0, 1)
    # Neither the wait nor the probe uses up the email's attempts.
    assert (email.status, email.attempts) == ("pending", 1)
    assert server().failures == 2


def test_the_probe_backs_off_to_thirty_seconds():
    delays = []
    for _ in range(6):
        delivery._server_down(ConnectionRefusedError(111, "Connection refused"))
        probe = server().next_probe_at
        assert probe is not None
        delays.append(round((probe - timezone.now()).total_seconds()))

    assert delays == [5, 10, 20, 30, 30, 30]
    assert server().failures == 6


def test_once_the_server_is_back_every_waiting_email_goes_out_at_once(
    settings, seller, seller_user
):
    port = free_port()
    mail_to(settings, port, timeout=1)
    emails = [cancel_one(seller, seller_user) for _ in range(3)]
    outbound_emails_deliver()  # refused
    # One of them had also been refused by the server itself: its own backoff is an hour.
    OutboundEmail.objects.filter(pk=emails[0].pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    inbox = SmtpInbox()
    controller = smtp_server(inbox, port)
    try:
        make_probe_due()
        counts = outbound_emails_deliver()
    finally:
        controller.stop()

    assert counts["sent"] == 3
    assert sorted(m["Message-ID"] for m in inbox.messages) == sorted(e.message_id for e in emails)
    assert MailServerStatus.objects.get().down_since is None
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_an_email_claimed_by_a_dead_worker_is_released_and_sent(
    smtp: SmtpInbox, seller, seller_user
):
    email = cancel_one(seller, seller_user)
    DBTaskResult.objects.all().delete()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending",
        attempts=1,
        claimed_by="a-worker-that-died",
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=1),
    )

    released = outbox_recover()
    run_tasks()

    email.refresh_from_db()
    assert released == 1
    assert (email.status, email.attempts) == ("sent", 2)
    assert len(smtp.messages) == 1


def test_an_email_whose_lease_ran_out_is_sent_again(smtp: SmtpInbox, seller, seller_user):
    worker_register(worker_id="alive-but-hung", queues="*")
    email = cancel_one(seller, seller_user)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending",
        attempts=1,
        claimed_by="alive-but-hung",
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )

    run_tasks()

    email.refresh_from_db()
    assert email.status == "sent"
    assert len(smtp.messages) == 1


def test_an_email_being_sent_by_a_live_worker_is_left_alone(smtp: SmtpInbox, seller, seller_user):
    worker_register(worker_id="alive", queues="*")
    email = cancel_one(seller, seller_user)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending",
        claimed_by="alive",
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=1),
    )

    released = outbox_recover()
    counts = outbound_emails_deliver()

    assert (released, counts["sent"]) == (0, 0)
    assert smtp.messages == []


def test_an_email_without_a_delivery_task_gets_one_from_the_sweep(
    smtp: SmtpInbox, seller, seller_user
):
    email = cancel_one(seller, seller_user)
    DBTaskResult.objects.all().delete()  # its task was lost

    outbox_recover()
    outbox_recover()  # a second sweep sees the task queued by the first
    queued = DBTaskResult.objects.filter(task_path=DELIVERY_TASK).count()
    run_tasks()

    email.refresh_from_db()
    assert queued == 1
    assert email.status == "sent"
    assert [m["Message-ID"] for m in smtp.messages] == [email.message_id]


def test_delivering_twice_sends_one_email(smtp: SmtpInbox, seller, seller_user):
    email = cancel_one(seller, seller_user)

    first = outbound_emails_deliver()
    second = outbound_emails_deliver()
    run_tasks()

    assert (first["sent"], second["sent"]) == (1, 0)
    assert len(smtp.messages) == 1
    assert OrderEvent.objects.filter(order=email.order_id, kind="email_sent").count() == 1


def test_requeue_with_failed_retries_emails_that_gave_up(smtp: SmtpInbox, seller, seller_user):
    email = cancel_one(seller, seller_user)
    DBTaskResult.objects.all().delete()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=12)

    call_command("outbox_requeue", include_failed=True, verbosity=0)
    run_tasks()

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
