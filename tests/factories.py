"""Test data, made through the services so that events and ledger rows are real."""

import itertools
from decimal import Decimal

from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.permissions import EVERYTHING, Levels
from sellerdesk.accounts.users import user_levels_set
from sellerdesk.catalog.models import Listing
from sellerdesk.catalog.services import listing_create
from sellerdesk.orders.models import Order, OrderItem
from sellerdesk.orders.services import OrderLine, order_confirm_shipment, order_create

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_seller(name: str = "Nordisk Hem AB") -> Seller:
    number = next(_counter)
    return Seller.objects.create(merchant_token=f"A{number:013d}", name=name)


def make_user(
    seller: Seller | None,
    *,
    language: str = "sv",
    username: str | None = None,
    email: str = "",
    levels: Levels = EVERYTHING,
) -> User:
    """A user of the seller, with `levels` (View and edit everywhere unless told)."""
    user = User.objects.create_user(
        username=username or f"user{next(_counter)}",
        email=email,
        password=PASSWORD,
        seller=seller,
        language=language,
    )
    if seller is not None:
        user_levels_set(user=user, levels=levels)
    return user


def make_listing(
    seller: Seller, *, sku: str | None = None, quantity: int = 10, price: str = "199.00"
) -> Listing:
    return listing_create(
        seller_id=seller.pk,
        sku=sku or f"SKU-{next(_counter):05d}",
        title="Kaffekopp i stengods",
        price=Decimal(price),
        quantity=quantity,
    )


def make_order(
    seller: Seller,
    *lines: tuple[Listing, int],
    buyer_language: str = "sv",
    buyer_name: str = "Åsa Öberg",
    payment_authorized: bool = True,
) -> Order:
    if not lines:
        lines = ((make_listing(seller), 1),)
    return order_create(
        seller=seller,
        buyer_name=buyer_name,
        buyer_email=f"buyer{next(_counter)}@example.se",
        buyer_language=buyer_language,
        lines=[OrderLine(sku=listing.sku, quantity=quantity) for listing, quantity in lines],
        payment_authorized=payment_authorized,
    )


def make_two_item_order(
    seller: Seller, *, language: str = "sv"
) -> tuple[Order, OrderItem, OrderItem]:
    """2 × 100.00 and 1 × 300.00, shipping 49.00 on the first item, tax 25 % on top."""
    first = make_listing(seller, price="100.00", quantity=10)
    second = make_listing(seller, price="300.00", quantity=10)
    order = order_create(
        seller=seller,
        buyer_name="Åsa Öberg",
        buyer_email=f"buyer{next(_counter)}@example.se",
        buyer_language=language,
        lines=[OrderLine(sku=first.sku, quantity=2), OrderLine(sku=second.sku, quantity=1)],
        shipping_price=Decimal("49.00"),
        tax_rate=Decimal("0.25"),
    )
    item_one, item_two = order.items.order_by("pk")
    return order, item_one, item_two


def ship_item(order: Order, item: OrderItem, quantity: int | None = None) -> None:
    order_confirm_shipment(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA123456789SE",
        quantities={item.order_item_id: quantity or item.quantity_ordered},
    )
