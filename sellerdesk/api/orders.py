"""Selling Partner API, Orders v0: getOrders, getOrder, getOrderItems and confirmShipment with
SP-API's paths, parameters and bodies (wrapped in "payload", as v0 wraps them), so that an
integration written for the marketplace's Orders API can be pointed at Seller Desk. And
cancelOrder, for integrations that cancel without a feed, which honours an Idempotency-Key.

Every lookup is scoped to the seller of the access token; another seller's order is the same
404 as a missing one. No buyer name, email or address: SP-API gives those only with a
restricted data token, which Seller Desk does not issue."""

import base64
import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, P, Query, Router, Schema
from ninja.params import HeaderEx

from sellerdesk.accounts.models import Seller
from sellerdesk.api.feeds import ErrorList
from sellerdesk.api.idempotency import HEADER as IDEMPOTENCY_KEY_HEADER
from sellerdesk.api.idempotency import KEY_MAX_LENGTH, Reply, idempotent_reply
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.errors import InvalidInput, NotFound
from sellerdesk.core.ids import MARKETPLACE_SE, is_order_id
from sellerdesk.orders.models import Order as OrderModel
from sellerdesk.orders.models import OrderEvent
from sellerdesk.orders.models import OrderItem as OrderItemModel
from sellerdesk.orders.models import OrderStatus as DomainStatus
from sellerdesk.orders.selectors import order_get, orders_for_api
from sellerdesk.orders.services import order_confirm_shipment

router = Router(tags=["orders"])

PAGE_CURSOR_SALT = "sellerdesk.api.orders.next-token"
MAX_PAGE_SIZE = 100
MAX_MARKETPLACE_IDS = 50
MAX_ORDER_IDS = 50
SALES_CHANNELS = {MARKETPLACE_SE: "Amazon.se"}
# Free text that is stored (event data, a JSON column): no control characters, which
# PostgreSQL's jsonb refuses (\u0000) and which no carrier or tracking number contains.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


class OrderStatus(StrEnum):
    """SP-API's statuses. Seller Desk's orders are seller-fulfilled and take the first five;
    the others are accepted as filters and match nothing."""

    PENDING = DomainStatus.PENDING.value
    UNSHIPPED = DomainStatus.UNSHIPPED.value
    PARTIALLY_SHIPPED = DomainStatus.PARTIALLY_SHIPPED.value
    SHIPPED = DomainStatus.SHIPPED.value
    CANCELED = DomainStatus.CANCELED.value
    UNFULFILLABLE = "Unfulfillable"
    INVOICE_UNCONFIRMED = "InvoiceUnconfirmed"
    PENDING_AVAILABILITY = "PendingAvailability"


class CancelReasonCode(StrEnum):
    """cancelOrder's reason codes, as SP-API spells them."""

    NO_INVENTORY = "NO_INVENTORY"
    BUYER_CANCELLED = "BUYER_CANCELLED"
    SHIPPING_ADDRESS_UNDELIVERABLE = "SHIPPING_ADDRESS_UNDELIVERABLE"
    CUSTOMER_EXCHANGE = "CUSTOMER_EXCHANGE"
    PRICING_ERROR = "PRICING_ERROR"


CANCEL_REASONS = {
    CancelReasonCode.NO_INVENTORY: CancelReason.NO_INVENTORY,
    CancelReasonCode.BUYER_CANCELLED: CancelReason.BUYER_CANCELED,
    CancelReasonCode.SHIPPING_ADDRESS_UNDELIVERABLE: CancelReason.SHIPPING_ADDRESS_UNDELIVERABLE,
    CancelReasonCode.CUSTOMER_EXCHANGE: CancelReason.CUSTOMER_EXCHANGE,
    CancelReasonCode.PRICING_ERROR: CancelReason.PRICING_ERROR,
}


class CodCollectionMethod(StrEnum):
    DIRECT_PAYMENT = "DirectPayment"


# Schemas carry SP-API's model names, so that the OpenAPI documents read alike.


