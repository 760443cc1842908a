"""The store: documents by identity with every file that carried them, tasks and their agencies as rows.

The one place records are kept for querying. The SQL sinks write through it, the HTTP API
(``directives api``) and the clerk's desk read and write through it; all of them call the
functions here, never the tables directly::

    >>> from pipeline.store import Store
    >>> with Store("sqlite:///data/directives.sqlite3") as store:     # doctest: +SKIP
    ...     stored = store.upsert(record)                              # one transaction
    ...     store.get_document(stored.document_id).sources
    ...     store.query_tasks(lead="Sở Nội vụ", overdue=True).items

Opening a store migrates its database to the current schema (Alembic, same schema on SQLite
and PostgreSQL; see :mod:`pipeline.store.migrate`). Tables: :mod:`pipeline.store.schema`.
"""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Self

from pipeline.store import read, write
from pipeline.store.engine import create_store_engine, safe_url, sqlite_url
from pipeline.store.identity import document_id, document_identity
from pipeline.store.migrate import import_legacy, upgrade
from pipeline.store.read import BadCursor
from pipeline.store.views import AgencyView, DocumentSummary, DocumentView, Page, SourceView, Stored, TaskView

if TYPE_CHECKING:
    from models import Record
    from pipeline.settings import Settings

__all__ = [
    "AgencyView",
    "BadCursor",
    "DocumentSummary",
    "DocumentView",
    "Page",
    "SourceView",
    "Store",
    "Stored",
    "TaskView",
    "document_id",
    "document_identity",
    "sqlite_url",
    "store_url",
]


def store_url(settings: Settings) -> str:
    """The database the store lives in: PostgreSQL when that sink is on, else the SQLite file."""
    if "postgres" in settings.sinks and settings.postgres_url:
        return settings.postgres_url
    return sqlite_url(settings.sqlite_path)


class Store:
    """One database of documents and tasks. Thread-safe: every call takes its own connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.target = safe_url(url)  # never print a password
        self.engine = create_store_engine(url)
        # single-statement reads need no transaction: no BEGIN and ROLLBACK round trips around them
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        try:
            upgrade(self.engine)
            import_legacy(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def upsert(self, record: Record) -> Stored:
        """Store one record in one transaction (see :mod:`pipeline.store.write`)."""
        with self.engine.begin() as conn:
            stored = write.upsert_record(conn, record)
            if stored.sources:  # a new document of a new file: the write knows its one source
                return stored
            return stored.model_copy(update={"sources": read.sources_of(conn, stored.document_id)})

    def get_document(self, doc_id: str) -> DocumentView | None:
        with self.engine.connect() as conn:
            return read.get_document(conn, doc_id)

    def query_documents(
        self,
        *,
        code: str | None = None,
        issuer: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[DocumentSummary]:
        with self.engine.connect() as conn:
            return read.query_documents(
                conn, code=code, issuer=issuer, date_from=date_from, date_to=date_to, q=q, limit=limit, offset=offset
            )

    def query_tasks(
        self,
        *,
        lead: str | None = None,
        due_before: str | None = None,
        overdue: bool = False,
        q: str | None = None,
        document_id: str | None = None,
        today: date | None = None,
        limit: int = 50,
        offset: int = 0,
        after: str | None = None,
    ) -> Page[TaskView]:
        """Tasks, soonest due first (see :func:`pipeline.store.read.query_tasks`); ``after`` is the
        ``next`` of the page before, and a malformed one raises :class:`BadCursor`."""
        with self._autocommit.connect() as conn:
            return read.query_tasks(
                conn,
                lead=lead,
                due_before=due_before,
                overdue=overdue,
                q=q,
                document_id=document_id,
                today=today,
                limit=limit,
                offset=offset,
                after=after,
            )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
