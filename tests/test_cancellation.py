from typing import Any

import pytest
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from sellerdesk.cancellations.services import CancelRequest, order_cancel, orders_cancel
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.core.errors import (
    ApplicationError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NothingToDo,
)
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.orders.services import order_confirm_shipment
from tests.conftest import SmtpInbox, run_tasks
from tests.factories import make_listing, make_order, make_user


def snapshot(order: Order) -> dict[str, Any]:
    """Everything a cancellation could touch."""
    order.refresh_from_db()
    return {
        "status": order.status,
        "items": list(order.items.values_list("quantity_shipped", "quantity_cancelled")),
        "events": order.events.count(),
        "emails": OutboundEmail.objects.count(),
        "ledger": InventoryLedgerEntry.objects.count(),
        "stock": list(Listing.objects.order_by("pk").values_list("quantity", flat=True)),
        "tasks": DBTaskResult.objects.count(),
    }


def test_cancel_unshipped_order_restocks_records_event_and_queues_one_email(seller, seller_user):
    mug, towel = make_listing(seller, quantity=10), make_listing(seller, quantity=5)
    order = make_order(seller, (mug, 2), (towel, 1))

    result = order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="PricingError",
        memo="Fel pris i listningen",
    )

    order.refresh_from_db()
    assert order.status == "Canceled"
    assert list(order.items.order_by("pk").values_list("quantity_cancelled", flat=True)) == [2, 1]
    mug.refresh_from_db()
    towel.refresh_from_db()
    assert (mug.quantity, towel.quantity) == (10, 5)
    restocks = InventoryLedgerEntry.objects.filter(cause="cancellation_restock").order_by("pk")
    assert [(row.listing_id, row.delta, row.quantity_after) for row in restocks] == [
        (mug.pk, 2, 10),
        (towel.pk, 1, 5),
    ]
    assert all(row.event_id == result.event.pk for row in restocks)
    event = order.events.get(kind=OrderEvent.Kind.CANCELLED)
    assert (event.actor, event.reason, event.memo, event.source) == (
        seller_user,
        "PricingError",
        "Fel pris i listningen",
        "web",
    )
    assert [item["quantity"] for item in event.data["items"]] == [2, 1]
    email = OutboundEmail.objects.get()
    assert (email.event_id, email.status, email.to_address) == (
        event.pk,
        "pending",
        order.buyer_email,
    )
    assert result.units == 3


def test_cancel_queues_the_send_task_only_after_commit(
    seller, seller_user, django_capture_on_commit_callbacks
):
    order = make_order(seller)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason="GeneralAdjustment",
        )
        queued_inside = DBTaskResult.objects.count()

    assert queued_inside == 0
    assert len(callbacks) == 2
    tasks = {task.task_path: task.args_kwargs["args"] for task in DBTaskResult.objects.all()}
    event = order.events.get(kind="cancelled")
    assert tasks == {
        "sellerdesk.notifications.tasks.deliver_outbound_emails": [],
        "sellerdesk.metrics.tasks.check_rate_alert": [seller.pk, [event.pk]],
    }


