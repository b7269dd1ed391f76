"""manage.py inventory_drift: every listing's ledger adds up to its quantity, or it says where
not."""

import io
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from tests.factories import make_listing, make_order


def drift_check(*args: str) -> tuple[int, str, str]:
    """Run the command as manage.py does; its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    # run_from_argv closes the database connections when it ends, which would end the test's
    # transaction with them.
    with (
        mock.patch("sys.stdout", out),
        mock.patch("sys.stderr", err),
        mock.patch("django.core.management.base.connections"),
    ):
        try:
            ManagementUtility(["manage.py", "inventory_drift", *args]).execute()
        except SystemExit as exit:
            return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def raw_update(sql: str, *params: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def trading(seller, other_seller):
    """Listings whose quantities every kind of change has moved, through the services."""
    mug = make_listing(seller, sku="MUGG", quantity=10)
    plate = make_listing(seller, sku="TALLRIK", quantity=5)
    make_listing(seller, sku="NOLL", quantity=0)  # no ledger row at all: 0 adds up to 0
    theirs = make_listing(other_seller, sku="MUGG", quantity=7)
    for reason in ("BuyerCanceled", "NoInventory"):
        order = make_order(seller, (mug, 2), (plate, 1))
        order_cancel(
            seller=seller, amazon_order_id=order.amazon_order_id, actor=None, reason=reason
        )
    make_order(other_seller, (theirs, 3))
    return mug, plate, theirs


def test_no_drift_after_orders_cancellations_and_restocks(trading):
    status, out, err = drift_check()

    assert (status, err) == (0, "")
    assert out == "No inventory drift: 4 listing(s) checked.\n"


def test_a_quantity_changed_by_a_raw_update_is_drift(seller, trading):
    mug, _plate, _theirs = trading
    raw_update("UPDATE catalog_listing SET quantity = quantity + 3 WHERE id = %s", mug.pk)

    status, out, err = drift_check()

    assert status == 1
    assert out == (
        f"{seller.merchant_token} (Nordisk Hem AB) SKU MUGG: quantity 3, ledger sum 0 "
        "(the quantity is off by +3).\n"
    )
    assert err == "CommandError: Inventory drift in 1 of 4 listing(s).\n"


def test_a_ledger_row_changed_by_a_raw_update_breaks_the_sum_and_the_chain(
    seller, other_seller, trading
):
    _mug, plate, theirs = trading
    placed = InventoryLedgerEntry.objects.filter(listing=theirs, cause="order_placed").get()
    raw_update(
        "UPDATE catalog_inventoryledgerentry SET delta = -2, quantity_after = 6 WHERE id = %s",
        placed.pk,
    )
    # The plate's rows still add up, but one of them claims a quantity its chain never had.
    second = InventoryLedgerEntry.objects.filter(listing=plate).order_by("pk")[1]
    raw_update(
        "UPDATE catalog_inventoryledgerentry SET quantity_after = 40 WHERE id = %s", second.pk
    )

    status, out, _err = drift_check()

    assert status == 1
    assert out.splitlines() == [
        f"{seller.merchant_token} (Nordisk Hem AB) SKU TALLRIK: 2 ledger row(s) out of chain, "
        f"the first row {second.pk} of {second.created_at:%Y-%m-%d %H:%M:%S} with delta -1 "
        "and quantity_after 40 where the row before it and the delta give 4.",
        f"{other_seller.merchant_token} (Fjällbutiken) SKU MUGG: quantity 4, ledger sum 5 "
        f"(the quantity is off by -1); 1 ledger row(s) out of chain, the first row {placed.pk} "
        f"of {placed.created_at:%Y-%m-%d %H:%M:%S} with delta -2 and quantity_after 6 where "
        "the row before it and the delta give 5.",
    ]
    sums_only_status, sums_only, _ = drift_check("--sums-only")
    assert sums_only_status == 1
    assert sums_only.splitlines() == [
        f"{other_seller.merchant_token} (Fjällbutiken) SKU MUGG: quantity 4, ledger sum 5 "
        "(the quantity is off by -1)."
    ]


def test_one_seller_can_be_checked_alone(seller, other_seller, trading):
    _mug, _plate, theirs = trading
    Listing.objects.filter(pk=theirs.pk).update(quantity=0)

    mine = drift_check("--seller", seller.merchant_token)
    others = drift_check("--seller", other_seller.merchant_token)
    unknown = drift_check("--seller", "A0000000000XYZ")

    assert mine == (0, "No inventory drift: 3 listing(s) checked.\n", "")
    assert others[0] == 1 and "SKU MUGG: quantity 0, ledger sum 4" in others[1]
    assert unknown == (2, "", "CommandError: No seller A0000000000XYZ.\n")


def test_call_command_raises_with_the_exit_status(trading):
    mug, _plate, _theirs = trading
    raw_update("UPDATE catalog_listing SET quantity = 99 WHERE id = %s", mug.pk)

    with pytest.raises(CommandError) as raised:
        call_command("inventory_drift", stdout=io.StringIO())

    assert raised.value.returncode == 1
