"""The email to a seller's users when the cancellation rate rises above the target: once per
crossing, again after the rate has been under the target, through the outbox and real SMTP."""

from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from sellerdesk.accounts.models import Seller
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.metrics.alerts import rate_alert_check
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.refunds.adjustments import order_adjust
from sellerdesk.refunds.lines import AdjustedItem
from tests.conftest import SmtpInbox, run_tasks
from tests.factories import make_listing, make_order, make_two_item_order, make_user, ship_item

pytestmark = pytest.mark.django_db(transaction=True)

ALERT = OutboundEmail.Kind.RATE_ABOVE_TARGET


def cancel(order, reason="NoInventory"):
    return order_cancel(
        seller=order.seller, amazon_order_id=order.amazon_order_id, actor=None, reason=reason
    )


def alerts():
    return list(OutboundEmail.objects.filter(kind=ALERT).order_by("pk"))


def to_staff(smtp: SmtpInbox):
    """What the SMTP server received for sellers' users (buyers are at example.se)."""
    return [message for message in smtp.messages if not message["To"].endswith("@example.se")]


@pytest.fixture
def staff(seller):
    """Two users with an email address (English and Swedish), one without, one inactive."""
    english = make_user(seller, language="en")
    swedish = make_user(seller, language="sv")
    english.email, swedish.email = "anna@nordiskhem.example", "bo@nordiskhem.example"
    english.save(update_fields=["email"])
    swedish.save(update_fields=["email"])
    make_user(seller, language="en")  # no email address
    inactive = make_user(seller, language="en")
    inactive.email, inactive.is_active = "gone@nordiskhem.example", False
    inactive.save(update_fields=["email", "is_active"])
    return english, swedish


@pytest.fixture
def forty_orders(seller):
    listing = make_listing(seller, quantity=1000)
    return [make_order(seller, (listing, 1)) for _ in range(40)]


def test_crossing_the_target_emails_each_user_once_in_their_language(
    smtp: SmtpInbox, seller, staff, forty_orders
):
    # 1 of 40 is 2.50 %: at the target, so above it.
    cancel(forty_orders[0])
    run_tasks()

    english, swedish = staff
    received = to_staff(smtp)
    assert [(m["To"], m["Content-Language"]) for m in received] == [
        (english.email, "en"),
        (swedish.email, "sv"),
    ]
    message = received[0]
    assert message["Subject"] == "Your cancellation rate is 2.50 %, above the 2.5 % target"
    text = message.get_body(("plain",)).get_content()
    assert "The cancellation rate of Nordisk Hem AB has risen to 2.50 %: 1 of the 40 orders" in text
    assert "Customer metrics" in text
    assert "2,50" in received[1]["Subject"]  # Swedish number format
    assert [(e.status, e.seller_id, e.order_id, e.event_id) for e in alerts()] == [
        ("sent", seller.pk, None, None),
        ("sent", seller.pk, None, None),
    ]
    seller.refresh_from_db()
    assert seller.rate_alert_sent_at is not None

    # When more cancellations keep it above the target
    cancel(forty_orders[1])
    cancel(forty_orders[2])
    run_tasks()

    # Then nobody is emailed again
    assert len(to_staff(smtp)) == 2
    assert len(alerts()) == 2


def test_under_the_target_nobody_is_emailed(smtp: SmtpInbox, seller, staff, forty_orders):
    make_order(seller)  # 1 of 41 is 2.44 %

    cancel(forty_orders[0])
    run_tasks()

    assert alerts() == []
    assert to_staff(smtp) == []
    seller.refresh_from_db()
    assert seller.rate_alert_sent_at is None


def test_again_after_a_check_has_seen_the_rate_under_the_target(
    smtp: SmtpInbox, seller, staff, forty_orders
):
    cancel(forty_orders[0])  # 1 of 40: above
    run_tasks()
    # New orders bring it under: 2 of 100 after the next cancellation, which a check sees.
    listing = make_listing(seller, quantity=100)
    more = [make_order(seller, (listing, 1)) for _ in range(60)]
    cancel(more[0])
    run_tasks()
    seller.refresh_from_db()
    assert seller.rate_alert_sent_at is None
    assert len(alerts()) == 2

    # When cancellations take it to 3 of 100
    cancel(more[1])
    run_tasks()

    # Then a second alert goes out
    assert len(alerts()) == 4
    received = to_staff(smtp)
    assert len(received) == 4
    assert received[2]["Subject"] == "Your cancellation rate is 3.00 %, above the 2.5 % target"


