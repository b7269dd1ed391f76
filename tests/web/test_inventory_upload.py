"""The inventory file on Upload order files: its template, its report page and its ledger rows."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sellerdesk.catalog.models import Listing
from sellerdesk.feeds.models import Feed, FeedType
from tests.conftest import run_tasks
from tests.factories import make_listing, make_user

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "sku\tprice\tquantity\n"


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def upload(client, content: bytes, name: str = "lager.txt", validate_only: bool = False):
    data: dict[str, object] = {
        "file_type": "inventory",
        "file": SimpleUploadedFile(name, content, content_type="text/plain"),
    }
    if validate_only:
        data["validate_only"] = "on"
    return client.post(reverse("feeds:upload"), data)


def test_an_uploaded_inventory_file_sets_stock_and_its_report_names_skus(seller, english_client):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")

    response = upload(english_client, f"{HEADER}MUGG\t149\t3\nNOPE\t\t1\n".encode())
    run_tasks()

    feed = Feed.objects.get()
    assert feed.feed_type == FeedType.INVENTORY_FILE
    assert response["Location"] == reverse("feeds:detail", args=[feed.feed_id])
    page = english_client.get(response["Location"]).content.decode()
    assert "Price and quantity inventory file" in page
    assert "<th>Record</th><th>SKU</th><th>Result</th>" in page
    assert '<td>3</td><td class="sku">NOPE</td>' in page
    assert "No listing has the SKU NOPE." in page
    listing = Listing.objects.get(sku="MUGG")
    assert (listing.quantity, str(listing.price)) == (3, "149.00")
    ledger = english_client.get(reverse("inventory:ledger", args=["MUGG"])).content.decode()
    row = re.search(r'data-cause="inventory_file">(.*?)</tr>', ledger, re.S)
    assert row is not None
    assert "<td>Inventory file</td>" in row[1]
    assert f'File <a href="/files/{feed.feed_id}/">{feed.feed_id}</a>' in row[1]


def test_validate_only_changes_nothing(seller, english_client):
    make_listing(seller, sku="MUGG", quantity=10)

    upload(english_client, f"{HEADER}MUGG\t\t0\n".encode(), validate_only=True)
    run_tasks()

    feed = Feed.objects.get()
    assert (feed.dry_run, feed.processing_status, feed.messages_successful) == (True, "DONE", 1)
    assert Listing.objects.get(sku="MUGG").quantity == 10


def test_an_xml_file_is_refused_as_an_inventory_file(seller, english_client):
    response = upload(english_client, b'<?xml version="1.0"?><AmazonEnvelope/>', name="a.xml")

    assert response.status_code == 422
    assert (
        "This is an XML file; a price and quantity file is tab-delimited text or .xlsx."
        in response.content.decode()
    )
    assert not Feed.objects.exists()


def test_the_upload_page_offers_the_inventory_file_and_its_template(english_client):
    page = english_client.get(reverse("feeds:upload")).content.decode()
    template = english_client.get(reverse("feeds:template", args=["inventory"]))

    assert '<option value="inventory">Price and quantity (inventory)</option>' in page
    assert 'href="/files/upload/template/inventory/"' in page
    assert template.status_code == 200
    assert template["Content-Disposition"] == 'attachment; filename="Flat.File.PriceInventory.txt"'
    assert template.content.decode().endswith(HEADER)


def test_another_sellers_sku_is_not_found_and_untouched(seller, other_seller, english_client):
    make_listing(other_seller, sku="FJ-1", quantity=5, price="899.00")

    upload(english_client, f"{HEADER}FJ-1\t1\t0\n".encode())
    run_tasks()

    feed = Feed.objects.get()
    assert list(feed.results.values_list("sku", "message_code")) == [("FJ-1", 18027)]
    theirs = Listing.objects.get(sku="FJ-1")
    assert (theirs.quantity, str(theirs.price)) == (5, "899.00")
