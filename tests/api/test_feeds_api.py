"""Feeds API 2021-06-30: every operation, its errors, and the seller scoping of every lookup.

Every response goes through SpApi.call, which checks it against the operation's OpenAPI schema."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core import signing
from django.utils import timezone

from sellerdesk.accounts.credentials import application_revoke
from sellerdesk.accounts.models import AccessToken
from sellerdesk.api.documents import DOWNLOAD_SALT, UPLOAD_SALT
from sellerdesk.api.urls import api, notificationsapi, ordersapi, reportsapi, spapi
from sellerdesk.feeds.models import Feed, FeedDocument, FeedType
from sellerdesk.feeds.services import (
    feed_document_create,
    feed_document_upload,
    feed_result_document_create,
)
from tests.api.conftest import SpApi, make_feed

DOCUMENTS = "/feeds/2021-06-30/documents"
DOCUMENT = "/feeds/2021-06-30/documents/{feedDocumentId}"
FEEDS = "/feeds/2021-06-30/feeds"
FEED = "/feeds/2021-06-30/feeds/{feedId}"
MARKETPLACE = "A2NODRKZP88ZB9"
FLAT = FeedType.ORDER_CANCELLATION_FILE.value
XML = FeedType.ORDER_ACKNOWLEDGEMENT.value
SCHEMA_SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi-spapi.json"
DENIED = {
    "errors": [
        {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "",
        }
    ]
}


def uploaded_document(seller, content: bytes = b"data") -> FeedDocument:
    document = feed_document_create(seller=seller, content_type="text/tab-separated-values")
    return feed_document_upload(document=document, chunks=[content])


def feed_spec(document: FeedDocument, **changes: object) -> dict[str, object]:
    return {
        "feedType": FLAT,
        "marketplaceIds": [MARKETPLACE],
        "inputFeedDocumentId": document.document_id,
    } | changes


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["code"]


def sp_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# Authorization


ALL_OPERATIONS = [
    ("POST", DOCUMENTS, {}),
    ("GET", DOCUMENT, {"feedDocumentId": "amzn1.tortuga.4.eu.x"}),
    ("POST", FEEDS, {}),
    ("GET", FEEDS, {}),
    ("GET", FEED, {"feedId": "50000000001"}),
    ("DELETE", FEED, {"feedId": "50000000001"}),
]


@pytest.mark.parametrize(("method", "template", "params"), ALL_OPERATIONS)
def test_every_operation_refuses_a_missing_token(db, method, template, params):
    response = SpApi(None).call(method, template, body={"contentType": "text/xml"}, **params)

    assert response.status_code == 403
    assert response.json() == DENIED


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda token: "Atza|unknown", id="unknown"),
        pytest.param(lambda token: token + "x", id="tampered"),
        pytest.param(lambda token: "", id="empty"),
    ],
)
def test_unknown_tokens_are_refused(seller, token, make_token):
    response = SpApi(make_token(token)).call("POST", DOCUMENTS, body={"contentType": "text/xml"})

    assert response.status_code == 403
    assert response.json() == DENIED
    assert not FeedDocument.objects.exists()


def test_an_expired_token_is_refused(seller, token):
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = SpApi(token).call("POST", DOCUMENTS, body={"contentType": "text/xml"})

    assert response.status_code == 403
    assert response.json() == DENIED
    assert not FeedDocument.objects.exists()


def test_a_revoked_applications_token_is_refused(seller, credentials, token):
    application_revoke(seller=seller, application_id=credentials.application.pk)

    response = SpApi(token).call("POST", DOCUMENTS, body={"contentType": "text/xml"})

    assert response.status_code == 403
    assert response.json() == DENIED
    assert not FeedDocument.objects.exists()


def test_refresh_token_is_not_an_access_token(seller, credentials):
    response = SpApi(credentials.refresh_token).call(
        "POST", DOCUMENTS, body={"contentType": "text/xml"}
    )

    assert response.status_code == 403


# createFeedDocument


def test_create_feed_document_returns_an_upload_url(seller, sp):
    response = sp.call("POST", DOCUMENTS, body={"contentType": "text/xml; charset=UTF-8"})

    assert response.status_code == 201
    body = response.json()
    document = FeedDocument.objects.get()
    assert body.keys() == {"feedDocumentId", "url"}
    assert body["feedDocumentId"] == document.document_id
    assert document.document_id.startswith("amzn1.tortuga.4.eu.")
    prefix = "http://testserver/feeds/documents/upload/"
    assert body["url"].startswith(prefix)
    signed = body["url"].removeprefix(prefix)
    assert signing.TimestampSigner(salt=UPLOAD_SALT).unsign(signed) == document.document_id
    assert (document.seller, document.purpose, document.content_type, document.uploaded_at) == (
        seller,
        FeedDocument.Purpose.INPUT,
        "text/xml; charset=UTF-8",
        None,
    )


def test_create_feed_document_ignores_fields_it_does_not_know(seller, sp):
    # python-amazon-sp-api sends marketplace ids, and its own "path", along with contentType.
    response = sp.call(
        "POST",
        DOCUMENTS,
        body={"contentType": "text/tsv", "marketplaceIds": [MARKETPLACE], "path": DOCUMENTS},
    )

    assert response.status_code == 201


@pytest.mark.parametrize("body", [{}, {"contentType": ""}, {"contentType": "x" * 201}])
def test_create_feed_document_needs_a_content_type(seller, sp, body):
    response = sp.call("POST", DOCUMENTS, body=body)

    assert error(response) == (400, "InvalidInput")
    assert not FeedDocument.objects.exists()


# createFeed


def test_create_feed_queues_the_feed(seller, sp):
    document = uploaded_document(seller)

    response = sp.call("POST", FEEDS, body=feed_spec(document))

    assert response.status_code == 202
    feed = Feed.objects.get()
    assert response.json() == {"feedId": feed.feed_id}
    assert (
        feed.seller,
        feed.feed_type,
        feed.marketplace_ids,
        feed.input_document,
        feed.processing_status,
        feed.source,
        feed.dry_run,
    ) == (seller, FLAT, [MARKETPLACE], document, "IN_QUEUE", "api", False)


def test_create_feed_with_the_dry_run_option(seller, sp):
    document = uploaded_document(seller)

    response = sp.call(
        "POST", FEEDS, body=feed_spec(document, feedOptions={"dryRun": "true"}, feedType=XML)
    )

    assert response.status_code == 202
    assert Feed.objects.values_list("feed_type", "dry_run").get() == (XML, True)


def test_create_feed_errors(seller, other_seller, sp):
    document = uploaded_document(seller)
    empty = feed_document_create(seller=seller, content_type="text/xml")
    theirs = uploaded_document(other_seller)

    cases = {
        "unsupported_type": sp.call(
            "POST", FEEDS, body=feed_spec(document, feedType="POST_PRODUCT_DATA")
        ),
        "other_marketplace": sp.call(
            "POST", FEEDS, body=feed_spec(document, marketplaceIds=["ATVPDKIKX0DER"])
        ),
        "no_marketplace": sp.call("POST", FEEDS, body=feed_spec(document, marketplaceIds=[])),
        "not_uploaded": sp.call("POST", FEEDS, body=feed_spec(empty)),
        "theirs": sp.call("POST", FEEDS, body=feed_spec(theirs)),
        "missing": sp.call(
            "POST", FEEDS, body=feed_spec(document, inputFeedDocumentId="amzn1.tortuga.4.eu.x")
        ),
        "dry_run": sp.call(
            "POST", FEEDS, body=feed_spec(document, feedOptions={"dryRun": "maybe"})
        ),
        "no_type": sp.call("POST", FEEDS, body={"inputFeedDocumentId": document.document_id}),
    }

    assert {name: error(response) for name, response in cases.items()} == {
        "unsupported_type": (400, "unsupported_feed_type"),
        "other_marketplace": (400, "invalid_marketplace"),
        "no_marketplace": (400, "InvalidInput"),
        "not_uploaded": (400, "document_empty"),
        "theirs": (404, "document_not_found"),
        "missing": (404, "document_not_found"),
        "dry_run": (400, "invalid_dry_run"),
        "no_type": (400, "InvalidInput"),
    }
    assert cases["theirs"].json() == cases["missing"].json()
    assert cases["unsupported_type"].json()["errors"][0]["message"] == (
        "Feed type POST_PRODUCT_DATA is not supported."
    )
    assert not Feed.objects.exists()


def test_malformed_json_is_invalid_input(seller, token):
    response = SpApi(token).client.post(
        FEEDS, "{nope", content_type="application/json", headers={"x-amz-access-token": token}
    )

    assert error(response) == (400, "InvalidInput")
    assert not Feed.objects.exists()


def test_api_messages_are_in_english_whatever_the_default_language(seller, sp):
    document = uploaded_document(seller)

    response = sp.call("POST", FEEDS, body=feed_spec(document, marketplaceIds=["ATVPDKIKX0DER"]))

    assert response.json()["errors"][0]["message"] == (
        "Marketplace ATVPDKIKX0DER is not the seller's."
    )


# getFeed


def test_get_feed_in_queue(seller, sp):
    created = (timezone.now() - datetime.timedelta(hours=2)).replace(microsecond=250_000)
    feed = make_feed(seller, created_at=created)

    response = sp.call("GET", FEED, feedId=feed.feed_id)

    assert response.status_code == 200
    assert response.json() == {
        "feedId": feed.feed_id,
        "feedType": FLAT,
        "marketplaceIds": [MARKETPLACE],
        "createdTime": sp_time(created),
        "processingStatus": "IN_QUEUE",
    }
    assert response.json()["createdTime"].endswith(".250Z")


def test_get_feed_done_names_its_result_document(seller, sp):
    feed = make_feed(seller)
    result = feed_result_document_create(
        seller=seller, content_type="text/xml; charset=UTF-8", content=io.BytesIO(b"<x/>")
    )
    started = timezone.now().replace(microsecond=123_000)
    ended = started + datetime.timedelta(seconds=3)
    Feed.objects.filter(pk=feed.pk).update(
        processing_status=Feed.Status.DONE,
        processing_start_time=started,
        processing_end_time=ended,
        result_document=result,
    )

    response = sp.call("GET", FEED, feedId=feed.feed_id)

    assert response.json() == {
        "feedId": feed.feed_id,
        "feedType": FLAT,
        "marketplaceIds": [MARKETPLACE],
        "createdTime": sp_time(feed.created_at),
        "processingStatus": "DONE",
        "processingStartTime": sp_time(started),
        "processingEndTime": sp_time(ended),
        "resultFeedDocumentId": result.document_id,
    }


def test_another_sellers_feed_is_not_found(seller, other_seller, sp):
    theirs = make_feed(other_seller)

    response = sp.call("GET", FEED, feedId=theirs.feed_id)
    missing = sp.call("GET", FEED, feedId="50000000000")

    assert error(response) == (404, "feed_not_found")
    assert response.json() == missing.json()


# cancelFeed


def test_cancel_feed_in_queue(seller, sp):
    feed = make_feed(seller)

    response = sp.call("DELETE", FEED, feedId=feed.feed_id)

    assert response.status_code == 200
    assert response.content == b""
    feed.refresh_from_db()
    assert feed.processing_status == Feed.Status.CANCELLED
    assert feed.processing_end_time is not None


@pytest.mark.parametrize(
    "status",
    [Feed.Status.IN_PROGRESS, Feed.Status.DONE, Feed.Status.CANCELLED, Feed.Status.FATAL],
)
def test_cancel_feed_past_the_queue_is_refused(seller, sp, status):
    feed = make_feed(seller, status=status)

    response = sp.call("DELETE", FEED, feedId=feed.feed_id)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "feed_not_in_queue",
                "message": f"Only a feed in queue can be cancelled; this one is {status}.",
                "details": "",
            }
        ]
    }
    feed.refresh_from_db()
    assert (feed.processing_status, feed.processing_end_time) == (status, None)


def test_cancelling_another_sellers_feed_is_not_found_and_changes_nothing(seller, other_seller, sp):
    theirs = make_feed(other_seller)

    response = sp.call("DELETE", FEED, feedId=theirs.feed_id)

    assert error(response) == (404, "feed_not_found")
    theirs.refresh_from_db()
    assert theirs.processing_status == Feed.Status.IN_QUEUE


# getFeedDocument


def test_get_input_feed_document_returns_a_download_url(seller, sp):
    document = uploaded_document(seller)

    response = sp.call("GET", DOCUMENT, feedDocumentId=document.document_id)

    assert response.status_code == 200
    body = response.json()
    assert body.keys() == {"feedDocumentId", "url"}
    assert body["feedDocumentId"] == document.document_id
    prefix = "http://testserver/feeds/documents/download/"
    signed = body["url"].removeprefix(prefix)
    assert signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign(signed) == document.document_id


def test_get_result_feed_document_is_gzip_compressed(seller, sp):
    result = feed_result_document_create(
        seller=seller, content_type="text/xml; charset=UTF-8", content=io.BytesIO(b"<x/>")
    )

    response = sp.call("GET", DOCUMENT, feedDocumentId=result.document_id)

    assert response.json()["compressionAlgorithm"] == "GZIP"
    assert response.json()["url"].startswith("http://testserver/feeds/documents/download/")


def test_another_sellers_document_is_not_found(seller, other_seller, sp):
    theirs = uploaded_document(other_seller)

    response = sp.call("GET", DOCUMENT, feedDocumentId=theirs.document_id)
    missing = sp.call("GET", DOCUMENT, feedDocumentId="amzn1.tortuga.4.eu.missing")

    assert error(response) == (404, "document_not_found")
    assert response.json() == missing.json()


# getFeeds


def test_get_feeds_lists_the_sellers_feeds_newest_first(seller, other_seller, sp):
    now = timezone.now()
    older = make_feed(seller, created_at=now - datetime.timedelta(days=2))
    newer = make_feed(seller, created_at=now - datetime.timedelta(days=1), feed_type=XML)
    make_feed(other_seller)

    response = sp.call("GET", FEEDS, query={"feedTypes": f"{FLAT},{XML}"})

    assert response.status_code == 200
    assert response.json() == {
        "feeds": [
            {
                "feedId": newer.feed_id,
                "feedType": XML,
                "marketplaceIds": [MARKETPLACE],
                "createdTime": sp_time(newer.created_at),
                "processingStatus": "IN_QUEUE",
            },
            {
                "feedId": older.feed_id,
                "feedType": FLAT,
                "marketplaceIds": [MARKETPLACE],
                "createdTime": sp_time(older.created_at),
                "processingStatus": "IN_QUEUE",
            },
        ]
    }


def test_get_feeds_pages_with_next_token(seller, sp):
    now = timezone.now()
    feeds = [make_feed(seller, created_at=now - datetime.timedelta(hours=n)) for n in range(5)]
    # Two feeds at the same instant are still paged apart, by id.
    Feed.objects.filter(pk=feeds[2].pk).update(created_at=feeds[1].created_at)

    first = sp.call("GET", FEEDS, query={"feedTypes": FLAT, "pageSize": 2})
    second = sp.call("GET", FEEDS, query={"nextToken": first.json()["nextToken"]})
    third = sp.call("GET", FEEDS, query={"nextToken": second.json()["nextToken"]})

    pages = [[feed["feedId"] for feed in page.json()["feeds"]] for page in (first, second, third)]
    assert pages == [
        [feeds[0].feed_id, feeds[2].feed_id],
        [feeds[1].feed_id, feeds[3].feed_id],
        [feeds[4].feed_id],
    ]
    assert "nextToken" not in third.json()


def test_next_token_keeps_the_filters_of_the_first_page(seller, sp):
    now = timezone.now()
    done = [
        make_feed(seller, status=Feed.Status.DONE, created_at=now - datetime.timedelta(hours=n))
        for n in range(3)
    ]
    make_feed(seller, created_at=now - datetime.timedelta(minutes=90))

    first = sp.call(
        "GET", FEEDS, query={"feedTypes": FLAT, "processingStatuses": "DONE", "pageSize": 2}
    )
    second = sp.call("GET", FEEDS, query={"nextToken": first.json()["nextToken"]})

    assert [feed["feedId"] for feed in first.json()["feeds"]] == [
        done[0].feed_id,
        done[1].feed_id,
    ]
    assert [feed["feedId"] for feed in second.json()["feeds"]] == [done[2].feed_id]
    assert "nextToken" not in second.json()


def test_get_feeds_filters(seller, sp):
    now = timezone.now()
    flat_done = make_feed(
        seller, status=Feed.Status.DONE, created_at=now - datetime.timedelta(days=3)
    )
    xml_queued = make_feed(seller, feed_type=XML, created_at=now - datetime.timedelta(days=1))
    flat_fatal = make_feed(
        seller, status=Feed.Status.FATAL, created_at=now - datetime.timedelta(days=2)
    )
    make_feed(seller, created_at=now - datetime.timedelta(days=91))

    def listed(**query: object) -> list[str]:
        response = sp.call("GET", FEEDS, query=query)
        assert response.status_code == 200
        return [feed["feedId"] for feed in response.json()["feeds"]]

    since = (now - datetime.timedelta(days=2, hours=1)).isoformat()
    until = (now - datetime.timedelta(days=1, hours=12)).isoformat()
    assert listed(feedTypes=FLAT) == [flat_fatal.feed_id, flat_done.feed_id]
    assert listed(feedTypes=[FLAT, XML]) == [
        xml_queued.feed_id,
        flat_fatal.feed_id,
        flat_done.feed_id,
    ]
    assert listed(feedTypes=f"{FLAT},{XML}", processingStatuses="DONE,FATAL") == [
        flat_fatal.feed_id,
        flat_done.feed_id,
    ]
    assert listed(feedTypes=f"{FLAT},{XML}", createdSince=since, createdUntil=until) == [
        flat_fatal.feed_id
    ]
    assert listed(feedTypes=XML, marketplaceIds=MARKETPLACE) == [xml_queued.feed_id]
    assert listed(feedTypes=XML, marketplaceIds="ATVPDKIKX0DER") == []
    assert listed(feedTypes="POST_PRODUCT_DATA") == []


def test_get_feeds_errors(seller, other_seller, other_token, sp):
    now = timezone.now()
    for n in range(3):
        make_feed(seller, created_at=now - datetime.timedelta(hours=n))
    token = sp.call("GET", FEEDS, query={"feedTypes": FLAT, "pageSize": 1}).json()["nextToken"]

    cases = {
        "no_types": sp.call("GET", FEEDS),
        "token_and_filters": sp.call("GET", FEEDS, query={"nextToken": token, "feedTypes": FLAT}),
        "tampered_token": sp.call("GET", FEEDS, query={"nextToken": token[:-2] + "xx"}),
        "garbage_token": sp.call("GET", FEEDS, query={"nextToken": "nope"}),
        "another_sellers_token": SpApi(other_token).call("GET", FEEDS, query={"nextToken": token}),
        "page_too_large": sp.call("GET", FEEDS, query={"feedTypes": FLAT, "pageSize": 101}),
        "page_zero": sp.call("GET", FEEDS, query={"feedTypes": FLAT, "pageSize": 0}),
        "unknown_status": sp.call(
            "GET", FEEDS, query={"feedTypes": FLAT, "processingStatuses": "DONE,FINISHED"}
        ),
        "bad_date": sp.call("GET", FEEDS, query={"feedTypes": FLAT, "createdSince": "yesterday"}),
        "reversed_dates": sp.call(
            "GET",
            FEEDS,
            query={
                "feedTypes": FLAT,
                "createdSince": now.isoformat(),
                "createdUntil": (now - datetime.timedelta(days=1)).isoformat(),
            },
        ),
        "too_many_types": sp.call("GET", FEEDS, query={"feedTypes": ",".join([FLAT] * 11)}),
    }

    assert {name: error(response) for name, response in cases.items()} == {
        "no_types": (400, "feed_types_required"),
        "token_and_filters": (400, "next_token_with_filters"),
        "tampered_token": (400, "invalid_next_token"),
        "garbage_token": (400, "invalid_next_token"),
        "another_sellers_token": (400, "invalid_next_token"),
        "page_too_large": (400, "InvalidInput"),
        "page_zero": (400, "InvalidInput"),
        "unknown_status": (400, "invalid_processing_status"),
        "bad_date": (400, "InvalidInput"),
        "reversed_dates": (400, "invalid_date_range"),
        "too_many_types": (400, "too_many_values"),
    }
    assert cases["unknown_status"].json()["errors"][0]["message"] == (
        "Unknown processingStatuses: FINISHED."
    )


@pytest.mark.parametrize(
    "times",
    [
        {"createdSince": "0001-01-01T00:00:00Z"},
        {"createdSince": "0001-01-01T00:30:00+01:00"},
        {"createdUntil": "0001-03-01T00:00:00Z"},
        {"createdUntil": "9999-12-31T23:00:00-01:00"},
    ],
)
def test_get_feeds_refuses_times_at_the_ends_of_the_calendar(seller, sp, times):
    response = sp.call("GET", FEEDS, query={"feedTypes": FLAT} | times)

    assert error(response) == (400, "InvalidInput")
    assert response.json()["errors"][0]["details"].endswith(
        "must be from 0002-01-01 to 9998-12-31 (UTC)"
    )


def test_get_feeds_looks_back_no_further_than_the_first_time_it_takes(seller, sp):
    make_feed(seller)

    response = sp.call("GET", FEEDS, query={"feedTypes": FLAT, "createdUntil": "0002-01-05T00:00Z"})

    assert (response.status_code, response.json()) == (200, {"feeds": []})


def test_get_feeds_pages_through_the_first_and_last_times_it_takes(seller, sp):
    now = timezone.now()
    feeds = [make_feed(seller, created_at=now - datetime.timedelta(hours=n)) for n in range(2)]
    query = {
        "feedTypes": FLAT,
        "createdSince": "0002-01-01T00:00:00Z",
        "createdUntil": "9998-12-31T23:59:59Z",
        "pageSize": 1,
    }

    first = sp.call("GET", FEEDS, query=query)
    second = sp.call("GET", FEEDS, query={"nextToken": first.json()["nextToken"]})

    assert [feed["feedId"] for page in (first, second) for feed in page.json()["feeds"]] == [
        feed.feed_id for feed in feeds
    ]


def test_get_feeds_takes_four_queries(seller, sp, django_assert_num_queries):
    for _ in range(3):
        make_feed(seller, status=Feed.Status.DONE)

    # The token with its application, its creator and the seller, the creator's permissions,
    # the usage plan's bucket, then the page with its documents.
    with django_assert_num_queries(4):
        response = sp.call("GET", FEEDS, query={"feedTypes": FLAT})

    assert len(response.json()["feeds"]) == 3


# The schema


def test_openapi_schema_matches_the_committed_snapshot():
    schema = json.loads(json.dumps(spapi.get_openapi_schema()))

    assert json.loads(SCHEMA_SNAPSHOT.read_text()) == schema, (
        "Refresh docs/openapi-spapi.json after an intended change: make openapi"
    )


def test_api_docs_show_all_five_apis_in_one_document(client):
    sections = [
        json.loads(json.dumps(section.get_openapi_schema()))
        for section in (api, spapi, ordersapi, reportsapi, notificationsapi)
    ]

    page = client.get("/api/docs")
    combined = client.get("/api/openapi-combined.json").json()

    assert page.status_code == 200
    assert '"url": "/api/openapi-combined.json"' in page.content.decode()
    assert combined["info"]["title"] == "Seller Desk API"
    assert list(combined["paths"]) == [path for section in sections for path in section["paths"]]
    assert "/orders/v0/orders/{orderId}" in combined["paths"]
    for kind in ("schemas", "securitySchemes"):
        for section in sections:
            for name, component in section["components"][kind].items():
                # A name in two sections is one model: neither hides the other on the page.
                assert combined["components"][kind][name] == component
    assert client.get("/feeds/2021-06-30/openapi.json").json() == sections[1]
    assert client.get("/orders/v0/openapi.json").json() == sections[2]
    assert client.get("/reports/2021-06-30/openapi.json").json() == sections[3]
    assert client.get("/notifications/v1/openapi.json").json() == sections[4]


def test_the_site_root_still_belongs_to_the_web_pages(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/orders/")