def test_again_when_the_rate_fell_under_the_target_unseen_and_rose_again(
    smtp: SmtpInbox, seller, staff, forty_orders
):
    cancel(forty_orders[0])  # 1 of 40: above
    run_tasks()
    # New orders, no cancellation: 1 of 60 is 1.67 %, and no check runs.
    listing = make_listing(seller, quantity=100)
    more = [make_order(seller, (listing, 1)) for _ in range(20)]
    seller.refresh_from_db()
    assert seller.rate_alert_sent_at is not None

    # When a cancellation takes it above again: 2 of 60 is 3.33 %
    cancel(more[0])
    run_tasks()

    # Then the seller is alerted again: without that cancellation the rate was under the target
    assert len(alerts()) == 4
    received = to_staff(smtp)
    assert received[2]["Subject"] == "Your cancellation rate is 3.33 %, above the 2.5 % target"


def test_a_check_run_twice_alerts_once(smtp: SmtpInbox, seller, staff, forty_orders):
    result = cancel(forty_orders[0])
    DBTaskResult.objects.all().delete()  # the check is run here by hand, twice

    first = rate_alert_check(seller_id=seller.pk, event_ids=[result.event.pk])
    second = rate_alert_check(seller_id=seller.pk, event_ids=[result.event.pk])

    assert (first, second) == ("alerted", "already_alerted")
    assert len(alerts()) == 2


def test_a_cancellation_that_does_not_count_queues_no_check(seller, staff, forty_orders):
    order = forty_orders[0]
    Order.objects.filter(pk=order.pk).update(buyer_cancel_requested_at=order.purchase_date)

    cancel(order, "BuyerCanceled")

    assert not DBTaskResult.objects.filter(
        task_path="sellerdesk.metrics.tasks.check_rate_alert"
    ).exists()
    run_tasks()
    assert alerts() == []


def test_a_seller_without_users_to_email_records_the_crossing(seller, forty_orders):
    make_user(seller)  # no email address

    cancel(forty_orders[0])
    run_tasks()

    assert alerts() == []
    assert Seller.objects.get(pk=seller.pk).rate_alert_sent_at is not None


def test_another_sellers_crossing_alerts_only_its_own_users(
    smtp: SmtpInbox, seller, other_seller, staff
):
    theirs = make_order(other_seller)
    their_user = make_user(other_seller, language="en")
    their_user.email = "ola@fjall.example"
    their_user.save(update_fields=["email"])
    for _ in range(40):
        make_order(seller)

    cancel(theirs)  # 1 of 1 for the other seller
    run_tasks()

    received = to_staff(smtp)
    assert [m["To"] for m in received] == ["ola@fjall.example"]
    text = received[0].get_body(("plain",)).get_content()
    assert "The cancellation rate of Fjällbutiken has risen to 100.00 %" in text
    seller.refresh_from_db()
    assert seller.rate_alert_sent_at is None
    # A seller's email is on no order's timeline.
    assert list(
        OrderEvent.objects.filter(kind=OrderEvent.Kind.EMAIL_SENT).values_list(
            "data__to", flat=True
        )
    ) == [theirs.buyer_email]


def test_units_cancelled_by_a_refund_are_checked_too(smtp: SmtpInbox, seller, staff):
    order, shipped, unshipped = make_two_item_order(seller)
    ship_item(order, shipped)
    for _ in range(9):
        make_order(seller)  # 1 of 10 with the refund's cancellation

    outcome = order_adjust(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        items=[
            AdjustedItem(
                order_item_id=unshipped.order_item_id,
                reason="NoInventory",
                merchant_adjustment_item_id=None,
                quantity_cancelled=1,
                currency="SEK",
                principal=Decimal("300.00"),
                shipping=Decimal("0"),
                tax=Decimal("75.00"),
                shipping_tax=Decimal("0"),
                restocking_fee=Decimal("0"),
            )
        ],
    )
    run_tasks()

    (cancellation,) = outcome.cancellations
    check = DBTaskResult.objects.get(task_path="sellerdesk.metrics.tasks.check_rate_alert")
    assert check.args_kwargs["args"] == [seller.pk, [cancellation.pk]]
    assert len(alerts()) == 2
    assert to_staff(smtp)[0]["Subject"] == (
        "Your cancellation rate is 10.00 %, above the 2.5 % target"
    )
