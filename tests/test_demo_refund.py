"""The demo's refund walkthrough, as the README tells it: ship the first item of Märta
Ångström's order, upload the BatchRefunds file the demo wrote, and the buyer is refunded."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from sellerdesk.demo.data import REFUND_BUYER, refund_walkthrough_order
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.services import feed_submit
from sellerdesk.refunds.models import Refund
from tests.conftest import run_tasks
from tests.factories import make_listing, ship_item

pytestmark = pytest.mark.django_db(transaction=True)


def test_ship_one_item_then_refund_the_other_with_the_demo_file(seller, smtp):
    make_listing(seller, sku="NH-0001", price="249.00")
    make_listing(seller, sku="NH-0002", price="399.00")
    order = refund_walkthrough_order(seller=seller)
    first, second = order.items.order_by("seller_sku")
    ship_item(order, first)
    path = Path(settings.VAR_DIR) / "demo-files" / f"batch-refunds-{order.amazon_order_id}.txt"

    for _ in range(2):  # the second upload refunds nothing more
        feed_submit(
            seller=seller,
            feed_type=FeedType.PAYMENT_ADJUSTMENT_FILE,
            chunks=[path.read_bytes()],
            content_type="text/tab-separated-values",
            filename=path.name,
            source=Feed.Source.UPLOAD,
        )
        run_tasks()

    order.refresh_from_db()
    assert (order.buyer_name, order.status) == (REFUND_BUYER, "Shipped")
    refund = Refund.objects.get()
    assert (refund.order_item, refund.principal, refund.tax, refund.amount) == (
        second,
        Decimal("399.00"),
        Decimal("99.75"),
        Decimal("498.75"),
    )
    (email,) = smtp.messages
    assert email["To"] == "marta.angstrom@example.se"
    text = email.get_body(("plain",)).get_content()
    assert "Totalt återbetalt: 498,75 SEK" in text
    assert [f.messages_with_warning for f in Feed.objects.order_by("pk")] == [0, 1]
