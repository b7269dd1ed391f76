"""Shipment confirmations, from the XML feed or the flat file: each confirms its order's
shipment in its own savepoint, so one that is refused leaves the batch's others applied."""

from collections.abc import Sequence

from django.utils import timezone

from sellerdesk.core.errors import ApplicationError
from sellerdesk.feeds.appliers.batch import Applied, Positioned, event_source
from sellerdesk.feeds.codes import PROBLEMS
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.fulfillment import ShipmentConfirmation
from sellerdesk.feeds.results import feed_result
from sellerdesk.orders.services import order_confirm_shipment


def shipments_apply(*, feed: Feed, messages: Sequence[Positioned[ShipmentConfirmation]]) -> Applied:
    results: list[FeedResult] = []
    for position, shipment in messages:
        results.extend(_ship(feed=feed, position=position, shipment=shipment))
    return Applied(results=results)


def _ship(*, feed: Feed, position: int, shipment: ShipmentConfirmation) -> list[FeedResult]:
    """One shipment confirmation, in its own savepoint (the service's transaction)."""
    try:
        order_confirm_shipment(
            seller=feed.seller,
            amazon_order_id=shipment.amazon_order_id,
            actor=feed.created_by,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            ship_date=timezone.localdate(shipment.fulfillment_date),
            quantities={item.order_item_id: item.quantity for item in shipment.items} or None,
            source=event_source(feed),
        )
    except ApplicationError as error:
        code = PROBLEMS[error.code]
        return [
            feed_result(
                feed, position, shipment.message_id, code, error.message, shipment.amazon_order_id
            )
        ]
    return []
