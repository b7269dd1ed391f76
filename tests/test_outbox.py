import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.services import outbound_email_deliver
from sellerdesk.orders.models import OrderEvent
from tests.conftest import SmtpInbox, run_tasks
from tests.factories import make_order

pytestmark = pytest.mark.django_db(transaction=True)


def cancel_one(seller, user) -> OutboundEmail:
    order = make_order(seller)
    order_cancel(
        seller=seller, amazon_order_id=order.amazon_order_id, actor=user, reason="PricingError"
    )
    return OutboundEmail.objects.get(order=order)


def test_smtp_down_keeps_the_email_and_schedules_a_retry(smtp: SmtpInbox, seller, seller_user):
    smtp.fail = True
    email = cancel_one(seller, seller_user)

    run_tasks()

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "451" in email.last_error
    assert email.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == email.next_attempt_at
    assert smtp.messages == []


def test_the_retry_delivers_once_the_server_is_back(smtp: SmtpInbox, seller, seller_user):
    smtp.fail = True
    email = cancel_one(seller, seller_user)
    run_tasks()
    smtp.fail = False
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())

    run_tasks()

    email.refresh_from_db()
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
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        outbound_email_deliver(email_id=email.pk)
        email.refresh_from_db()
        delays.append(round((email.next_attempt_at - before).total_seconds() / 30))

    assert delays[:2] == [1, 2]
    assert (email.status, email.attempts) == ("failed", 3)


def test_a_dead_worker_loses_nothing_requeue_sends_it(smtp: SmtpInbox, seller, seller_user):
    email = cancel_one(seller, seller_user)
    # The worker claimed the email, then died: its task is gone, the lease has run out.
    DBTaskResult.objects.all().delete()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending",
        attempts=1,
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )

    call_command("outbox_requeue", verbosity=0)
    run_tasks()

    email.refresh_from_db()
    assert email.status == "sent"
    assert len(smtp.messages) == 1


def test_delivering_twice_sends_one_email(smtp: SmtpInbox, seller, seller_user):
    email = cancel_one(seller, seller_user)

    first = outbound_email_deliver(email_id=email.pk)
    second = outbound_email_deliver(email_id=email.pk)
    run_tasks()

    assert (first, second) == ("sent", "skipped")
    assert len(smtp.messages) == 1
    assert OrderEvent.objects.filter(order=email.order_id, kind="email_sent").count() == 1


def test_an_email_being_sent_by_another_worker_is_left_alone(smtp: SmtpInbox, seller, seller_user):
    email = cancel_one(seller, seller_user)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending", lease_expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    assert outbound_email_deliver(email_id=email.pk) == "skipped"
    assert smtp.messages == []


def test_requeue_with_failed_retries_emails_that_gave_up(smtp: SmtpInbox, seller, seller_user):
    email = cancel_one(seller, seller_user)
    DBTaskResult.objects.all().delete()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=12)

    call_command("outbox_requeue", include_failed=True, verbosity=0)
    run_tasks()

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
