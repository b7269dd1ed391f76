"""The marketplace's own endpoints: checkout creates orders; the buyer's account asks the
seller to cancel an order, or cancels it alone in the first 30 minutes."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from sellerdesk.accounts.selectors import seller_get
from sellerdesk.api.auth import MarketplaceOperatorToken
from sellerdesk.api.orders import BuyerRequestedCancel
from sellerdesk.api.text import Matching
from sellerdesk.cancellations.buyer import (
    BUYER_CANCEL_REASON_MAX_LENGTH,
    SELF_CANCEL_WINDOW,
    order_buyer_cancel_request,
    order_buyer_self_cancel,
)
from sellerdesk.core.errors import OrderNotFound
from sellerdesk.core.ids import is_order_id
from sellerdesk.core.text import ONE_LINE
from sellerdesk.orders.services import OrderLine, order_create

router = Router(auth=MarketplaceOperatorToken(), tags=["marketplace"])


class MarketplaceError(Schema):
    code: str = Field(description="Stable: what the integration branches on.")
    message: str
    details: str | None = None


class MarketplaceErrorList(Schema):
    """The error shape of the Feeds and Orders APIs, under a name of its own: /api/docs shows
    this API's components and theirs in one document."""

    errors: list[MarketplaceError]


ERRORS: dict[int, Any] = {status: MarketplaceErrorList for status in (400, 401, 404, 409)}


class OrderLineIn(Schema):
    SellerSKU: str = Field(min_length=1, max_length=40)
    Quantity: int = Field(ge=1, le=10_000)


# Names and addresses are shown on the seller's pages and written into the buyer's email: a line
# break or a control character there is a checkout that sent what it did not mean.
OneLine = Annotated[
    str,
    Matching(
        ONE_LINE,
        message="must be on one line, without control characters (line breaks included)",
    ),
]


class OrderIn(Schema):
    SellerId: str = Field(min_length=1, max_length=14)
    AmazonOrderId: str | None = Field(default=None, pattern=r"^\d{3}-\d{7}-\d{7}$")
    BuyerName: OneLine = Field(min_length=1, max_length=200)
    BuyerEmail: str = Field(min_length=3, max_length=254)
    BuyerLanguage: str = Field(default="sv", pattern=r"^(sv|en)$")
    ShipCity: OneLine = Field(default="", max_length=100)
    PurchaseDate: datetime.datetime | None = None
    PaymentAuthorized: bool = True
    # Charged once per order, on its first item; TaxRate (0.25 for 25 %) adds tax on top.
    ShippingPrice: Decimal = Field(default=Decimal("0.00"), ge=0, le=100_000, decimal_places=2)
    # Any precision: the tax is rounded to the öre, as every amount is, and a rate that a client
    # computed in floating point (0.25000000000000006) means what it says.
    TaxRate: Decimal = Field(default=Decimal("0"), ge=0, lt=1)
    Items: list[OrderLineIn] = Field(min_length=1, max_length=100)


class OrderCreatedOut(Schema):
    AmazonOrderId: str
    OrderStatus: str
    OrderTotal: dict[str, str]


@router.post(
    "/orders",
    response={201: OrderCreatedOut, **ERRORS},
    operation_id="createMarketplaceOrder",
    summary="Create an order from checkout",
    description="Takes each item's quantity from the seller's listing. Errors: 400 InvalidInput"
    " (a field that does not fit the schema, a line break or control character in BuyerName or"
    " ShipCity), invalid_email, duplicate_order; 401 Unauthorized; 404 seller_not_found,"
    " unknown_sku; 409 insufficient_inventory.",
)
def create_order(request: HttpRequest, payload: OrderIn) -> Status:
    seller = seller_get(merchant_token=payload.SellerId)
    order = order_create(
        seller=seller,
        buyer_name=payload.BuyerName,
        buyer_email=payload.BuyerEmail,
        buyer_language=payload.BuyerLanguage,
        ship_city=payload.ShipCity,
        amazon_order_id=payload.AmazonOrderId,
        purchase_date=payload.PurchaseDate,
        payment_authorized=payload.PaymentAuthorized,
        shipping_price=payload.ShippingPrice,
        tax_rate=payload.TaxRate,
        lines=[OrderLine(sku=line.SellerSKU, quantity=line.Quantity) for line in payload.Items],
    )
    return Status(
        201,
        OrderCreatedOut(
            AmazonOrderId=order.amazon_order_id,
            OrderStatus=order.status,
            OrderTotal={"CurrencyCode": order.currency, "Amount": str(order.order_total)},
        ),
    )


