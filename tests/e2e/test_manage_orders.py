"""Manage Orders in the browser, in Swedish, as a laptop (1024 px) and a phone (390 px) show it:
the table fits, the tabs count, late orders stand out, sorting and paging both ways work, and
the header's menu opens and closes."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.accounts.models import Seller
from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.catalog.services import listing_create
from sellerdesk.orders.models import Order
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_order, make_seller, make_user, ship_item

pytestmark = pytest.mark.browser

LONG_TITLE = "Handvävd ullfilt i naturvit, 130 × 170 cm, från Jämtland"


def viewport_page(browser: Browser, live_server: LiveServer, width: int, **options: object) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        **options,  # type: ignore[arg-type]
    )
    return context.new_page()


@pytest.fixture
def laptop(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    page = viewport_page(browser, live_server, 1024)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    page = viewport_page(browser, live_server, 390)
    yield page
    page.context.close()


def signed_in(page: Page, live_server: LiveServer, seller: Seller) -> None:
    sign_in(page, make_user(seller, language="sv"))
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")


def dated(order: Order, *, purchased_days_ago: float, ship_by_days_ago: float) -> Order:
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(
        purchase_date=now - datetime.timedelta(days=purchased_days_ago),
        latest_ship_date=now - datetime.timedelta(days=ship_by_days_ago),
    )
    order.refresh_from_db()
    return order


def shop(seller: Seller) -> tuple[Order, Order, Order]:
    """Three orders of two long-titled items: one shipped, one late (ship-by date 40 days ago)
    whose buyer asked to cancel it, one partially shipped and due in two days."""
    mats = listing_create(
        seller_id=seller.pk,
        sku="NH-ULLFILT-NATURVIT-130",
        title=LONG_TITLE,
        price=Decimal("1299.00"),
        quantity=50,
    )
    mugs = listing_create(
        seller_id=seller.pk,
        sku="NH-KOPP-STENGODS-4PACK",
        title="Kaffekopp i stengods, 4-pack, mörkblå glasyr",
        price=Decimal("349.00"),
        quantity=50,
    )
    shipped = make_order(seller, (mats, 1), (mugs, 2), buyer_name="Karl-Johan Österberg")
    ship_item(shipped, shipped.items.get(listing=mats))
    ship_item(shipped, shipped.items.get(listing=mugs))
    late = make_order(seller, (mats, 8), (mugs, 1), buyer_name="Märta Ångström-Lindqvist")
    order_buyer_cancel_request(amazon_order_id=late.amazon_order_id, reason="Hittade billigare")
    partial = make_order(seller, (mats, 1), (mugs, 1), buyer_name="Åsa Öberg")
    ship_item(partial, partial.items.get(listing=mats))
    return (
        dated(shipped, purchased_days_ago=3, ship_by_days_ago=1),
        dated(late, purchased_days_ago=42, ship_by_days_ago=40),
        dated(partial, purchased_days_ago=1, ship_by_days_ago=-2),
    )


def row_ids(page: Page) -> list[str]:
    rows = page.locator("table.orders tbody tr[data-order-id]")
    return [rows.nth(index).get_attribute("data-order-id") or "" for index in range(rows.count())]


def lines(locator: Locator) -> int:
    """How many lines the element's text takes on screen."""
    return int(
        locator.evaluate(
            """element => {
                const range = document.createRange();
                range.selectNodeContents(element);
                return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
            }"""
        )
    )


