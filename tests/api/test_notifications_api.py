"""Notifications API v1: destinations and subscriptions, their errors, the seller scoping of
every lookup, and the webhook URLs that are refused.

Every response goes through SpApi.call, which checks it against the operation's OpenAPI schema."""

import json
from pathlib import Path

import pytest

from sellerdesk.api.urls import notificationsapi
from sellerdesk.webhooks.models import Destination, Subscription
from tests.api.conftest import SpApi

DESTINATIONS = "/notifications/v1/destinations"
DESTINATION = "/notifications/v1/destinations/{destinationId}"
SUBSCRIPTIONS = "/notifications/v1/subscriptions/{notificationType}"
SUBSCRIPTION = "/notifications/v1/subscriptions/{notificationType}/{subscriptionId}"
SCHEMA_SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi-notifications.json"
RECEIVER = "http://127.0.0.1:9/hooks/seller-desk"


@pytest.fixture
def sp(token: str) -> SpApi:
    return SpApi(token, section=notificationsapi)


@pytest.fixture
def private_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["code"]


def create_destination(sp: SpApi, url: str = RECEIVER, name: str = "Lagret") -> dict:
    response = sp.call(
        "POST",
        DESTINATIONS,
        body={"name": name, "resourceSpecification": {"webhook": {"url": url}}},
    )
    assert response.status_code == 200, response.json()
    return response.json()["payload"]


def test_a_destination_is_created_with_its_secret_shown_once(sp, private_allowed):
    created = create_destination(sp)

    destination = Destination.objects.get()
    assert created == {
        "name": "Lagret",
        "destinationId": destination.destination_id,
        "resource": {"webhook": {"url": RECEIVER, "signingSecret": destination.signing_secret}},
    }
    assert destination.signing_secret.startswith("whsec_")
    # Read again, one by one or all: the secret is not in the answer.
    one = sp.call("GET", DESTINATION, destinationId=destination.destination_id).json()
    every = sp.call("GET", DESTINATIONS).json()
    assert one == {
        "payload": {
            "name": "Lagret",
            "destinationId": destination.destination_id,
            "resource": {"webhook": {"url": RECEIVER}},
        }
    }
    assert every == {"payload": [one["payload"]]}


def test_another_sellers_destination_is_not_found_and_not_listed(sp, other_token, private_allowed):
    created = create_destination(sp)
    other = SpApi(other_token, section=notificationsapi)

    missing = other.call("GET", DESTINATION, destinationId=created["destinationId"])
    deleted = other.call("DELETE", DESTINATION, destinationId=created["destinationId"])
    listed = other.call("GET", DESTINATIONS)

    assert error(missing) == (404, "destination_not_found")
    assert error(deleted) == (404, "destination_not_found")
    assert listed.json() == {"payload": []}
    assert Destination.objects.filter(deleted_at__isnull=True).count() == 1


def test_sqs_and_eventbridge_destinations_are_refused(sp):
    for specification in (
        {"sqs": {"arn": "arn:aws:sqs:eu-west-1:123456789012:orders"}},
        {"eventBridge": {"region": "eu-west-1", "accountId": "123456789012"}},
    ):
        response = sp.call(
            "POST",
            DESTINATIONS,
            body={"name": "Kön", "resourceSpecification": specification},
        )

        assert error(response) == (400, "invalid_destination")
    assert not Destination.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.20.30.40/hooks",
        "https://192.168.1.10/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[fe80::1]/hooks",
        "https://224.0.0.1/hooks",
        "https://0.0.0.0/hooks",
        "https://localhost/hooks",  # a name that resolves to loopback
        "http://93.184.215.14/hooks",  # public, but not https
        "https://user:secret@93.184.215.14/hooks",
        "ftp://93.184.215.14/hooks",
        "https:///hooks",
    ],
)
def test_webhook_urls_to_private_addresses_or_not_https_are_refused(sp, url):
    # Given the operator's default: no private addresses, https only
    response = sp.call(
        "POST",
        DESTINATIONS,
        body={"name": "Intern", "resourceSpecification": {"webhook": {"url": url}}},
    )

    assert error(response) == (400, "webhook_url_refused")
    assert not Destination.objects.exists()


def test_a_public_https_address_is_accepted_without_the_setting(sp):
    created = create_destination(sp, url="https://93.184.215.14/hooks?token=1")

    assert created["resource"]["webhook"]["url"] == "https://93.184.215.14/hooks?token=1"


def test_subscriptions_are_created_read_and_deleted(sp, private_allowed):
    destination = create_destination(sp)["destinationId"]

    created = sp.call(
        "POST",
        SUBSCRIPTIONS,
        notificationType="ORDER_CHANGE",
        body={
            "payloadVersion": "1.0",
            "destinationId": destination,
            "processingDirective": {
                "eventFilter": {
                    "eventFilterType": "ORDER_CHANGE",
                    "orderChangeTypes": ["BuyerRequestedChange"],
                }
            },
        },
    )
    feeds = sp.call(
        "POST",
        SUBSCRIPTIONS,
        notificationType="FEED_PROCESSING_FINISHED",
        body={"payloadVersion": "2020-09-04", "destinationId": destination},
    )

    subscription = Subscription.objects.get(notification_type="ORDER_CHANGE")
    expected = {
        "subscriptionId": subscription.subscription_id,
        "payloadVersion": "1.0",
        "destinationId": destination,
        "processingDirective": {
            "eventFilter": {
                "eventFilterType": "ORDER_CHANGE",
                "orderChangeTypes": ["BuyerRequestedChange"],
            }
        },
    }
    assert created.status_code == 200
    assert created.json() == {"payload": expected}
    assert feeds.json()["payload"]["payloadVersion"] == "2020-09-04"
    assert sp.call("GET", SUBSCRIPTIONS, notificationType="ORDER_CHANGE").json() == {
        "payload": expected
    }
    by_id = sp.call(
        "GET",
        SUBSCRIPTION,
        notificationType="ORDER_CHANGE",
        subscriptionId=subscription.subscription_id,
    )
    assert by_id.json() == {"payload": expected}
    # A destination in use is not deleted.
    in_use = sp.call("DELETE", DESTINATION, destinationId=destination)
    assert error(in_use) == (400, "destination_in_use")

    deleted = sp.call(
        "DELETE",
        SUBSCRIPTION,
        notificationType="ORDER_CHANGE",
        subscriptionId=subscription.subscription_id,
    )

    assert (deleted.status_code, deleted.json()) == (200, {})
    gone = sp.call("GET", SUBSCRIPTIONS, notificationType="ORDER_CHANGE")
    assert error(gone) == (404, "subscription_not_found")
    assert list(Subscription.objects.values_list("notification_type", flat=True)) == [
        "FEED_PROCESSING_FINISHED"
    ]


