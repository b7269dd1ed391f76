import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.services import outbound_email_bodies
from sellerdesk.orders.models import Order
from tests.factories import make_listing, make_order, make_user


def test_pages_require_sign_in(seller):
    order = make_order(seller)
    client = Client()

    for url in [
        reverse("orders:manage"),
        reverse("orders:detail", args=[order.amazon_order_id]),
        reverse("orders:cancel", args=[order.amazon_order_id]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_manage_orders_shows_own_orders_with_actions(seller, other_seller, seller_client):
    listing = make_listing(seller, sku="MUG-1")
    unshipped = make_order(seller, (listing, 2), buyer_name="Åsa Öberg")
    pending = make_order(seller, payment_authorized=False)
    theirs = make_order(other_seller)

    response = seller_client.get(reverse("orders:manage"))

    html = response.content.decode()
    assert response.status_code == 200
    assert unshipped.amazon_order_id in html and pending.amazon_order_id in html
    assert theirs.amazon_order_id not in html
    assert "Åsa Öberg" in html and "MUG-1" in html
    cancel_url = reverse("orders:cancel", args=[unshipped.amazon_order_id])
    assert cancel_url in html
    assert reverse("orders:cancel", args=[pending.amazon_order_id]) not in html


def test_status_tab_and_search(seller, seller_client):
    kept = make_order(seller, buyer_name="Märta Holm")
    make_order(seller, payment_authorized=False, buyer_name="Olle Åberg")

    tab = seller_client.get(reverse("orders:manage"), {"status": "Unshipped"}).content.decode()
    search = seller_client.get(reverse("orders:manage"), {"q": "Holm"}).content.decode()

    assert re.findall(r'data-order-id="([^"]+)"', tab) == [kept.amazon_order_id]
    assert re.findall(r'data-order-id="([^"]+)"', search) == [kept.amazon_order_id]


def test_bad_filters_are_ignored_with_a_message(seller, seller_client):
    make_order(seller)

    response = seller_client.get(
        reverse("orders:manage"), {"date_from": "not-a-date", "cursor": "%%%", "status": "Bogus"}
    )

    assert response.status_code == 200
    assert "Några filter var ogiltiga och ignorerades." in response.content.decode()


def test_cancel_page_cancels_with_reason_and_memo(seller, seller_client, seller_user):
    order = make_order(seller)
    url = reverse("orders:cancel", args=[order.amazon_order_id])

    page = seller_client.get(url)
    response = seller_client.post(url, {"reason": "NoInventory", "memo": "<script>x</script>"})

    assert "Prissättningsfel" in page.content.decode()
    assert response.status_code == 302
    detail = seller_client.get(response["Location"]).content.decode()
    assert f"Beställning {order.amazon_order_id} har annullerats." in detail
    assert "Annullerad" in detail
    assert "&lt;script&gt;x&lt;/script&gt;" in detail and "<script>x" not in detail
    order.refresh_from_db()
    assert order.status == "Canceled"
    event = order.events.get(kind="cancelled")
    assert (event.actor, event.memo, event.source) == (seller_user, "<script>x</script>", "web")


def test_cancel_without_reason_shows_error_and_changes_nothing(seller, seller_client):
    order = make_order(seller)

    response = seller_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]), {"reason": "", "memo": "x"}
    )

    assert response.status_code == 422
    assert "Välj en orsak till annulleringen." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "Unshipped"
    assert not OutboundEmail.objects.exists()


def test_cancel_with_too_long_memo_is_refused(seller, seller_client):
    order = make_order(seller)

    response = seller_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]),
        {"reason": "PricingError", "memo": "x" * 501},
    )

    assert response.status_code == 422
    order.refresh_from_db()
    assert order.status == "Unshipped"


def test_cancelling_twice_says_it_is_already_cancelled(seller, seller_client):
    order = make_order(seller)
    url = reverse("orders:cancel", args=[order.amazon_order_id])
    seller_client.post(url, {"reason": "PricingError"})

    response = seller_client.post(url, {"reason": "PricingError"})

    assert response.status_code == 422
    assert (
        f"Beställning {order.amazon_order_id} är redan annullerad; inget ändrades."
        in response.content.decode()
    )
    assert order.events.filter(kind="cancelled").count() == 1


