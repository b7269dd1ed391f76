"""The favicon and the API documentation's assets: all served by the site itself."""

import re

from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_redirects_to_the_sites_icon(db):
    response = Client().get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/web/favicon.svg"
    icon = finders.find("web/favicon.svg")
    assert icon is not None
    with open(icon, encoding="utf-8") as svg:
        assert svg.read().startswith("<svg ")


def test_every_page_links_the_icon(db):
    body = Client().get("/login/").content.decode()

    assert '<link rel="icon" href="/static/web/favicon.svg" type="image/svg+xml">' in body


def test_api_docs_load_swagger_ui_from_the_site_itself(db):
    body = Client().get("/api/docs").content.decode()

    references = re.findall(r'(?:src|href)="([^"]*)"', body)
    assert "/static/ninja/swagger-ui-bundle.js" in references
    assert "/static/ninja/swagger-ui.css" in references
    # Nothing from another host: no scheme, no protocol-relative address.
    assert [ref for ref in references if "//" in ref] == []
    assert "cdn" not in body.lower()
    for ref in references:
        assert finders.find(ref.removeprefix("/static/")) is not None, ref
