"""The database sinks: SQLite (embedded, the default) and PostgreSQL, writing through the store.

The schema and the upsert live in :mod:`pipeline.store` (tables ``documents``, ``sources``,
``doc_references``, ``tasks``, ``task_agencies``; Alembic migrations): one document per identity
(issuer, code, date), with every file that carried it as a source. This module only turns the
store's database errors into :class:`SinkError` messages an operator can act on.
"""

from __future__ import annotations

import sqlalchemy as sa

from models import Record
from pipeline.sinks.base import SinkBase, SinkError
from pipeline.store import Store, sqlite_url

__all__ = ["SqlSink", "sqlite_url"]


class SqlSink(SinkBase):
    """Store records in SQLite or PostgreSQL (the URL decides), one transaction per record."""

    def __init__(self, url: str, *, name: str | None = None) -> None:
        super().__init__()
        parsed = sa.make_url(url)
        self.name = name or ("sqlite" if parsed.get_backend_name() == "sqlite" else "postgres")
        # Never print a password into a log or an error.
        self.target = parsed.render_as_string(hide_password=True)
        try:
            self.store = Store(url)
        except (sa.exc.SQLAlchemyError, ValueError) as exc:
            raise SinkError(
                self.name,
                self.target,
                f"cannot open the database ({_first_line(exc)})",
                "Check the server is up, the database exists (createdb) and the user may create tables",
            ) from exc

    def write(self, record: Record) -> None:
        try:
            with self._lock:
                self.store.upsert(record)
        except sa.exc.SQLAlchemyError as exc:
            raise SinkError(
                self.name,
                self.target,
                f"cannot store {record.source.path} ({_first_line(exc)})",
                "Check the database is reachable and has space, then run the document again",
            ) from exc

    def close(self) -> None:
        self.store.close()


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
