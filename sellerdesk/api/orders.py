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

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, P, Query, Router, Schema
from ninja.params import HeaderEx

from sellerdesk.accounts.models import Seller
from sellerdesk.api.errors import ERRORS, ErrorList
from sellerdesk.api.idempotency import HEADER as IDEMPOTENCY_KEY_HEADER
from sellerdesk.api.idempotency import KEY_MAX_LENGTH, Reply, idempotent_reply
from sellerdesk.api.params import (
    Moment,
    check_marketplaces,
    invalid_next_token,
    list_values,
    next_token,
    next_token_read,
    request_seller,
)
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.errors import ErrorCode, InvalidInput, OrderNotFound
from sellerdesk.core.ids import MARKETPLACE_SE, is_order_id
from sellerdesk.orders.models import Order as OrderModel
from sellerdesk.orders.models import OrderEvent
from sellerdesk.orders.models import OrderItem as OrderItemModel
from sellerdesk.orders.models import OrderStatus as DomainStatus
from sellerdesk.orders.selectors import OrderTimeFilter, order_get, order_list_by_time
from sellerdesk.orders.services import order_confirm_shipment

router = Router(tags=["orders"])

# What a NextToken is of: a token of another list is not valid here.
LIST_KIND = "orders.getOrders"
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
    shipDate: Moment
    orderItems: list[ConfirmShipmentOrderItem] = Field(min_length=1, max_length=100)


class ConfirmShipmentRequest(Schema):
    packageDetail: PackageDetail
    codCollectionMethod: CodCollectionMethod | None = None
    marketplaceId: str = Field(min_length=1, max_length=20)


class CancelOrderRequest(Schema):
    cancelReasonCode: CancelReasonCode


class GetOrdersQuery(Schema):
    MarketplaceIds: list[str] = Field(description="Required. Comma-separated or repeated.")
    CreatedAfter: Moment | None = Field(
        None, description="Orders purchased at or after. This or LastUpdatedAfter is required."
    )
    CreatedBefore: Moment | None = Field(
        None, description="Orders purchased at or before; now by default."
    )
    LastUpdatedAfter: Moment | None = Field(
        None, description="Orders changed at or after; not together with Created*."
    )
    LastUpdatedBefore: Moment | None = Field(
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
    seller = request_seller(request)
    marketplace_ids = list_values(
        query.MarketplaceIds, name="MarketplaceIds", limit=MAX_MARKETPLACE_IDS
    )
    check_marketplaces(seller, marketplace_ids)
    if query.NextToken is not None:
        listing, after = next_token_read(
            query.NextToken, name="NextToken", kind=LIST_KIND, seller=seller, listing=_Listing
        )
    else:
        listing, after = _listing(seller=seller, query=query), None
    filters = listing.filters
    page = order_list_by_time(
        seller=seller, filters=filters, after=after, page_size=listing.page_size
    )
    token = next_token(kind=LIST_KIND, seller=seller, listing=listing, after=page.next_after)
    before = {_BEFORE_NAMES[filters.date_field]: _sp_time(filters.before)}
    return GetOrdersResponse(
        payload=OrdersList(
            Orders=[_order_out(order) for order in page.rows], NextToken=token, **before
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
        raise invalid_next_token("NextToken")
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
    seller = request_seller(request)
    _check_order_id(orderId)
    check_marketplaces(seller, [body.marketplaceId])
    package = body.packageDetail
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=orderId,
        actor=None,
        carrier=_carrier(package),
        tracking_number=package.trackingNumber,
        ship_date=timezone.localdate(package.shipDate),
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
    seller = request_seller(request)
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


def _check_order_id(order_id: str) -> None:
    # What cannot be an order id is not looked up: it is just as missing.
    if not is_order_id(order_id):
        raise OrderNotFound(order_id)


def _order(request: HttpRequest, order_id: str) -> OrderModel:
    _check_order_id(order_id)
    return order_get(seller=request_seller(request), amazon_order_id=order_id)


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
                f"Order item {item.orderItemId} is listed twice.",
                code=ErrorCode.DUPLICATE_ORDER_ITEM,
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


# getOrders: the filters, and the page size that a NextToken carries along with them

_BEFORE_NAMES = {"purchase_date": "CreatedBefore", "last_update_date": "LastUpdatedBefore"}


@dataclass(frozen=True)
class _Listing:
    filters: OrderTimeFilter
    page_size: int


def _listing(*, seller: Seller, query: GetOrdersQuery) -> _Listing:
    created = query.CreatedAfter is not None or query.CreatedBefore is not None
    updated = query.LastUpdatedAfter is not None or query.LastUpdatedBefore is not None
    if created and updated:
        raise InvalidInput(
            "CreatedAfter and CreatedBefore cannot be combined with LastUpdatedAfter and"
            " LastUpdatedBefore.",
            code=ErrorCode.CONFLICTING_DATE_FILTERS,
        )
    after = query.CreatedAfter if created else query.LastUpdatedAfter
    if after is None:
        raise InvalidInput(
            "CreatedAfter or LastUpdatedAfter is required unless NextToken is given.",
            code=ErrorCode.DATE_FILTER_REQUIRED,
        )
    before = query.CreatedBefore if created else query.LastUpdatedBefore
    # The bound is echoed (CreatedBefore, LastUpdatedBefore) for the next poll to start from,
    # to the second, rounded down: an order in that last fraction of a second is listed twice
    # rather than never.
    before = before or timezone.now()
    if after > before:
        raise InvalidInput(
            "The time frame ends before it starts.", code=ErrorCode.INVALID_DATE_RANGE
        )
    statuses = list_values(query.OrderStatuses, name="OrderStatuses", limit=len(OrderStatus))
    unknown = sorted(set(statuses) - set(OrderStatus))
    if unknown:
        raise InvalidInput(
            f"Unknown OrderStatuses: {', '.join(unknown)}.", code=ErrorCode.INVALID_ORDER_STATUS
        )
    order_ids = list_values(query.AmazonOrderIds, name="AmazonOrderIds", limit=MAX_ORDER_IDS)
    malformed = [order_id for order_id in order_ids if not is_order_id(order_id)]
    if malformed:
        raise InvalidInput(
            f"Not order ids (3-7-7 digits): {', '.join(malformed)}.",
            code=ErrorCode.INVALID_ORDER_ID,
        )
    filters = OrderTimeFilter(
        date_field="purchase_date" if created else "last_update_date",
        after=after,
        before=before,
        marketplace_ids=(seller.marketplace_id,),
        statuses=tuple(statuses),
        amazon_order_ids=tuple(order_ids),
    )
    return _Listing(filters=filters, page_size=query.MaxResultsPerPage or MAX_PAGE_SIZE)
