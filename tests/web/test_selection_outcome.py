"""A selection's cancellation reports the numbers its confirmation announced, in the same
categories: cancelled, skipped by status, and changed since the confirmation."""

import re

import pytest
from django.urls import reverse

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.feeds.models import Feed
from sellerdesk.feeds.selections import selection_outcome
from sellerdesk.orders.models import Order
from sellerdesk.orders.services import order_confirm_shipment
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order

pytestmark = pytest.mark.django_db(transaction=True)


def summary_of(page: str) -> dict[str, str]:
    """A page's summary list as term -> value."""
    terms = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    return {term.strip(): re.sub(r"<.*?>", "", value).strip() for term, value in terms}


def confirm_page(client, order_ids):
    response = client.post(reverse("orders:cancel_selected"), {"order": order_ids})
    assert response.status_code == 200
    return response.content.decode()


def submit(client, order_ids, page):
    announced = re.search(r'name="announced" value="([^"]*)"', page)
    assert announced
    return client.post(
        reverse("orders:cancel_selected"),
        {
            "order": order_ids,
            "confirm": "1",
            "reason": "PricingError",
            "announced": announced.group(1),
        },
    )


def selection_of(seller, *, unshipped: int, pending: int, cancelled: int) -> list[Order]:
    listing = make_listing(seller, quantity=100)
    orders = [make_order(seller, (listing, 1)) for _ in range(unshipped + cancelled)]
    for order in orders[unshipped:]:
        order_cancel(
            seller=seller, amazon_order_id=order.amazon_order_id, actor=None, reason="PricingError"
        )
    orders += [make_order(seller, (listing, 1), payment_authorized=False) for _ in range(pending)]
    return orders


def test_the_result_reports_the_confirmations_categories_and_counts(seller, seller_client):
    selected = [
        o.amazon_order_id for o in selection_of(seller, unshipped=2, pending=5, cancelled=1)
    ]

    page = confirm_page(seller_client, selected)
    done = submit(seller_client, selected, page)
    run_tasks()

    announced = summary_of(page)
    assert (announced["Annulleras"], announced["Hoppas över: Väntande"]) == ("2", "5")
    assert announced["Hoppas över: Annullerad"] == "1"
    result = summary_of(seller_client.get(done["Location"]).content.decode())
    assert result["Status"] == "Klar"
    assert result["Annullerades"] == "2"
    assert result["Hoppas över: Väntande"] == "5"
    assert result["Hoppas över: Annullerad"] == "1"
    assert result["Ändrade sedan bekräftelsen"] == "0"
    assert "Fel" not in result and "Lyckade" not in result
    assert Order.objects.filter(status="Canceled").count() == 3
    assert Order.objects.filter(status="Pending").count() == 5
    feed = Feed.objects.get()
    assert (feed.messages_processed, feed.messages_with_error, feed.messages_with_warning) == (
        2,
        0,
        0,
    )


def test_an_order_that_ships_before_the_job_runs_is_reported_as_changed(seller, seller_client):
    orders = selection_of(seller, unshipped=3, pending=0, cancelled=0)
    selected = [o.amazon_order_id for o in orders]
    page = confirm_page(seller_client, selected)
    done = submit(seller_client, selected, page)

    order_confirm_shipment(
        seller=seller,
        amazon_order_id=orders[1].amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
    )
    run_tasks()

    result_page = seller_client.get(done["Location"]).content.decode()
    result = summary_of(result_page)
    assert (result["Annullerades"], result["Ändrade sedan bekräftelsen"]) == ("2", "1")
    assert "<h2>Ändrade sedan bekräftelsen</h2>" in result_page
    rows = re.findall(r'<tr class="result-error">(.*?)</tr>', result_page, re.S)
    assert len(rows) == 1
    order_url = reverse("orders:detail", args=[orders[1].amazon_order_id])
    assert f'<a href="{order_url}">' in rows[0] and "18010" in rows[0]
    assert Order.objects.get(pk=orders[1].pk).status == "Shipped"


def test_a_selection_that_changed_since_the_confirmation_is_not_started(seller, seller_client):
    orders = selection_of(seller, unshipped=2, pending=0, cancelled=0)
    selected = [o.amazon_order_id for o in orders]
    page = confirm_page(seller_client, selected)
    order_cancel(
        seller=seller,
        amazon_order_id=orders[0].amazon_order_id,
        actor=None,
        reason="NoInventory",
    )

    response = submit(seller_client, selected, page)

    assert response.status_code == 422
    again = response.content.decode()
    assert "De valda beställningarna har ändrats sedan sidan visades" in again
    assert summary_of(again)["Annulleras"] == "1"
    assert summary_of(again)["Hoppas över: Annullerad"] == "1"
    assert not Feed.objects.exists()
    assert Order.objects.get(pk=orders[1].pk).status == "Unshipped"


def test_a_confirmation_without_its_announced_counts_starts_nothing(seller, seller_client):
    (order,) = selection_of(seller, unshipped=1, pending=0, cancelled=0)

    response = seller_client.post(
        reverse("orders:cancel_selected"),
        {"order": [order.amazon_order_id], "confirm": "1", "reason": "PricingError"},
    )

    assert response.status_code == 422
    assert not Feed.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "Unshipped"


def test_a_selection_confirmed_before_counts_were_recorded_keeps_the_feed_counts(
    seller, seller_client
):
    (order,) = selection_of(seller, unshipped=1, pending=0, cancelled=0)
    page = confirm_page(seller_client, [order.amazon_order_id])
    submit(seller_client, [order.amazon_order_id], page)
    feed = Feed.objects.get()
    Feed.objects.filter(pk=feed.pk).update(options={"reason": "PricingError", "memo": ""})
    run_tasks()
    feed.refresh_from_db()

    assert selection_outcome(feed) is None
    result = summary_of(
        seller_client.get(reverse("feeds:detail", args=[feed.feed_id])).content.decode()
    )
    assert (result["Bearbetade"], result["Lyckade"], result["Fel"]) == ("1", "1", "0")
