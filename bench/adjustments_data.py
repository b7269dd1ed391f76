"""Data of the adjustment-feed benchmark: charged, partially shipped orders, and the
POST_PAYMENT_ADJUSTMENT_DATA feed that refunds what cannot ship. bench/feeds_data.py generates
the orders and writes the feed; this module is what is particular to adjustments.

Every order has two items of different listings: the first shipped in full and charged with the
order's shipping, the second (1-2 units) not shipped. Amounts as checkout makes them: item price,
shipping 49.00 SEK on the first item, 25 % tax on top of each. Each order has its shipment
confirmation and charged events, its Charge of the order total and a ChargedItem of each item's
full amounts (nothing was cancelled before the shipment), as the first shipment confirmation
writes them, inserted in bulk with the orders.

Each feed message adjusts the second item: AdjustmentReason NoInventory, QuantityCancelled its
quantity, Principal and Tax its item price and item tax, a MerchantAdjustmentItemID of its own.
Processing it cancels those units (the order becomes Shipped), writes a Refund row, a refunded
and a cancelled event, queues one refund email, and sets the listing to zero with a ledger row."""

import random
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, Sum

from bench.feeds_data import (
    QUANTITIES,
    STOCK,
    Expect,
    Kind,
    Line,
    NewOrder,
    Part,
    Row,
    Shop,
    money,
    pick,
    stock_changes,
    when,
)
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.feeds.models import FeedType
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent, OrderItem, OrderStatus
from sellerdesk.refunds.models import Charge, ChargedItem, Refund
from sellerdesk.refunds.reasons import AdjustmentReason

SHIPPING = 4900  # öre, on the first item
SHIPPED_AFTER = 3600  # seconds from purchase to the shipment confirmation
CARRIER = "PostNord"
EVENT_FIELDS = ("id", "order", "seller", "kind", "source", "reason", "memo", "data", "created_at")
CHARGE_FIELDS = ("id", "order", "amount", "currency", "event", "created_at")
CHARGED_ITEM_FIELDS = (
    "id",
    "charge",
    "order_item",
    "quantity",
    "principal",
    "shipping",
    "tax",
    "shipping_tax",
)
REASON = AdjustmentReason.NO_INVENTORY


def _tax(ore: int) -> int:
    """25 %, on top of the price (prices are whole kronor, so this is exact)."""
    return ore // 4


