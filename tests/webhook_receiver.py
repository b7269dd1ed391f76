"""A webhook receiver on loopback, written from docs/notifications.md: it checks each
delivery's signature with the documented recipe (verify() below is the docs' own), drops a
notificationId it has already taken, and answers 2xx only for what it took."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 300


def verify(secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """The X-SellerDesk-Signature check of docs/notifications.md."""
    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for name, value in fields if name == "t"]
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamps[0])) > TOLERANCE_SECONDS:
        return False  # too old (or from the future): a replay
    signed = timestamps[0].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, value) for name, value in fields if name == "v1")


def notification_id(notification: dict[str, Any]) -> str:
    """ORDER_CHANGE's envelope is PascalCase, the feed and report ones camelCase, as in SP-API."""
    metadata = notification.get("notificationMetadata") or notification["NotificationMetadata"]
    return str(metadata.get("notificationId") or metadata["NotificationId"])


@dataclass
class Receiver:
    port: int
    secret: str = ""
    taken: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0
    refused: int = 0
    # Answer this status without taking the notification (a receiver with a problem).
    fail_with: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/seller-desk"

    def notifications(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.taken)

    def take(self, body: bytes, signature: str) -> int:
        with self.lock:
            if self.fail_with is not None:
                return self.fail_with
            if not verify(self.secret, body, signature):
                self.refused += 1
                return 400
            notification = json.loads(body)
            if notification_id(notification) in {notification_id(n) for n in self.taken}:
                self.duplicates += 1
                return 200  # taken before: acknowledged, not processed again
            self.taken.append(notification)
            return 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.take(body, self.headers.get("X-SellerDesk-Signature", ""))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    """The receiver listening on 127.0.0.1:receiver.port until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
