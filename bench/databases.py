"""A benchmark's own database: SQLite under its directory, or a PostgreSQL database of its own
on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432), made fresh for each
run. The runner's environment points Django, and the workers that inherit it, there."""

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_DEFAULT = "postgres://postgres@127.0.0.1:5432/sellerdesk"


def environment(database: str, *, directory: Path, postgres_name: str) -> str:
    """Point this process, and the workers that inherit its environment, at the benchmark's
    own database; returns its file or URL."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "static").mkdir(exist_ok=True)  # WhiteNoise warns without it
    os.environ["SELLERDESK_VAR_DIR"] = str(directory)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    if database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        return str(directory / "sellerdesk.sqlite3")
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = POSTGRES_DEFAULT
    url = urlsplit(server)._replace(path=f"/{postgres_name}").geturl()
    os.environ["DATABASE_URL"] = url
    return url


def fresh_database(database: str, location: str) -> None:
    from django.db import connection

    connection.close()
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{location}{suffix}").unlink(missing_ok=True)
        return
    drop_postgres(location)
    with _postgres_admin(location) as admin:
        admin.execute(f'CREATE DATABASE "{_name(location)}"')


def drop_postgres(url: str) -> None:
    from django.db import connection

    connection.close()
    with _postgres_admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _postgres_admin(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True)
