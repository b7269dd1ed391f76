"""Writes on feeds: documents, feeds, cancelling a queued feed."""

import datetime
from collections.abc import Iterable, Iterator
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.acting import acting_application_id
from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.permissions import Area, Level, permission_check
from sellerdesk.accounts.selectors import seller_marketplaces
from sellerdesk.core.errors import ErrorCode, InvalidInput, InvalidTransition, NotFound
from sellerdesk.core.tasks import enqueue_on_commit
from sellerdesk.feeds.kinds import ACCEPTED_FEED_TYPES, feed_kind
from sellerdesk.feeds.models import Feed, FeedDocument, new_report_document_id
from sellerdesk.webhooks.processing_finished import feed_finished_queue

UPLOAD_URL_LIFETIME = datetime.timedelta(minutes=5)


class DocumentTooLarge(InvalidInput):
    code = ErrorCode.DOCUMENT_TOO_LARGE
    http_status = 413


def feed_document_create(*, seller: Seller, content_type: str) -> FeedDocument:
    """An empty input document, to be uploaded within five minutes."""
    content_type = content_type.strip()
    if not content_type or len(content_type) > 200:
        raise InvalidInput("contentType is required.", code=ErrorCode.INVALID_CONTENT_TYPE)
    return FeedDocument.objects.create(
        seller=seller,
        purpose=FeedDocument.Purpose.INPUT,
        content_type=content_type,
        upload_expires_at=timezone.now() + UPLOAD_URL_LIFETIME,
    )


def feed_document_upload(
    *, document: FeedDocument, chunks: Iterable[bytes], filename: str = ""
) -> FeedDocument:
    """Store the bytes of an input document, streaming, within the size limit."""
    if document.purpose != FeedDocument.Purpose.INPUT or document.uploaded_at is not None:
        raise InvalidTransition(
            "This document was uploaded already.", code=ErrorCode.ALREADY_UPLOADED
        )
    if document.upload_expires_at and document.upload_expires_at < timezone.now():
        raise InvalidTransition("The upload URL has expired.", code=ErrorCode.UPLOAD_URL_EXPIRED)
    document.file.save(document.document_id, _LimitedFile(chunks), save=False)
    document.size = document.file.size
    document.filename = filename[:255]
    document.uploaded_at = timezone.now()
    document.save(update_fields=["file", "size", "filename", "uploaded_at"])
    return document


class _LimitedFile(File):
    """Chunks as a file for storage, refusing more than FEED_MAX_BYTES."""

    def __init__(self, chunks: Iterable[bytes]):
        super().__init__(None, name="upload")
        self._chunks = chunks

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        total = 0
        for chunk in self._chunks:
            total += len(chunk)
            if total > settings.FEED_MAX_BYTES:
                raise DocumentTooLarge(
                    _("The file is larger than the limit of %(limit)d MB.")
                    % {"limit": settings.FEED_MAX_BYTES // (1024 * 1024)}
                )
            yield chunk

    def __bool__(self) -> bool:
        return True


def feed_result_document_create(
    *,
    seller: Seller,
    content_type: str,
    content: IO[bytes],
    purpose: FeedDocument.Purpose = FeedDocument.Purpose.RESULT,
) -> FeedDocument:
    """A document that Seller Desk writes: a feed's processing report, or a report's."""
    document = FeedDocument(seller=seller, purpose=purpose, content_type=content_type)
    if purpose == FeedDocument.Purpose.REPORT:
        document.document_id = new_report_document_id()
    document.file.save(document.document_id, File(content), save=False)
    document.size = document.file.size
    document.save()
    return document


def feed_create(
    *,
    seller: Seller,
    feed_type: str,
    input_document_id: str,
    marketplace_ids: list[str] | None = None,
    source: str = Feed.Source.API,
    dry_run: bool = False,
    options: dict[str, object] | None = None,
    created_by: User | None = None,
) -> Feed:
    feed_permission_check(feed_type=feed_type, source=source, user=created_by)
    marketplace_ids = seller_marketplaces(seller=seller, marketplace_ids=marketplace_ids)
    document = FeedDocument.objects.filter(
        seller=seller, document_id=input_document_id, purpose=FeedDocument.Purpose.INPUT
    ).first()
    if document is None:
        raise NotFound(_("Feed document not found."), code=ErrorCode.DOCUMENT_NOT_FOUND)
    if document.uploaded_at is None:
        raise InvalidInput(
            _("The feed document has not been uploaded."), code=ErrorCode.DOCUMENT_EMPTY
        )
    with transaction.atomic():
        feed = Feed.objects.create(
            seller=seller,
            feed_type=feed_type,
            marketplace_ids=marketplace_ids,
            input_document=document,
            source=source,
            dry_run=dry_run,
            options=options or {},
            created_by=created_by,
            application_id=acting_application_id(),
        )
        from sellerdesk.feeds.tasks import process_feed

        for _task in range(settings.FEED_WORKERS):
            enqueue_on_commit(process_feed, feed.pk)
    return feed


def feed_submit(
    *,
    seller: Seller,
    feed_type: str,
    chunks: Iterable[bytes],
    content_type: str,
    filename: str,
    source: str,
    dry_run: bool = False,
    options: dict[str, object] | None = None,
    created_by: User | None = None,
) -> Feed:
    """Upload and submit in one step: a web upload, or a selection on Manage Orders."""
    feed_permission_check(feed_type=feed_type, source=source, user=created_by)
    document = feed_document_create(seller=seller, content_type=content_type)
    feed_document_upload(document=document, chunks=chunks, filename=filename)
    return feed_create(
        seller=seller,
        feed_type=feed_type,
        input_document_id=document.document_id,
        source=source,
        dry_run=dry_run,
        options=options,
        created_by=created_by,
    )


def feed_permission_check(*, feed_type: str, source: str, user: User | None) -> None:
    """Whether `user` may submit a feed of this type from `source`: View and edit in what the
    feed changes and, for a file or an API feed, in Upload files and feeds. Without a user (the
    system's own feeds, the tests' and benchmarks'), there is nobody to refuse."""
    if feed_type not in ACCEPTED_FEED_TYPES:
        raise InvalidInput(
            _("Feed type %(type)s is not supported.") % {"type": feed_type},
            code=ErrorCode.UNSUPPORTED_FEED_TYPE,
        )
    if user is None:
        return
    if source != Feed.Source.SELECTION:
        permission_check(user=user, area=Area.FILES, level=Level.EDIT)
    permission_check(user=user, area=feed_kind(feed_type).area, level=Level.EDIT)


def feed_cancel(*, seller: Seller, feed_id: str) -> Feed:
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(seller=seller, feed_id=feed_id).first()
        if feed is None:
            raise NotFound(_("Feed not found."), code=ErrorCode.FEED_NOT_FOUND)
        if feed.processing_status != Feed.Status.IN_QUEUE:
            raise InvalidTransition(
                _("Only a feed in queue can be cancelled; this one is %(status)s.")
                % {"status": feed.processing_status},
                code=ErrorCode.FEED_NOT_IN_QUEUE,
            )
        feed.processing_status = Feed.Status.CANCELLED
        feed.processing_end_time = timezone.now()
        feed.save(update_fields=["processing_status", "processing_end_time"])
        feed_finished_queue(feed=feed, seller=seller)
    return feed
