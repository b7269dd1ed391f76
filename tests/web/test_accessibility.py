"""Accessibility of the shared frame and of Manage Orders: the skip link, a language selector
that only changes on submit, the buyer's reason in text, and muted text that can be read."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from tests.factories import make_order, make_user

APP_CSS = Path(__file__).resolve().parents[2] / "sellerdesk" / "web" / "static" / "web" / "app.css"


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def hex6(colour: str) -> str:
    colour = colour.lower()
    if len(colour) == 4:
        return "#" + "".join(c * 2 for c in colour[1:])
    return colour


def test_the_contrast_formula_matches_wcags_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_muted_text_reads_at_4_5_to_1_on_every_light_surface_of_the_stylesheet():
    css = APP_CSS.read_text(encoding="utf-8")
    muted = re.search(r"--muted:\s*(#[0-9a-fA-F]{6})", css)
    assert muted is not None
    surfaces = {
        hex6(colour)
        for colour in re.findall(r"(?:background|--bg):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css)
    }
    light = {colour for colour in surfaces if relative_luminance(colour) > 0.5}
    assert {"#ffffff", "#f6f7f9", "#f0f2f5"} <= light

    ratios = {colour: round(contrast(muted.group(1), colour), 2) for colour in light}

    assert min(ratios.values()) >= 4.5, ratios


def test_every_page_starts_with_a_skip_link_to_the_main_content(seller_client):
    body = seller_client.get(reverse("orders:manage")).content.decode()

    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body.split("<body>")[1])
    assert first_link is not None
    assert first_link.group(0) == '<a class="skip-link" href="#content">'
    assert "Hoppa till innehållet</a>" in body
    assert '<main id="content" tabindex="-1">' in body


def test_the_language_selector_changes_only_on_its_button(seller_client):
    body = seller_client.get(reverse("orders:manage")).content.decode()

    form = re.search(r'<form method="post" action="/language/".*?</form>', body, re.S)
    assert form is not None
    assert "onchange" not in form.group(0)
    assert '<button type="submit" class="language-submit">Byt</button>' in form.group(0)
    assert "<noscript>" not in form.group(0)


def test_the_language_form_still_switches_the_language(seller_user, seller_client):
    response = seller_client.post("/language/", {"language": "en", "next": "/orders/"})

    assert (response.status_code, response["Location"]) == (302, "/orders/")
    seller_user.refresh_from_db()
    assert seller_user.language == "en"
    assert "Manage Orders</a>" in seller_client.get("/orders/").content.decode()


def test_the_buyers_reason_shows_as_text_next_to_the_badge(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    asked = make_order(seller)
    order_buyer_cancel_request(amazon_order_id=asked.amazon_order_id, reason="Hittade <billigare>")

    html = client.get(reverse("orders:manage")).content.decode()

    row = re.search(rf'<tr data-order-id="{asked.amazon_order_id}">(.*?)</tr>', html, re.S)
    assert row is not None
    assert (
        '<div class="buyer-reason"><span class="sr-only">Buyer\'s reason: </span>'
        "<q>Hittade &lt;billigare&gt;</q></div>"
    ) in row.group(1)
