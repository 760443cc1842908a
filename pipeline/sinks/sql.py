"""The database sinks: SQLite (embedded, the default) and PostgreSQL, one schema, SQLAlchemy 2 Core.

Tables (created on first use; columns are only ever added, never renamed):

``documents``
    one row per document, primary key ``sha256`` (the file's hash: the same bytes are the same
    document). ``code`` is *not* unique: Party numbering restarts each term, so look documents up
    by ``(issuer, code, issued_date)`` (indexed). ``record`` holds the whole record as JSON.
``doc_references``
    the instruments a document cites, primary key ``(sha256, code)``. Named ``doc_references``
    rather than ``references`` because REFERENCES is an SQL keyword: the plain name would need
    quoting in every hand-written query downstream.
``tasks``
    one row per task, primary key ``id`` (stable across runs), with its document's ``sha256``.

Writing a document is one transaction: upsert the document, upsert its references and tasks,
delete the ones the new record no longer has. Run a document twice and nothing is duplicated;
readers never see a document with half its tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from models import Record
from pipeline.sinks.base import SinkBase, SinkError, task_fields

log = logging.getLogger(__name__)

# JSON on SQLite (text), JSONB on PostgreSQL so downstream queries can index into lists.
JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# ISO dates with reduced precision ("2026", "2026-03", "2026-03-15") sort correctly as text.
DateText = sa.String(10)

metadata = sa.MetaData()

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True, comment="sha256 of the source file"),
    sa.Column("path", sa.Text, nullable=False, comment="source path when last read"),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("pages", sa.Integer),
    sa.Column("issuer", sa.Text, comment="cơ quan ban hành"),
    sa.Column("parent", sa.Text, comment="cơ quan chủ quản"),
    sa.Column("doc_type", sa.Text, comment="tên loại văn bản"),
    sa.Column("number", sa.Text, comment="số"),
    sa.Column("symbol", sa.Text, comment="ký hiệu"),
    sa.Column("code", sa.Text, comment="số/ký hiệu as printed; NOT unique"),
    sa.Column("place", sa.Text, comment="địa danh"),
    sa.Column("issued_date", DateText, comment="ngày ban hành, ISO, reduced precision allowed"),
    sa.Column("subject", sa.Text, comment="trích yếu"),
    sa.Column("urgency", sa.Text, comment="độ khẩn"),
    sa.Column("confidentiality", sa.Text, comment="độ mật"),
    sa.Column("recipients", JsonType, nullable=False, comment="Kính gửi"),
    sa.Column("signer", JsonType, nullable=False),
    sa.Column("distribution", JsonType, nullable=False, comment="Nơi nhận"),
    sa.Column("warnings", JsonType, nullable=False),
    sa.Column("record", JsonType, nullable=False, comment="the whole record, as the JSON contract"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_documents_issuer_code_date", "issuer", "code", "issued_date"),
)

doc_references = sa.Table(
    "doc_references",
    metadata,
    sa.Column("sha256", sa.String(64), sa.ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("doc_type", sa.Text),
    sa.Column("issued_date", DateText),
    sa.Column("issuer", sa.Text),
    sa.Column("mentions", sa.Integer, nullable=False),
    # "Which of our documents cite Chỉ thị 53-CT/TW?"
    sa.Index("ix_doc_references_code", "code"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("documents.sha256", ondelete="CASCADE"), nullable=False),
    sa.Column("ordinal", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("lead", JsonType, nullable=False, comment="chủ trì"),
    sa.Column("support", JsonType, nullable=False, comment="phối hợp"),
    sa.Column("deadline", DateText),
    sa.Column("recurrence", sa.Text),
    sa.Column("report_to", sa.Text),
    sa.Index("ix_tasks_sha256", "sha256"),
    sa.Index("ix_tasks_deadline", "deadline"),  # "what falls due this week?"
)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{Path(path).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the watcher and a batch run write in
    # turn while readers keep reading.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class SqlSink(SinkBase):
    """Store records in SQLite or PostgreSQL (the URL decides); see the module docstring for the schema."""

    def __init__(self, url: str, *, name: str | None = None) -> None:
        super().__init__()
        parsed = sa.make_url(url)
        self.name = name or ("sqlite" if parsed.get_backend_name() == "sqlite" else "postgres")
        # Never print a password into a log or an error.
        self.target = parsed.render_as_string(hide_password=True)
        self.engine: Engine
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # timeout: wait for another process's write instead of failing with "database is locked".
            self.engine = sa.create_engine(parsed, connect_args={"timeout": 30})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(parsed, pool_pre_ping=True)
        try:
            metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise SinkError(
                self.name,
                self.target,
                f"cannot open the database ({_first_line(exc)})",
                "Check the server is up, the database exists (createdb) and the user may create tables",
            ) from exc

    def write(self, record: Record) -> None:
        try:
            with self._lock, self.engine.begin() as conn:
                self._write(conn, record)
        except sa.exc.SQLAlchemyError as exc:
            raise SinkError(
                self.name,
                self.target,
                f"cannot store {record.source.path} ({_first_line(exc)})",
                "Check the database is reachable and has space, then run the document again",
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    # -- internals ----------------------------------------------------------------------

    def _insert(self, table: sa.Table) -> Any:
        """The dialect's INSERT, which is the one that has ``on_conflict_do_update``."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        if self.engine.dialect.name == "sqlite":
            return sqlite.insert(table)
        raise SinkError(
            self.name,
            self.target,
            f"unsupported database {self.engine.dialect.name}",
            "Use SQLite or PostgreSQL",
        )

    def _upsert(
        self, conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keep: Sequence[str] = ()
    ) -> None:
        if not rows:
            return
        stmt = self._insert(table).values(list(rows))
        key = [c.name for c in table.primary_key.columns]
        update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in key and c.name not in keep}
        conn.execute(stmt.on_conflict_do_update(index_elements=key, set_=update))

    def _write(self, conn: Connection, record: Record) -> None:
        sha = record.source.sha256
        now = datetime.now(UTC)
        self._upsert(conn, documents, [_document_row(record, now)], keep=("created_at",))

        refs = _dedupe(
            [
                {
                    "sha256": sha,
                    "code": ref.code,
                    "doc_type": ref.doc_type,
                    "issued_date": ref.issued_date,
                    "issuer": ref.issuer,
                    "mentions": ref.mentions,
                }
                for ref in record.references
            ],
            "code",
            sha,
        )
        conn.execute(
            sa.delete(doc_references).where(
                doc_references.c.sha256 == sha, doc_references.c.code.not_in([r["code"] for r in refs])
            )
        )
        self._upsert(conn, doc_references, refs)

        task_rows = _dedupe(
            [{**task_fields(task), "sha256": sha} for task in record.tasks],
            "id",
            sha,
        )
        conn.execute(sa.delete(tasks).where(tasks.c.sha256 == sha, tasks.c.id.not_in([t["id"] for t in task_rows])))
        self._upsert(conn, tasks, task_rows)


