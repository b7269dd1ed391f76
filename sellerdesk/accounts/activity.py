"""Who did what for a seller: the order changes, files and feeds, and reports of its users,
developer applications, buyers and the marketplace, newest first, as one list.

The list is read from each kind of row's own seller index (order events, feeds, reports) and
merged. A page continues after a Position: the last row's time, then its stream, then its pk, so
rows of the same instant keep one order across pages."""

import datetime
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sellerdesk.accounts.models import AccountEvent, Seller, User
from sellerdesk.feeds.models import Feed
from sellerdesk.orders.models import OrderEvent
from sellerdesk.reports.models import Report


class Stream:
    """The kinds of row the list merges, in their order within one instant (descending)."""

    EVENT = 3
    FEED = 2
    REPORT = 1
    ACCOUNT = 0


class ActivityKind:
    CANCELLATION = "cancellation"
    SHIPMENT = "shipment"
    REFUND = "refund"
    ACKNOWLEDGEMENT = "acknowledgement"
    BUYER_REQUEST = "buyer_request"
    FILE = "file"
    REPORT = "report"
    USERS = "users"

    choices = (
        (CANCELLATION, _("Cancellations")),
        (SHIPMENT, _("Shipment confirmations")),
        (REFUND, _("Refunds")),
        (ACKNOWLEDGEMENT, _("Order acknowledgements")),
        (BUYER_REQUEST, _("Buyers' cancellation requests")),
        (FILE, _("Files and feeds")),
        (REPORT, _("Reports")),
        (USERS, _("Users and permissions")),
    )


EVENT_KINDS = {
    OrderEvent.Kind.CANCELLED: ActivityKind.CANCELLATION,
    OrderEvent.Kind.SHIPMENT_CONFIRMED: ActivityKind.SHIPMENT,
    OrderEvent.Kind.REFUNDED: ActivityKind.REFUND,
    OrderEvent.Kind.ACKNOWLEDGED: ActivityKind.ACKNOWLEDGEMENT,
    OrderEvent.Kind.BUYER_CANCEL_REQUESTED: ActivityKind.BUYER_REQUEST,
}


@dataclass(frozen=True, order=True)
class Position:
    at: datetime.datetime
    stream: int
    pk: int


@dataclass(frozen=True)
class ActivityFilter:
    user: User | None = None
    kind: str | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


@dataclass(frozen=True)
class Activity:
    position: Position
    kind: str
    actor: User | None
    # Where the change came from, by name: the page, a file, the API, the buyer...
    source: str
    row: OrderEvent | Feed | Report | AccountEvent

    @property
    def at(self) -> datetime.datetime:
        return self.position.at

    @property
    def who(self) -> str:
        """The developer application or the user who acted, or, where neither did, where the
        change came from."""
        application = getattr(self.row, "application", None)
        if application is not None:
            return str(application.name)
        if self.actor is None:
            return self.source
        return self.actor.get_full_name() or self.actor.get_username()


@dataclass(frozen=True)
class ActivityPage:
    rows: list[Activity]
    next_after: Position | None


def seller_activity(
    *, seller: Seller, filters: ActivityFilter, after: Position | None, size: int
) -> ActivityPage:
    """One page of the seller's activity, newest first, after `after`."""
    rows = list(islice(seller_activity_all(seller=seller, filters=filters, after=after), size + 1))
    if len(rows) <= size:
        return ActivityPage(rows=rows, next_after=None)
    return ActivityPage(rows=rows[:size], next_after=rows[size - 1].position)


def seller_activity_all(
    *, seller: Seller, filters: ActivityFilter, after: Position | None = None, chunk: int = 200
) -> Iterator[Activity]:
    """Every row of the seller's activity that the filters keep, newest first, read `chunk`
    rows of each stream at a time (memory stays bounded for an export of any length)."""
    streams = []
    if filters.kind is None or filters.kind in EVENT_KINDS.values():
        streams.append(_chunked(_events(seller, filters), Stream.EVENT, after, chunk, _event))
    if filters.kind in (None, ActivityKind.FILE):
        streams.append(_chunked(_feeds(seller, filters), Stream.FEED, after, chunk, _feed))
    if filters.kind in (None, ActivityKind.REPORT):
        streams.append(_chunked(_reports(seller, filters), Stream.REPORT, after, chunk, _report))
    if filters.kind in (None, ActivityKind.USERS):
        streams.append(
            _chunked(_account_events(seller, filters), Stream.ACCOUNT, after, chunk, _account)
        )
    return heapq.merge(*streams, key=lambda row: row.position, reverse=True)


