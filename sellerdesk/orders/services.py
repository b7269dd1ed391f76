"""Writes on orders: creation from checkout, shipment confirmation, and the event helper that
every change of an order goes through."""

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.acting import acting_application_id
from sellerdesk.accounts.models import Seller, User
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.services import listing_change_quantity, listings_lock
from sellerdesk.core.errors import ErrorCode, InvalidInput, NotFound
from sellerdesk.core.ids import is_order_id, new_order_id, new_order_item_id
from sellerdesk.core.money import money
from sellerdesk.core.text import is_one_line
from sellerdesk.feeds.models import Feed
from sellerdesk.orders.locks import order_lock
from sellerdesk.orders.models import Order, OrderEvent, OrderItem, OrderStatus
from sellerdesk.orders.quantities import unshipped_units
from sellerdesk.orders.status import Action, derive_status, transition_check
from sellerdesk.refunds.models import Charge
from sellerdesk.refunds.services import charge_create

SHIP_BY_DAYS = 2


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int


def order_event_record(
    *,
    order: Order,
    kind: str,
    source: str,
    actor: User | None = None,
    reason: str = "",
    memo: str = "",
    data: dict[str, Any] | None = None,
    feed: Feed | None = None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        seller_id=order.seller_id,
        application_id=acting_application_id(),
        kind=kind,
        source=source,
        actor=actor,
        reason=reason,
        memo=memo,
        data=data or {},
        feed=feed,
    )


def order_create(
    *,
    seller: Seller,
    buyer_name: str,
    buyer_email: str,
    lines: list[OrderLine],
    buyer_language: str = "sv",
    ship_city: str = "",
    amazon_order_id: str | None = None,
    purchase_date: datetime.datetime | None = None,
    payment_authorized: bool = True,
    shipping_price: Decimal = Decimal("0.00"),
    tax_rate: Decimal = Decimal("0"),
    source: str = OrderEvent.Source.MARKETPLACE,
) -> Order:
    """Create an order from checkout: takes each line's quantity from its listing. The order's
    shipping is charged on its first item; tax_rate (0.25 for 25 %) adds tax to each item's
    price and shipping."""
    if not lines:
        raise InvalidInput("An order needs at least one item.", code=ErrorCode.ORDER_WITHOUT_ITEMS)
    if any(line.quantity < 1 for line in lines):
        raise InvalidInput("Every quantity must be at least 1.", code=ErrorCode.INVALID_QUANTITY)
    try:
        validate_email(buyer_email)
    except ValidationError as error:
        raise InvalidInput(
            "Buyer email is not a valid address.", code=ErrorCode.INVALID_EMAIL
        ) from error
    if purchase_date is not None and timezone.is_naive(purchase_date):
        raise InvalidInput("Purchase date needs a time zone.", code=ErrorCode.INVALID_DATE)
    if shipping_price < 0 or not 0 <= tax_rate < 1:
        raise InvalidInput(
            "Shipping cannot be negative and the tax rate is from 0 to 1.",
            code=ErrorCode.INVALID_AMOUNT,
        )
    if buyer_language not in {"sv", "en"}:
        raise InvalidInput("Buyer language must be sv or en.", code=ErrorCode.INVALID_LANGUAGE)
    for what, text in (("Buyer name", buyer_name), ("Ship city", ship_city)):
        # They reach the buyer's email and the seller's pages, where a break would start a line.
        if not is_one_line(text):
            raise InvalidInput(
                f"{what} must be one line, without line breaks or control characters.",
                code=ErrorCode.NOT_ONE_LINE,
            )
    if amazon_order_id is not None and not is_order_id(amazon_order_id):
        raise InvalidInput(
            "Order ID must look like 123-1234567-1234567.", code=ErrorCode.INVALID_ORDER_ID
        )
    quantities = Counter[str]()
    for line in lines:
        quantities[line.sku] += line.quantity
    purchase_date = purchase_date or timezone.now()
    try:
        with transaction.atomic():
            found = dict(
                Listing.objects.filter(seller=seller, sku__in=quantities).values_list("sku", "pk")
            )
            missing = sorted(set(quantities) - set(found))
            if missing:
                raise NotFound(f"Unknown SKU: {', '.join(missing)}.", code=ErrorCode.UNKNOWN_SKU)
            listings = listings_lock(listing_ids=found.values())
            by_sku = {listing.sku: listing for listing in listings.values()}
            order = Order.objects.create(
                amazon_order_id=amazon_order_id or new_order_id(),
                seller=seller,
                marketplace_id=seller.marketplace_id,
                status=OrderStatus.UNSHIPPED if payment_authorized else OrderStatus.PENDING,
                payment_authorized=payment_authorized,
                purchase_date=purchase_date,
                latest_ship_date=purchase_date + datetime.timedelta(days=SHIP_BY_DAYS),
                buyer_name=buyer_name,
                buyer_email=buyer_email,
                buyer_language=buyer_language,
                ship_city=ship_city,
                order_total=money(0),
            )
            event = order_event_record(
                order=order,
                kind=OrderEvent.Kind.CREATED,
                source=source,
                data={"items": [{"sku": sku, "quantity": q} for sku, q in quantities.items()]},
            )
            for number, (sku, quantity) in enumerate(quantities.items()):
                listing = by_sku[sku]
                price = money(listing.price * quantity)
                shipping = money(shipping_price) if number == 0 else money(0)
                item = OrderItem.objects.create(
                    order=order,
                    order_item_id=new_order_item_id(),
                    listing=listing,
                    seller_sku=sku,
                    title=listing.title,
                    quantity_ordered=quantity,
                    item_price=price,
                    shipping_price=shipping,
                    item_tax=money(price * tax_rate),
                    shipping_tax=money(shipping * tax_rate),
                )
                order.order_total += (
                    item.item_price + item.shipping_price + item.item_tax + item.shipping_tax
                )
                listing_change_quantity(
                    listing=listing,
                    delta=-quantity,
                    cause=InventoryLedgerEntry.Cause.ORDER_PLACED,
                    order_id=order.pk,
                    event_id=event.pk,
                )
            order.save(update_fields=["order_total"])
    except IntegrityError as error:
        raise InvalidInput(
            f"Order {amazon_order_id} already exists.", code=ErrorCode.DUPLICATE_ORDER
        ) from error
    return order