def test_subscription_errors_change_nothing(sp, other_token, private_allowed):
    destination = create_destination(sp)["destinationId"]
    theirs = create_destination(SpApi(other_token, section=notificationsapi))["destinationId"]
    cases = [
        ("ORDER_CHANGE", {"payloadVersion": "1.0", "destinationId": theirs}, "invalid_destination"),
        (
            "ORDER_CHANGE",
            {
                "payloadVersion": "1.0",
                "destinationId": destination,
                "processingDirective": {
                    "eventFilter": {
                        "eventFilterType": "ORDER_CHANGE",
                        "orderChangeTypes": ["ItemAdded"],
                    }
                },
            },
            "invalid_event_filter",
        ),
        (
            "FEED_PROCESSING_FINISHED",
            {
                "payloadVersion": "2020-09-04",
                "destinationId": destination,
                "processingDirective": {"eventFilter": {"eventFilterType": "ORDER_CHANGE"}},
            },
            "invalid_event_filter",
        ),
    ]
    for notification_type, body, code in cases:
        response = sp.call("POST", SUBSCRIPTIONS, notificationType=notification_type, body=body)

        assert error(response) == (400, code)
    assert not Subscription.objects.exists()


def test_unknown_types_and_payload_versions_are_named_in_the_error(sp, private_allowed):
    destination = create_destination(sp)["destinationId"]

    unknown = sp.call(
        "POST",
        SUBSCRIPTIONS,
        notificationType="ANY_OFFER_CHANGED",
        body={"payloadVersion": "1.0", "destinationId": destination},
    )
    version = sp.call(
        "POST",
        SUBSCRIPTIONS,
        notificationType="REPORT_PROCESSING_FINISHED",
        body={"payloadVersion": "2.0", "destinationId": destination},
    )

    assert error(unknown) == (400, "unsupported_notification_type")
    assert "ORDER_CHANGE, FEED_PROCESSING_FINISHED" in unknown.json()["errors"][0]["message"]
    assert error(version) == (400, "invalid_payload_version")
    assert not Subscription.objects.exists()


def test_a_second_subscription_to_a_type_is_a_conflict(sp, private_allowed):
    destination = create_destination(sp)["destinationId"]
    body = {"payloadVersion": "1.0", "destinationId": destination}
    first = sp.call("POST", SUBSCRIPTIONS, notificationType="ORDER_CHANGE", body=body)

    second = sp.call("POST", SUBSCRIPTIONS, notificationType="ORDER_CHANGE", body=body)

    assert first.status_code == 200
    assert error(second) == (409, "subscription_exists")
    assert Subscription.objects.count() == 1


def test_another_sellers_subscription_is_not_found(sp, other_token, private_allowed):
    destination = create_destination(sp)["destinationId"]
    sp.call(
        "POST",
        SUBSCRIPTIONS,
        notificationType="ORDER_CHANGE",
        body={"payloadVersion": "1.0", "destinationId": destination},
    )
    subscription_id = Subscription.objects.get().subscription_id
    other = SpApi(other_token, section=notificationsapi)

    read = other.call(
        "GET", SUBSCRIPTION, notificationType="ORDER_CHANGE", subscriptionId=subscription_id
    )
    deleted = other.call(
        "DELETE", SUBSCRIPTION, notificationType="ORDER_CHANGE", subscriptionId=subscription_id
    )
    by_type = other.call("GET", SUBSCRIPTIONS, notificationType="ORDER_CHANGE")

    assert error(read) == (404, "subscription_not_found")
    assert error(deleted) == (404, "subscription_not_found")
    assert error(by_type) == (404, "subscription_not_found")
    assert Subscription.objects.count() == 1


def test_a_deleted_destination_is_gone(sp, private_allowed):
    destination = create_destination(sp)["destinationId"]

    deleted = sp.call("DELETE", DESTINATION, destinationId=destination)

    assert (deleted.status_code, deleted.json()) == (200, {})
    assert error(sp.call("GET", DESTINATION, destinationId=destination)) == (
        404,
        "destination_not_found",
    )
    assert sp.call("GET", DESTINATIONS).json() == {"payload": []}


def test_openapi_schema_matches_the_committed_snapshot():
    schema = json.loads(json.dumps(notificationsapi.get_openapi_schema()))

    assert json.loads(SCHEMA_SNAPSHOT.read_text()) == schema, (
        "Refresh docs/openapi-notifications.json after an intended change: make openapi"
    )
