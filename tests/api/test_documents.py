"""The presigned document URLs: PUT to upload an input document, GET to download a document."""

import contextlib
import gzip
import http.client
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import signing
from django.test import Client

from sellerdesk.api.documents import DOWNLOAD_SALT, UPLOAD_SALT
from sellerdesk.feeds.models import FeedDocument
from sellerdesk.feeds.services import (
    feed_document_create,
    feed_document_upload,
    feed_result_document_create,
)
from tests.api.conftest import SpApi
from tests.conftest import database_url, free_port

DOCUMENTS = "/feeds/2021-06-30/documents"
DOCUMENT = "/feeds/2021-06-30/documents/{feedDocumentId}"
FLAT_FILE = (
    b"order-id\tcancellation-reason-code\tamazon-order-item-code\n"
    b"171-1234567-7654321\tNoInventory\t12345678901234\n"
)


class SignedLongAgo(signing.TimestampSigner):
    """Signs as if it were 301 seconds ago: one second past the URLs' lifetime."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 301)


def create_document(sp: SpApi, content_type: str = "text/tab-separated-values") -> tuple[str, str]:
    """The document id and the path of its upload URL, as createFeedDocument returns them."""
    body = sp.call("POST", DOCUMENTS, body={"contentType": content_type}).json()
    return body["feedDocumentId"], body["url"].removeprefix("http://testserver")


def download_path(sp: SpApi, document_id: str) -> str:
    url: str = sp.call("GET", DOCUMENT, feedDocumentId=document_id).json()["url"]
    return url.removeprefix("http://testserver")


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def content(response) -> bytes:
    return b"".join(response.streaming_content)


# Upload


def test_put_to_the_upload_url_stores_the_document(seller, sp, media_root):
    document_id, path = create_document(sp)

    response = Client().put(path, FLAT_FILE, content_type="text/tab-separated-values")

    assert response.status_code == 200
    assert response.content == b""
    document = FeedDocument.objects.get(document_id=document_id)
    assert document.size == len(FLAT_FILE)
    assert document.uploaded_at is not None
    with document.file.open("rb") as stored:
        assert stored.read() == FLAT_FILE
    assert stored_files(media_root) == [media_root / f"feeds/{seller.pk}/{document_id}"]


def test_a_document_of_exactly_the_limit_is_accepted(seller, sp, settings):
    settings.FEED_MAX_BYTES = len(FLAT_FILE)
    document_id, path = create_document(sp)

    response = Client().put(path, FLAT_FILE, content_type="text/plain")

    assert response.status_code == 200
    assert FeedDocument.objects.get(document_id=document_id).size == len(FLAT_FILE)


def test_a_document_over_the_limit_is_refused_and_nothing_is_stored(
    seller, sp, settings, media_root
):
    settings.FEED_MAX_BYTES = len(FLAT_FILE) - 1
    document_id, path = create_document(sp)

    response = Client().put(path, FLAT_FILE, content_type="text/plain")

    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "code": "document_too_large",
                "message": f"The document is larger than the limit of {len(FLAT_FILE) - 1} bytes.",
                "details": "",
            }
        ]
    }
    document = FeedDocument.objects.get(document_id=document_id)
    assert (document.uploaded_at, document.size, document.file.name) == (None, None, "")
    assert stored_files(media_root) == []


def test_a_second_upload_to_the_same_document_is_refused(seller, sp):
    document_id, path = create_document(sp)
    Client().put(path, FLAT_FILE, content_type="text/plain")

    response = Client().put(path, b"other", content_type="text/plain")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_uploaded"
    with FeedDocument.objects.get(document_id=document_id).file.open("rb") as stored:
        assert stored.read() == FLAT_FILE


def test_an_expired_upload_url_is_refused(seller, media_root):
    document = feed_document_create(seller=seller, content_type="text/plain")
    signed = SignedLongAgo(salt=UPLOAD_SALT).sign(document.document_id)

    response = Client().put(
        f"/feeds/documents/upload/{signed}", FLAT_FILE, content_type="text/plain"
    )

    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "code": "AccessDenied",
                "message": "The URL has expired; request a new one from the API.",
                "details": "",
            }
        ]
    }
    document.refresh_from_db()
    assert document.uploaded_at is None
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda signed: signed[:-1] + ("A" if signed[-1] != "A" else "B"), id="tampered"
        ),
        pytest.param(
            lambda signed: signed.replace("amzn1.tortuga.4.eu.", "amzn1.tortuga.4.eu.0"),
            id="other-document",
        ),
        pytest.param(
            lambda signed: signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(
                signing.TimestampSigner(salt=UPLOAD_SALT).unsign(signed)
            ),
            id="download-url",
        ),
    ],
)
def test_a_forged_upload_url_is_refused(seller, sp, media_root, forge):
    document_id, path = create_document(sp)
    signed = path.removeprefix("/feeds/documents/upload/")

    response = Client().put(
        f"/feeds/documents/upload/{forge(signed)}", FLAT_FILE, content_type="text/plain"
    )

    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "code": "SignatureDoesNotMatch",
                "message": "The URL's signature is not valid.",
                "details": "",
            }
        ]
    }
    assert FeedDocument.objects.get(document_id=document_id).uploaded_at is None
    assert stored_files(media_root) == []


def test_the_upload_url_takes_only_put(seller, sp):
    _, path = create_document(sp)

    assert Client().get(path).status_code == 405
    assert Client().post(path, FLAT_FILE, content_type="text/plain").status_code == 405


# Download


def test_an_input_document_downloads_as_it_was_uploaded(seller, sp):
    document_id, path = create_document(sp, "text/tab-separated-values; charset=UTF-8")
    Client().put(path, FLAT_FILE, content_type="text/plain")

    response = Client().get(download_path(sp, document_id))

    assert response.status_code == 200
    assert content(response) == FLAT_FILE
    assert response["Content-Type"] == "text/tab-separated-values; charset=UTF-8"
    assert response["Content-Disposition"] == f'attachment; filename="{document_id}"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "Content-Encoding" not in response


def test_a_result_document_downloads_gzip_compressed(seller, sp):
    report = "<?xml version='1.0'?><AmazonEnvelope>" + "<Result/>" * 2000 + "</AmazonEnvelope>"
    result = feed_result_document_create(
        seller=seller,
        content_type="text/xml; charset=UTF-8",
        content=io.BytesIO(report.encode()),
    )

    response = Client().get(download_path(sp, result.document_id))

    assert response.status_code == 200
    compressed = content(response)
    assert gzip.decompress(compressed).decode() == report
    assert len(compressed) < len(report)
    # As from S3: the client decompresses, the HTTP library must not.
    assert "Content-Encoding" not in response
    assert response["Content-Type"] == "text/xml; charset=UTF-8"
    assert response["Content-Disposition"] == f'attachment; filename="{result.document_id}.gz"'


def test_an_input_document_not_yet_uploaded_has_nothing_to_download(seller, sp):
    document_id, _ = create_document(sp)

    response = Client().get(download_path(sp, document_id))

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "document_empty"


def test_an_expired_or_forged_download_url_is_refused(seller):
    document = feed_document_upload(
        document=feed_document_create(seller=seller, content_type="text/plain"),
        chunks=[FLAT_FILE],
    )
    expired = SignedLongAgo(salt=DOWNLOAD_SALT).sign(document.document_id)
    upload = signing.TimestampSigner(salt=UPLOAD_SALT).sign(document.document_id)

    late = Client().get(f"/feeds/documents/download/{expired}")
    wrong_salt = Client().get(f"/feeds/documents/download/{upload}")

    assert (late.status_code, late.json()["errors"][0]["code"]) == (403, "AccessDenied")
    assert (wrong_salt.status_code, wrong_salt.json()["errors"][0]["code"]) == (
        403,
        "SignatureDoesNotMatch",
    )


# A chunked body: stored whole where the server decodes it, refused where it cannot be read


def put_chunked(host: str, port: int, path: str, parts: list[bytes]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        # A server that refuses the body may answer and close before all of it is sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request("PUT", path, body=iter(parts), encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(settings, media_root: Path) -> Iterator[int]:
    """The application under gunicorn, as in production, on the test database; its port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "SELLERDESK_VAR_DIR": str(media_root.parent),
        "SECURE_COOKIES": "false",
    }
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and application)
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn failed"
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_chunked_put_is_stored_whole_under_gunicorn(seller, sp, gunicorn: int):
    document_id, path = create_document(sp)

    status, _body = put_chunked("127.0.0.1", gunicorn, path, [FLAT_FILE[:30], FLAT_FILE[30:]])

    document = FeedDocument.objects.get(document_id=document_id)
    assert status == 200
    assert document.size == len(FLAT_FILE)
    with document.file.open("rb") as stored:
        assert stored.read() == FLAT_FILE


