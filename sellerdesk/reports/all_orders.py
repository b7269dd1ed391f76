"""GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL and ..._BY_LAST_UPDATE_GENERAL: one row
per item of every order purchased (or last updated) in the data range, both ends included,
oldest first. The two differ only in the date they filter and sort on.

Columns the data model has no value for are present and empty (docs/reports.md)."""

from collections.abc import Callable, Iterator, Sequence

from sellerdesk.orders.models import OrderItem
from sellerdesk.reports.flat import CHUNK_ROWS, Cell, DataRange, ReportKind
from sellerdesk.reports.models import ReportType

COLUMNS = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
    "url",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "promotion-ids",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
)


def item_status(*, ordered: int, shipped: int, cancelled: int) -> str:
    if cancelled == ordered:
        return "Cancelled"
    if shipped + cancelled == ordered:
        return "Shipped"
    return "Unshipped"


def _rows_by(date_field: str) -> Callable[[DataRange], Iterator[Sequence[Cell]]]:
    def rows(data: DataRange) -> Iterator[Sequence[Cell]]:
        items = (
            OrderItem.objects.filter(
                order__seller=data.seller,
                **{f"order__{date_field}__gte": data.start, f"order__{date_field}__lte": data.end},
            )
            .order_by(f"order__{date_field}", "order_id", "pk")
            .values_list(
                "order__amazon_order_id",
                "order__seller_order_id",
                "order__purchase_date",
                "order__last_update_date",
                "order__status",
                "title",
                "seller_sku",
                "quantity_ordered",
                "quantity_shipped",
                "quantity_cancelled",
                "order__currency",
                "item_price",
                "item_tax",
                "shipping_price",
                "shipping_tax",
                "order__ship_city",
            )
        )
        for (
            order_id,
            merchant_order_id,
            purchased,
            updated,
            status,
            title,
            sku,
            ordered,
            shipped,
            cancelled,
            currency,
            price,
            tax,
            shipping,
            shipping_tax,
            city,
        ) in items.iterator(chunk_size=CHUNK_ROWS):
            yield (
                order_id,
                merchant_order_id,
                purchased,
                updated,
                status,
                "Merchant",  # every order is seller-fulfilled
                None,
                None,
                None,
                None,
                title,
                sku,
                None,
                item_status(ordered=ordered, shipped=shipped, cancelled=cancelled),
                ordered,
                currency,
                price,
                tax,
                shipping,
                shipping_tax,
                None,
                None,
                None,
                None,
                city,
                None,
                None,
                None,
                None,
                False,  # no business orders
                None,
                None,
            )

    return rows


ALL_ORDERS_BY_ORDER_DATE = ReportKind(
    report_type=ReportType.ALL_ORDERS_BY_ORDER_DATE,
    columns=COLUMNS,
    rows=_rows_by("purchase_date"),
)
ALL_ORDERS_BY_LAST_UPDATE = ReportKind(
    report_type=ReportType.ALL_ORDERS_BY_LAST_UPDATE,
    columns=COLUMNS,
    rows=_rows_by("last_update_date"),
)
