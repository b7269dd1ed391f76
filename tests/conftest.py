import logging
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
from django.db import connection
from django.test import Client

from sellerdesk.accounts.models import Seller, User
from sellerdesk.api.usage_plans import DEFAULT_PLANS, MAX_BURST, MAX_RATE
from tests.factories import PASSWORD, make_seller, make_user

# Fixtures through which a test reaches the database (pytest-django's, and the live server's).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database (the others behave the same on any)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    selected = [item for item in items if uses_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
    items[:] = selected


def uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(names & DATABASE_FIXTURES)


@pytest.fixture(autouse=True)
def plain_http(settings: Any) -> None:
    """The test client and live server speak plain http; production settings stay otherwise."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def unlimited_usage_plans(settings: Any) -> None:
    """SP-API's usage plans would answer most tests' series of calls with 429: the suite runs
    with every plan raised as far as RATE_LIMITS goes. tests/api/test_rate_limits.py sets the
    plans it tests."""
    settings.RATE_LIMITS = {
        operation_id: f"{MAX_RATE}/{MAX_BURST}" for operation_id in DEFAULT_PLANS
    }


@dataclass
class SmtpInbox:
    """What a real SMTP server on loopback received."""

    messages: list[EmailMessage] = field(default_factory=list)
    fail: bool = False  # a 4xx reply to DATA: try again later
    refuse: bool = False  # a 5xx reply to RCPT: no such mailbox
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

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


def mail_to(settings: Any, port: int, **options: Any) -> None:
    """Deliver email to the SMTP server on 127.0.0.1:port."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5, **options},
        }
    }


def smtp_server(inbox: SmtpInbox, port: int) -> Controller:
    """A real SMTP server (aiosmtpd) on 127.0.0.1:port, started."""
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    controller = smtp_server(inbox, free_port())
    mail_to(settings, controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


def database_url() -> str:
    """The test database, for processes the tests start (workers, gunicorn)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{auth}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


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


@pytest.fixture(autouse=True, scope="session")
def _quiet_mail_server_log() -> None:
    """aiosmtpd logs every SMTP command at INFO: thousands of lines in a failing test's report."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
