"""Test data, made through the services so that events and ledger rows are real."""

import itertools
from decimal import Decimal

from sellerdesk.accounts.models import Seller, User
from sellerdesk.catalog.models import Listing
from sellerdesk.catalog.services import listing_create
from sellerdesk.orders.models import Order
from sellerdesk.orders.services import OrderLine, order_create

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_seller(name: str = "Nordisk Hem AB") -> Seller:
    number = next(_counter)
    return Seller.objects.create(merchant_token=f"A{number:013d}", name=name)


def make_user(seller: Seller | None, *, language: str = "sv", username: str | None = None) -> User:
    return User.objects.create_user(
        username=username or f"user{next(_counter)}",
        password=PASSWORD,
        seller=seller,
        language=language,
    )


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
