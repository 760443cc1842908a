"""Writing a record into the store: one transaction per record, idempotent.

The document row is upserted by identity, the file by its sha256 (as a source of that document),
the references replaced, the tasks upserted by their store id (so columns other stages add to
``tasks``, such as a clerk's "done", survive a re-read) and the tasks the new record no longer has
deleted. A file whose re-read gives another identity (the extractor improved) moves to the new
document; the old one goes when no file is left carrying it.
"""

from __future__ import annotations

import calendar
import functools
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from models import Agency, Record, Task
from pipeline.store.identity import document_id, document_identity, fold, store_task_id
from pipeline.store.schema import doc_references, documents, sources, task_agencies, tasks
from pipeline.store.views import Stored

log = logging.getLogger(__name__)

JOIN = "; "  # between names in tasks.lead / tasks.support: agency names hold commas themselves


def due_by(deadline: str | None) -> str | None:
    """The last day a deadline allows: "2026-03" → "2026-03-31", "2026" → "2026-12-31".

    >>> due_by("2026-02"), due_by("2026-06-30"), due_by(None)
    ('2026-02-28', '2026-06-30', None)
    """
    if not deadline:
        return None
    parts = deadline.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return f"{year:04d}-12-31"
        month = int(parts[1])
        if len(parts) == 2:
            return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    except (ValueError, calendar.IllegalMonthError):
        return None
    return deadline


@functools.cache
def _upsert_statement(dialect: str, table: sa.Table, key: tuple[str, ...], keep: tuple[str, ...]) -> Any:
    """INSERT ... ON CONFLICT (key) DO UPDATE every other column but ``keep``, built once per shape.

    (SQLAlchemy 2.0 does not cache the compiled SQL of a dialect INSERT with ON CONFLICT, so each
    upsert still compiles, about 0.7 ms; bench/README.md counts it in the API's answer time.)
    """
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    update = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in key and c.name not in keep}
    return insert.on_conflict_do_update(index_elements=list(key), set_=update)


def _upsert(
    conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], key: Sequence[str], keep: Sequence[str] = ()
) -> None:
    if rows:
        conn.execute(_upsert_statement(conn.dialect.name, table, tuple(key), tuple(keep)), list(rows))


def _document_row(record: Record, doc_id: str, identity: str, now: datetime) -> dict[str, Any]:
    searchable = " ".join(x for x in (record.doc_type, record.code, record.issuer.name, record.subject) if x)
    return {
        "id": doc_id,
        "identity": identity,
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
        "signer_name": record.signer.name,
        "signer_title": record.signer.title,
        "signer_authority": record.signer.authority,
        "recipients": list(record.recipients),
        "distribution": list(record.distribution),
        "warnings": list(record.warnings),
        "record": record.model_dump(mode="json"),
        "record_sha256": record.source.sha256,
        "issuer_key": fold(record.issuer.name) if record.issuer.name else None,
        "search_key": fold(searchable),
        "created_at": now,
        "updated_at": now,
    }


def _agencies(names: list[str], found: list[Agency]) -> list[Agency]:
    """The task's agencies with their canonical names; names the record lists without one get none."""
    if found:
        return found
    return [Agency(name=name) for name in names]


