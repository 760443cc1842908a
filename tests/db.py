"""Real databases for the store and SQL sink tests: a fresh SQLite file, or a fresh, uniquely named
PostgreSQL database on the local server (others run tests on this machine at the same time).

Not a conftest: test modules import what they use. PostgreSQL is skipped only when the server
cannot be reached outside CI; in CI (env CI set) it must run.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ADMIN = os.environ.get("DIRECTIVES_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _connect(dsn: str) -> Any:
    import psycopg

    return psycopg.connect(dsn, autocommit=True, connect_timeout=3)


@contextlib.contextmanager
def fresh_postgres(prefix: str = "directives_test") -> Iterator[str]:
    """A new database (SQLAlchemy URL), dropped on the way out."""
    import psycopg

    try:
        conn = _connect(ADMIN)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {ADMIN} ({exc}); set DIRECTIVES_TEST_POSTGRES")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with conn:
        conn.execute(f'create database "{name}"')
    base = ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with _connect(ADMIN) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


class DbReader:
    """Reads tables with the plain driver (sqlite3 / psycopg), not SQLAlchemy, so what a
    hand-written query sees is what is tested."""

    def __init__(self, kind: str, target: str) -> None:
        self.kind, self.target = kind, target

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]]
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.target)) as conn:
                rows = conn.execute(sql, params).fetchall()
        else:
            with _connect(self.target) as conn:
                rows = conn.execute(sql.replace("?", "%s"), params or None).fetchall()
        return rows

    def execute(self, sql: str) -> None:
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.target)) as conn:
                conn.executescript(sql)
        else:
            with _connect(self.target) as conn:
                conn.execute(sql)


@contextlib.contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[tuple[str, DbReader]]:
    """(SQLAlchemy URL, plain reader) of an empty database of ``kind`` (sqlite or postgres)."""
    if kind == "sqlite":
        path = tmp_path / "db" / "directives.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{path}", DbReader("sqlite", str(path))
        return
    with fresh_postgres() as url:
        yield url, DbReader("postgres", url.replace("+psycopg", ""))