def test_manage_orders_fits_a_1024_px_screen_with_counts_and_the_late_flag(
    laptop: Page, live_server: LiveServer
) -> None:
    # Given a seller with a shipped, a late and a partially shipped order of long-titled items
    seller = make_seller()
    shipped, late, partial = shop(seller)

    # When the seller opens Manage Orders on a 1024 px wide screen
    signed_in(laptop, live_server, seller)
    screenshot(laptop, "manage-orders-1024.png")

    # Then the whole table fits on the screen, the Action column included
    widths = laptop.locator("table.orders").evaluate(
        "table => [table.scrollWidth, table.parentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert laptop.evaluate("document.documentElement.scrollWidth") <= 1024
    action = laptop.locator("table.orders thead th").last
    expect(action).to_have_text("Åtgärd")
    box = action.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1024
    expect(laptop.get_by_role("link", name="Annullera beställning")).to_be_in_viewport()

    # And no tab, column heading or button breaks onto a second line
    for tab in laptop.locator("nav.tabs a").all():
        assert lines(tab) == 1, tab.inner_text()
    for heading in laptop.locator("table.orders thead th").all():
        assert lines(heading) <= 1, heading.inner_text()
    for button in laptop.locator(".row-actions .button").all():
        assert lines(button) == 1, button.inner_text()

    # And the status tabs count the orders in each
    tabs = laptop.locator("nav.tabs a")
    expect(tabs.filter(has_text="Alla")).to_have_text("Alla (3)")
    expect(tabs.filter(has_text="Ej skickade")).to_have_text("Ej skickade (1)")
    expect(tabs.filter(has_text="Delvis skickade")).to_have_text("Delvis skickade (1)")
    expect(tabs.filter(has_text="Skickade").last).to_have_text("Skickade (1)")
    expect(tabs.filter(has_text="Annullerade")).to_have_text("Annullerade (0)")
    expect(tabs.filter(has_text="Sen leverans")).to_have_text("Sen leverans (1)")

    # And only the order whose ship-by date has passed is flagged late
    expect(laptop.locator(f'tr[data-order-id="{late.amazon_order_id}"] .late')).to_have_text(
        "Sen leverans"
    )
    expect(laptop.locator("table.orders tbody .late")).to_have_count(1)

    # When the seller opens the late tab
    tabs.filter(has_text="Sen leverans").click()

    # Then only the late order is listed
    assert row_ids(laptop) == [late.amazon_order_id]
    expect(laptop.get_by_role("checkbox", name="Sen leverans")).to_be_checked()

    # When the seller sorts all orders by ship-by date, soonest first, from its heading
    laptop.locator("nav.tabs a", has_text="Alla").click()
    laptop.get_by_role("link", name="Skicka senast").click()

    # Then the late order comes first and the partially shipped one, due in two days, last
    assert row_ids(laptop) == [o.amazon_order_id for o in (late, shipped, partial)]
    expect(laptop.locator('th[aria-sort="ascending"]')).to_have_text("Skicka senast")

    # And a second click reverses it, and the sort is kept when a tab is chosen
    laptop.get_by_role("link", name="Skicka senast").click()
    assert row_ids(laptop) == [o.amazon_order_id for o in (partial, shipped, late)]
    laptop.locator("nav.tabs a", has_text="Ej skickade").click()
    expect(laptop.locator('th[aria-sort="descending"]')).to_have_text("Skicka senast")
    screenshot(laptop, "manage-orders-sorted-1024.png")


def test_the_seller_pages_forwards_and_back(laptop: Page, live_server: LiveServer) -> None:
    # Given a seller with 53 orders, 50 to a page
    seller = make_seller()
    listing = listing_create(
        seller_id=seller.pk, sku="NH-0001", title="Termos", price=Decimal("199"), quantity=100
    )
    orders = [make_order(seller, (listing, 1)) for _ in range(53)]
    newest_first = [o.amazon_order_id for o in sorted(orders, key=lambda o: -o.pk)]
    signed_in(laptop, live_server, seller)
    assert row_ids(laptop) == newest_first[:50]
    expect(laptop.get_by_role("link", name="Föregående sida")).to_have_count(0)

    # When the seller goes to the next page
    laptop.get_by_role("link", name="Nästa sida").click()

    # Then the last three orders are listed, with links back
    assert row_ids(laptop) == newest_first[50:]
    expect(laptop.get_by_role("link", name="Första sidan")).to_be_visible()

    # When the seller goes to the previous page
    laptop.get_by_role("link", name="Föregående sida").click()

    # Then the first page is back, as it was
    assert row_ids(laptop) == newest_first[:50]
    expect(laptop.get_by_role("link", name="Föregående sida")).to_have_count(0)
    expect(laptop.get_by_role("link", name="Nästa sida")).to_be_visible()


def test_the_header_menu_opens_and_closes_on_a_phone(phone: Page, live_server: LiveServer) -> None:
    # Given a seller signed in on a 390 px wide phone
    seller = make_seller()
    shop(seller)
    signed_in(phone, live_server, seller)
    menu = phone.get_by_role("button", name="Meny")
    inventory = phone.locator("header").get_by_role("link", name="Lager")

    # Then the menu is closed, and the page is no wider than the screen
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(inventory).to_be_hidden()
    screenshot(phone, "manage-orders-390.png")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # When the seller opens the menu from the keyboard
    menu.focus()
    phone.keyboard.press("Enter")

    # Then every link of the menu is on the screen, and the next Tab reaches the first
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ("Hantera beställningar", "Ladda upp orderfiler", "Lager", "Kundstatistik"):
        link = phone.locator("header").get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, name
    screenshot(phone, "manage-orders-390-menu.png")
    phone.keyboard.press("Tab")
    expect(
        phone.locator("header").get_by_role("link", name="Hantera beställningar")
    ).to_be_focused()

    # When the seller presses Escape
    phone.keyboard.press("Escape")

    # Then the menu closes and the focus is back on its button
    expect(inventory).to_be_hidden()
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")

    # And a click opens it again, and follows a link
    menu.click()
    inventory.click()
    expect(phone).to_have_url(f"{live_server.url}/inventory/")


def test_without_javascript_the_menu_links_are_shown_on_a_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    # Given a phone whose browser runs no scripts
    page = viewport_page(browser, live_server, 390, java_script_enabled=False)
    try:
        signed_in(page, live_server, make_seller())

        # Then there is no menu button to press, and every link is on the screen
        expect(page.get_by_role("button", name="Meny")).to_have_count(0)
        for link in page.locator("header nav a").all():
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.context.close()
