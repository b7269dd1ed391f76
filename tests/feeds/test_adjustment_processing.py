"""Order Adjustment feeds end to end: a document in, refunds applied through the refund service,
a report out."""

from decimal import Decimal

import pytest

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.parsers.adjustment_file import PAYMENT_ADJUSTMENT_TEMPLATE
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.refunds.models import Refund
from tests.conftest import run_tasks
from tests.factories import make_two_item_order, ship_item
from tests.feeds.test_processing import envelope, results, submit

pytestmark = pytest.mark.django_db(transaction=True)


def adjustment(message_id, order_id, *items):
    return (
        f"<Message><MessageID>{message_id}</MessageID><OrderAdjustment>"
        f"<AmazonOrderID>{order_id}</AmazonOrderID>{''.join(items)}</OrderAdjustment></Message>"
    )


def adjusted(code, reason="CustomerReturn", key=None, cancel=None, currency="SEK", **amounts):
    components = "".join(
        f'<Component><Type>{kind}</Type><Amount currency="{currency}">{value}</Amount></Component>'
        for kind, value in amounts.items()
    )
    return (
        f"<AdjustedItem><AmazonOrderItemCode>{code}</AmazonOrderItemCode>"
        + (f"<MerchantAdjustmentItemID>{key}</MerchantAdjustmentItemID>" if key else "")
        + f"<AdjustmentReason>{reason}</AdjustmentReason>"
        + (f"<ItemPriceAdjustments>{components}</ItemPriceAdjustments>" if components else "")
        + (f"<QuantityCancelled>{cancel}</QuantityCancelled>" if cancel is not None else "")
        + "</AdjustedItem>"
    )


def flat_row(order, item, reason, amount, cancel="", key=""):
    cells = {
        "order-id": order.amazon_order_id,
        "order-item-id": item.order_item_id,
        "adjustment-reason-code": reason,
        "currency": "SEK",
        "item-price-adj": amount,
        "quantity-cancelled": cancel,
        "merchant-adjustment-item-id": key,
    }
    columns = PAYMENT_ADJUSTMENT_TEMPLATE.splitlines()[-1].split("\t")
    return "\t".join(cells.get(column, "") for column in columns) + "\n"


def test_an_adjustment_feed_refunds_and_reports_each_problem(seller, other_seller, smtp):
    shipped_order, shipped_one, unshipped_two = make_two_item_order(seller)
    ship_item(shipped_order, shipped_one)
    uncharged, first_uncharged, _ = make_two_item_order(seller)
    foreign, foreign_item, _ = make_two_item_order(other_seller)
    ship_item(foreign, foreign_item)
    sid = shipped_order.amazon_order_id
    feed = submit(
        seller,
        envelope(
            adjustment(
                1,
                sid,
                adjusted(
                    unshipped_two.order_item_id,
                    "NoInventory",
                    key="A-1",
                    cancel=1,
                    Principal="300.00",
                    Tax="75.00",
                ),
            ),
            adjustment(2, sid, adjusted(shipped_one.order_item_id, Principal="200.01")),
            adjustment(
                3,
                uncharged.amazon_order_id,
                adjusted(first_uncharged.order_item_id, Principal="1.00"),
            ),
            adjustment(
                4, foreign.amazon_order_id, adjusted(foreign_item.order_item_id, Principal="1.00")
            ),
            adjustment(
                5,
                sid,
                adjusted(shipped_one.order_item_id, Principal="10.00", RestockingFee="-10.00"),
            ),
            adjustment(
                6, sid, adjusted(shipped_one.order_item_id, Principal="10.00", currency="EUR")
            ),
            adjustment(7, sid, adjusted(shipped_one.order_item_id, Principal="10.005")),
            adjustment(
                8, sid, adjusted(shipped_one.order_item_id, Shipping="49.00", RestockingFee="-5.00")
            ),
            adjustment(
                9,
                sid,
                adjusted(
                    unshipped_two.order_item_id,
                    "NoInventory",
                    key="A-1",
                    cancel=1,
                    Principal="300.00",
                ),
            ),
            adjustment(10, sid, adjusted(shipped_one.order_item_id, GiftWrap="5.00")),
            message_type="OrderAdjustment",
        ),
        feed_type=FeedType.PAYMENT_ADJUSTMENT,
        source=Feed.Source.API,
    )

    run_tasks()

    feed.refresh_from_db()
    assert feed.processing_status == "DONE"
    assert results(feed) == [
        (2, "Error", 18021),
        (3, "Error", 18018),
        (4, "Error", 18002),
        (5, "Error", 18022),
        (6, "Error", 18019),
        (7, "Error", 18020),
        (9, "Warning", 18023),
        (10, "Error", 18026),
    ]
    assert (feed.messages_successful, feed.messages_with_error, feed.messages_with_warning) == (
        3,
        7,
        1,
    )
    refunds = {r.order_item_id: r for r in Refund.objects.all()}
    assert set(refunds) == {unshipped_two.pk, shipped_one.pk}
    assert refunds[unshipped_two.pk].amount == Decimal("375.00")
    assert (refunds[shipped_one.pk].shipping, refunds[shipped_one.pk].restocking_fee) == (
        Decimal("49.00"),
        Decimal("5.00"),
    )
    shipped_order.refresh_from_db()
    assert shipped_order.status == "Shipped"
    assert OutboundEmail.objects.filter(kind="refund_issued").count() == 2
    assert len(smtp.messages) == 2
    with feed.result_document.file.open("rb") as report:
        text = report.read().decode()
    assert "<ResultMessageCode>18021</ResultMessageCode>" in text
    assert "<MessagesWithError>7</MessagesWithError>" in text


