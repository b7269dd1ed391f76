"""A seller cancels an order in the browser, in Swedish, and the buyer gets the email."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.accounts.models import User
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import OrderEvent
from tests.conftest import SmtpInbox, run_tasks
from tests.factories import PASSWORD, make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser

# The README's screenshots are refreshed on request (make screenshots); other runs keep theirs
# under var/ so that a test run leaves the working tree as it was.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else Path(settings.VAR_DIR) / "screenshots"
)
MEMO = "Fel pris <b>19,90 kr</b> i listningen & <script>alert(1)</script>"


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def sign_in(page: Page, user: User) -> None:
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)


def test_seller_cancels_an_order_and_the_buyer_is_emailed_in_swedish(
    page: Page, live_server: LiveServer, smtp: SmtpInbox
) -> None:
    # Given a Swedish-speaking seller with several orders, one of them for Märta Ångström
    seller = make_seller()
    user = make_user(seller, language="sv", username="kassa")
    listing = make_listing(seller, sku="MUGG-STENGODS", quantity=10)
    for buyer_name in ("Erik Lund", "Karin Nilsson", "Olof Björk"):
        make_order(seller, (listing, 1), buyer_name=buyer_name)
    order = make_order(seller, (listing, 2), buyer_name="Märta Ångström")
    order_id = order.amazon_order_id
    subject = f"Din beställning {order_id} från {seller.name} har annullerats"

    # When the seller signs in through the login form
    sign_in(page, user)
    screenshot(page, "1-login.png")
    page.get_by_role("button", name="Logga in").click()

    # Then Manage Orders lists every order
    expect(page).to_have_url(f"{live_server.url}/orders/")
    expect(page.get_by_role("heading", name="Hantera beställningar")).to_be_visible()
    expect(page.locator("table.orders tbody tr")).to_have_count(4)

    # When the seller searches for the order by its ID
    page.get_by_role("searchbox", name="Sök").fill(order_id)
    page.get_by_role("button", name="Använd filter").click()

    # Then only that order's row is shown
    rows = page.locator("table.orders tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_have_attribute("data-order-id", order_id)
    expect(row).to_contain_text("Märta Ångström")
    expect(row.locator(".status")).to_have_text("Ej skickad")
    screenshot(page, "2-manage-orders.png")

    # When the seller cancels it from the Action column for a pricing error, with a memo
    expect(page.locator("table.orders thead th").last).to_have_text("Åtgärd")
    action_cell = row.get_by_role("cell").last
    action_cell.get_by_role("link", name="Annullera beställning").click()
    expect(page).to_have_url(f"{live_server.url}/orders/{order_id}/cancel/")
    expect(page.get_by_role("heading", name="Annullera beställning")).to_be_visible()
    page.get_by_label("Orsak till annullering").select_option(label="Prissättningsfel")
    page.get_by_label("Säljaranteckning").fill(MEMO)
    screenshot(page, "3-cancel-order.png")
    page.get_by_role("button", name="Bekräfta annullering").click()

    # Then the order page says so, and shows the memo as text, not as markup
    expect(page).to_have_url(f"{live_server.url}/orders/{order_id}/")
    expect(page.get_by_role("status")).to_have_text(f"Beställning {order_id} har annullerats.")
    expect(page.locator(".summary .status")).to_have_text("Annullerad")
    cancelled = page.locator("li.event-cancelled")
    expect(cancelled.locator(".reason")).to_have_text("Prissättningsfel")
    expect(cancelled.locator(".memo span")).to_have_text(MEMO)
    expect(cancelled.locator(".memo b, .memo script")).to_have_count(0)
    expect(cancelled).to_contain_text(f"E-post till köparen: {subject} (I kö)")

    # And the order is cancelled in the database, with who, why and the memo
    order.refresh_from_db()
    assert order.status == "Canceled"
    assert list(order.items.values_list("quantity_cancelled", flat=True)) == [2]
    event = order.events.get(kind=OrderEvent.Kind.CANCELLED)
    assert (event.actor, event.source, event.reason, event.memo) == (
        user,
        "web",
        "PricingError",
        MEMO,
    )
    assert smtp.messages == []

    # When the worker runs the queued tasks and the seller reloads the page
    run_tasks()
    page.reload()

    # Then the buyer got exactly one email, in Swedish, through the SMTP server
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert (message["To"], message["Subject"]) == (order.buyer_email, subject)
    received_text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    received_html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Hej Märta Ångström," in received_text
    assert "Varan var listad till ett felaktigt pris." in received_text
    assert "Fel pris" not in received_text and "Fel pris" not in received_html
    email = OutboundEmail.objects.get(order=order)
    assert (email.status, email.attempts, email.event_id) == ("sent", 1, event.pk)

    # And the timeline shows the email event, linking to the email
    sent = page.locator("li.event-email_sent")
    expect(sent).to_have_count(1)
    expect(sent.locator("strong")).to_have_text("E-post skickad till köparen")
    expect(sent).to_contain_text(f"{subject} → {order.buyer_email}")
    expect(cancelled).to_contain_text(f"E-post till köparen: {subject} (Skickat)")
    screenshot(page, "4-order-timeline.png")

    # When the seller opens the email from the timeline
    sent.get_by_role("link", name=subject).click()

    # Then the page shows the subject and the body exactly as the buyer received it
    expect(page).to_have_url(f"{live_server.url}/orders/{order_id}/emails/{email.pk}/")
    expect(page.get_by_role("heading", name="E-post till köparen")).to_be_visible()
    expect(page.locator(".email-subject")).to_have_text(subject)
    plain = page.locator("pre.email-text")
    expect(plain).to_contain_text("Hej Märta Ångström,")
    assert plain.text_content() == received_text.replace("\r\n", "\n")
    frame = page.frame_locator("iframe.email-frame")
    expect(frame.locator("body")).to_contain_text("Hej Märta Ångström,")
    expect(frame.locator("body")).to_contain_text("Varan var listad till ett felaktigt pris.")
    expect(frame.locator("strong").first).to_have_text(order_id)
    assert email.body_html.replace("\r\n", "\n") == received_html.replace("\r\n", "\n")
    screenshot(page, "5-buyer-email.png")


def test_cancel_without_a_reason_is_refused_and_the_order_stays_unshipped(
    page: Page, live_server: LiveServer
) -> None:
    # Given a signed-in Swedish seller on the cancel page of an unshipped order
    seller = make_seller()
    user = make_user(seller, language="sv")
    order = make_order(seller)
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")
    page.goto(f"/orders/{order.amazon_order_id}/cancel/")

    # When the seller submits the form without choosing a reason
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Bekräfta annullering").click()

    # Then the form is shown again with the Swedish error, and nothing changed
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_have_text("Välj en orsak till annulleringen.")
    expect(page.locator(".summary .status")).to_have_text("Ej skickad")
    order.refresh_from_db()
    assert order.status == "Unshipped"
    assert not order.events.filter(kind=OrderEvent.Kind.CANCELLED).exists()
    assert not OutboundEmail.objects.filter(order=order).exists()
    assert list(order.items.values_list("quantity_cancelled", flat=True)) == [0]