@pytest.mark.django_db(transaction=True)
def test_buyer_receives_email_in_swedish_without_the_memo(smtp: SmtpInbox, seller, seller_user):
    listing = make_listing(seller)
    order = make_order(seller, (listing, 2), buyer_name="Åsa Öberg")

    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="NoInventory",
        memo="HEMLIG ANTECKNING",
    )
    run_tasks()

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    email = OutboundEmail.objects.get()
    assert message["Message-ID"] == email.message_id
    assert message["To"] == order.buyer_email
    assert message["Subject"] == (
        f"Din beställning {order.amazon_order_id} från Nordisk Hem AB har annullerats"
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Hej Åsa Öberg," in text
    assert "Säljaren har inte längre den här varan i lager." in text
    assert f"2 × {listing.title} (SKU {listing.sku})" in text
    assert "Du har inte debiterats för den här beställningen." in text
    assert "HEMLIG" not in text and "HEMLIG" not in html
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 1
    assert order.events.filter(kind="email_sent", data__email_id=email.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_buyer_receives_email_in_english(smtp: SmtpInbox, seller, seller_user):
    order = make_order(seller, buyer_language="en", buyer_name="Jane Doe")

    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="ShippingAddressUndeliverable",
    )
    run_tasks()

    message = smtp.messages[0]
    assert message["Subject"] == (
        f"Your order {order.amazon_order_id} from Nordisk Hem AB has been cancelled"
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "The seller cannot deliver to your shipping address." in text
    assert "You have not been charged for this order." in text


def test_no_inventory_returns_nothing_and_sets_listing_to_zero(seller, seller_user):
    listing = make_listing(seller, quantity=10)
    order = make_order(seller, (listing, 3))

    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="NoInventory",
    )

    listing.refresh_from_db()
    assert listing.quantity == 0
    row = InventoryLedgerEntry.objects.filter(listing=listing).latest("pk")
    assert (row.cause, row.delta, row.quantity_after) == ("cancellation_no_inventory", -7, 0)
    assert sum(listing.ledger.values_list("delta", flat=True)) == 0


@pytest.mark.parametrize(
    ("prepare", "code"),
    [
        ("pending", "cannot_cancel_pending"),
        ("shipped", "cannot_cancel_shipped"),
        ("partially_shipped", "cannot_cancel_partiallyshipped"),
    ],
)
def test_orders_that_are_not_unshipped_cannot_be_cancelled(seller, seller_user, prepare, code):
    first, second = make_listing(seller), make_listing(seller)
    order = make_order(seller, (first, 1), (second, 1), payment_authorized=prepare != "pending")
    if prepare == "shipped":
        order_confirm_shipment(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            carrier="PostNord",
            tracking_number="UA1SE",
        )
    if prepare == "partially_shipped":
        item = order.items.order_by("pk").first()
        assert item is not None
        order_confirm_shipment(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            carrier="PostNord",
            tracking_number="UA1SE",
            quantities={item.order_item_id: 1},
        )
    before = snapshot(order)

    with pytest.raises(InvalidTransition) as error:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason="GeneralAdjustment",
        )

    assert error.value.code == code
    assert snapshot(order) == before


def test_cancelling_a_cancelled_order_changes_nothing_and_says_so(seller, seller_user):
    order = make_order(seller)
    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="PricingError",
    )
    before = snapshot(order)

    with translation.override("en"), pytest.raises(NothingToDo) as error:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason="PricingError",
        )

    assert error.value.code == "already_cancelled"
    assert error.value.message == (
        f"Order {order.amazon_order_id} is already cancelled; nothing was changed."
    )
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("reason", "memo", "code"),
    [
        ("", "", "reason_required"),
        ("Whatever", "", "invalid_reason"),
        ("PricingError", "x" * 501, "memo_too_long"),
    ],
)
def test_bad_reason_or_memo_is_refused_before_anything_changes(
    seller, seller_user, reason, memo, code
):
    order = make_order(seller)
    before = snapshot(order)

    with pytest.raises(InvalidInput) as error:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason=reason,
            memo=memo,
        )

    assert error.value.code == code
    assert snapshot(order) == before


def test_memo_of_exactly_500_characters_is_accepted(seller, seller_user):
    order = make_order(seller)

    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="PricingError",
        memo="å" * 500,
    )

    assert order.events.get(kind="cancelled").memo == "å" * 500


def test_another_sellers_order_is_not_found(seller, other_seller):
    order = make_order(other_seller)
    intruder = make_user(seller)
    before = snapshot(order)

    with pytest.raises(NotFound):
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=intruder,
            reason="PricingError",
        )

    assert snapshot(order) == before


def test_feed_only_reasons_restock(seller, seller_user):
    listing = make_listing(seller, quantity=4)
    order = make_order(seller, (listing, 4))

    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason="CarrierCoverageFailure",
        source="feed",
    )

    listing.refresh_from_db()
    assert listing.quantity == 4