def test_a_shipped_order_cannot_be_cancelled_from_the_page(seller, seller_client):
    order = make_order(seller)
    seller_client.post(
        reverse("orders:ship", args=[order.amazon_order_id]),
        {
            "carrier": "PostNord",
            "tracking_number": "UA1SE",
            "ship_date": "2026-11-26",
            f"qty_{order.items.get().order_item_id}": "1",
        },
    )

    page = seller_client.get(reverse("orders:cancel", args=[order.amazon_order_id]))
    post = seller_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]), {"reason": "PricingError"}
    )

    assert "Beställningen är Skickad och kan inte annulleras." in page.content.decode()
    assert post.status_code == 422
    assert "har skickats och kan inte längre annulleras" in post.content.decode()
    order.refresh_from_db()
    assert order.status == "Shipped"


def test_confirm_shipment_page_ships_part_of_an_order(seller, seller_client):
    first, second = make_listing(seller), make_listing(seller)
    order = make_order(seller, (first, 1), (second, 1))
    item_one, item_two = order.items.order_by("pk")

    response = seller_client.post(
        reverse("orders:ship", args=[order.amazon_order_id]),
        {
            "carrier": "PostNord",
            "tracking_number": "UA1SE",
            "ship_date": "2026-11-26",
            f"qty_{item_one.order_item_id}": "1",
            f"qty_{item_two.order_item_id}": "0",
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "PartiallyShipped"


@pytest.mark.parametrize("name", ["detail", "cancel", "ship"])
def test_another_sellers_order_is_404_on_every_page(seller, other_seller, seller_client, name):
    theirs = make_order(other_seller)

    get = seller_client.get(reverse(f"orders:{name}", args=[theirs.amazon_order_id]))
    post = seller_client.post(
        reverse(f"orders:{name}", args=[theirs.amazon_order_id]), {"reason": "PricingError"}
    )

    assert (get.status_code, post.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.status == "Unshipped"


def test_another_sellers_email_is_404(seller, other_seller, seller_client):
    from sellerdesk.cancellations.services import order_cancel

    theirs = make_order(other_seller)
    order_cancel(
        seller=other_seller,
        amazon_order_id=theirs.amazon_order_id,
        actor=None,
        reason="PricingError",
    )
    email = OutboundEmail.objects.get()

    for name in ["orders:email", "orders:email_html"]:
        response = seller_client.get(reverse(name, args=[theirs.amazon_order_id, email.pk]))
        assert response.status_code == 404


def test_timeline_links_the_email_as_the_buyer_received_it(seller, seller_client):
    order = make_order(seller)
    seller_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]),
        {"reason": "PricingError", "memo": "intern"},
    )
    email = OutboundEmail.objects.get()

    detail = seller_client.get(reverse("orders:detail", args=[order.amazon_order_id]))
    page = seller_client.get(reverse("orders:email", args=[order.amazon_order_id, email.pk]))
    html = seller_client.get(reverse("orders:email_html", args=[order.amazon_order_id, email.pk]))

    assert (
        reverse("orders:email", args=[order.amazon_order_id, email.pk]) in detail.content.decode()
    )
    assert email.subject in page.content.decode()
    bodies = outbound_email_bodies(email)
    assert html.content.decode() == bodies.html
    assert "Säljaren kunde inte" not in bodies.html
    assert "Varan var listad till ett felaktigt pris." in bodies.html
    assert html["Content-Security-Policy"].startswith("sandbox")
    assert "intern" not in bodies.html and "intern" not in bodies.text


def test_forms_are_csrf_protected(seller, seller_user):
    order = make_order(seller)
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller_user)

    response = client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]), {"reason": "PricingError"}
    )

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "Unshipped"


