"""Selling Partner API, Notifications v1: destinations and subscriptions, with SP-API's paths,
bodies and errors, so that an integration written for the marketplace's Notifications API can
be pointed at Seller Desk.

SP-API delivers to an SQS queue or EventBridge; Seller Desk delivers to an HTTPS webhook. So a
destination's resourceSpecification (and its resource) has a third member, `webhook`: `url`,
and in createDestination's answer only, `signingSecret`, the key of the deliveries' signatures
(docs/notifications.md). Destinations are the seller's: every application of the seller sees
them, no other seller does. A subscription is the application's, one per notification type."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sellerdesk.accounts.models import DeveloperApplication
from sellerdesk.api.errors import ERRORS, ErrorList
from sellerdesk.api.params import request_seller
from sellerdesk.core.errors import ErrorCode, InvalidInput
from sellerdesk.webhooks.kinds import NotificationType, OrderChangeType
from sellerdesk.webhooks.models import Destination as DestinationModel
from sellerdesk.webhooks.models import Subscription as SubscriptionModel
from sellerdesk.webhooks.outbox import sp_time
from sellerdesk.webhooks.selectors import (
    destination_get,
    destination_list,
    subscription_get,
    subscription_get_by_id,
)
from sellerdesk.webhooks.services import (
    destination_create,
    destination_delete,
    subscription_create,
    subscription_delete,
)

router = Router(tags=["notifications"])

_TYPES = ", ".join(NotificationType)

# Schemas carry SP-API's model names, so the OpenAPI documents read alike.


class SqsResource(Schema):
    arn: str = Field(max_length=1000)


class EventBridgeResourceSpecification(Schema):
    region: str = Field(max_length=100)
    accountId: str = Field(max_length=100)


class WebhookResourceSpecification(Schema):
    url: str = Field(
        min_length=1,
        max_length=2048,
        description="Where to POST notifications: https, a host with public addresses only"
        " (unless the operator allows others).",
    )


class DestinationResourceSpecification(Schema):
    sqs: SqsResource | None = Field(None, description="Not supported by Seller Desk.")
    eventBridge: EventBridgeResourceSpecification | None = Field(
        None, description="Not supported by Seller Desk."
    )
    webhook: WebhookResourceSpecification | None = Field(
        None, description="Seller Desk's own: an HTTPS webhook. Required."
    )


class CreateDestinationRequest(Schema):
    resourceSpecification: DestinationResourceSpecification
    name: str = Field(min_length=1, max_length=256)


class WebhookResource(Schema):
    url: str
    signingSecret: str | None = Field(
        None,
        description="The key of the deliveries' HMAC-SHA256 signatures. Only in the answer to"
        " createDestination: keep it then.",
    )
    disabledTime: str | None = Field(
        None,
        description="Set when deliveries failed for a day and the destination was disabled;"
        " the seller enables it again on the Notifications page.",
    )


class DestinationResource(Schema):
    webhook: WebhookResource


class Destination(Schema):
    name: str
    destinationId: str
    resource: DestinationResource


class CreateDestinationResponse(Schema):
    payload: Destination


class GetDestinationsResponse(Schema):
    payload: list[Destination]


class GetDestinationResponse(Schema):
    payload: Destination


class DeleteDestinationResponse(Schema):
    errors: list[dict[str, str]] | None = None


class EventFilter(Schema):
    eventFilterType: str = Field(max_length=64, description="ORDER_CHANGE")
    orderChangeTypes: list[str] | None = Field(
        None,
        max_length=len(OrderChangeType),
        description=f"Any of {', '.join(OrderChangeType)}; all when left out.",
    )


class ProcessingDirective(Schema):
    eventFilter: EventFilter | None = None


class CreateSubscriptionRequest(Schema):
    payloadVersion: str = Field(max_length=16)
    destinationId: str = Field(max_length=64)
    processingDirective: ProcessingDirective | None = Field(
        None, description="ORDER_CHANGE only: an eventFilter of OrderChangeTypes."
    )


class Subscription(Schema):
    subscriptionId: str
    payloadVersion: str
    destinationId: str
    processingDirective: ProcessingDirective | None = None


class CreateSubscriptionResponse(Schema):
    payload: Subscription


class GetSubscriptionResponse(Schema):
    payload: Subscription


class GetSubscriptionByIdResponse(Schema):
    payload: Subscription


class DeleteSubscriptionByIdResponse(Schema):
    errors: list[dict[str, str]] | None = None


@router.post(
    "/destinations",
    response={200: CreateDestinationResponse, **ERRORS},
    operation_id="createDestination",
    summary="Create a webhook destination; its signing secret is in this answer only",
    exclude_none=True,
)
def create_destination(
    request: HttpRequest, body: CreateDestinationRequest
) -> CreateDestinationResponse:
    specification = body.resourceSpecification
    if specification.webhook is None:
        raise InvalidInput(
            "Seller Desk delivers notifications to webhooks: give resourceSpecification.webhook"
            " with its url (SQS and EventBridge are not supported).",
            code=ErrorCode.INVALID_DESTINATION,
        )
    destination = destination_create(
        seller=request_seller(request),
        application=_application(request),
        name=body.name,
        url=specification.webhook.url,
    )
    return CreateDestinationResponse(payload=_destination_out(destination, with_secret=True))


@router.get(
    "/destinations",
    response={200: GetDestinationsResponse, **ERRORS},
    operation_id="getDestinations",
    summary="The seller's destinations",
    exclude_none=True,
)
def get_destinations(request: HttpRequest) -> GetDestinationsResponse:
    destinations = destination_list(seller=request_seller(request))
    return GetDestinationsResponse(payload=[_destination_out(each) for each in destinations])


@router.get(
    "/destinations/{destinationId}",
    response={200: GetDestinationResponse, **ERRORS, 404: ErrorList},
    operation_id="getDestination",
    summary="One destination",
    exclude_none=True,
)
def get_destination(request: HttpRequest, destinationId: str) -> GetDestinationResponse:
    destination = destination_get(seller=request_seller(request), destination_id=destinationId)
    return GetDestinationResponse(payload=_destination_out(destination))


@router.delete(
    "/destinations/{destinationId}",
    response={200: DeleteDestinationResponse, **ERRORS, 404: ErrorList},
    operation_id="deleteDestination",
    summary="Delete a destination that no subscription uses",
    exclude_none=True,
)
def delete_destination(request: HttpRequest, destinationId: str) -> DeleteDestinationResponse:
    destination_delete(seller=request_seller(request), destination_id=destinationId)
    return DeleteDestinationResponse()


@router.post(
    "/subscriptions/{notificationType}",
    response={200: CreateSubscriptionResponse, **ERRORS, 409: ErrorList},
    operation_id="createSubscription",
    summary=f"Subscribe the application to a notification type ({_TYPES})",
    exclude_none=True,
)
def create_subscription(
    request: HttpRequest, notificationType: str, body: CreateSubscriptionRequest
) -> CreateSubscriptionResponse:
    event_filter = body.processingDirective.eventFilter if body.processingDirective else None
    subscription = subscription_create(
        seller=request_seller(request),
        application=_application(request),
        notification_type=notificationType,
        destination_id=body.destinationId,
        payload_version=body.payloadVersion,
        event_filter_type=event_filter.eventFilterType if event_filter else None,
        order_change_types=event_filter.orderChangeTypes if event_filter else None,
    )
    return CreateSubscriptionResponse(payload=_subscription_out(subscription))


@router.get(
    "/subscriptions/{notificationType}",
    response={200: GetSubscriptionResponse, **ERRORS, 404: ErrorList},
    operation_id="getSubscription",
    summary="The application's subscription to a notification type",
    exclude_none=True,
)
def get_subscription(request: HttpRequest, notificationType: str) -> GetSubscriptionResponse:
    subscription = subscription_get(
        seller=request_seller(request),
        application=_application(request),
        notification_type=notificationType,
    )
    return GetSubscriptionResponse(payload=_subscription_out(subscription))


@router.get(
    "/subscriptions/{notificationType}/{subscriptionId}",
    response={200: GetSubscriptionByIdResponse, **ERRORS, 404: ErrorList},
    operation_id="getSubscriptionById",
    summary="One subscription of the seller, by its id",
    exclude_none=True,
)
def get_subscription_by_id(
    request: HttpRequest, notificationType: str, subscriptionId: str
) -> GetSubscriptionByIdResponse:
    subscription = subscription_get_by_id(
        seller=request_seller(request),
        notification_type=notificationType,
        subscription_id=subscriptionId,
    )
    return GetSubscriptionByIdResponse(payload=_subscription_out(subscription))


@router.delete(
    "/subscriptions/{notificationType}/{subscriptionId}",
    response={200: DeleteSubscriptionByIdResponse, **ERRORS, 404: ErrorList},
    operation_id="deleteSubscriptionById",
    summary="Delete a subscription: nothing more is queued for it",
    exclude_none=True,
)
def delete_subscription_by_id(
    request: HttpRequest, notificationType: str, subscriptionId: str
) -> DeleteSubscriptionByIdResponse:
    subscription_delete(
        seller=request_seller(request),
        notification_type=notificationType,
        subscription_id=subscriptionId,
    )
    return DeleteSubscriptionByIdResponse()


def _application(request: HttpRequest) -> DeveloperApplication:
    application: DeveloperApplication = request.developer_application  # type: ignore[attr-defined]
    return application


def _destination_out(destination: DestinationModel, *, with_secret: bool = False) -> Destination:
    return Destination(
        name=destination.name,
        destinationId=destination.destination_id,
        resource=DestinationResource(
            webhook=WebhookResource(
                url=destination.url,
                signingSecret=destination.signing_secret if with_secret else None,
                disabledTime=sp_time(destination.disabled_at) if destination.disabled_at else None,
            )
        ),
    )


def _subscription_out(subscription: SubscriptionModel) -> Subscription:
    directive = None
    if subscription.order_change_types:
        directive = ProcessingDirective(
            eventFilter=EventFilter(
                eventFilterType=NotificationType.ORDER_CHANGE.value,
                orderChangeTypes=list(subscription.order_change_types),
            )
        )
    return Subscription(
        subscriptionId=subscription.subscription_id,
        payloadVersion=subscription.payload_version,
        destinationId=subscription.destination.destination_id,
        processingDirective=directive,
    )