class Money(Schema):
    CurrencyCode: str
    Amount: str = Field(description="Two decimals, as a string: 199.00.")


class Order(Schema):
    AmazonOrderId: str
    SellerOrderId: str | None = None
    PurchaseDate: str = Field(description="ISO 8601 in UTC: 2026-11-26T15:16:16Z.")
    LastUpdateDate: str
    OrderStatus: OrderStatus
    FulfillmentChannel: Literal["MFN"]
    SalesChannel: str | None = None
    OrderTotal: Money
    NumberOfItemsShipped: int
    NumberOfItemsUnshipped: int
    PaymentMethod: Literal["Other"]
    MarketplaceId: str
    ShipmentServiceLevelCategory: Literal["Standard"]
    OrderType: Literal["StandardOrder"]
    EarliestShipDate: str = Field(description="The purchase date: the order can ship at once.")
    LatestShipDate: str
    IsBusinessOrder: bool
    IsPrime: bool
    IsPremiumOrder: bool


class OrdersList(Schema):
    Orders: list[Order]
    NextToken: str | None = None
    LastUpdatedBefore: str | None = Field(
        None, description="The upper bound used, when the request filtered on LastUpdated*."
    )
    CreatedBefore: str | None = Field(
        None, description="The upper bound used, when the request filtered on Created*."
    )


class GetOrdersResponse(Schema):
    payload: OrdersList


class GetOrderResponse(Schema):
    payload: Order


class BuyerRequestedCancel(Schema):
    IsBuyerRequestedCancel: Literal["true", "false"] = Field(
        description='"true" once the buyer has asked, through the marketplace, for the order to'
        " be cancelled; it stays so after the order is cancelled. A cancellation with"
        " BuyerCanceled then does not count in the seller's cancellation rate."
    )
    BuyerCancelReason: str = Field(description='The buyer\'s words; "" without a request.')


class OrderItem(Schema):
    ASIN: str = Field(
        description='Derived from the SKU: "B0" and the first 8 characters of the base32 of its'
        " SHA-256."
    )
    OrderItemId: str
    SellerSKU: str
    Title: str
    QuantityOrdered: int
    QuantityShipped: int
    QuantityCancelled: int = Field(
        description="Seller Desk's extension: units cancelled. Not part of SP-API's Orders v0."
    )
    ItemPrice: Money | None = Field(
        None, description="For the quantity ordered. Not while Pending."
    )
    ShippingPrice: Money | None = None
    ItemTax: Money | None = None
    ShippingTax: Money | None = None
    PromotionDiscount: Money | None = None
    IsGift: Literal["true", "false"] | None = None
    BuyerRequestedCancel: BuyerRequestedCancel


class OrderItemsList(Schema):
    AmazonOrderId: str
    OrderItems: list[OrderItem]
    NextToken: str | None = Field(None, description="Never given: all items are on one page.")


class GetOrderItemsResponse(Schema):
    payload: OrderItemsList


class ConfirmShipmentOrderItem(Schema):
    orderItemId: str = Field(min_length=1, max_length=14, pattern=NO_CONTROL_CHARACTERS)
    quantity: int = Field(ge=1, le=10_000)


class PackageDetail(Schema):
    packageReferenceId: str = Field(min_length=1, max_length=100, pattern=NO_CONTROL_CHARACTERS)
    carrierCode: str = Field(min_length=1, max_length=100, pattern=NO_CONTROL_CHARACTERS)
    carrierName: str | None = Field(None, max_length=100, pattern=NO_CONTROL_CHARACTERS)
    shippingMethod: str | None = Field(None, max_length=100, pattern=NO_CONTROL_CHARACTERS)
    trackingNumber: str = Field(min_length=1, max_length=100, pattern=NO_CONTROL_CHARACTERS)
    shipDate: datetime.datetime
    orderItems: list[ConfirmShipmentOrderItem] = Field(min_length=1, max_length=100)


class ConfirmShipmentRequest(Schema):
    packageDetail: PackageDetail
    codCollectionMethod: CodCollectionMethod | None = None
    marketplaceId: str = Field(min_length=1, max_length=20)


