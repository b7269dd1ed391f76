"""Demo data: a seller with Swedish buyers, listings, and orders across every status.

Everything goes through the services, so the demo's events, ledger and emails are real."""

import datetime
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.permissions import EVERYTHING, Area, Level
from sellerdesk.accounts.users import user_levels_set
from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.services import listing_create
from sellerdesk.feeds.parsers import adjustment_file
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.orders.services import OrderLine, order_confirm_shipment, order_create

DEMO_MERCHANT = "A3DEMOSELLER01"
OTHER_MERCHANT = "A3OTHERSELLER1"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-seller-2026"  # noqa: S105 - published demo login
OPERATOR_USERNAME = "operator"
OPERATOR_PASSWORD = "demo-operator-2026"  # noqa: S105 - published demo login

FIRST_NAMES = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Eva",
    "Johan",
    "Sara",
    "Per",
    "Emma",
    "Nils",
    "Ingrid",
    "Oskar",
    "Elin",
    "Gustav",
    "Astrid",
    "Linnea",
    "Björn",
    "Åsa",
    "Märta",
    "Sven",
    "Frida",
    "Magnus",
    "Ebba",
    "Olle",
    "Saga",
    "Hugo",
    "Tove",
    "Axel",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindström",
    "Åberg",
    "Öberg",
    "Holm",
    "Bergström",
    "Sjöberg",
    "Ekström",
]
CITIES = [
    "Stockholm",
    "Göteborg",
    "Malmö",
    "Uppsala",
    "Västerås",
    "Örebro",
    "Linköping",
    "Umeå",
    "Luleå",
    "Jönköping",
    "Lund",
    "Visby",
]
PRODUCTS = [
    "Kaffekopp i stengods",
    "Linneservett, 4-pack",
    "Ullfilt, grå",
    "Skärbräda i ek",
    "Doftljus lingon",
    "Termos 0,75 l",
    "Bordslampa mässing",
    "Kökshandduk randig",
    "Vas i munblåst glas",
    "Fårskinn, naturvit",
    "Tekanna gjutjärn",
    "Brödkorg björk",
    "Kuddfodral sammet",
    "Ljuslykta zink",
    "Smörkniv ask",
    "Pläd merinoull",
    "Karaff 1 l",
    "Saltkar marmor",
    "Grytlapp, 2-pack",
    "Förvaringskorg sjögräs",
]


# Orders over the 90 days of the metrics chart; cancelled by the seller at a rate under the
# 2.5 % target, so that the forecast has a breach to warn of.
DEMO_DAYS = 90
DEMO_CANCELLED = 0.018
DEMO_SHIPPING = Decimal("49.00")
DEMO_TAX_RATE = Decimal("0.25")  # Swedish VAT, on top of the prices


# The demo seller's staff besides its administrator `demo`: the warehouse ships and keeps
# stock but cancels nothing; the reader only looks.
DEMO_STAFF: dict[str, dict[str, int]] = {
    "lager": {
        Area.ORDERS: Level.EDIT,
        Area.CANCELLATIONS: Level.NONE,
        Area.FILES: Level.VIEW,
        Area.INVENTORY: Level.EDIT,
        Area.METRICS: Level.VIEW,
    },
    "lasare": {
        **dict.fromkeys(Area.values, Level.VIEW),
        Area.USERS: Level.NONE,
        Area.DEVELOPER: Level.NONE,
    },
}


def demo_load(*, orders: int = 2000, listings: int = 40, seed: int = 2026) -> Seller:
    rng = random.Random(seed)
    with transaction.atomic():
        seller = Seller.objects.create(merchant_token=DEMO_MERCHANT, name="Nordisk Hem AB")
        administrator = User.objects.create_user(
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            seller=seller,
            language="sv",
            email="demo@nordiskhem.example",
        )
        user_levels_set(user=administrator, levels=EVERYTHING)
        for username, levels in DEMO_STAFF.items():
            staff = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                seller=seller,
                language="sv",
                email=f"{username}@nordiskhem.example",
            )
            user_levels_set(user=staff, levels=levels)
        User.objects.create_superuser(
            username=OPERATOR_USERNAME, password=OPERATOR_PASSWORD, email="ops@marketplace.example"
        )
        other = Seller.objects.create(merchant_token=OTHER_MERCHANT, name="Fjällbutiken")
        fjall = User.objects.create_user(username="fjall", password=DEMO_PASSWORD, seller=other)
        user_levels_set(user=fjall, levels=EVERYTHING)
        skus = []
        for index in range(listings):
            product = PRODUCTS[index % len(PRODUCTS)]
            variant = index // len(PRODUCTS) + 1
            sku = f"NH-{index + 1:04d}"
            listing_create(
                seller_id=seller.pk,
                sku=sku,
                title=f"{product}{'' if variant == 1 else f' v{variant}'}",
                price=Decimal(rng.randrange(99, 1499)) + Decimal("0.00"),
                quantity=400,
            )
            skus.append(sku)
        listing_create(
            seller_id=other.pk, sku="FJ-0001", title="Stormkök", price=Decimal("899"), quantity=50
        )
    now = timezone.now()
    created: list[Order] = []
    for _ in range(orders):
        age = datetime.timedelta(minutes=rng.randrange(0, DEMO_DAYS * 24 * 60))
        lines = [
            OrderLine(sku=sku, quantity=rng.choice([1, 1, 1, 2, 3]))
            for sku in rng.sample(skus, rng.choice([1, 1, 1, 2, 2, 3]))
        ]
        created.append(
            order_create(
                seller=seller,
                buyer_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                buyer_email=f"buyer{len(created) + 1}@example.se",
                buyer_language="en" if rng.random() < 0.1 else "sv",
                ship_city=rng.choice(CITIES),
                lines=lines,
                purchase_date=now - age,
                payment_authorized=age > datetime.timedelta(days=1) or rng.random() < 0.6,
                shipping_price=DEMO_SHIPPING,
                tax_rate=DEMO_TAX_RATE,
            )
        )
    _move_through_statuses(created=created, seller=seller, now=now, rng=rng)
    _out_of_stock(created=created, seller=seller)
    _buyer_requests(created=created, rng=rng)
    refund_walkthrough_order(seller=seller)
    _placed_at_purchase(seller=seller)
    return seller