def test_a_chunked_put_a_server_cannot_read_is_refused_and_stores_nothing(seller, sp, media_root):
    """Django's own servers (runserver, the test client) do not decode a chunked body."""
    document_id, path = create_document(sp)

    response = Client().put(
        path, FLAT_FILE, content_type="text/plain", headers={"Transfer-Encoding": "chunked"}
    )

    document = FeedDocument.objects.get(document_id=document_id)
    assert response.status_code == 411
    assert response.json()["errors"][0]["code"] == "LengthRequired"
    assert (document.uploaded_at, stored_files(media_root)) == (None, [])


@pytest.mark.parametrize(
    "content_type",
    [
        "text/xml\r\nX-Injected: 1",
        "text/plain\n",
        "\n",
        "text/xml\x07",
        "text/xml; charset=UTF-8\r\n",
        "application/json",
        "text/xml; charset",
        " text/xml",
    ],
)
def test_create_feed_document_refuses_what_is_not_a_feed_media_type(sp, content_type):
    response = sp.call("POST", DOCUMENTS, body={"contentType": content_type})

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert "contentType" in response.json()["errors"][0]["details"]
    assert not FeedDocument.objects.exists()


def test_a_media_type_with_parameters_comes_back_on_the_download(seller, sp):
    content_type = 'Text/Tab-Separated-Values; charset="UTF-8";\tformat=flat'
    created = sp.call("POST", DOCUMENTS, body={"contentType": content_type}).json()
    Client().generic("PUT", created["url"], b"order-id\n", content_type="text/plain")

    document = sp.call(
        "GET", f"{DOCUMENTS}/{{feedDocumentId}}", feedDocumentId=created["feedDocumentId"]
    ).json()
    download = Client().get(document["url"])

    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert content(download) == b"order-id\n"


def test_a_document_stored_with_a_line_break_downloads_as_bytes(seller):
    document = feed_document_create(seller=seller, content_type="text/xml")
    feed_document_upload(document=document, chunks=[b"<x/>"])
    FeedDocument.objects.filter(pk=document.pk).update(content_type="text/xml\r\nX-Injected: 1")
    signed = signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(document.document_id)

    download = Client().get(f"/feeds/documents/download/{signed}")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert "X-Injected" not in download.headers