class BuyerCancelRequestIn(Schema):
    BuyerCancelReason: str = Field(
        description=f"The buyer's reason, 1 to {BUYER_CANCEL_REASON_MAX_LENGTH} characters after"
        " runs of whitespace are folded into one space; an empty, longer or control-character"
        " reason is refused with a code of its own.",
    )


class BuyerCancelRequestOut(Schema):
    AmazonOrderId: str
    OrderStatus: str
    BuyerRequestedCancel: BuyerRequestedCancel
    BuyerCancelRequestedDate: str = Field(description="ISO 8601 in UTC: 2026-11-26T15:16:16Z.")


class BuyerCancellationOut(Schema):
    AmazonOrderId: str
    OrderStatus: str


@router.post(
    "/orders/{AmazonOrderId}/cancellation-requests",
    response={201: BuyerCancelRequestOut, **ERRORS},
    operation_id="createBuyerCancellationRequest",
    summary="Record the buyer's request that the seller cancel the order",
    description="Once per order, while it is Pending or Unshipped. The seller sees it on Manage"
    " Orders and in getOrderItems (BuyerRequestedCancel); a cancellation by the seller with"
    " BuyerCanceled then does not count in the seller's cancellation rate. Errors: 400"
    " buyer_cancel_reason_required, buyer_cancel_reason_too_long, buyer_cancel_reason_invalid;"
    " 404 order_not_found; 409 cancellation_already_requested, already_cancelled,"
    " cannot_request_cancel_shipped, cannot_request_cancel_partiallyshipped.",
)
def create_buyer_cancellation_request(
    request: HttpRequest, AmazonOrderId: str, payload: BuyerCancelRequestIn
) -> Status:
    _check_order_id(AmazonOrderId)
    order = order_buyer_cancel_request(
        amazon_order_id=AmazonOrderId, reason=payload.BuyerCancelReason
    )
    assert order.buyer_cancel_requested_at is not None
    return Status(
        201,
        BuyerCancelRequestOut(
            AmazonOrderId=order.amazon_order_id,
            OrderStatus=order.status,
            BuyerRequestedCancel=BuyerRequestedCancel(
                IsBuyerRequestedCancel="true", BuyerCancelReason=order.buyer_cancel_reason
            ),
            BuyerCancelRequestedDate=order.buyer_cancel_requested_at.astimezone(
                datetime.UTC
            ).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ),
    )


@router.post(
    "/orders/{AmazonOrderId}/buyer-cancellation",
    response={200: BuyerCancellationOut, **ERRORS},
    operation_id="createBuyerCancellation",
    summary="The buyer cancels the whole order, within 30 minutes of the purchase",
    description=f"Within {SELF_CANCEL_WINDOW // datetime.timedelta(minutes=1)} minutes of the"
    " purchase (that moment included), while the order is Pending or Unshipped. Cancels every"
    " unshipped unit with reason BuyerCanceled, returns the units to stock and emails the buyer;"
    " it does not count in the seller's cancellation rate. Errors: 404 order_not_found; 409"
    " self_cancel_window_passed (ask the seller instead, with createBuyerCancellationRequest),"
    " already_cancelled, cannot_self_cancel_shipped, cannot_self_cancel_partiallyshipped.",
)
def create_buyer_cancellation(request: HttpRequest, AmazonOrderId: str) -> BuyerCancellationOut:
    _check_order_id(AmazonOrderId)
    cancellation = order_buyer_self_cancel(amazon_order_id=AmazonOrderId)
    return BuyerCancellationOut(
        AmazonOrderId=cancellation.order.amazon_order_id, OrderStatus=cancellation.order.status
    )


def _check_order_id(order_id: str) -> None:
    # What cannot be an order id is not looked up: it is just as missing.
    if not is_order_id(order_id):
        raise OrderNotFound(order_id)
