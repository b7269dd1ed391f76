"""What every page shares, in the browser: the error pages in the site's frame, the skip link
and the language selector."""

import pytest
from playwright.sync_api import Page, Request, Route, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_seller, make_user

pytestmark = pytest.mark.browser


def signed_in(page: Page, live_server: LiveServer) -> None:
    user = make_user(make_seller(), language="sv", username="ramen")
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")


def test_a_missing_page_is_the_sites_404_in_swedish(page: Page, live_server: LiveServer) -> None:
    # Given a Swedish-speaking seller, signed in
    signed_in(page, live_server)

    # When the seller opens an address where there is no page
    response = page.goto("/orders/finns-inte/alls/")

    # Then the answer is a 404 in Swedish, with the site's header and its menu
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Sidan hittades inte")
    expect(page).to_have_title("Sidan hittades inte · Seller Desk")
    expect(page.locator("header.topbar nav a", has_text="Hantera beställningar")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Not Found")
    screenshot(page, "12-not-found.png")

    # And its link leads back to Manage Orders
    page.get_by_role("link", name="Tillbaka till Hantera beställningar").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")


def test_a_page_the_user_may_not_open_is_the_sites_403_in_swedish(
    page: Page, live_server: LiveServer
) -> None:
    # Given the marketplace operator, who is no seller's staff, signed in in Swedish
    sign_in(page, make_user(None, language="sv", username="operatoren"))
    page.get_by_role("button", name="Logga in").click()

    # When the operator opens Manage Orders
    response = page.goto("/orders/")

    # Then the answer is a 403 in Swedish, in the site's frame
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Åtkomst nekad")
    expect(page.locator("main")).to_contain_text("Du har inte behörighet att öppna den här sidan.")
    expect(page.locator("header.topbar")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Forbidden")
    screenshot(page, "13-forbidden.png")


def test_a_view_that_fails_is_the_sites_500_in_swedish(
    page: Page, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a signed-in seller, and Manage Orders failing in the live server (it runs in this
    # process, so the failure is the real view raising, answered by Django's handler500)
    signed_in(page, live_server)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the order list failed")

    monkeypatch.setattr("sellerdesk.web.views.order_list", fail)

    # When the seller opens it
    response = page.goto("/orders/")

    # Then the answer is the site's 500 page, in Swedish and in its frame, with no trace
    assert response is not None and response.status == 500
    expect(page.locator("h1")).to_have_text("Något gick fel")
    expect(page.locator("header.topbar")).to_be_visible()
    body = page.locator("body")
    expect(body).not_to_contain_text("Server Error")
    expect(body).not_to_contain_text("the order list failed")
    expect(body).not_to_contain_text("Traceback")
    screenshot(page, "14-server-error.png")


def test_api_docs_work_without_internet(page: Page, live_server: LiveServer) -> None:
    # Given a browser that can reach the site and nothing else
    outside: list[str] = []

    def only_the_site(route: Route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_site)

    # When it opens the API documentation
    page.goto("/api/docs")

    # Then Swagger UI shows the API, and nothing was asked of another host
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Seller Desk API")
    assert outside == []

    # And the site's icon is there for the browser's own request
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")


def test_the_keyboard_reaches_the_skip_link_first_and_it_moves_to_the_content(
    page: Page, live_server: LiveServer
) -> None:
    # Given a Swedish-speaking seller on Manage Orders
    signed_in(page, live_server)

    # When the seller presses Tab once from the top of the page
    page.keyboard.press("Tab")

    # Then the focus is on the skip link, which is now visible
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    # When the seller follows it
    page.keyboard.press("Enter")

    # Then the main content has the focus, and the next Tab lands inside it, past the header
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.evaluate("document.activeElement.closest('header') === null")


def test_changing_the_language_select_alone_does_not_navigate(
    page: Page, live_server: LiveServer
) -> None:
    # Given a Swedish-speaking seller on Manage Orders
    signed_in(page, live_server)
    requests: list[str] = []

    def sent(request: Request) -> None:
        # The browser may fetch the favicon on its own: only navigations and submissions count
        if request.is_navigation_request() or request.method != "GET":
            requests.append(f"{request.method} {request.url}")

    page.on("request", sent)

    # When the seller picks English in the language selector, by keyboard
    language = page.get_by_label("Språk")
    language.focus()
    page.keyboard.press("ArrowDown")

    # Then nothing is sent and the page stays Swedish
    expect(language).to_have_value("en")
    page.wait_for_timeout(300)
    assert requests == []
    expect(page.locator("h1")).to_have_text("Hantera beställningar")

    # When the seller then presses the button next to it
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Byt")).to_be_focused()
    page.keyboard.press("Enter")

    # Then the page comes back in English, on the same address
    expect(page.locator("h1")).to_have_text("Manage Orders")
    expect(page).to_have_url(f"{live_server.url}/orders/")