class CancelOrderRequest(Schema):
    cancelReasonCode: CancelReasonCode


class GetOrdersQuery(Schema):
    MarketplaceIds: list[str] = Field(description="Required. Comma-separated or repeated.")
    CreatedAfter: datetime.datetime | None = Field(
        None, description="Orders purchased at or after. This or LastUpdatedAfter is required."
    )
    CreatedBefore: datetime.datetime | None = Field(
        None, description="Orders purchased at or before; now by default."
    )
    LastUpdatedAfter: datetime.datetime | None = Field(
        None, description="Orders changed at or after; not together with Created*."
    )
    LastUpdatedBefore: datetime.datetime | None = Field(
        None, description="Orders changed at or before; now by default."
    )
    OrderStatuses: list[str] | None = Field(None, description="Comma-separated or repeated.")
    MaxResultsPerPage: int | None = Field(
        None, ge=1, le=MAX_PAGE_SIZE, description="1 to 100; 100 by default."
    )
    NextToken: str | None = Field(
        None,
        description="From the previous page. It carries the filters of the first page: the"
        " other parameters (MarketplaceIds is still required) are ignored.",
    )
    AmazonOrderIds: list[str] | None = Field(
        None, description="Up to 50, comma-separated or repeated."
    )


ERRORS: dict[int, Any] = {400: ErrorList, 403: ErrorList}
IdempotencyKey = HeaderEx[
    str | None,
    P(
        alias=IDEMPOTENCY_KEY_HEADER,
        description="Makes a retry safe: a request with a key already used (in the last 24"
        " hours, by this seller) gets the first response again, with the header"
        " Idempotent-Replayed: true, and changes nothing. The same key with another request is"
        f" refused with 422. 1 to {KEY_MAX_LENGTH} printable ASCII characters.",
    ),
]


@router.get(
    "/orders",
    response={200: GetOrdersResponse, **ERRORS},
    operation_id="getOrders",
    summary="Orders created or updated in a time frame, oldest first",
    exclude_none=True,
)
def get_orders(request: HttpRequest, query: Query[GetOrdersQuery]) -> GetOrdersResponse:
    seller = _seller(request)
    _check_marketplaces(
        seller, _values(query.MarketplaceIds, "MarketplaceIds", MAX_MARKETPLACE_IDS)
    )
    if query.NextToken is not None:
        listing = _listing_from_token(seller=seller, token=query.NextToken)
    else:
        listing = _listing_from_query(seller=seller, query=query)
    orders = orders_for_api(
        seller=seller,
        date_field=listing.date_field,
        after=listing.after,
        before=listing.before,
        marketplace_ids=listing.marketplace_ids,
        statuses=listing.statuses,
        amazon_order_ids=listing.amazon_order_ids,
        position=listing.position,
        limit=listing.page_size + 1,
    )
    page, more = orders[: listing.page_size], len(orders) > listing.page_size
    before = {_BEFORE_NAMES[listing.date_field]: _sp_time(listing.before)}
    return GetOrdersResponse(
        payload=OrdersList(
            Orders=[_order_out(order) for order in page],
            NextToken=_next_token(seller=seller, listing=listing, last=page[-1]) if more else None,
            **before,
        )
    )


@router.get(
    "/orders/{orderId}",
    response={200: GetOrderResponse, **ERRORS, 404: ErrorList},
    operation_id="getOrder",
    summary="One order",
    exclude_none=True,
)
def get_order(request: HttpRequest, orderId: str) -> GetOrderResponse:
    return GetOrderResponse(payload=_order_out(_order(request, orderId)))


