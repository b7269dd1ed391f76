"""FEED_PROCESSING_FINISHED and REPORT_PROCESSING_FINISHED: a feed or a report ended (DONE,
CANCELLED or FATAL). Written in the transaction that ends it."""

from sellerdesk.accounts.models import Seller
from sellerdesk.feeds.models import Feed
from sellerdesk.reports.models import Report
from sellerdesk.webhooks.kinds import NotificationType
from sellerdesk.webhooks.models import Delivery
from sellerdesk.webhooks.outbox import Notice, notifications_queue


def feed_finished_queue(*, feed: Feed, seller: Seller) -> list[Delivery]:
    """`feed` as it ended: processing_status, processing_end_time and result document set."""
    assert feed.processing_end_time is not None
    end_time = feed.processing_end_time
    return notifications_queue(
        notification_type=NotificationType.FEED_PROCESSING_FINISHED,
        seller_ids={feed.seller_id},
        notices=lambda: [
            Notice(
                seller_id=feed.seller_id,
                ordering_key=f"feed:{feed.feed_id}",
                event_time=end_time,
                payload={
                    "feedProcessingFinishedNotification": {
                        "sellerId": seller.merchant_token,
                        "accountId": seller.merchant_token,
                        "feedId": feed.feed_id,
                        "feedType": feed.feed_type,
                        "processingStatus": feed.processing_status,
                        "resultFeedDocumentId": (
                            feed.result_document.document_id if feed.result_document else None
                        ),
                    }
                },
            )
        ],
    )


def report_finished_queue(*, report: Report, seller: Seller) -> list[Delivery]:
    """`report` as it ended: processing_status, processing_end_time and document set."""
    assert report.processing_end_time is not None
    end_time = report.processing_end_time
    return notifications_queue(
        notification_type=NotificationType.REPORT_PROCESSING_FINISHED,
        seller_ids={report.seller_id},
        notices=lambda: [
            Notice(
                seller_id=report.seller_id,
                ordering_key=f"report:{report.report_id}",
                event_time=end_time,
                payload={
                    "reportProcessingFinishedNotification": {
                        "sellerId": seller.merchant_token,
                        "accountId": seller.merchant_token,
                        "reportId": report.report_id,
                        "reportType": report.report_type,
                        "processingStatus": report.processing_status,
                        "reportDocumentId": (
                            report.document.document_id if report.document else None
                        ),
                    }
                },
            )
        ],
    )
