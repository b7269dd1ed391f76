"""orders_acknowledge: the seller's acknowledgements, each with its event; a refused one changes
nothing while the others apply."""

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.orders.acknowledgements import AcknowledgeRequest, orders_acknowledge
from sellerdesk.orders.models import OrderEvent
from tests.factories import make_order


def test_acknowledgements_record_their_event_and_a_refused_one_changes_nothing(seller):
    open_order, cancelled = make_order(seller), make_order(seller)
    order_cancel(
        seller=seller, amazon_order_id=cancelled.amazon_order_id, actor=None, reason="PricingError"
    )
    requests = [
        AcknowledgeRequest(open_order.amazon_order_id, merchant_order_id="SO-1"),
        AcknowledgeRequest("123-0000000-0000000"),
        AcknowledgeRequest(cancelled.amazon_order_id, merchant_order_id="SO-2"),
    ]

    outcomes = orders_acknowledge(seller=seller, requests=requests, actor=None)

    assert [o.error.code if o.error else None for o in outcomes] == [
        None,
        "order_not_found",
        "order_cancelled",
    ]
    (event,) = outcomes[0].events
    assert event == OrderEvent.objects.get(kind="acknowledged")
    assert (event.order_id, event.data) == (open_order.pk, {"merchant_order_id": "SO-1"})
    assert [o.events for o in outcomes[1:]] == [(), ()]
    open_order.refresh_from_db()
    cancelled.refresh_from_db()
    assert (open_order.seller_order_id, cancelled.seller_order_id) == ("SO-1", "")