def test_a_batch_refunds_file_refunds_once_however_often_it_is_uploaded(seller, smtp):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    content = PAYMENT_ADJUSTMENT_TEMPLATE + flat_row(
        order, second, "NoInventory", "300.00", cancel="1", key="DEMO-1"
    )

    once = submit(seller, content, feed_type=FeedType.PAYMENT_ADJUSTMENT_FILE)
    run_tasks()
    twice = submit(seller, content, feed_type=FeedType.PAYMENT_ADJUSTMENT_FILE)
    run_tasks()

    once.refresh_from_db()
    twice.refresh_from_db()
    assert (once.messages_successful, once.messages_with_warning) == (1, 0)
    first_row = len(PAYMENT_ADJUSTMENT_TEMPLATE.splitlines()) + 1
    assert results(twice) == [(first_row, "Warning", 18023)]
    assert Refund.objects.get().amount == Decimal("300.00")
    assert len(smtp.messages) == 1
    order.refresh_from_db()
    assert order.status == "Shipped"


def test_a_dry_run_adjustment_changes_nothing(seller):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    content = PAYMENT_ADJUSTMENT_TEMPLATE + flat_row(order, second, "NoInventory", "300.00", "1")

    feed = submit(seller, content, feed_type=FeedType.PAYMENT_ADJUSTMENT_FILE, dry_run=True)
    run_tasks()

    feed.refresh_from_db()
    assert feed.messages_successful == 1
    assert not Refund.objects.exists()
    assert not OutboundEmail.objects.exists()
    second.refresh_from_db()
    assert second.quantity_cancelled == 0


def test_a_dry_run_adjustment_forecasts_the_units_it_cancels_not_its_refunds(seller):
    cancelling, shipped, unshipped = make_two_item_order(seller)
    ship_item(cancelling, shipped)
    refunding, returned, _ = make_two_item_order(seller)
    ship_item(refunding, returned)
    content = (
        PAYMENT_ADJUSTMENT_TEMPLATE
        + flat_row(cancelling, unshipped, "NoInventory", "300.00", "1")
        + flat_row(refunding, returned, "CustomerReturn", "100.00")
    )

    feed = submit(seller, content, feed_type=FeedType.PAYMENT_ADJUSTMENT_FILE, dry_run=True)
    run_tasks()

    feed.refresh_from_db()
    assert (feed.messages_successful, feed.projected_cancellations) == (2, 1)
    assert not Refund.objects.exists()


def test_both_feeds_refund_what_was_charged_and_refuse_what_was_cancelled_before(seller):
    """The second item was cancelled before the first shipment, so the buyer never paid for
    it: its price is more than the 0.00 left (18021); the shipped item's full charge is not."""
    orders = []
    for _ in range(2):
        order, first, second = make_two_item_order(seller)
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=None,
            reason="NoInventory",
            quantities={second.order_item_id: None},
        )
        ship_item(order, first)
        orders.append((order, first, second))
    (xml_order, xml_first, xml_second), (flat_order, flat_first, flat_second) = orders
    charged_first = {"Principal": "200.00", "Shipping": "49.00", "Tax": "50.00"}
    xml = submit(
        seller,
        envelope(
            adjustment(
                1, xml_order.amazon_order_id, adjusted(xml_second.order_item_id, Principal="300.00")
            ),
            adjustment(
                2,
                xml_order.amazon_order_id,
                adjusted(xml_first.order_item_id, ShippingTax="12.25", **charged_first),
            ),
            message_type="OrderAdjustment",
        ),
        feed_type=FeedType.PAYMENT_ADJUSTMENT,
        source=Feed.Source.API,
    )
    flat = [
        submit(
            seller,
            PAYMENT_ADJUSTMENT_TEMPLATE + flat_row(flat_order, item, "CustomerReturn", amount),
            feed_type=FeedType.PAYMENT_ADJUSTMENT_FILE,
        )
        for item, amount in ((flat_second, "300.00"), (flat_first, "200.00"))
    ]

    run_tasks()

    assert results(xml) == [(1, "Error", 18021)]
    first_row = len(PAYMENT_ADJUSTMENT_TEMPLATE.splitlines()) + 1
    assert [results(feed) for feed in flat] == [[(first_row, "Error", 18021)], []]
    refunds = Refund.objects.order_by("pk")
    assert [(r.order_item_id, r.amount) for r in refunds] == [
        (xml_first.pk, Decimal("311.25")),
        (flat_first.pk, Decimal("200.00")),
    ]