def _events(seller: Seller, filters: ActivityFilter) -> QuerySet[OrderEvent]:
    kinds = [kind for kind, name in EVENT_KINDS.items() if filters.kind in (None, name)]
    rows = OrderEvent.objects.filter(seller=seller, kind__in=kinds)
    if filters.user is not None:
        rows = rows.filter(actor=filters.user)
    return _within(rows, filters).select_related("actor", "order", "feed", "application")


def _feeds(seller: Seller, filters: ActivityFilter) -> QuerySet[Feed]:
    rows = Feed.objects.filter(seller=seller)
    if filters.user is not None:
        rows = rows.filter(created_by=filters.user)
    return _within(rows, filters).select_related("created_by", "application")


def _reports(seller: Seller, filters: ActivityFilter) -> QuerySet[Report]:
    rows = Report.objects.filter(seller=seller)
    if filters.user is not None:
        rows = rows.filter(created_by=filters.user)
    return _within(rows, filters).select_related("created_by")


def _account_events(seller: Seller, filters: ActivityFilter) -> QuerySet[AccountEvent]:
    rows = AccountEvent.objects.filter(seller=seller)
    if filters.user is not None:
        rows = rows.filter(actor=filters.user)
    return _within(rows, filters).select_related("actor", "user", "invitation")


def _within[M: Model](rows: QuerySet[M], filters: ActivityFilter) -> QuerySet[M]:
    if filters.since is not None:
        rows = rows.filter(created_at__gte=filters.since)
    if filters.until is not None:
        rows = rows.filter(created_at__lt=filters.until)
    return rows


def _chunked[M: Model](
    rows: QuerySet[M],
    stream: int,
    after: Position | None,
    chunk: int,
    make: Callable[[M], Activity],
) -> Iterator[Activity]:
    """The stream's rows after `after` in (created_at, pk) descending order, `chunk` at a time,
    each read where the last one ended."""
    ordered = rows.order_by("-created_at", "-pk")
    past = _past(stream, after)
    while True:
        page = [make(row) for row in (ordered if past is None else ordered.filter(past))[:chunk]]
        yield from page
        if len(page) < chunk:
            return
        last = page[-1].position
        past = Q(created_at__lt=last.at) | Q(created_at=last.at, pk__lt=last.pk)


def _past(stream: int, after: Position | None) -> Q | None:
    """The rows of `stream` that come after `after` in the merged order."""
    if after is None:
        return None
    if stream < after.stream:  # at the same instant, this stream's rows come after
        return Q(created_at__lte=after.at)
    if stream > after.stream:
        return Q(created_at__lt=after.at)
    return Q(created_at__lt=after.at) | Q(created_at=after.at, pk__lt=after.pk)


def _event(event: OrderEvent) -> Activity:
    return Activity(
        position=Position(event.created_at, Stream.EVENT, event.pk),
        kind=EVENT_KINDS[OrderEvent.Kind(event.kind)],
        actor=event.actor,
        source=event.get_source_display(),
        row=event,
    )


def _feed(feed: Feed) -> Activity:
    return Activity(
        position=Position(feed.created_at, Stream.FEED, feed.pk),
        kind=ActivityKind.FILE,
        actor=feed.created_by,
        source=feed.get_source_display(),
        row=feed,
    )


def _report(report: Report) -> Activity:
    return Activity(
        position=Position(report.created_at, Stream.REPORT, report.pk),
        kind=ActivityKind.REPORT,
        actor=report.created_by,
        source=str(_("Reports page") if report.created_by_id else _("Reports API")),
        row=report,
    )


def _account(event: AccountEvent) -> Activity:
    return Activity(
        position=Position(event.created_at, Stream.ACCOUNT, event.pk),
        kind=ActivityKind.USERS,
        actor=event.actor,
        source=str(_("User permissions")),
        row=event,
    )
