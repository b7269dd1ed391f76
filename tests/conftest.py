import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client

from sellerdesk.accounts.models import Seller, User
from tests.factories import PASSWORD, make_seller, make_user


@pytest.fixture(autouse=True)
def plain_http(settings: Any) -> None:
    """The test client and live server speak plain http; production settings stay otherwise."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@dataclass
class SmtpInbox:
    """What a real SMTP server on loopback received."""

    messages: list[EmailMessage] = field(default_factory=list)
    fail: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail:
            return "451 Requested action aborted: try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()


def run_tasks() -> None:
    """Run every queued task to the end, as a db_worker would."""
    call_command(
        "db_worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
    )


@pytest.fixture
def seller(db: None) -> Seller:
    return make_seller()


@pytest.fixture
def other_seller(db: None) -> Seller:
    return make_seller("Fjällbutiken")


@pytest.fixture
def seller_user(seller: Seller) -> User:
    return make_user(seller)


@pytest.fixture
def seller_client(seller_user: User) -> Client:
    client = Client()
    client.force_login(seller_user)
    return client


@pytest.fixture
def login_password() -> str:
    return PASSWORD
