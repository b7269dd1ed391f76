"""Feeds end to end: a document in, cancellations applied through the service, a report out."""

from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.core.workers import lost_tasks_fail, worker_register
from sellerdesk.feeds import processing
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.processing import feeds_recover
from sellerdesk.feeds.services import feed_submit
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.orders.services import order_confirm_shipment
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "order-id\tcancellation-reason-code\tamazon-order-item-code\n"


def submit(seller, content: str | bytes, feed_type=FeedType.ORDER_CANCELLATION_FILE, **options):
    data = content.encode() if isinstance(content, str) else content
    return feed_submit(
        seller=seller,
        feed_type=feed_type,
        chunks=[data],
        content_type="text/plain",
        filename="cancel.txt",
        source=options.pop("source", Feed.Source.UPLOAD),
        **options,
    )


def envelope(*messages: str, message_type: str = "OrderAcknowledgement") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        "<Header><DocumentVersion>1.01</DocumentVersion>"
        "<MerchantIdentifier>M</MerchantIdentifier></Header>"
        f"<MessageType>{message_type}</MessageType>{''.join(messages)}</AmazonEnvelope>"
    )


def ack(message_id: int, order_id: str, status: str = "Failure", items: str = "", extra: str = ""):
    return (
        f"<Message><MessageID>{message_id}</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{order_id}</AmazonOrderID>{extra}<StatusCode>{status}</StatusCode>"
        f"{items}</OrderAcknowledgement></Message>"
    )


def item(code: str, reason: str = "NoInventory", quantity: int | None = None) -> str:
    quantity_xml = "" if quantity is None else f"<Quantity>{quantity}</Quantity>"
    return (
        f"<Item><AmazonOrderItemCode>{code}</AmazonOrderItemCode>"
        f"<CancelReason>{reason}</CancelReason>{quantity_xml}</Item>"
    )


def results(feed: Feed) -> list[tuple[Decimal, str, int]]:
    return list(
        feed.results.order_by("position", "message_code").values_list(
            "message_id", "result_code", "message_code"
        )
    )


