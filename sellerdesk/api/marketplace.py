"""The marketplace's own endpoints: checkout creates orders."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from sellerdesk.accounts.models import Seller
from sellerdesk.api.auth import MarketplaceOperatorToken
from sellerdesk.core.errors import NotFound
from sellerdesk.orders.services import OrderLine, order_create

router = Router(auth=MarketplaceOperatorToken(), tags=["marketplace"])


class OrderLineIn(Schema):
    SellerSKU: str = Field(min_length=1, max_length=40)
    Quantity: int = Field(ge=1, le=10_000)


class OrderIn(Schema):
    SellerId: str = Field(min_length=1, max_length=14)
    AmazonOrderId: str | None = Field(default=None, pattern=r"^\d{3}-\d{7}-\d{7}$")
    BuyerName: str = Field(min_length=1, max_length=200)
    BuyerEmail: str = Field(min_length=3, max_length=254)
    BuyerLanguage: str = Field(default="sv", pattern=r"^(sv|en)$")
    ShipCity: str = Field(default="", max_length=100)
    PurchaseDate: datetime.datetime | None = None
    PaymentAuthorized: bool = True
    # Charged once per order, on its first item; TaxRate (0.25 for 25 %) adds tax on top.
    ShippingPrice: Decimal = Field(default=Decimal("0.00"), ge=0, le=100_000, decimal_places=2)
    TaxRate: Decimal = Field(default=Decimal("0"), ge=0, lt=1, decimal_places=4)
    Items: list[OrderLineIn] = Field(min_length=1, max_length=100)


class OrderCreatedOut(Schema):
    AmazonOrderId: str
    OrderStatus: str
    OrderTotal: dict[str, str]


@router.post("/orders", response={201: OrderCreatedOut}, operation_id="createMarketplaceOrder")
def create_order(request: HttpRequest, payload: OrderIn) -> Status:
    seller = Seller.objects.filter(merchant_token=payload.SellerId).first()
    if seller is None:
        raise NotFound(f"Seller {payload.SellerId} was not found.", code="seller_not_found")
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
