"""The 404, 403 and 500 pages: in the site's frame and in the user's language."""

from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

from tests.factories import make_user


def test_a_missing_page_is_the_sites_404_in_swedish(seller, seller_client):
    response = seller_client.get("/no-such-page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Sidan hittades inte</h1>" in body
    assert 'class="topbar"' in body
    assert 'href="/orders/">Hantera beställningar</a>' in body
    assert "Not Found" not in body


def test_a_missing_page_is_in_english_for_an_english_user(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_a_forbidden_page_is_the_sites_403(db):
    operator = make_user(None, language="sv")
    client = Client()
    client.force_login(operator)

    response = client.get("/orders/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Åtkomst nekad</h1>" in body
    assert 'class="topbar"' in body


def test_the_500_page_renders_without_context_or_database(settings):
    # Django's handler500 renders 500.html with no context at all: no request, no user. The
    # test has no database: any query would fail it.
    settings.DEBUG = False
    handler = get_resolver().resolve_error_handler(500)
    request = RequestFactory().get("/orders/")

    with translation.override("sv"):
        response = handler(request)

    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in body
    assert 'class="topbar"' in body
    assert "/static/web/app.css" in body


def test_a_view_that_fails_answers_with_the_sites_500(settings, seller_client, monkeypatch):
    settings.DEBUG = False
    seller_client.raise_request_exception = False

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("sellerdesk.web.views.order_list", fail)
    response = seller_client.get("/orders/")

    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in response.content.decode()
