"""GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING, the Unshipped Orders report: one row per item
that is still to ship, of every order that can ship now (Unshipped or PartiallyShipped), oldest
purchase first, with the buyer's request to cancel. It lists what is unshipped when it is made;
the data range is not used, as on the marketplace.

Columns the data model has no value for are present and empty (docs/reports.md)."""

from collections.abc import Iterator, Sequence

from django.db.models import F

from sellerdesk.orders.models import OrderItem, OrderStatus
from sellerdesk.reports.flat import CHUNK_ROWS, Cell, DataRange, ReportKind
from sellerdesk.reports.models import ReportType

COLUMNS = (
    "order-id",
    "order-item-id",
    "purchase-date",
    "payments-date",
    "reporting-date",
    "promise-date",
    "days-past-promise",
    "buyer-email",
    "buyer-name",
    "buyer-phone-number",
    "sku",
    "product-name",
    "quantity-purchased",
    "quantity-shipped",
    "quantity-to-ship",
    "ship-service-level",
    "recipient-name",
    "ship-address-1",
    "ship-address-2",
    "ship-address-3",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
    "is-buyer-requested-cancellation",
    "buyer-requested-cancel-reason",
)
SHIPPABLE = (OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED)


def unshipped_rows(data: DataRange) -> Iterator[Sequence[Cell]]:
    items = (
        OrderItem.objects.filter(
            order__seller=data.seller,
            order__status__in=SHIPPABLE,
            quantity_ordered__gt=F("quantity_shipped") + F("quantity_cancelled"),
        )
        .order_by("order__purchase_date", "order_id", "pk")
        .values_list(
            "order__amazon_order_id",
            "order_item_id",
            "order__purchase_date",
            "order__latest_ship_date",
            "order__buyer_email",
            "order__buyer_name",
            "seller_sku",
            "title",
            "quantity_ordered",
            "quantity_shipped",
            "quantity_cancelled",
            "order__ship_city",
            "order__buyer_cancel_requested_at",
            "order__buyer_cancel_reason",
        )
    )
    for (
        order_id,
        item_id,
        purchased,
        promised,
        email,
        name,
        sku,
        title,
        ordered,
        shipped,
        cancelled,
        city,
        requested_at,
        requested_reason,
    ) in items.iterator(chunk_size=CHUNK_ROWS):
        yield (
            order_id,
            item_id,
            purchased,
            None,  # payments-date: when the payment was authorized is not recorded
            data.now,
            promised,
            (data.now - promised).days,
            email,
            name,
            None,
            sku,
            title,
            ordered,
            shipped,
            ordered - shipped - cancelled,
            None,
            None,
            None,
            None,
            None,
            city,
            None,
            None,
            None,
            False,  # no business orders
            None,
            None,
            requested_at is not None,
            requested_reason,
        )


UNSHIPPED_ORDERS = ReportKind(
    report_type=ReportType.UNSHIPPED_ORDERS,
    columns=COLUMNS,
    rows=unshipped_rows,
    uses_data_range=False,
)
