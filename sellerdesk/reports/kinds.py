"""The report types Seller Desk makes: one entry each, made in its own module."""

from sellerdesk.reports.all_orders import ALL_ORDERS_BY_LAST_UPDATE, ALL_ORDERS_BY_ORDER_DATE
from sellerdesk.reports.flat import ReportKind
from sellerdesk.reports.unshipped import UNSHIPPED_ORDERS

REPORT_KINDS: dict[str, ReportKind] = {
    kind.report_type.value: kind
    for kind in (UNSHIPPED_ORDERS, ALL_ORDERS_BY_ORDER_DATE, ALL_ORDERS_BY_LAST_UPDATE)
}


def report_kind(report_type: str) -> ReportKind:
    return REPORT_KINDS[report_type]
