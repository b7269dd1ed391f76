"""Inventory: the seller's listings with their stock flags, the SKUs that recently ran out
through NoInventory cancellations, and per SKU the ledger of every change of its quantity."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.catalog.selectors import (
    LOW_STOCK_THRESHOLD,
    NO_INVENTORY_PERIOD,
    Stock,
    ledger_total,
    listing_get,
    listing_ledger,
    listing_list,
    no_inventory_skus,
    stock_counts,
)
from sellerdesk.web.inventory_forms import InventoryFilterForm, LedgerFilterForm
from sellerdesk.web.views import current_seller

LISTINGS_PER_PAGE = 100
LEDGER_ROWS_PER_PAGE = 100


@permission_required(Area.INVENTORY, Level.VIEW)
def inventory(request: HttpRequest) -> HttpResponse:
    form = InventoryFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "web/inventory/list.html", {"form": form}, status=400)
    seller = current_seller(request)
    stock, query = form.cleaned_data["stock"], form.cleaned_data["q"]
    listings = listing_list(seller=seller, stock=stock, query=query)
    page = Paginator(listings, LISTINGS_PER_PAGE).get_page(form.cleaned_data["page"])
    no_inventory, no_inventory_count = no_inventory_skus(seller=seller)
    params = request.GET.copy()
    params.pop("page", None)
    tab_params = params.copy()
    tab_params.pop("stock", None)
    counts = stock_counts(seller=seller)
    return render(
        request,
        "web/inventory/list.html",
        {
            "form": form,
            "page": page,
            "stock": stock,
            "query": query,
            "tabs": [
                (Stock.ALL, counts.all),
                (Stock.LOW, counts.low),
                (Stock.ZERO, counts.zero),
            ],
            "tab_query": tab_params.urlencode(),
            "page_query": params.urlencode(),
            "low_threshold": LOW_STOCK_THRESHOLD,
            "no_inventory": no_inventory,
            "no_inventory_count": no_inventory_count,
            "no_inventory_days": NO_INVENTORY_PERIOD.days,
        },
    )


@permission_required(Area.INVENTORY, Level.VIEW)
def ledger(request: HttpRequest, sku: str) -> HttpResponse:
    listing = listing_get(seller=current_seller(request), sku=sku)
    form = LedgerFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request, "web/inventory/ledger.html", {"form": form, "listing": listing}, status=400
        )
    cause = form.cleaned_data["cause"]
    entries = listing_ledger(listing=listing, cause=cause)
    page = Paginator(entries, LEDGER_ROWS_PER_PAGE).get_page(form.cleaned_data["page"])
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/inventory/ledger.html",
        {
            "form": form,
            "listing": listing,
            "cause": cause,
            "page": page,
            "page_query": params.urlencode(),
            "ledger_total": ledger_total(listing=listing),
            "low_threshold": LOW_STOCK_THRESHOLD,
        },
    )
