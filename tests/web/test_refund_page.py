import re
from decimal import Decimal

from django.urls import reverse

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.refunds.models import Refund
from tests.factories import make_two_item_order, ship_item


def refund_url(order):
    return reverse("orders:refund", args=[order.amazon_order_id])


def test_refund_after_partial_shipment_cancels_and_refunds_the_rest(seller, seller_client):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)

    page = seller_client.get(reverse("orders:detail", args=[order.amazon_order_id]))
    assert refund_url(order) in page.content.decode()
    form = seller_client.get(refund_url(order)).content.decode()
    assert "300,00" in form and "75,00" in form  # what is left to refund, in Swedish
    response = seller_client.post(
        refund_url(order),
        {
            f"reason_{second.order_item_id}": "NoInventory",
            f"cancel_{second.order_item_id}": "1",
            f"principal_{second.order_item_id}": "300,00",
            f"tax_{second.order_item_id}": "75",
            f"reason_{first.order_item_id}": "CustomerReturn",
            "memo": "Leverantören har slutat",
        },
    )

    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.order_item, refund.amount, refund.quantity_cancelled) == (
        second,
        Decimal("375.00"),
        1,
    )
    order.refresh_from_db()
    assert order.status == "Shipped"
    detail = seller_client.get(reverse("orders:detail", args=[order.amazon_order_id]))
    assert "375,00 SEK" in detail.content.decode()


def test_over_refund_shows_the_error_and_changes_nothing(seller, seller_client):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)

    response = seller_client.post(
        refund_url(order),
        {
            f"reason_{first.order_item_id}": "CustomerReturn",
            f"shipping_{first.order_item_id}": "60",
        },
    )

    assert response.status_code == 422
    assert "49,00 SEK" in response.content.decode() or "49.00 SEK" in response.content.decode()
    assert not Refund.objects.exists()


def test_three_decimals_and_an_empty_form_are_refused(seller, seller_client):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)

    three = seller_client.post(
        refund_url(order),
        {
            f"reason_{first.order_item_id}": "CustomerReturn",
            f"principal_{first.order_item_id}": "1.005",
        },
    )
    empty = seller_client.post(
        refund_url(order), {f"reason_{first.order_item_id}": "CustomerReturn"}
    )

    assert three.status_code == 422 and empty.status_code == 422
    assert not Refund.objects.exists()


def test_an_uncharged_order_has_no_refund_button_and_explains_why(seller, seller_client):
    order, first, _second = make_two_item_order(seller)

    detail = seller_client.get(reverse("orders:detail", args=[order.amazon_order_id]))
    page = seller_client.get(refund_url(order))
    posted = seller_client.post(
        refund_url(order),
        {
            f"reason_{first.order_item_id}": "CustomerReturn",
            f"principal_{first.order_item_id}": "1",
        },
    )

    assert refund_url(order) not in detail.content.decode()
    assert page.status_code == 200
    assert posted.status_code == 422
    assert not Refund.objects.exists()


def test_another_sellers_order_is_not_found(seller, other_seller, seller_client):
    order, first, _second = make_two_item_order(other_seller)
    ship_item(order, first)

    assert seller_client.get(refund_url(order)).status_code == 404
    assert seller_client.post(refund_url(order), {}).status_code == 404


def left_in_row(form: str, item) -> list[str]:
    row = re.search(rf'<tr data-item="{item.order_item_id}">(.*?)</tr>', form, re.S)
    assert row is not None
    return re.findall(r'<div class="muted left">kvar ([^<]+)</div>', row.group(1))


def test_the_form_offers_what_was_charged_and_nothing_of_an_item_cancelled_before(
    seller, seller_client
):
    order, first, second = make_two_item_order(seller)
    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason="NoInventory",
        quantities={first.order_item_id: 1, second.order_item_id: None},
    )
    ship_item(order, first, 1)

    form = seller_client.get(refund_url(order)).content.decode()
    refused = seller_client.post(
        refund_url(order),
        {f"reason_{second.order_item_id}": "CustomerReturn", f"tax_{second.order_item_id}": "75"},
    )

    # Item price, item tax, shipping, shipping tax: the shipped unit's share, and nothing.
    assert left_in_row(form, first) == ["100,00", "25,00", "24,50", "6,12"]
    assert left_in_row(form, second) == ["0,00"] * 4
    assert refused.status_code == 422
    assert "mer än de 0.00 SEK som återstår" in refused.content.decode()
    assert not Refund.objects.exists()


def test_item_counts_read_in_the_singular_and_the_plural(seller, seller_client):
    order, first, _second = make_two_item_order(seller)  # 2 of the first item, 1 of the second
    ship_item(order, first, 1)

    refund = seller_client.get(refund_url(order)).content.decode()
    ship = seller_client.get(reverse("orders:ship", args=[order.amazon_order_id])).content.decode()

    assert ">1 skickad, 1 ej skickad</div>" in refund  # the first item
    assert ">0 skickade, 1 ej skickad</div>" in refund  # the second
    assert "(1 ej skickad)" in ship and "skickade)" not in ship


def test_the_reasons_offered_read_differently_in_swedish(seller, seller_client):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)

    form = seller_client.get(refund_url(order)).context["form"]

    labels = [str(label) for _code, label in form.fields[f"reason_{first.order_item_id}"].choices]
    assert "Inget lager" in labels and "Slut i lager" not in labels
    assert len({label.casefold() for label in labels}) == len(labels) == 17


def test_a_reason_not_offered_is_refused_and_nothing_is_refunded(seller, seller_client):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)
    events = order.events.count()

    response = seller_client.post(
        refund_url(order),
        {
            f"reason_{first.order_item_id}": "ProductOutofStock",
            f"principal_{first.order_item_id}": "10",
        },
    )

    assert response.status_code == 422
    assert "Välj ett giltigt alternativ." in response.content.decode()
    assert not Refund.objects.exists() and order.events.count() == events