def test_a_cancellation_file_cancels_its_orders_and_reports_the_rest(seller, other_seller):
    listing = make_listing(seller, quantity=50)
    first, second, shipped, pending = (make_order(seller, (listing, 1)) for _ in range(4))
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=shipped.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
    )
    Order.objects.filter(pk=pending.pk).update(status="Pending", payment_authorized=False)
    theirs = make_order(other_seller)
    content = HEADER + "".join(
        f"{order_id}\t{reason}\t\n"
        for order_id, reason in [
            (first.amazon_order_id, "PricingError"),
            (second.amazon_order_id, "NoInventory"),
            (shipped.amazon_order_id, "PricingError"),
            (pending.amazon_order_id, "PricingError"),
            (theirs.amazon_order_id, "PricingError"),
            ("123-4567890-1234567", "PricingError"),
        ]
    )

    feed = submit(seller, content)
    run_tasks()

    feed.refresh_from_db()
    assert feed.processing_status == "DONE"
    assert (
        feed.messages_processed,
        feed.messages_successful,
        feed.messages_with_error,
        feed.messages_with_warning,
    ) == (6, 2, 4, 0)
    assert results(feed) == [
        (4, "Error", 18010),
        (5, "Error", 18009),
        (6, "Error", 18002),
        (7, "Error", 18002),
    ]
    assert set(Order.objects.filter(status="Canceled").values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert OrderEvent.objects.filter(kind="cancelled", source="file").count() == 2
    assert OutboundEmail.objects.filter(status="sent").count() == 2
    theirs.refresh_from_db()
    assert theirs.status == "Unshipped"
    report = feed.result_document.file.open("rb").read().decode()
    assert "Number of records processed\t6" in report
    assert "Number of records successful\t2" in report
    assert f"4\t{shipped.amazon_order_id}\t\t18010\tError\t" in report


def test_an_xml_feed_cancels_orders_and_items_and_reports_each_problem(seller):
    mug, towel = make_listing(seller, quantity=50), make_listing(seller, quantity=50)
    whole = make_order(seller, (mug, 1))
    partial = make_order(seller, (mug, 3), (towel, 1))
    acknowledged = make_order(seller, (towel, 1))
    mug_item = partial.items.get(listing=mug)
    content = envelope(
        ack(1, whole.amazon_order_id, items=item(whole.items.get().order_item_id, "PricingError")),
        ack(2, partial.amazon_order_id, items=item(mug_item.order_item_id, "NoInventory", 2)),
        ack(3, partial.amazon_order_id, items=item(mug_item.order_item_id, "NoInventory", 5)),
        ack(4, partial.amazon_order_id, items=item("99999999999999")),
        ack(
            5,
            acknowledged.amazon_order_id,
            "Success",
            extra="<MerchantOrderID>SO-77</MerchantOrderID>",
        ),
        ack(6, whole.amazon_order_id, items=item(whole.items.get().order_item_id, "PricingError")),
        ack(7, whole.amazon_order_id),
    )

    feed = submit(seller, content, feed_type=FeedType.ORDER_ACKNOWLEDGEMENT, source=Feed.Source.API)
    run_tasks()

    feed.refresh_from_db()
    assert feed.processing_status == "DONE"
    assert results(feed) == [
        (3, "Error", 18007),
        (4, "Error", 18005),
        (6, "Warning", 18011),
        (7, "Warning", 18011),
        (7, "Warning", 18014),
    ]
    whole.refresh_from_db()
    partial.refresh_from_db()
    mug_item.refresh_from_db()
    acknowledged.refresh_from_db()
    assert (whole.status, partial.status, mug_item.quantity_cancelled) == (
        "Canceled",
        "Unshipped",
        2,
    )
    assert acknowledged.seller_order_id == "SO-77"
    assert acknowledged.events.filter(kind="acknowledged").count() == 1
    report = feed.result_document.file.open("rb").read().decode()
    assert "<MessagesProcessed>7</MessagesProcessed>" in report
    assert "<MessagesWithError>2</MessagesWithError>" in report
    assert "<ResultMessageCode>18007</ResultMessageCode>" in report


def test_a_dry_run_reports_the_same_and_changes_nothing(seller):
    listing = make_listing(seller, quantity=10)
    order = make_order(seller, (listing, 2))
    content = (
        HEADER + f"{order.amazon_order_id}\tNoInventory\t\n123-0000000-0000000\tNoInventory\t\n"
    )

    feed = submit(seller, content, dry_run=True)
    run_tasks()

    feed.refresh_from_db()
    assert (feed.processing_status, feed.messages_successful, feed.messages_with_error) == (
        "DONE",
        1,
        1,
    )
    assert feed.projected_cancellations == 1
    report = feed.result_document.file.open("rb").read().decode()
    assert "0\t\t\t18016\tWarning\tDry run: nothing was applied." in report
    assert (
        "0.00 % (0/1) now, 100.00 % (1/1) if applied; target under 2.5 %. Applied, it would take"
        " the rate from under the target to at or above it." in report
    )
    order.refresh_from_db()
    listing.refresh_from_db()
    assert (order.status, listing.quantity) == ("Unshipped", 8)
    assert not OutboundEmail.objects.exists()
    assert not OrderEvent.objects.filter(kind="cancelled").exists()
    assert not DBTaskResult.objects.filter(
        task_path="sellerdesk.metrics.tasks.check_rate_alert"
    ).exists()


def test_a_dry_run_says_when_the_rate_is_above_the_target_already(seller):
    cancelled, order = make_order(seller), make_order(seller)
    submit(seller, HEADER + f"{cancelled.amazon_order_id}\tNoInventory\t\n")
    run_tasks()

    feed = submit(seller, HEADER + f"{order.amazon_order_id}\tNoInventory\t\n", dry_run=True)
    run_tasks()

    feed.refresh_from_db()
    report = feed.result_document.file.open("rb").read().decode()
    assert (
        "50.00 % (1/2) now, 100.00 % (2/2) if applied; target under 2.5 %. The rate is at or"
        " above the target, and would stay there if applied." in report
    )


def test_submitting_the_same_file_twice_cancels_once_and_emails_once(seller):
    listing = make_listing(seller, quantity=10)
    orders = [make_order(seller, (listing, 1)) for _ in range(3)]
    content = HEADER + "".join(f"{o.amazon_order_id}\tPricingError\t\n" for o in orders)

    first = submit(seller, content)
    run_tasks()
    second = submit(seller, content)
    run_tasks()

    second.refresh_from_db()
    assert (second.messages_successful, second.messages_with_warning) == (3, 3)
    assert {code for _, _, code in results(second)} == {18011}
    assert OutboundEmail.objects.count() == 3
    assert InventoryLedgerEntry.objects.filter(cause="cancellation_restock").count() == 3
    listing.refresh_from_db()
    assert listing.quantity == 10
    assert first.pk != second.pk


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("<AmazonEnvelope><Header>", 5000),
        ("", 5001),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><AmazonEnvelope/>', 5003),
    ],
)
def test_a_broken_xml_file_is_fatal_and_changes_nothing(seller, content, code):
    order = make_order(seller)

    feed = submit(seller, content, feed_type=FeedType.ORDER_ACKNOWLEDGEMENT)
    run_tasks()

    feed.refresh_from_db()
    assert (feed.processing_status, feed.fatal_code) == ("FATAL", code)
    report = feed.result_document.file.open("rb").read().decode()
    assert "<StatusCode>Rejected</StatusCode>" in report
    assert f"<ResultMessageCode>{code}</ResultMessageCode>" in report
    order.refresh_from_db()
    assert order.status == "Unshipped"