def test_cancelling_one_item_keeps_the_rest_coming(seller, seller_user):
    mug, towel = make_listing(seller, quantity=10), make_listing(seller, quantity=10)
    order = make_order(seller, (mug, 3), (towel, 1))
    mug_item = order.items.get(listing=mug)

    result = order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="NoInventory",
        quantities={mug_item.order_item_id: 2},
    )

    order.refresh_from_db()
    mug_item.refresh_from_db()
    assert (order.status, mug_item.quantity_cancelled, result.units) == ("Unshipped", 2, 2)
    assert result.event.data["whole_order"] is False
    assert [(i["sku"], i["quantity"]) for i in result.event.data["remaining"]] == [
        (mug.sku, 1),
        (towel.sku, 1),
    ]
    email = OutboundEmail.objects.get()
    assert email.subject == (
        f"Varor i din beställning {order.amazon_order_id} från Nordisk Hem AB har annullerats"
    )
    mug.refresh_from_db()
    assert mug.quantity == 0


def test_cancelling_the_last_items_cancels_the_order(seller, seller_user):
    order = make_order(seller, (make_listing(seller), 2))
    item = order.items.get()
    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="PricingError",
        quantities={item.order_item_id: 1},
    )

    result = order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="PricingError",
        quantities={item.order_item_id: None},
    )

    order.refresh_from_db()
    assert order.status == "Canceled"
    assert result.event.data["whole_order"] is True
    assert OutboundEmail.objects.count() == 2


@pytest.mark.parametrize(
    ("quantities", "code"),
    [
        ("unknown", "unknown_item"),
        ("too_many", "quantity_above_unshipped"),
        ("negative", "invalid_quantity"),
    ],
)
def test_bad_item_quantities_change_nothing(seller, seller_user, quantities, code):
    order = make_order(seller, (make_listing(seller), 2))
    item_id = order.items.get().order_item_id
    quantities = {
        "unknown": {"00000000000000": 1},
        "too_many": {item_id: 3},
        "negative": {item_id: -1},
    }[quantities]
    before = snapshot(order)

    with pytest.raises(ApplicationError) as error:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason="PricingError",
            quantities=quantities,
        )

    assert error.value.code == code
    assert snapshot(order) == before


def test_a_batch_applies_the_good_requests_and_reports_the_bad(seller, other_seller, seller_user):
    listing = make_listing(seller, quantity=20)
    good, shipped, again = (make_order(seller, (listing, 1)) for _ in range(3))
    theirs = make_order(other_seller)
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=shipped.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
    )
    requests = [
        CancelRequest(amazon_order_id=good.amazon_order_id, reason="PricingError"),
        CancelRequest(amazon_order_id=shipped.amazon_order_id, reason="PricingError"),
        CancelRequest(amazon_order_id=theirs.amazon_order_id, reason="PricingError"),
        CancelRequest(amazon_order_id=again.amazon_order_id, reason="Nope"),
        CancelRequest(amazon_order_id=again.amazon_order_id, reason="CustomerExchange"),
        CancelRequest(amazon_order_id=again.amazon_order_id, reason="CustomerExchange"),
    ]

    outcomes = orders_cancel(seller=seller, requests=requests, actor=seller_user, source="file")

    assert [o.error.code if o.error else "ok" for o in outcomes] == [
        "ok",
        "cannot_cancel_shipped",
        "order_not_found",
        "invalid_reason",
        "ok",
        "already_cancelled",
    ]
    assert sorted(Order.objects.filter(status="Canceled").values_list("pk", flat=True)) == [
        good.pk,
        again.pk,
    ]
    assert OutboundEmail.objects.count() == 2
    assert OrderEvent.objects.filter(kind="cancelled", source="file").count() == 2
    listing.refresh_from_db()
    assert listing.quantity == 20 - 1
    theirs.refresh_from_db()
    assert theirs.status == "Unshipped"