def test_language_switch_is_per_user(seller, seller_client, seller_user):
    response = seller_client.post(reverse("set_language"), {"language": "en", "next": "/orders/"})
    english = seller_client.get(reverse("orders:manage")).content.decode()
    other = Client()
    other.force_login(make_user(seller))
    swedish = other.get(reverse("orders:manage")).content.decode()

    assert response["Location"] == "/orders/"
    seller_user.refresh_from_db()
    assert seller_user.language == "en"
    assert "<h1>Manage Orders</h1>" in english
    assert "<h1>Hantera beställningar</h1>" in swedish


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "foo", ""])
def test_language_switch_goes_only_to_a_path_of_this_site(seller_client, target):
    response = seller_client.post(reverse("set_language"), {"language": "sv", "next": target})

    assert (response.status_code, response["Location"]) == (302, "/")


def test_login_is_throttled_after_repeated_failures(seller_user, login_password):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": seller_user.username, "password": "wrong"})

    locked = client.post(
        reverse("login"), {"username": seller_user.username, "password": login_password}
    )

    assert locked.status_code == 429
    assert "För många försök" in locked.content.decode()


def test_login_with_the_right_password_lands_on_manage_orders(seller_user, login_password):
    client = Client()

    response = client.post(
        reverse("login"), {"username": seller_user.username, "password": login_password}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("orders:manage")


def test_operator_without_seller_is_forbidden_on_seller_pages(db):
    operator = make_user(None)
    client = Client()
    client.force_login(operator)

    assert client.get(reverse("orders:manage")).status_code == 403


def test_keyset_pagination_links(seller, seller_client):
    listing = make_listing(seller, quantity=100)
    for _ in range(55):
        make_order(seller, (listing, 1))

    first = seller_client.get(reverse("orders:manage")).content.decode()
    next_href = re.search(r'href="\?([^"]*cursor=[^"]+)" rel="next"', first)
    assert next_href is not None
    second = seller_client.get(
        reverse("orders:manage") + "?" + next_href.group(1).replace("&amp;", "&")
    )

    first_ids = re.findall(r'data-order-id="([^"]+)"', first)
    second_ids = re.findall(r'data-order-id="([^"]+)"', second.content.decode())
    assert (len(first_ids), len(second_ids)) == (50, 5)
    assert not set(first_ids) & set(second_ids)
    assert Order.objects.count() == 55


def test_cancel_items_cancels_only_the_chosen_quantities(seller, seller_client):
    mug, towel = make_listing(seller, sku="MUG-1"), make_listing(seller, sku="TOWEL-1")
    order = make_order(seller, (mug, 2), (towel, 1))
    mug_item, towel_item = order.items.order_by("pk")
    url = reverse("orders:cancel", args=[order.amazon_order_id])

    page = seller_client.get(url).content.decode()
    response = seller_client.post(
        url,
        {
            "scope": "items",
            "reason": "NoInventory",
            f"cancel_{mug_item.order_item_id}": "1",
            f"cancel_{towel_item.order_item_id}": "0",
        },
    )

    assert "Annullera hela beställningen" in page and "Annullera varor" in page
    assert response.status_code == 302
    order.refresh_from_db()
    mug_item.refresh_from_db()
    towel_item.refresh_from_db()
    assert (order.status, mug_item.quantity_cancelled, towel_item.quantity_cancelled) == (
        "Unshipped",
        1,
        0,
    )
    detail = seller_client.get(response["Location"]).content.decode()
    assert f"De valda varorna i beställning {order.amazon_order_id} har annullerats." in detail


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("0", "Välj minst en enhet att annullera."), ("3", "Kontrollera att detta värde")],
)
def test_cancel_items_refuses_no_units_or_too_many(seller, seller_client, quantity, message):
    order = make_order(seller, (make_listing(seller), 2))
    item = order.items.get()

    response = seller_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]),
        {"scope": "items", "reason": "PricingError", f"cancel_{item.order_item_id}": quantity},
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.quantity_cancelled == 0
    assert not OutboundEmail.objects.exists()


def test_a_username_longer_than_any_is_refused_before_authentication(db):
    response = Client().post(reverse("login"), {"username": "x" * 300, "password": "x" * 300})

    assert response.status_code == 200
    assert "150" in response.content.decode()  # the longest username there is
    assert not AccessAttempt.objects.exists()  # nothing tried, nothing for the throttle to record
