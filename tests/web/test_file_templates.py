"""The downloadable file templates, uploaded unchanged: a clear rejection, and no order, listing
or email touched."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sellerdesk.feeds.kinds import UPLOAD_CHOICES, upload_template
from sellerdesk.feeds.models import Feed
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import OrderEvent
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order

pytestmark = pytest.mark.django_db(transaction=True)
WITH_TEMPLATES = [choice.value for choice in UPLOAD_CHOICES if upload_template(choice.value)]


@pytest.mark.parametrize("choice", WITH_TEMPLATES)
def test_a_template_uploaded_unchanged_is_rejected_as_a_file_without_rows(
    seller, seller_client, choice
):
    listing = make_listing(seller, sku="MUGG-STENGODS", quantity=5)
    order = make_order(seller, (listing, 1))
    listing.refresh_from_db()
    stock = listing.quantity
    template = seller_client.get(reverse("feeds:template", args=[choice]))
    filename = template["Content-Disposition"].split('"')[1]

    response = seller_client.post(
        reverse("feeds:upload"),
        {"file_type": choice, "file": SimpleUploadedFile(filename, template.content)},
    )
    run_tasks()

    feed = Feed.objects.get()
    assert response["Location"] == reverse("feeds:detail", args=[feed.feed_id])
    assert feed.processing_status == "FATAL"
    page = seller_client.get(response["Location"])
    assert page.status_code == 200
    assert "The file has a header but no" in page.content.decode()
    order.refresh_from_db()
    listing.refresh_from_db()
    assert (order.status, listing.quantity) == ("Unshipped", stock)
    assert not OrderEvent.objects.exclude(kind="created").exists()
    assert not OutboundEmail.objects.exists()