def _placed_at_purchase(*, seller: Seller) -> None:
    """The demo's orders are made now with purchase dates up to 90 days back; their "order
    placed" events carry the purchase time, so a timeline starts when the buyer ordered.
    The inventory ledger keeps the load's times: its rows follow the listings' initial stock."""
    OrderEvent.objects.filter(order__seller=seller, kind=OrderEvent.Kind.CREATED).update(
        created_at=Subquery(
            Order.objects.filter(pk=OuterRef("order_id")).values("purchase_date")[:1]
        )
    )


BUYER_REASONS = ["Beställde fel storlek", "Hittade den billigare", "Behöver den inte längre"]


def _buyer_requests(*, created: list[Order], rng: random.Random) -> None:
    """Three of the newest unshipped orders have a buyer's cancellation request: Manage Orders
    shows their badge, and cancelling them with "Buyer canceled" leaves the rate as it is."""
    asked = 0
    for order in sorted(created, key=lambda o: o.purchase_date, reverse=True):
        order.refresh_from_db(fields=["status"])
        if order.status == "Unshipped":
            order_buyer_cancel_request(
                amazon_order_id=order.amazon_order_id, reason=rng.choice(BUYER_REASONS)
            )
            asked += 1
            if asked == 3:
                return


def _out_of_stock(*, created: list[Order], seller: Seller) -> None:
    """The newest unshipped one-item order, of a SKU the refund walkthrough does not use, is
    cancelled with NoInventory: Inventory shows its SKU at zero, with the ledger row."""
    walkthrough = set(seller.listings.order_by("sku").values_list("pk", flat=True)[:2])
    for order in sorted(created, key=lambda o: o.purchase_date, reverse=True):
        order.refresh_from_db(fields=["status"])
        items = list(order.items.all())
        if (
            order.status == "Unshipped"
            and len(items) == 1
            and items[0].listing_id not in walkthrough
        ):
            order_cancel(
                seller=seller,
                amazon_order_id=order.amazon_order_id,
                actor=None,
                reason=CancelReason.NO_INVENTORY,
                source=OrderEvent.Source.SYSTEM,
            )
            return


REFUND_BUYER = "Märta Ångström"


def refund_walkthrough_order(*, seller: Seller) -> Order:
    """A fresh two-item order, and the BatchRefunds file (var/demo-files/) that cancels and
    refunds its second item: ship the first item on the order page, then upload the file as an
    order adjustment (README, "Ship one item, refund the other")."""
    first, second = seller.listings.order_by("sku")[:2]
    order = order_create(
        seller=seller,
        buyer_name=REFUND_BUYER,
        buyer_email="marta.angstrom@example.se",
        ship_city="Kiruna",
        lines=[OrderLine(sku=first.sku, quantity=1), OrderLine(sku=second.sku, quantity=1)],
        shipping_price=DEMO_SHIPPING,
        tax_rate=DEMO_TAX_RATE,
    )
    item = order.items.get(seller_sku=second.sku)
    folder = Path(settings.VAR_DIR) / "demo-files"
    folder.mkdir(exist_ok=True)
    row = {
        adjustment_file.ORDER_ID: order.amazon_order_id,
        adjustment_file.ITEM_CODE: item.order_item_id,
        adjustment_file.REASON: "NoInventory",
        adjustment_file.CURRENCY: order.currency,
        adjustment_file.ITEM_PRICE: str(item.item_price),
        adjustment_file.ITEM_TAX: str(item.item_tax),
        adjustment_file.QUANTITY_CANCELLED: str(item.quantity_ordered),
        adjustment_file.ADJUSTMENT_ID: f"DEMO-{order.amazon_order_id}-1",
    }
    (folder / f"batch-refunds-{order.amazon_order_id}.txt").write_text(
        adjustment_file.PAYMENT_ADJUSTMENT_TEMPLATE
        + "\t".join(row.get(column, "") for column in adjustment_file.COLUMNS)
        + "\n"
    )
    return order


def _move_through_statuses(
    *, created: list[Order], seller: Seller, now: datetime.datetime, rng: random.Random
) -> None:
    """Older orders have mostly shipped; a few were cancelled; recent ones wait to ship."""
    reasons = [r for r in CancelReason.values if r != CancelReason.NO_INVENTORY]
    for order in created:
        if order.status != "Unshipped":
            continue
        age_days = (now - order.purchase_date).days
        roll = rng.random()
        if roll < DEMO_CANCELLED:
            order_cancel(
                seller=seller,
                amazon_order_id=order.amazon_order_id,
                actor=None,
                reason=rng.choice(reasons),
                memo="",
                source=OrderEvent.Source.SYSTEM,
            )
        elif age_days >= 2 and roll < 0.92:
            items = list(order.items.all())
            partial = len(items) > 1 and roll < 0.12
            order_confirm_shipment(
                seller=seller,
                amazon_order_id=order.amazon_order_id,
                actor=None,
                carrier="PostNord",
                tracking_number=f"UA{rng.randrange(10**8, 10**9)}SE",
                quantities={items[0].order_item_id: items[0].quantity_ordered} if partial else None,
                source=OrderEvent.Source.SYSTEM,
            )
