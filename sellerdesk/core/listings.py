"""The filters of getFeeds and getReports: the same for feeds and reports, which are both work
of a type, for a marketplace, with a processing status and a creation time."""

import datetime
from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class ProcessingFilter:
    """Rows of some types created in a time frame (both ends included); no statuses or
    marketplaces is any."""

    types: tuple[str, ...]
    created_since: datetime.datetime
    created_until: datetime.datetime
    statuses: tuple[str, ...] = ()
    marketplace_ids: tuple[str, ...] = ()


def processing_filter_apply[M: Model](
    rows: QuerySet[M], filters: ProcessingFilter, *, type_field: str, marketplace_id: str
) -> QuerySet[M]:
    """`rows` (of one seller, who sells on `marketplace_id`) that the filter keeps."""
    rows = rows.filter(
        **{f"{type_field}__in": filters.types},
        created_at__gte=filters.created_since,
        created_at__lte=filters.created_until,
    )
    if filters.statuses:
        rows = rows.filter(processing_status__in=filters.statuses)
    # A seller sells on one marketplace and only that one is accepted, so every row of the
    # seller is for it: the filter keeps all of them or none (and JSON containment is not
    # available on SQLite).
    if filters.marketplace_ids and marketplace_id not in filters.marketplace_ids:
        rows = rows.none()
    return rows