def _task_rows(doc_id: str, record_tasks: list[Task]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    task_rows: list[dict[str, Any]] = []
    agency_rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for position, task in enumerate(record_tasks):
        seen[task.ordinal] = seen.get(task.ordinal, 0) + 1
        tid = store_task_id(doc_id, task.ordinal, seen[task.ordinal])
        task_rows.append(
            {
                "id": tid,
                "document_id": doc_id,
                "position": position,
                "ordinal": task.ordinal,
                "text": task.text,
                "lead": JOIN.join(task.lead),
                "support": JOIN.join(task.support),
                "deadline": task.deadline,
                "due_by": due_by(task.deadline),
                "recurrence": task.recurrence,
                "report_to": task.report_to,
                "search_key": fold(" ".join([task.text, *task.lead, *task.support])),
            }
        )
        for role, names, found in (
            ("lead", task.lead, task.lead_agencies),
            ("support", task.support, task.support_agencies),
        ):
            for i, agency in enumerate(_agencies(names, found)):
                agency_rows.append(
                    {
                        "task_id": tid,
                        "role": role,
                        "position": i,
                        "name": agency.name,
                        "canonical": agency.canonical,
                        "is_group": agency.group,
                        "name_key": fold(agency.name),
                        "canonical_key": fold(agency.canonical) if agency.canonical else None,
                    }
                )
    return task_rows, agency_rows


def _reference_rows(doc_id: str, record: Record) -> list[dict[str, Any]]:
    """One row per cited code; a code listed twice adds its mentions (a duplicate would abort the write)."""
    rows: dict[str, dict[str, Any]] = {}
    for ref in record.references:
        if ref.code in rows:
            rows[ref.code]["mentions"] += ref.mentions
            continue
        rows[ref.code] = {
            "document_id": doc_id,
            "code": ref.code,
            "doc_type": ref.doc_type,
            "issued_date": ref.issued_date,
            "issuer": ref.issuer,
            "mentions": ref.mentions,
        }
    return list(rows.values())


def upsert_record(conn: Connection, record: Record, *, now: datetime | None = None) -> Stored:
    """Store ``record`` on ``conn`` (inside the caller's transaction); see the module docstring."""
    now = now or datetime.now(UTC)
    identity = document_identity(record)
    doc_id = document_id(identity)
    sha = record.source.sha256

    existed = conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is not None
    previous = conn.execute(sa.select(sources.c.document_id).where(sources.c.sha256 == sha)).scalar()

    _upsert(conn, documents, [_document_row(record, doc_id, identity, now)], key=["id"], keep=["created_at"])
    _upsert(
        conn,
        sources,
        [
            {
                "sha256": sha,
                "document_id": doc_id,
                "path": record.source.path,
                "media_type": record.source.media_type,
                "pages": record.source.pages,
                "first_seen": now,
                "last_seen": now,
            }
        ],
        key=["sha256"],
        keep=["first_seen"],
    )
    if previous is not None and previous != doc_id:
        still_carried = conn.execute(sa.select(sources.c.sha256).where(sources.c.document_id == previous)).first()
        if still_carried is None:
            log.info("document %s has no source left (its file now reads as %s): removed", previous, doc_id)
            _delete_document(conn, previous)

    conn.execute(sa.delete(doc_references).where(doc_references.c.document_id == doc_id))
    refs = _reference_rows(doc_id, record)
    if refs:
        conn.execute(sa.insert(doc_references), refs)

    task_rows, agency_rows = _task_rows(doc_id, record.tasks)
    ids = [row["id"] for row in task_rows]
    this_document = sa.select(tasks.c.id).where(tasks.c.document_id == doc_id).scalar_subquery()
    conn.execute(sa.delete(task_agencies).where(task_agencies.c.task_id.in_(this_document)))
    conn.execute(sa.delete(tasks).where(tasks.c.document_id == doc_id, tasks.c.id.not_in(ids)))
    _upsert(conn, tasks, task_rows, key=["id"])
    if agency_rows:
        conn.execute(sa.insert(task_agencies), agency_rows)
    return Stored(document_id=doc_id, created=not existed)


def _delete_document(conn: Connection, doc_id: str) -> None:
    """Remove a document and everything under it (explicitly: SQLite may run without foreign keys)."""
    of_document = sa.select(tasks.c.id).where(tasks.c.document_id == doc_id).scalar_subquery()
    conn.execute(sa.delete(task_agencies).where(task_agencies.c.task_id.in_(of_document)))
    conn.execute(sa.delete(tasks).where(tasks.c.document_id == doc_id))
    conn.execute(sa.delete(doc_references).where(doc_references.c.document_id == doc_id))
    conn.execute(sa.delete(sources).where(sources.c.document_id == doc_id))
    conn.execute(sa.delete(documents).where(documents.c.id == doc_id))