def _document_row(record: Record, now: datetime) -> dict[str, Any]:
    return {
        "sha256": record.source.sha256,
        "path": record.source.path,
        "media_type": record.source.media_type,
        "pages": record.source.pages,
        "issuer": record.issuer.name,
        "parent": record.issuer.parent,
        "doc_type": record.doc_type,
        "number": record.number,
        "symbol": record.symbol,
        "code": record.code,
        "place": record.place,
        "issued_date": record.issued_date,
        "subject": record.subject,
        "urgency": record.urgency,
        "confidentiality": record.confidentiality,
        "recipients": list(record.recipients),
        "signer": record.signer.model_dump(mode="json"),
        "distribution": list(record.distribution),
        "warnings": list(record.warnings),
        "record": record.model_dump(mode="json"),
        "created_at": now,
        "updated_at": now,
    }


def _dedupe(rows: list[dict[str, Any]], key: str, sha: str) -> list[dict[str, Any]]:
    """Keep the first row per key: a duplicate would abort the whole upsert and lose the document."""
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row[key] in seen:
            log.warning("document %s: duplicate %s %r stored once", sha[:12], key, row[key])
            if "mentions" in row:
                seen[row[key]]["mentions"] += row["mentions"]
            continue
        seen[row[key]] = row
    return list(seen.values())


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
