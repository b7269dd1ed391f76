"""The rows of Manage Orders' table, written out in Python.

A page has 50 to 200 rows. In the template, each row reversed three URLs, translated the same
labels again, ran the date, number and truncation filters on its cells and resolved some twenty
variables through the template engine: most of the page's time (docs/benchmarks.md). Here the
URL patterns are reversed, the labels translated and the language's number separators read once
per page; each row is then one format string whose values are escaped as the template escaped
them (_html)."""

import datetime
import functools
import html
from collections.abc import Callable, Iterable
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from sellerdesk.orders.models import Order, OrderItem, OrderStatus
from sellerdesk.orders.status import can_cancel, can_ship, is_late
from sellerdesk.web.numbers import Numbers

TITLE_LENGTH = 40  # characters of an item's title shown in its row
_PLACEHOLDER = "ORDER-ID-PLACEHOLDER"

_ROW = """
    <tr data-order-id="{order_id}">
      <td class="select">{checkbox}</td>
      <td class="date">{purchase_day}<br><span class="muted">{purchase_time}</span></td>
      <td><a class="order-id" href="{detail_url}">{order_id}</a><br><span class="muted">{buyer_name}</span></td>
      <td class="items">{items}</td>
      <td><span class="status status-{status}">{status_label}</span>{buyer_request}</td>
      <td class="ship-by">{ship_by}{late}</td>
      <td class="num">{total}</td>
      <td><div class="row-actions">
        {ship}
        {cancel}
      </div></td>
    </tr>
  """  # noqa: E501 (the row's markup, as the page shows it)
_ITEM = (
    '<div>{quantity}&nbsp;×&nbsp;<span class="sku">{sku}</span> '
    '<span class="item-title">{title}</span></div>'
)
_BUYER_REQUEST = """
        <div><span class="buyer-request" title="{reason}">{requested}</span></div>
        {reason_quote}"""
_BUYER_REASON = (
    '<div class="buyer-reason"><span class="sr-only">{label} </span><q>{reason}</q></div>'
)
_CHECKBOX = (
    '<input type="checkbox" name="order" value="{order_id}" form="selection"'
    ' aria-label="{select} {order_id}">'
)
_LATE = '<div><span class="late">{label}</span></div>'
_ACTION = '<a class="button" href="{url}">{label}</a>'


def order_rows(
    orders: Iterable[Order], *, now: datetime.datetime, may_cancel: bool, may_ship: bool
) -> list[SafeString]:
    """One table row per order, its items prefetched, in the active language and time zone; the
    selection box and the actions only for what the user may do."""
    rows = _OrderRows(now=now, may_cancel=may_cancel, may_ship=may_ship)
    return [rows.row(order) for order in orders]


class _OrderRows:
    """What every row of one page shares: URL patterns, labels, separators, time zone."""

    def __init__(self, *, now: datetime.datetime, may_cancel: bool, may_ship: bool) -> None:
        self.now = now
        self.may_cancel, self.may_ship = may_cancel, may_ship
        self.zone = timezone.get_current_timezone()
        self.numbers = Numbers.current()
        self.detail_url = _order_url("orders:detail")
        self.ship_url = _order_url("orders:ship")
        self.cancel_url = _order_url("orders:cancel")
        self.status_labels = {status.value: str(status.label) for status in OrderStatus}
        # Unescaped, as {% translate %} writes the words of a template.
        self.select, self.requested, self.reason, late, self.ship, self.cancel = (
            mark_safe(words)  # noqa: S308 (the page's own words in translation, not input)
            for words in (
                gettext("Select"),
                gettext("Buyer requested cancellation"),
                gettext("Buyer's reason:"),
                gettext("Late shipment"),
                gettext("Confirm shipment"),
                gettext("Cancel order"),
            )
        )
        self.late = _html(_LATE, label=late)
        # A page shows the same few listings again and again.
        self.short_title = functools.cache(lambda title: Truncator(title).chars(TITLE_LENGTH))

    def row(self, order: Order) -> SafeString:
        order_id = order.amazon_order_id
        purchased = order.purchase_date.astimezone(self.zone)
        status = order.status
        late = is_late(status=status, latest_ship_date=order.latest_ship_date, now=self.now)
        return _html(
            _ROW,
            order_id=order_id,
            checkbox=(
                _html(_CHECKBOX, order_id=order_id, select=self.select)
                if self.may_cancel
                else _NOTHING
            ),
            purchase_day=f"{purchased:%Y-%m-%d}",
            purchase_time=f"{purchased:%H:%M}",
            detail_url=self.detail_url(order_id),
            buyer_name=order.buyer_name,
            items=SafeString("".join(self._item(item) for item in order.items.all())),
            status=status.lower(),
            status_label=self.status_labels.get(status, status),
            buyer_request=self._buyer_request(order),
            ship_by=f"{order.latest_ship_date.astimezone(self.zone):%Y-%m-%d}",
            late=self.late if late else _NOTHING,
            total=self.numbers.money(order.order_total, order.currency),
            ship=(
                self._action(self.ship_url(order_id), self.ship)
                if self.may_ship and can_ship(status)
                else _NOTHING
            ),
            cancel=(
                self._action(self.cancel_url(order_id), self.cancel)
                if self.may_cancel and can_cancel(status)
                else _NOTHING
            ),
        )

    def _item(self, item: OrderItem) -> SafeString:
        return _html(
            _ITEM,
            quantity=self.numbers.count(item.quantity_ordered),
            sku=item.seller_sku,
            title=self.short_title(item.title),
        )

    def _buyer_request(self, order: Order) -> SafeString:
        if order.buyer_cancel_requested_at is None:
            return _NOTHING
        reason = order.buyer_cancel_reason
        return _html(
            _BUYER_REQUEST,
            reason=reason,
            requested=self.requested,
            reason_quote=_html(_BUYER_REASON, label=self.reason, reason=reason)
            if reason
            else _NOTHING,
        )

    def _action(self, url: str, label: str) -> SafeString:
        return _html(_ACTION, url=url, label=label)


_NOTHING = SafeString("")


def _html(template: str, **values: str) -> SafeString:
    """format_html's work for the rows: each value escaped unless it is safe already, by the
    html.escape that Django's escape() calls. format_html's own checks for lazy strings cost a
    third of a row, and every value here is a plain string."""
    return SafeString(
        template.format_map(
            {
                name: value if isinstance(value, SafeString) else html.escape(value)
                for name, value in values.items()
            }
        )
    )


def _order_url(name: str) -> Callable[[str], str]:
    """The URL of an order's page, as reverse(name, args=[order_id]) gives it, for any order:
    reversed once, then the id quoted into it as reverse() quotes it."""
    prefix, suffix = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)

    def url(order_id: str) -> str:
        return f"{prefix}{quote(order_id, safe=RFC3986_SUBDELIMS + '/~:@')}{suffix}"

    return url