@router.get(
    "/orders/{orderId}/orderItems",
    response={200: GetOrderItemsResponse, **ERRORS, 404: ErrorList},
    operation_id="getOrderItems",
    summary="The items of one order, all on one page",
    exclude_none=True,
)
def get_order_items(
    request: HttpRequest, orderId: str, NextToken: str | None = None
) -> GetOrderItemsResponse:
    order = _order(request, orderId)
    if NextToken is not None:
        # Every item is on the first page, so no token was ever handed out.
        raise InvalidInput("NextToken is not valid.", code="invalid_next_token")
    priced = order.status != DomainStatus.PENDING
    return GetOrderItemsResponse(
        payload=OrderItemsList(
            AmazonOrderId=order.amazon_order_id,
            OrderItems=[_item_out(item, order=order, priced=priced) for item in order.items.all()],
            NextToken=None,
        )
    )


@router.post(
    "/orders/{orderId}/shipmentConfirmation",
    response={204: None, **ERRORS, 404: ErrorList, 409: ErrorList},
    operation_id="confirmShipment",
    summary="Confirm the shipment of a package with some or all of the order's units",
)
def confirm_shipment(
    request: HttpRequest, orderId: str, body: ConfirmShipmentRequest
) -> HttpResponse:
    seller = _seller(request)
    _check_order_id(orderId)
    _check_marketplaces(seller, [body.marketplaceId])
    package = body.packageDetail
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=orderId,
        actor=None,
        carrier=_carrier(package),
        tracking_number=package.trackingNumber,
        ship_date=timezone.localdate(_aware(package.shipDate)),
        quantities=_shipped_quantities(package.orderItems),
        source=OrderEvent.Source.API,
    )
    return HttpResponse(status=204)


