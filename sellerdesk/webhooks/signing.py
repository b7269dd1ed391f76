"""The signature of a delivery, as docs/notifications.md tells receivers to check it:

    X-SellerDesk-Signature: t=<Unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">

keyed with the destination's signing secret. The time is when the attempt is made, so that a
receiver can refuse old messages (replays); the body is the same bytes at every attempt."""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-SellerDesk-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def signing_secret_new() -> str:
    return SECRET_PREFIX + secrets.token_hex(24)


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