class Adjustment(Kind):
    name = "adjustment"
    feed_type = FeedType.PAYMENT_ADJUSTMENT
    message_type = "OrderAdjustment"
    status = OrderStatus.PARTIALLY_SHIPPED
    email_kind = OutboundEmail.Kind.REFUND_ISSUED
    english_subject = "You have been refunded"
    outcome = (
        "every order Shipped after its unshipped item was cancelled, one Refund row of that "
        "item's price and tax, one refunded and one cancelled event, one pending refund email "
        "and its delivery task per order, the listings set to zero with ledger rows, report "
        "counts right."
    )
    # Each order's shipment confirmation and charged events, then its charge and what it took
    # of each item.
    tables = (
        (OrderEvent, EVENT_FIELDS),
        (Charge, CHARGE_FIELDS),
        (ChargedItem, CHARGED_ITEM_FIELDS),
    )

    def lines(self, rng: random.Random, shop: Shop) -> list[Line]:
        shipped, unshipped = sorted(pick(rng, shop, 2))
        first, second = rng.choice(QUANTITIES), rng.choice((1, 2))
        price = shop.listings[shipped][3] * first
        return [
            Line(shipped, first, first, (price, SHIPPING, _tax(price), _tax(SHIPPING))),
            Line(unshipped, second, 0, _amounts(shop.listings[unshipped][3] * second)),
        ]

    def rows(self, order: NewOrder, now: int) -> list[list[Row]]:
        at = min(order.purchased + SHIPPED_AFTER, now)
        shipped = when(at)
        first = order.items[0]
        shipment, charged = 2 * order.pk - 1, 2 * order.pk
        data = {
            "carrier": CARRIER,
            "tracking_number": f"BENCH{order.pk:010d}",
            "ship_date": datetime.fromtimestamp(at, tz=UTC).date().isoformat(),
            "items": [
                {
                    "order_item_id": first.order_item_id,
                    "sku": first.sku,
                    "quantity": first.line.quantity,
                }
            ],
        }
        amount = money(order.total)
        events: list[Row] = [
            (
                shipment,
                order.pk,
                order.seller_pk,
                OrderEvent.Kind.SHIPMENT_CONFIRMED.value,
                OrderEvent.Source.FEED.value,
                "",
                "",
                _json(data),
                shipped,
            ),
            (
                charged,
                order.pk,
                order.seller_pk,
                OrderEvent.Kind.CHARGED.value,
                OrderEvent.Source.SYSTEM.value,
                "",
                "",
                _json({"amount": str(amount), "currency": "SEK"}),
                shipped,
            ),
        ]
        # The charge's event is the shipment confirmation that charged, as charge_create has it.
        charge = (order.pk, order.pk, amount, "SEK", shipment, shipped)
        charged_items: list[Row] = [
            (item.pk, order.pk, item.pk, item.line.quantity, *map(money, item.line.amounts))
            for item in order.items
        ]
        return [events, [charge], charged_items]

    def message(self, rng: random.Random, order: NewOrder, part: Part) -> str:
        item = order.items[1]
        principal, _shipping, tax, _shipping_tax = item.line.amounts
        part.items += 1
        part.units += item.line.quantity
        part.zeroed.add(item.listing_pk)
        for name, ore in (("principal", principal), ("tax", tax), ("amount", principal + tax)):
            part.refunds[name] = part.refunds.get(name, Decimal(0)) + money(ore)
        components = "".join(
            f"          <Component><Type>{kind}</Type>"
            f'<Amount currency="SEK">{money(ore)}</Amount></Component>\n'
            for kind, ore in (("Principal", principal), ("Tax", tax))
        )
        return (
            "    <OrderAdjustment>\n"
            f"      <AmazonOrderID>{order.amazon_order_id}</AmazonOrderID>\n"
            "      <AdjustedItem>\n"
            f"        <AmazonOrderItemCode>{item.order_item_id}</AmazonOrderItemCode>\n"
            f"        <MerchantAdjustmentItemID>{merchant_adjustment_item_id(order)}"
            "</MerchantAdjustmentItemID>\n"
            f"        <AdjustmentReason>{REASON}</AdjustmentReason>\n"
            f"        <ItemPriceAdjustments>\n{components}        </ItemPriceAdjustments>\n"
            f"        <QuantityCancelled>{item.line.quantity}</QuantityCancelled>\n"
            "      </AdjustedItem>\n"
            "    </OrderAdjustment>\n"
        )

    def verify(self, parts: list[Part], stock: dict[int, int], expect: Expect) -> None:
        orders = sum(part.orders for part in parts)
        units = sum(part.units for part in parts)
        by_status = dict(Order.objects.values_list("status").annotate(Count("pk")).order_by())
        expect("orders by status", by_status, {OrderStatus.SHIPPED: orders})

        events = OrderEvent.objects.values_list("kind", "source").annotate(
            n=Count("pk"), orders=Count("order", distinct=True)
        )
        expect(
            "events by kind and source (events, orders)",
            {(kind, source): (n, of) for kind, source, n, of in events.order_by()},
            {
                (OrderEvent.Kind.SHIPMENT_CONFIRMED, "feed"): (orders, orders),
                (OrderEvent.Kind.CHARGED, "system"): (orders, orders),
                (OrderEvent.Kind.REFUNDED, "feed"): (orders, orders),
                (OrderEvent.Kind.CANCELLED, "feed"): (orders, orders),
            },
        )
        refunded = OrderEvent.objects.filter(kind=OrderEvent.Kind.REFUNDED)
        cancelled = OrderEvent.objects.filter(kind=OrderEvent.Kind.CANCELLED)
        expect("refund events of NoInventory", refunded.filter(reason=REASON).count(), orders)
        expect(
            "cancel events of NoInventory, by adjustment, not whole orders",
            cancelled.filter(
                reason=CancelReason.NO_INVENTORY,
                data__by_adjustment=True,
                data__whole_order=False,
            ).count(),
            orders,
        )

        refunds = Refund.objects.all()
        expect(
            "refund rows, orders",
            (refunds.count(), refunds.values("order").distinct().count()),
            (orders, orders),
        )
        # Every row refunds its item's whole price and tax, cancels its units, and nothing else.
        wrong = refunds.exclude(
            Q(reason=REASON)
            & Q(order_item__quantity_shipped=0)
            & Q(quantity_cancelled=F("order_item__quantity_ordered"))
            & Q(principal=F("order_item__item_price"))
            & Q(tax=F("order_item__item_tax"))
            & Q(shipping=0, shipping_tax=0, restocking_fee=0)
            & Q(amount=F("principal") + F("tax"))
            & Q(currency="SEK")
            & Q(event__in=refunded)
        )
        expect("refund rows not as the feed said", wrong.count(), 0)
        keys = refunds.values("merchant_adjustment_item_id").distinct().count()
        expect("MerchantAdjustmentItemIDs", keys, orders)
        totals: dict[str, Decimal] = {}
        for part in parts:
            for name, amount in part.refunds.items():
                totals[name] = totals.get(name, Decimal(0)) + amount
        expect(
            "refunded principal, tax, amount",
            refunds.aggregate(principal=Sum("principal"), tax=Sum("tax"), amount=Sum("amount")),
            totals,
        )
        expect("charges", Charge.objects.count(), orders)
        expect("charged items", ChargedItem.objects.count(), 2 * orders)

        expect(
            "units cancelled", OrderItem.objects.aggregate(n=Sum("quantity_cancelled"))["n"], units
        )
        open_items = OrderItem.objects.exclude(
            quantity_ordered=F("quantity_shipped") + F("quantity_cancelled")
        )
        expect("items with units left to ship", open_items.count(), 0)

        ledger = InventoryLedgerEntry.objects.exclude(cause=InventoryLedgerEntry.Cause.INITIAL)
        zeroed = set().union(*(part.zeroed for part in parts))
        expect(
            "ledger rows by cause",
            dict(ledger.values_list("cause").annotate(Count("pk")).order_by()),
            {InventoryLedgerEntry.Cause.CANCELLATION_NO_INVENTORY: sum(p.items for p in parts)},
        )
        expect(
            "ledger: units, listings left with stock",
            (ledger.aggregate(n=Sum("delta"))["n"], ledger.exclude(quantity_after=0).count()),
            (-STOCK * len(zeroed), 0),
        )
        expect("listings set to zero", stock_changes(stock), {pk: -stock[pk] for pk in zeroed})


def merchant_adjustment_item_id(order: NewOrder) -> str:
    """Unique per message, and per seller even with two feeds."""
    return f"BENCH-ADJ-{order.pk}"


def _amounts(price: int) -> tuple[int, int, int, int]:
    return (price, 0, _tax(price), 0)


def _json(value: object) -> object:
    return OrderEvent._meta.get_field("data").get_db_prep_save(value, connection)
