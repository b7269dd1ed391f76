"""Fixtures for the Selling Partner API: registered applications, access tokens, feeds, and a test
client that checks every response against the operation's OpenAPI schema."""

import datetime
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone
from ninja import NinjaAPI

from sellerdesk.accounts.credentials import access_token_grant, application_register
from sellerdesk.accounts.models import DeveloperApplication, Seller, User
from sellerdesk.api import quota
from sellerdesk.api.urls import spapi
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.services import feed_submit
from tests.api.ratelimits import Clock
from tests.factories import make_user

CANCELLATION_FILE = (
    "TemplateType=OrderCancellation\tVersion=1.0\n"
    "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Feed documents of each test in a directory of its own."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The usage plans' buckets read a clock that stands still until the test moves it."""
    stopped = Clock()
    monkeypatch.setattr(quota, "now_ms", stopped.read)
    return stopped


@dataclass(frozen=True)
class Credentials:
    application: DeveloperApplication
    client_id: str
    client_secret: str
    refresh_token: str


def register(
    seller: Seller, name: str = "Lagersystemet", created_by: User | None = None
) -> Credentials:
    """An application of the seller, created by `created_by` (a new user with View and edit
    everywhere unless told)."""
    application, client_secret, refresh_token = application_register(
        seller=seller, name=name, created_by=created_by or make_user(seller)
    )
    return Credentials(application, application.client_id, client_secret, refresh_token)


def access_token(credentials: Credentials) -> str:
    token, _ = access_token_grant(
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        refresh_token=credentials.refresh_token,
    )
    return token


@pytest.fixture
def credentials(seller: Seller) -> Credentials:
    return register(seller)


@pytest.fixture
def token(credentials: Credentials) -> str:
    return access_token(credentials)


@pytest.fixture
def other_token(other_seller: Seller) -> str:
    return access_token(register(other_seller, "Fjällsystemet"))


def make_feed(
    seller: Seller,
    *,
    feed_type: str = FeedType.ORDER_CANCELLATION_FILE,
    status: str = Feed.Status.IN_QUEUE,
    created_at: datetime.datetime | None = None,
    content: bytes = CANCELLATION_FILE.encode(),
) -> Feed:
    """A feed as the Feeds API makes one; status and time set directly, as processing would."""
    feed = feed_submit(
        seller=seller,
        feed_type=feed_type,
        chunks=[content],
        content_type="text/tab-separated-values; charset=UTF-8",
        filename="",
        source=Feed.Source.API,
    )
    changes: dict[str, Any] = {"processing_status": status}
    if created_at is not None:
        changes["created_at"] = created_at
    if status != Feed.Status.IN_QUEUE:
        changes["processing_start_time"] = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(**changes)
    feed.refresh_from_db()
    return feed


@functools.cache
def spapi_schema(section: NinjaAPI = spapi) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(json.dumps(section.get_openapi_schema()))
    return schema


def assert_documented(
    response: Any, *, method: str, template: str, section: NinjaAPI = spapi
) -> None:
    """The status is one the operation documents, and the body matches its schema."""
    schema = spapi_schema(section)
    operation = schema["paths"][template][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{method} {template} answered {response.status_code}, which its schema does not list"
    )
    if "content" not in documented:
        assert response.content == b""
        return
    body_schema = documented["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator({**body_schema, "components": schema["components"]}).validate(
        response.json()
    )


class SpApi:
    """The Django test client for /feeds/2021-06-30/... (or another section's paths), with the
    access token header."""

    def __init__(self, token: str | None, section: NinjaAPI = spapi):
        self.token = token
        self.section = section
        self.client = Client()

    def call(
        self,
        method: str,
        template: str,
        *,
        query: dict[str, Any] | None = None,
        body: object = None,
        headers: dict[str, str] | None = None,
        **path_params: str,
    ) -> Any:
        headers = dict(headers or {})
        if self.token is not None:
            headers["x-amz-access-token"] = self.token
        path = template.format(**path_params)
        if method == "GET":
            response = self.client.get(path, query or {}, headers=headers)
        else:
            response = self.client.generic(
                method,
                path,
                json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers=headers,
            )
        assert_documented(response, method=method, template=template, section=self.section)
        return response


@pytest.fixture
def sp(token: str) -> SpApi:
    return SpApi(token)