@router.put(
    "/orders/{orderId}/cancellation",
    response={
        200: GetOrderResponse,
        **ERRORS,
        404: ErrorList,
        409: ErrorList,
        422: ErrorList,
    },
    operation_id="cancelOrder",
    summary="Cancel a whole unshipped order",
    description="Seller Desk's own operation, for integrations that cancel without a feed. The"
    " buyer is emailed; the units return to stock unless the reason is NO_INVENTORY.",
)
def cancel_order(
    request: HttpRequest,
    orderId: str,
    body: CancelOrderRequest,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    seller = _seller(request)
    _check_order_id(orderId)

    def cancel() -> Reply:
        order_cancel(
            seller=seller,
            amazon_order_id=orderId,
            actor=None,
            reason=CANCEL_REASONS[body.cancelReasonCode],
            source=OrderEvent.Source.API,
        )
        order = order_get(seller=seller, amazon_order_id=orderId)
        payload = GetOrderResponse(payload=_order_out(order))
        return Reply(200, payload.model_dump(mode="json", exclude_none=True))

    return idempotent_reply(request=request, seller=seller, key=idempotency_key, operation=cancel)


def _seller(request: HttpRequest) -> Seller:
    seller: Seller = request.auth  # type: ignore[attr-defined]
    return seller


def _check_order_id(order_id: str) -> None:
    # What cannot be an order id is not looked up: it is just as missing.
    if not is_order_id(order_id):
        raise NotFound(f"Order {order_id} was not found.", code="order_not_found")


def _order(request: HttpRequest, order_id: str) -> OrderModel:
    _check_order_id(order_id)
    return order_get(seller=_seller(request), amazon_order_id=order_id)


def _check_marketplaces(seller: Seller, marketplace_ids: list[str]) -> None:
    if not marketplace_ids:
        raise InvalidInput("MarketplaceIds is required.", code="marketplace_ids_required")
    for marketplace_id in marketplace_ids:
        if marketplace_id != seller.marketplace_id:
            raise InvalidInput(
                f"Marketplace {marketplace_id} is not the seller's.", code="invalid_marketplace"
            )


def _carrier(package: PackageDetail) -> str:
    # SP-API's carrierCode is "Other" when the carrier is named in carrierName instead.
    if package.carrierCode in {"Other", "Others"} and package.carrierName:
        return package.carrierName
    return package.carrierCode


def _shipped_quantities(items: list[ConfirmShipmentOrderItem]) -> dict[str, int]:
    quantities: dict[str, int] = {}
    for item in items:
        if item.orderItemId in quantities:
            raise InvalidInput(
                f"Order item {item.orderItemId} is listed twice.", code="duplicate_order_item"
            )
        quantities[item.orderItemId] = item.quantity
    return quantities


def asin_for_sku(sku: str) -> str:
    """A stable, ASIN-shaped stand-in (10 characters, A-Z and 2-7 after "B0"): Seller Desk's
    listings have no ASIN of their own."""
    digest = hashlib.sha256(sku.encode()).digest()
    return "B0" + base64.b32encode(digest).decode()[:8]


def _money(amount: Decimal, currency: str) -> Money:
    return Money(CurrencyCode=currency, Amount=f"{amount:.2f}")


def _sp_time(moment: datetime.datetime) -> str:
    # Orders v0 writes times in UTC, to the second, with a Z.
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # A time without a zone is UTC, as SP-API reads it.
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


def _order_out(order: OrderModel) -> Order:
    items = list(order.items.all())
    return Order(
        AmazonOrderId=order.amazon_order_id,
        SellerOrderId=order.seller_order_id or None,
        PurchaseDate=_sp_time(order.purchase_date),
        LastUpdateDate=_sp_time(order.last_update_date),
        OrderStatus=OrderStatus(order.status),
        FulfillmentChannel="MFN",
        SalesChannel=SALES_CHANNELS.get(order.marketplace_id),
        OrderTotal=_money(order.order_total, order.currency),
        NumberOfItemsShipped=sum(item.quantity_shipped for item in items),
        NumberOfItemsUnshipped=sum(item.quantity_unshipped for item in items),
        PaymentMethod="Other",
        MarketplaceId=order.marketplace_id,
        ShipmentServiceLevelCategory="Standard",
        OrderType="StandardOrder",
        EarliestShipDate=_sp_time(order.purchase_date),
        LatestShipDate=_sp_time(order.latest_ship_date),
        IsBusinessOrder=False,
        IsPrime=False,
        IsPremiumOrder=False,
    )


def _item_out(item: OrderItemModel, *, order: OrderModel, priced: bool) -> OrderItem:
    """As SP-API does, an item of a Pending order (payment not authorized) comes without its
    prices, taxes, promotions and gift status. A buyer's request to cancel is the order's, and
    is told on each of its items, as SP-API tells it."""
    currency = order.currency
    money: dict[str, Any] = {}
    if priced:
        money = {
            "ItemPrice": _money(item.item_price, currency),
            "ShippingPrice": _money(item.shipping_price, currency),
            "ItemTax": _money(item.item_tax, currency),
            "ShippingTax": _money(item.shipping_tax, currency),
            "PromotionDiscount": _money(Decimal(0), currency),
            "IsGift": "false",
        }
    return OrderItem(
        ASIN=asin_for_sku(item.seller_sku),
        OrderItemId=item.order_item_id,
        SellerSKU=item.seller_sku,
        Title=item.title,
        QuantityOrdered=item.quantity_ordered,
        QuantityShipped=item.quantity_shipped,
        QuantityCancelled=item.quantity_cancelled,
        BuyerRequestedCancel=_buyer_requested_cancel(order),
        **money,
    )


def _buyer_requested_cancel(order: OrderModel) -> BuyerRequestedCancel:
    if order.buyer_cancel_requested_at is None:
        return BuyerRequestedCancel(IsBuyerRequestedCancel="false", BuyerCancelReason="")
    return BuyerRequestedCancel(
        IsBuyerRequestedCancel="true", BuyerCancelReason=order.buyer_cancel_reason
    )


# getOrders: filters, and a keyset page token that carries them

DateField = Literal["purchase_date", "last_update_date"]
_BEFORE_NAMES: dict[DateField, str] = {
    "purchase_date": "CreatedBefore",
    "last_update_date": "LastUpdatedBefore",
}


@dataclass(frozen=True)
class _Listing:
    date_field: DateField
    after: datetime.datetime
    before: datetime.datetime
    marketplace_ids: list[str]
    statuses: list[str]
    amazon_order_ids: list[str]
    page_size: int
    # The last order of the previous page: (its date, pk).
    position: tuple[datetime.datetime, int] | None = None


def _listing_from_query(*, seller: Seller, query: GetOrdersQuery) -> _Listing:
    created = query.CreatedAfter is not None or query.CreatedBefore is not None
    updated = query.LastUpdatedAfter is not None or query.LastUpdatedBefore is not None
    if created and updated:
        raise InvalidInput(
            "CreatedAfter and CreatedBefore cannot be combined with LastUpdatedAfter and"
            " LastUpdatedBefore.",
            code="conflicting_date_filters",
        )
    after = query.CreatedAfter if created else query.LastUpdatedAfter
    if after is None:
        raise InvalidInput(
            "CreatedAfter or LastUpdatedAfter is required unless NextToken is given.",
            code="date_filter_required",
        )
    before = query.CreatedBefore if created else query.LastUpdatedBefore
    # The bound is echoed (CreatedBefore, LastUpdatedBefore) for the next poll to start from,
    # to the second, rounded down: an order in that last fraction of a second is listed twice
    # rather than never.
    before = _aware(before) if before is not None else timezone.now()
    if _aware(after) > before:
        raise InvalidInput("The time frame ends before it starts.", code="invalid_date_range")
    statuses = _values(query.OrderStatuses, "OrderStatuses", len(OrderStatus))
    unknown = sorted(set(statuses) - set(OrderStatus))
    if unknown:
        raise InvalidInput(
            f"Unknown OrderStatuses: {', '.join(unknown)}.", code="invalid_order_status"
        )
    order_ids = _values(query.AmazonOrderIds, "AmazonOrderIds", MAX_ORDER_IDS)
    malformed = [order_id for order_id in order_ids if not is_order_id(order_id)]
    if malformed:
        raise InvalidInput(
            f"Not order ids (3-7-7 digits): {', '.join(malformed)}.", code="invalid_order_id"
        )
    return _Listing(
        date_field="purchase_date" if created else "last_update_date",
        after=_aware(after),
        before=before,
        marketplace_ids=[seller.marketplace_id],
        statuses=statuses,
        amazon_order_ids=order_ids,
        page_size=query.MaxResultsPerPage or MAX_PAGE_SIZE,
    )


def _values(raw: list[str] | None, name: str, limit: int) -> list[str]:
    """SP-API sends lists comma-separated; some clients repeat the parameter instead."""
    values = [value.strip() for item in raw or [] for value in item.split(",") if value.strip()]
    if len(values) > limit:
        raise InvalidInput(f"{name} takes at most {limit} values.", code="too_many_values")
    return values


def _next_token(*, seller: Seller, listing: _Listing, last: OrderModel) -> str:
    date: datetime.datetime = getattr(last, listing.date_field)
    return signing.dumps(
        {
            "seller": seller.pk,
            "field": listing.date_field,
            "after": listing.after.isoformat(),
            "before": listing.before.isoformat(),
            "marketplaceIds": listing.marketplace_ids,
            "statuses": listing.statuses,
            "orderIds": listing.amazon_order_ids,
            "pageSize": listing.page_size,
            "position": [date.isoformat(), last.pk],
        },
        salt=PAGE_CURSOR_SALT,
        compress=True,
    )


def _listing_from_token(*, seller: Seller, token: str) -> _Listing:
    try:
        state = signing.loads(token, salt=PAGE_CURSOR_SALT)
        if state["seller"] != seller.pk:
            raise ValueError("another seller's token")
        date_field: DateField = (
            "purchase_date" if state["field"] == "purchase_date" else "last_update_date"
        )
        position_date, position_pk = state["position"]
        return _Listing(
            date_field=date_field,
            after=datetime.datetime.fromisoformat(state["after"]),
            before=datetime.datetime.fromisoformat(state["before"]),
            marketplace_ids=list(state["marketplaceIds"]),
            statuses=list(state["statuses"]),
            amazon_order_ids=list(state["orderIds"]),
            page_size=int(state["pageSize"]),
            position=(datetime.datetime.fromisoformat(position_date), int(position_pk)),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidInput("NextToken is not valid.", code="invalid_next_token") from error
