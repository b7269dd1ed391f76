"""Shipment confirmations, from the XML feed or the flat file: each confirms its order's
shipment in its own savepoint, so one that is refused leaves the batch's others applied."""

from collections.abc import Sequence

from django.utils import timezone

from sellerdesk.core.batches import Accepted, requests_judge
from sellerdesk.feeds.appliers.batch import Applied, Positioned, event_source
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.fulfillment import ShipmentConfirmation
from sellerdesk.feeds.results import outcome_results
from sellerdesk.orders.services import order_confirm_shipment


def shipments_apply(*, feed: Feed, messages: Sequence[Positioned[ShipmentConfirmation]]) -> Applied:
    def ship(shipment: ShipmentConfirmation) -> Accepted:
        # In its own savepoint: the service's transaction.
        order_confirm_shipment(
            seller=feed.seller,
            amazon_order_id=shipment.amazon_order_id,
            actor=feed.created_by,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            ship_date=timezone.localdate(shipment.fulfillment_date),
            quantities={item.order_item_id: item.quantity for item in shipment.items} or None,
            source=event_source(feed),
            feed=feed,
        )
        return Accepted()

    outcomes = requests_judge([shipment for _, shipment in messages], ship)
    results: list[FeedResult] = []
    for (position, shipment), outcome in zip(messages, outcomes, strict=True):
        results.extend(
            outcome_results(feed, position, shipment.message_id, outcome, shipment.amazon_order_id)
        )
    return Applied(results=results)
