"""ORDER_CHANGE: an order's status changed (a cancellation, whole or of items) or the buyer
asked to cancel it (BuyerRequestedChange). The payload is SP-API's OrderChangeNotification,
its Summary the order as the change left it, read from the rows the change holds in memory:
a feed's batch of cancellations costs one query more only when a subscription wants them."""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sellerdesk.accounts.models import Seller
from sellerdesk.orders.models import Order, OrderItem
from sellerdesk.webhooks.kinds import NotificationType, OrderChangeType
from sellerdesk.webhooks.models import Delivery
from sellerdesk.webhooks.outbox import Notice, notifications_queue, sp_time

BUYER_REQUESTED_CANCEL = "BuyerRequestedCancel"


@dataclass(frozen=True)
class OrderChange:
    order: Order
    items: Sequence[OrderItem]
    change_type: OrderChangeType
    # OrderChangeTrigger.ChangeReason: the cancellation's reason code, or BuyerRequestedCancel.
    reason: str
    time: datetime.datetime


def order_changes_queue(changes: Sequence[OrderChange]) -> list[Delivery]:
    """Queue ORDER_CHANGE for each change, in the change's transaction."""

    def notices() -> Iterator[Notice]:
        seller_ids = {change.order.seller_id for change in changes}
        tokens = dict(Seller.objects.filter(pk__in=seller_ids).values_list("pk", "merchant_token"))
        for change in changes:
            yield Notice(
                seller_id=change.order.seller_id,
                ordering_key=f"order:{change.order.amazon_order_id}",
                event_time=change.time,
                payload=order_change_payload(change, seller_id=tokens[change.order.seller_id]),
                order_change_type=change.change_type.value,
            )

    return notifications_queue(
        notification_type=NotificationType.ORDER_CHANGE,
        seller_ids={change.order.seller_id for change in changes},
        notices=notices,
    )


def order_change_payload(change: OrderChange, *, seller_id: str) -> dict[str, Any]:
    order = change.order
    items = sorted(change.items, key=lambda item: item.order_item_id)
    requested = order.buyer_cancel_requested_at is not None
    return {
        "OrderChangeNotification": {
            "NotificationLevel": "OrderLevel",
            "SellerId": seller_id,
            "AmazonOrderId": order.amazon_order_id,
            "OrderChangeType": change.change_type.value,
            "OrderChangeTrigger": {
                "TimeOfOrderChange": sp_time(change.time),
                "ChangeReason": change.reason,
            },
            "Summary": {
                "MarketplaceId": order.marketplace_id,
                "OrderStatus": order.status,
                "PurchaseDate": sp_time(order.purchase_date),
                "DestinationPostalCode": None,
                "FulfillmentType": "MFN",
                "OrderType": "StandardOrder",
                "LatestShipDate": sp_time(order.latest_ship_date),
                "NumberOfItemsShipped": sum(item.quantity_shipped for item in items),
                "NumberOfItemsUnshipped": sum(item.quantity_unshipped for item in items),
                "OrderPrograms": [],
                "ShippingPrograms": [],
                "OrderItems": [_item(item, order=order, requested=requested) for item in items],
            },
        }
    }


def _item(item: OrderItem, *, order: Order, requested: bool) -> dict[str, Any]:
    line: dict[str, Any] = {
        "OrderItemId": item.order_item_id,
        "SupplySourceId": None,
        "Quantity": item.quantity_ordered,
        "QuantityShipped": item.quantity_shipped,
        "SellerSKU": item.seller_sku,
        "IsBuyerRequestedCancel": requested,
    }
    if requested:
        # Named as the Orders API names it in BuyerRequestedCancel.
        line["BuyerCancelReason"] = order.buyer_cancel_reason
    return line