def order_confirm_shipment(
    *,
    seller: Seller,
    amazon_order_id: str,
    actor: User | None,
    carrier: str,
    tracking_number: str,
    ship_date: datetime.date | None = None,
    quantities: Mapping[str, int | None] | None = None,
    source: str = OrderEvent.Source.WEB,
    feed: Feed | None = None,
) -> Order:
    """Confirm shipment of all unshipped units, or of `quantities` by order item id.
    The first confirmation charges the buyer for the units not cancelled by then."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise InvalidInput(
            _("Carrier and tracking number are required."), code=ErrorCode.SHIPMENT_INCOMPLETE
        )
    with transaction.atomic():
        order, items = order_lock(seller=seller, amazon_order_id=amazon_order_id)
        transition_check(order=order, action=Action.SHIP)
        to_ship = unshipped_units(order=order, items=items, quantities=quantities, action="ship")
        if not any(to_ship.values()):
            raise InvalidInput(
                _("Choose at least one unit to ship."), code=ErrorCode.NOTHING_TO_SHIP
            )
        shipped = []
        for item in items:
            count = to_ship.get(item.order_item_id, 0)
            if count:
                item.quantity_shipped += count
                item.save(update_fields=["quantity_shipped"])
                shipped.append(
                    {"order_item_id": item.order_item_id, "sku": item.seller_sku, "quantity": count}
                )
        order.status = derive_status(payment_authorized=order.payment_authorized, items=items)
        order.save(update_fields=["status", "last_update_date"])
        event = order_event_record(
            order=order,
            kind=OrderEvent.Kind.SHIPMENT_CONFIRMED,
            source=source,
            feed=feed,
            actor=actor,
            data={
                "carrier": carrier,
                "tracking_number": tracking_number,
                "ship_date": (ship_date or timezone.localdate()).isoformat(),
                "items": shipped,
            },
        )
        if not Charge.objects.filter(order=order).exists():
            charge = charge_create(order=order, items=items, event=event)
            order_event_record(
                order=order,
                kind=OrderEvent.Kind.CHARGED,
                source=OrderEvent.Source.SYSTEM,
                data={"amount": str(charge.amount), "currency": charge.currency},
            )
    return order