def test_a_wrong_message_type_is_fatal(seller):
    feed = submit(
        seller,
        envelope(ack(1, "123-1234567-1234567"), message_type="OrderAdjustment"),
        feed_type=FeedType.ORDER_ACKNOWLEDGEMENT,
    )
    run_tasks()

    feed.refresh_from_db()
    assert (feed.processing_status, feed.fatal_code) == ("FATAL", 5002)


def running_task_of(feed: Feed, worker_id: str) -> str:
    """Claim the feed's queued task for a worker, as db_worker does; its id."""
    task = DBTaskResult.objects.get(task_path="sellerdesk.feeds.tasks.process_feed")
    task.claim(worker_id)
    return str(task.pk)


def test_a_killed_worker_resumes_and_cancels_every_order_exactly_once(
    seller, monkeypatch, settings
):
    settings.FEED_WORKERS = 1
    listing = make_listing(seller, quantity=100)
    orders = [make_order(seller, (listing, 1)) for _ in range(7)]
    content = HEADER + "".join(f"{o.amazon_order_id}\tPricingError\t\n" for o in orders)
    content += "bad-id\tPricingError\t\n"
    monkeypatch.setattr(processing, "BATCH_SIZE", 3)
    real_apply = processing.batch_apply
    applied: list[int] = []

    def dies_after_two_batches(**kwargs):
        if len(applied) == 2:
            raise SystemExit("worker killed")
        applied.append(kwargs["number"])
        return real_apply(**kwargs)

    monkeypatch.setattr(processing, "batch_apply", dies_after_two_batches)
    feed = submit(seller, content)
    running_task_of(feed, "a-worker-that-dies")
    with pytest.raises(SystemExit):
        processing.feed_process(feed_pk=feed.pk)
    feed.refresh_from_db()
    halfway = (feed.processing_status, feed.records_done)
    monkeypatch.setattr(processing, "batch_apply", real_apply)

    # The worker never beats again: a live worker's sweep fails its task and queues the feed.
    recovered = (lost_tasks_fail(), feeds_recover(), feeds_recover())
    run_tasks()

    feed.refresh_from_db()
    assert halfway == ("IN_PROGRESS", 6)
    assert recovered == (1, 1, 0)
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    assert (feed.processing_status, feed.messages_processed, feed.messages_with_error) == (
        "DONE",
        8,
        1,
    )
    assert list(feed.batches.order_by("number").values_list("number", "records", "done")) == [
        (0, 3, True),
        (1, 3, True),
        (2, 2, True),
    ]
    assert feed.runs == 2
    assert Order.objects.filter(status="Canceled").count() == 7
    assert OrderEvent.objects.filter(kind="cancelled").count() == 7
    assert OutboundEmail.objects.count() == 7


