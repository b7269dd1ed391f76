"""Presigned URLs for feed documents, as the Feeds API hands out S3 URLs: whoever holds the URL may
upload (PUT) or download (GET) that one document for five minutes, without any other credential.

Documents that Seller Desk writes (processing reports, and the documents of the Reports API) are
always served GZIP-compressed, and getFeedDocument and getReportDocument say so with
compressionAlgorithm GZIP; SP-API clients decompress when it is present. The bytes carry no
Content-Encoding header, as from S3, so that HTTP libraries do not decompress them a second time.
Input documents are served exactly as they were uploaded."""

import zlib
from collections.abc import Iterator
from enum import Enum

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sellerdesk.api.errors import error_body
from sellerdesk.core.errors import ApplicationError
from sellerdesk.feeds.models import FeedDocument
from sellerdesk.feeds.selectors import feed_document_signed
from sellerdesk.feeds.services import DocumentTooLarge, feed_document_upload

URL_LIFETIME_SECONDS = 300
CHUNK_SIZE = 64 * 1024
# Different salts, so that an upload URL cannot be turned into a download URL or the reverse.
UPLOAD_SALT = "sellerdesk.api.documents.upload"
DOWNLOAD_SALT = "sellerdesk.api.documents.download"
GZIP_WBITS = 16 + zlib.MAX_WBITS


def upload_url(request: HttpRequest, document: FeedDocument) -> str:
    signed = signing.TimestampSigner(salt=UPLOAD_SALT).sign(document.document_id)
    return request.build_absolute_uri(reverse("feed_document_upload", args=[signed]))


def download_url(request: HttpRequest, document: FeedDocument) -> str:
    signed = signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(document.document_id)
    return request.build_absolute_uri(reverse("feed_document_download", args=[signed]))


def is_compressed(document: FeedDocument) -> bool:
    return document.purpose in {FeedDocument.Purpose.RESULT, FeedDocument.Purpose.REPORT}


@csrf_exempt
@require_http_methods(["PUT"])
def upload(request: HttpRequest, signed: str) -> HttpResponse:
    with translation.override("en"):
        document = _document(signed, salt=UPLOAD_SALT)
        if isinstance(document, _Refusal):
            return _forbidden(document)
        declared = request.headers.get("Content-Length", "")
        # Refused before a byte is read or stored when the client says up front it is too large.
        if declared.isdigit() and int(declared) > settings.FEED_MAX_BYTES:
            return _too_large()
        chunks = _body_chunks(request)
        if chunks is None:
            return JsonResponse(
                error_body(
                    "LengthRequired",
                    "This server cannot read a chunked body: send the document with a "
                    "Content-Length header.",
                ),
                status=411,
            )
        try:
            feed_document_upload(document=document, chunks=chunks)
        except DocumentTooLarge:
            return _too_large()
        except ApplicationError as error:
            return JsonResponse(error_body(error.code, error.message), status=error.http_status)
        return HttpResponse(status=200)


@require_GET
def download(request: HttpRequest, signed: str) -> HttpResponseBase:
    document = _document(signed, salt=DOWNLOAD_SALT)
    if isinstance(document, _Refusal):
        return _forbidden(document)
    if not document.file:
        return JsonResponse(
            error_body("document_empty", "Nothing has been uploaded to this document yet."),
            status=404,
        )
    source = document.file.open("rb")
    content_type = _header_safe(document.content_type)
    response: HttpResponseBase
    if is_compressed(document):
        response = StreamingHttpResponse(_gzip(source), content_type=content_type)
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{document.document_id}.gz"'
        )
    else:
        response = FileResponse(
            source,
            as_attachment=True,
            filename=document.document_id,
            content_type=content_type,
        )
    # The content type is whatever the uploader declared: never let a browser run it on our origin.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


class _Refusal(Enum):
    EXPIRED = ("AccessDenied", "The URL has expired; request a new one from the API.")
    BAD_SIGNATURE = ("SignatureDoesNotMatch", "The URL's signature is not valid.")


def _document(signed: str, *, salt: str) -> FeedDocument | _Refusal:
    signer = signing.TimestampSigner(salt=salt)
    try:
        document_id = signer.unsign(signed, max_age=URL_LIFETIME_SECONDS)
    except signing.SignatureExpired:
        return _Refusal.EXPIRED
    except signing.BadSignature:
        return _Refusal.BAD_SIGNATURE
    document = feed_document_signed(document_id=document_id)
    # Signed by us for a document that is gone: nothing to tell apart from a forged URL.
    return document if document is not None else _Refusal.BAD_SIGNATURE


def _body_chunks(request: HttpRequest) -> Iterator[bytes] | None:
    """The body, streamed (request.body would hold the whole document in memory); None when it
    is chunked and the server does not say where it ends."""
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return iter(lambda: request.read(CHUNK_SIZE), b"")
    # Django reads Content-Length bytes, none for a chunked body. A server that decodes the
    # chunks and ends the stream with the body (gunicorn) says so with wsgi.input_terminated;
    # reading any other server's input to its end could wait for ever.
    if not request.META.get("wsgi.input_terminated"):
        return None
    stream = request.META["wsgi.input"]
    return iter(lambda: stream.read(CHUNK_SIZE), b"")


def _header_safe(content_type: str) -> str:
    # createFeedDocument takes only media types now, but a document created before it checked
    # may hold a line break, which no header can carry: serve such a one as bytes unnamed.
    if "\r" in content_type or "\n" in content_type:
        return "application/octet-stream"
    return content_type


def _gzip(source: File) -> Iterator[bytes]:
    compressor = zlib.compressobj(wbits=GZIP_WBITS)
    try:
        for chunk in source.chunks(CHUNK_SIZE):
            if compressed := compressor.compress(chunk):
                yield compressed
        yield compressor.flush()
    finally:
        source.close()


def _forbidden(refusal: _Refusal) -> JsonResponse:
    code, message = refusal.value
    return JsonResponse(error_body(code, message), status=403)


def _too_large() -> JsonResponse:
    return JsonResponse(
        error_body(
            DocumentTooLarge.code,
            f"The document is larger than the limit of {settings.FEED_MAX_BYTES} bytes.",
        ),
        status=413,
    )
