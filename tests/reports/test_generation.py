"""Reports made by the worker's task, taken over when the worker dies, given up when they fail
every time, and never written by a task that lost them."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.claims import MAX_RUNS
from sellerdesk.feeds.models import FeedDocument
from sellerdesk.orders.models import Order
from sellerdesk.reports.generation import report_generate, reports_recover
from sellerdesk.reports.models import Report, ReportType
from sellerdesk.reports.services import report_create
from sellerdesk.reports.tasks import generate_report
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order, make_two_item_order, ship_item
from tests.reports.helpers import column, report_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_makes_the_unshipped_orders_report(seller, other_seller, seller_user):
    listing = make_listing(seller, quantity=50)
    requested = make_order(seller, (listing, 1))
    order_buyer_cancel_request(
        amazon_order_id=requested.amazon_order_id, reason="Hittade billigare"
    )
    partly, shipped_item, waiting_item = make_two_item_order(seller)
    ship_item(partly, shipped_item)
    cancelled = make_order(seller, (listing, 1))
    order_cancel(
        seller=seller,
        amazon_order_id=cancelled.amazon_order_id,
        actor=seller_user,
        reason="NoInventory",
    )
    make_order(other_seller)
    report = report_create(seller=seller, report_type=ReportType.UNSHIPPED_ORDERS)

    run_tasks()
    rows = report_rows(report)

    report.refresh_from_db()
    assert report.processing_status == "DONE"
    assert report.rows == 2
    assert column(rows, "order-item-id") == [
        requested.items.get().order_item_id,
        waiting_item.order_item_id,
    ]
    assert column(rows, "is-buyer-requested-cancellation") == ["true", "false"]
    assert column(rows, "buyer-requested-cancel-reason") == ["Hittade billigare", ""]
    task = DBTaskResult.objects.get(task_path=generate_report.module_path)
    assert (task.status, task.return_value) == ("SUCCESSFUL", "done")


def test_a_report_left_in_progress_by_a_dead_worker_is_queued_again_and_made(seller):
    make_order(seller)
    report = report_create(seller=seller, report_type=ReportType.ALL_ORDERS_BY_ORDER_DATE)
    DBTaskResult.objects.all().delete()  # the task went with its worker
    Report.objects.filter(pk=report.pk).update(
        processing_status="IN_PROGRESS", claimed_by="a-dead-task", runs=1
    )

    queued = reports_recover()
    again = reports_recover()
    run_tasks()

    report.refresh_from_db()
    assert (queued, again) == (1, 0)  # once: the second sweep sees the queued task
    assert (report.processing_status, report.runs) == ("DONE", 2)
    assert report.document is not None


def test_a_report_in_queue_without_a_task_gets_one_after_a_grace(seller):
    report = report_create(seller=seller, report_type=ReportType.UNSHIPPED_ORDERS)
    DBTaskResult.objects.all().delete()  # committed, but the task was never queued

    fresh = reports_recover()
    Report.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    late = reports_recover()
    run_tasks()

    report.refresh_from_db()
    assert (fresh, late) == (0, 1)
    assert report.processing_status == "DONE"


def test_a_report_that_fails_every_run_ends_fatal_without_a_document(seller):
    report = report_create(seller=seller, report_type=ReportType.UNSHIPPED_ORDERS)
    Report.objects.filter(pk=report.pk).update(
        processing_status="IN_PROGRESS", claimed_by="dead", runs=MAX_RUNS
    )

    outcome = report_generate(report_pk=report.pk, task_id="one-too-many")

    report.refresh_from_db()
    assert outcome == "fatal"
    assert (report.processing_status, report.document) == ("FATAL", None)
    assert report.processing_end_time is not None


def test_a_task_that_lost_its_report_stores_nothing(seller, monkeypatch):
    report = report_create(seller=seller, report_type=ReportType.UNSHIPPED_ORDERS)
    from sellerdesk.reports import generation

    real_write = generation.write_flat_report

    def taken_over_while_writing(*args, **kwargs):
        written = real_write(*args, **kwargs)
        Report.objects.filter(pk=report.pk).update(claimed_by="the-new-task")
        return written

    monkeypatch.setattr(generation, "write_flat_report", taken_over_while_writing)

    outcome = report_generate(report_pk=report.pk, task_id="slow-task")

    report.refresh_from_db()
    assert outcome == "taken_over"
    assert (report.processing_status, report.claimed_by) == ("IN_PROGRESS", "the-new-task")
    assert not FeedDocument.objects.exists()


def test_a_done_or_cancelled_report_is_not_made_again(seller):
    report = report_create(seller=seller, report_type=ReportType.UNSHIPPED_ORDERS)
    run_tasks()
    report.refresh_from_db()
    document = report.document

    outcome = report_generate(report_pk=report.pk, task_id="a-repeat")

    report.refresh_from_db()
    assert outcome == "skipped"
    assert report.document == document
    assert FeedDocument.objects.count() == 1


def test_all_orders_rows_carry_item_statuses_and_amounts(seller, seller_user):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    Order.objects.filter(pk=order.pk).update(purchase_date=timezone.now())
    report = report_create(
        seller=seller,
        report_type=ReportType.ALL_ORDERS_BY_ORDER_DATE,
        data_start_time=timezone.now() - datetime.timedelta(days=1),
    )

    run_tasks()
    rows = report_rows(report)

    assert column(rows, "sku") == [first.seller_sku, second.seller_sku]
    assert column(rows, "item-status") == ["Shipped", "Unshipped"]
    assert column(rows, "order-status") == ["PartiallyShipped", "PartiallyShipped"]
    assert column(rows, "item-price") == [f"{first.item_price:.2f}", f"{second.item_price:.2f}"]
