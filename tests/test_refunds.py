from decimal import Decimal

import pytest
from django.utils import translation

from sellerdesk.core.errors import ApplicationError
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.refunds.adjustments import AdjustmentRequest, order_adjust, orders_adjust
from sellerdesk.refunds.lines import AdjustedItem
from sellerdesk.refunds.models import Refund
from tests.conftest import run_tasks
from tests.factories import make_order, make_two_item_order, ship_item

D = Decimal


def line(
    item,
    reason="CustomerReturn",
    *,
    principal="0",
    shipping="0",
    tax="0",
    shipping_tax="0",
    fee="0",
    cancel=0,
    key=None,
    currency="SEK",
):
    return AdjustedItem(
        order_item_id=item.order_item_id,
        reason=reason,
        merchant_adjustment_item_id=key,
        quantity_cancelled=cancel,
        currency=currency,
        principal=D(principal),
        shipping=D(shipping),
        tax=D(tax),
        shipping_tax=D(shipping_tax),
        restocking_fee=D(fee),
    )


def adjust(seller, order, *lines, memo=""):
    return order_adjust(
        seller=seller, amazon_order_id=order.amazon_order_id, items=lines, actor=None, memo=memo
    )


def test_order_total_is_every_component_of_every_item(seller):
    order, first, second = make_two_item_order(seller)

    assert (first.item_price, first.shipping_price, first.item_tax, first.shipping_tax) == (
        D("200.00"),
        D("49.00"),
        D("50.00"),
        D("12.25"),
    )
    assert (second.item_price, second.shipping_price, second.item_tax) == (
        D("300.00"),
        D("0.00"),
        D("75.00"),
    )
    assert order.order_total == D("686.25")


@pytest.mark.django_db(transaction=True)
def test_ship_one_item_then_cancel_and_refund_the_other(seller, smtp):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    stock_before = second.listing.quantity

    outcome = adjust(
        seller,
        order,
        line(second, "NoInventory", principal="300.00", tax="75.00", cancel=1, key="R-1"),
        memo="Slut i lager",
    )

    order.refresh_from_db()
    second.refresh_from_db()
    second.listing.refresh_from_db()
    assert order.status == "Shipped"  # 2 shipped + 1 cancelled = 3 ordered
    assert second.quantity_cancelled == 1
    refund = Refund.objects.get()
    assert (refund.principal, refund.tax, refund.amount, refund.reason) == (
        D("300.00"),
        D("75.00"),
        D("375.00"),
        "NoInventory",
    )
    assert refund.event == outcome.event
    assert outcome.event.data["total"] == "375.00"
    # NoInventory: the listing is set to zero, with its ledger row.
    assert second.listing.quantity == 0 and stock_before > 0
    cancel_event = order.events.get(kind="cancelled")
    assert cancel_event.reason == "NoInventory"
    assert cancel_event.data["by_adjustment"] is True
    # One email: the refund, in Swedish, with the amounts.
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == ["refund_issued"]
    run_tasks()
    (message,) = smtp.messages
    assert (
        message["Subject"]
        == f"Du har fått en återbetalning för din beställning {order.amazon_order_id} från "
        "Nordisk Hem AB"
    )
    body = message.get_body(("plain",)).get_content()
    assert "300,00 SEK" in body and "75,00 SEK" in body and "375,00 SEK" in body
    assert "Slut i lager" not in body


@pytest.mark.django_db(transaction=True)
def test_refund_email_is_in_the_buyers_language(seller, smtp):
    order, first, _second = make_two_item_order(seller, language="en")
    ship_item(order, first)

    adjust(seller, order, line(first, principal="20.00", fee="5.00"))

    run_tasks()
    (message,) = smtp.messages
    # A subject this long is folded after "Subject:"; the fold's space is not part of it.
    assert message["Subject"].lstrip() == (
        f"You have been refunded for your order {order.amazon_order_id} from Nordisk Hem AB"
    )
    body = message.get_body(("plain",)).get_content()
    assert "Restocking fee deducted: -5.00 SEK" in body
    assert "Total refunded: 15.00 SEK" in body


def test_an_order_not_yet_charged_is_refused(seller):
    order, _first, second = make_two_item_order(seller)

    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(second, principal="10.00"))

    assert error.value.code == "order_not_charged"
    assert not Refund.objects.exists()