def test_a_feed_whose_task_runs_on_a_live_worker_gets_no_other_and_a_second_task_joins_it(
    seller, settings
):
    settings.FEED_WORKERS = 1
    order = make_order(seller)
    feed = submit(seller, HEADER + f"{order.amazon_order_id}\tPricingError\t\n")
    worker_register(worker_id="alive", queues="*")
    running_task_of(feed, "alive")
    processing._claim(feed_pk=feed.pk, resumed=False)

    recovered = (lost_tasks_fail(), feeds_recover())
    second = processing.feed_process(feed_pk=feed.pk)
    third = processing.feed_process(feed_pk=feed.pk)

    feed.refresh_from_db()
    assert recovered == (0, 0)
    assert (second, third) == ("done", "skipped")
    assert (feed.processing_status, feed.records_done, feed.runs) == ("DONE", 1, 1)
    assert OrderEvent.objects.filter(kind="cancelled").count() == 1


def test_the_tasks_queued_for_a_feed_apply_it_once(seller, settings):
    settings.FEED_WORKERS = 3
    listing = make_listing(seller, quantity=10)
    orders = [make_order(seller, (listing, 1)) for _ in range(2)]

    feed = submit(
        seller, HEADER + "".join(f"{o.amazon_order_id}\tPricingError\t\n" for o in orders)
    )
    queued = DBTaskResult.objects.filter(task_path="sellerdesk.feeds.tasks.process_feed").count()
    run_tasks()

    feed.refresh_from_db()
    assert queued == 3
    assert (feed.processing_status, feed.messages_successful, feed.runs) == ("DONE", 2, 1)
    assert OrderEvent.objects.filter(kind="cancelled").count() == 2
    assert OutboundEmail.objects.count() == 2


def test_a_feed_that_stops_its_worker_every_time_ends_fatal_with_what_it_applied(
    seller, monkeypatch
):
    listing = make_listing(seller, quantity=100)
    orders = [make_order(seller, (listing, 1)) for _ in range(3)]
    content = HEADER + "".join(f"{o.amazon_order_id}\tPricingError\t\n" for o in orders)
    monkeypatch.setattr(processing, "BATCH_SIZE", 1)
    real_apply = processing.batch_apply

    def dies_after_one_batch(**kwargs):
        real_apply(**kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(processing, "batch_apply", dies_after_one_batch)
    feed = submit(seller, content)
    with pytest.raises(SystemExit):
        processing.feed_process(feed_pk=feed.pk)
    # Every run after it died too, before applying anything more.
    Feed.objects.filter(pk=feed.pk).update(runs=processing.MAX_RUNS)
    # Another of the tasks queued with the feed is part of the same run: it goes on.
    with pytest.raises(SystemExit):
        processing.feed_process(feed_pk=feed.pk)

    outcome = processing.feed_process(feed_pk=feed.pk, resumed=True)

    feed.refresh_from_db()
    assert outcome == "fatal"
    assert (feed.processing_status, feed.fatal_code, feed.runs) == ("FATAL", 5008, 6)
    assert "stopped 5 times" in feed.fatal_description
    assert (feed.messages_processed, feed.messages_successful) == (2, 2)
    assert OrderEvent.objects.filter(kind="cancelled").count() == 2
    with feed.result_document.file.open("rb") as report:
        lines = report.read().decode().splitlines()
    assert lines[:3] == [
        "Feed Processing Summary:",
        "\tNumber of records processed\t2",
        "\tNumber of records successful\t2",
    ]
