"""Idempotency-Key: a client that retries a request (after a timeout, a dropped connection)
sends the same key again and gets the first response back instead of a second application.

The key is claimed by inserting its row before the operation runs, in the operation's
transaction; the unique (seller, key) constraint does the rest. A concurrent request with the
same key waits on that insert (a row lock on PostgreSQL, the write lock on SQLite) until the
first commits, then fails to insert and replays the stored response. If the first rolls back,
nothing was applied and the key is free again."""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.api.errors import error_body
from sellerdesk.api.models import IdempotentRequest
from sellerdesk.core.errors import ApplicationError, ErrorCode, InvalidInput

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
# Keys are kept at least this long; a key older than this is forgotten and may be used anew.
RETENTION = datetime.timedelta(hours=24)


class IdempotencyKeyReused(ApplicationError):
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    http_status = 422


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any] | None = None


def idempotent_reply(
    *,
    request: HttpRequest,
    seller: Seller,
    key: str | None,
    operation: Callable[[], Reply],
) -> HttpResponse:
    """Run `operation` once per (seller, key). Its domain errors are replies too, and are
    replayed like a success: what the first request was told, the retry is told."""
    if key is None:
        return _response(_attempt(operation))
    _check_key(key)
    fingerprint = request_fingerprint(request)
    IdempotentRequest.objects.filter(
        seller=seller, created_at__lt=timezone.now() - RETENTION
    ).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    seller=seller,
                    key=key,
                    fingerprint=fingerprint,
                    method=request.method or "",
                    path=request.path[:300],
                )
        except IntegrityError:
            first = IdempotentRequest.objects.get(seller=seller, key=key)
            if first.fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    f"Idempotency-Key {key} was used for a different request"
                    f" ({first.method} {first.path} with another body); send a new key with"
                    " a new request.",
                ) from None
            response = _response(Reply(_stored_status(first), first.response_body))
            response.headers[REPLAYED_HEADER] = "true"
            return response
        reply = _attempt(operation)
        record.response_status, record.response_body = reply.status, reply.body
        record.save(update_fields=["response_status", "response_body"])
    return _response(reply)


def request_fingerprint(request: HttpRequest) -> str:
    """sha256 of the method, the path and the body. A JSON body counts by its value, so that
    a client that serializes it again (other key order, other spacing) is not refused."""
    try:
        body = json.dumps(
            json.loads(request.body or b"null"),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    except ValueError:
        body = request.body
    digest = hashlib.sha256()
    for part in ((request.method or "").encode(), request.path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _check_key(key: str) -> None:
    # Printable ASCII: what a header carries safely, and what a database column stores.
    if not 0 < len(key) <= KEY_MAX_LENGTH or not all(" " < char <= "~" for char in key):
        raise InvalidInput(
            f"{HEADER} must be 1 to {KEY_MAX_LENGTH} printable ASCII characters without spaces.",
            code=ErrorCode.INVALID_IDEMPOTENCY_KEY,
        )


def _attempt(operation: Callable[[], Reply]) -> Reply:
    try:
        return operation()
    except ApplicationError as error:
        return Reply(error.http_status, error_body(error.code, error.message))


def _stored_status(record: IdempotentRequest) -> int:
    # The response is saved in the transaction that inserts the row, so a row that another
    # transaction can see always has one.
    if record.response_status is None:
        raise RuntimeError(f"Idempotent request {record.pk} has no stored response.")
    return record.response_status


def _response(reply: Reply) -> HttpResponse:
    if reply.body is None:
        return HttpResponse(status=reply.status)
    return JsonResponse(reply.body, status=reply.status)