def test_caps_hold_across_adjustments(seller):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)
    adjust(seller, order, line(first, principal="150.00", shipping="49.00"))

    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(first, principal="50.01"))
    assert error.value.code == "refund_above_charged"
    assert "50.00 SEK" in error.value.message
    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(first, shipping="0.01"))
    assert error.value.code == "refund_above_charged"

    adjust(seller, order, line(first, principal="50.00"))
    assert sum(r.principal for r in Refund.objects.filter(order_item=first)) == D("200.00")


@pytest.mark.parametrize(
    ("make_line", "code"),
    [
        (
            lambda f, s: line(s, "CustomerReturn", principal="10", cancel=1),
            "invalid_adjustment_reason",
        ),
        (lambda f, s: line(s, "NoInventory", principal="10", cancel=2), "quantity_above_unshipped"),
        (lambda f, s: line(s, "Bogus", principal="10"), "invalid_adjustment_reason"),
        (lambda f, s: line(s, principal="10", currency="EUR"), "wrong_currency"),
        (lambda f, s: line(s, principal="-10"), "invalid_amount"),
        (lambda f, s: line(s, principal="10.005"), "invalid_amount"),
        (lambda f, s: line(s, principal="5", fee="5"), "not_a_credit"),
        (lambda f, s: line(s), "nothing_to_adjust"),
        (lambda f, s: line(s, "NoInventory", cancel=1), "not_a_credit"),
    ],
)
def test_bad_adjustments_change_nothing(seller, make_line, code):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    events_before = order.events.count()

    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, make_line(first, second))

    assert error.value.code == code
    second.refresh_from_db()
    assert second.quantity_cancelled == 0
    assert not Refund.objects.exists()
    assert order.events.count() == events_before
    assert not OutboundEmail.objects.exists()


def test_unknown_item_and_other_sellers_order(seller, other_seller):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)
    foreign = make_order(other_seller)

    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(foreign.items.get(), principal="1"))
    assert error.value.code == "unknown_item"
    with pytest.raises(ApplicationError) as error:
        adjust(other_seller, order, line(first, principal="1"))
    assert error.value.code == "order_not_found"


def test_the_same_merchant_adjustment_item_id_refunds_once(seller):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    adjust(seller, order, line(first, principal="20.00", key="RET-7"))

    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(first, principal="20.00", key="RET-7"))
    assert error.value.code == "adjustment_already_applied"
    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(second, principal="20.00", key="RET-7"))
    assert error.value.code == "adjustment_id_reused"

    assert Refund.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_a_batch_checks_each_request_against_the_ones_before_it(seller):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)
    requests = [
        AdjustmentRequest(order.amazon_order_id, (line(first, principal="150.00", key="A"),)),
        AdjustmentRequest(order.amazon_order_id, (line(first, principal="150.00", key="B"),)),
        AdjustmentRequest(order.amazon_order_id, (line(first, principal="150.00", key="A"),)),
        AdjustmentRequest("999-9999999-9999999", (line(first, principal="1"),)),
    ]

    outcomes = orders_adjust(seller=seller, requests=requests, actor=None, source="feed")

    codes = [o.error.code if o.error else None for o in outcomes]
    assert codes == [None, "refund_above_charged", "adjustment_already_applied", "order_not_found"]
    assert Refund.objects.get().principal == D("150.00")


def test_a_repeated_item_is_a_warning_and_the_request_writes_its_cancellation_and_refund(seller):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    adjust(seller, order, line(first, principal="20.00", key="RET-7"))
    request = AdjustmentRequest(
        order.amazon_order_id,
        (
            line(first, principal="20.00", key="RET-7"),
            line(second, "NoInventory", principal="300.00", cancel=1, key="RET-8"),
        ),
    )

    with translation.override("en"):  # as the feed processor reports
        (outcome,) = orders_adjust(seller=seller, requests=[request], actor=None, source="feed")

    (warning,) = outcome.warnings
    assert (outcome.error, warning.code, warning.details) == (
        None,
        "adjustment_already_applied",
        {"order_item_id": first.order_item_id},
    )
    assert warning.message == (
        "MerchantAdjustmentItemID RET-7 was already applied; that item was not refunded again."
    )
    cancellation, refund = outcome.events
    assert (cancellation.kind, cancellation.reason) == ("cancelled", "NoInventory")
    assert refund == Refund.objects.get(merchant_adjustment_item_id="RET-8").event
    assert refund.data["total"] == "300.00"
