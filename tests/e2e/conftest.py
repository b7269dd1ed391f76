"""End-to-end fixtures: headless Chromium, driven by Playwright's sync API, against the live
server that pytest-django runs in a thread."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_CHROMIUM = (
    "Chromium not found at /usr/bin/chromium: browser tests skipped;"
    " install it with apt-get install chromium"
)


def chromium_executable() -> str | None:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session", autouse=True)
def _live_server_on_plain_http(request: pytest.FixtureRequest) -> None:
    """Start the live server with the redirect to https off. SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when the server builds its handler, so the per-test `settings`
    below come too late for it; the override ends as soon as the server is up."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        request.getfixturevalue("live_server")


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings: Settings) -> None:
    """The live server speaks http: cookies marked Secure would never come back. (The redirect
    is off too, for anything that reads it per request.)"""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module.

    Playwright's sync API keeps an event loop running in this thread, and Django refuses sync
    database calls from a thread with a running loop; the tests here make such calls while the
    browser is open, so DJANGO_ALLOW_ASYNC_UNSAFE (Django's documented escape hatch) is set for
    as long as Playwright runs, and no longer: set for the whole session it would also reach the
    subprocess of tests/test_deploy.py, whose `check --deploy` fails on it (async.E001)."""
    executable = chromium_executable()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "Chromium not found at /usr/bin/chromium nor on PATH, and CI=true: the browser"
                " tests must run in CI; install it with apt-get install chromium"
            )
        pytest.skip(MISSING_CHROMIUM)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser profile per test (no cookies), Swedish, at the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
