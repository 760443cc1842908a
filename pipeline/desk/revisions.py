"""Confirming a record: a new revision, the register's số đến, the store, in one transaction.

When a clerk confirms a document (xác nhận), the desk

1. keeps the record the machine read, as an *extracted* revision, unless the store still holds the
   desk's own last confirmed record (nothing new was read since);
2. writes the confirmed record into the store for every file of the document (so its PDF and its
   DOCX stay one document, even when the clerk corrected the code, issuer or date it is known by);
3. keeps the confirmed record as a *confirmed* revision, with who and when;
4. gives it its số đến in the register of the year of its ngày đến — the next number of that year,
   once: confirming again keeps the number (unless ngày đến moved to another year).

The caller then sends the confirmed record to the other sinks (:func:`pipeline.desk.app`), outside
the transaction: a webhook that is down must not undo a clerk's confirmation.

A correction of the code, issuer or date changes the document's identity, hence its id: the
desk's rows (revisions, register entry, tasks marked done) move with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from models import Record, Source
from pipeline.desk.errors import DocumentNotFound, TaskNotFound
from pipeline.desk.tables import desk_documents, desk_revisions, desk_task_status
from pipeline.store import Store, read, write
from pipeline.store.identity import store_task_id
from pipeline.store.schema import documents, tasks
from pipeline.store.views import DocumentView
from pipeline.store.write import due_by

# Two clerks confirming at once may take the same số đến; the unique constraint catches it and
# the whole confirmation is tried again with the next number.
ATTEMPTS = 5


def utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; the store and the desk write them in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Registration:
    """What the clerk writes in the register besides the record: ngày đến, who it goes to, a note."""

    arrival_date: date
    routed_to: str | None = None
    note: str | None = None


class DeskState(BaseModel):
    """A confirmed document's line in the register and its confirmation (a ``desk_documents`` row)."""

    document_id: str
    arrived_at: datetime
    arrival_year: int
    arrival_number: int
    arrival_date: str
    routed_to: str | None = None
    note: str | None = None
    issuer: str | None = None
    code: str | None = None
    issued_date: str | None = None
    doc_type: str | None = None
    subject: str | None = None
    pages: int | None = None
    urgency: str | None = None
    confidentiality: str | None = None
    due_by: str | None = None
    revision: int
    confirmed_at: datetime
    confirmed_by: str
    store_updated_at: datetime
    delivery_error: str | None = None


class Revision(BaseModel):
    """One kept revision of a document's record."""

    document_id: str
    number: int
    kind: Literal["extracted", "confirmed"]
    record: dict[str, Any]
    source_sha256: str
    author: str | None = None
    created_at: datetime


@dataclass(frozen=True)
class Confirmed:
    """What a confirmation did."""

    document_id: str
    arrival_year: int
    arrival_number: int
    revision: int
    moved_from: str | None = None  # the id the document had before the clerk corrected its identity


def state_from_row(row: Any) -> DeskState:
    """A ``desk_documents`` row as a :class:`DeskState`."""
    data = dict(row._mapping)
    for key in ("arrived_at", "confirmed_at", "store_updated_at"):
        data[key] = utc(data[key])
    return DeskState(**data)


def state_of(conn: Connection, doc_id: str) -> DeskState | None:
    """The document's confirmation and register line, None when no clerk has confirmed it."""
    row = conn.execute(sa.select(desk_documents).where(desk_documents.c.document_id == doc_id)).first()
    return state_from_row(row) if row is not None else None


def is_stale(document: DocumentView, state: DeskState | None) -> bool:
    """True when the store holds a reading newer than the clerk's confirmation (a file read since)."""
    return state is not None and utc(document.updated_at) > state.store_updated_at


def revisions_of(conn: Connection, doc_id: str) -> list[Revision]:
    """Every revision kept for the document, oldest first."""
    rows = conn.execute(
        sa.select(desk_revisions).where(desk_revisions.c.document_id == doc_id).order_by(desk_revisions.c.number)
    ).all()
    return [Revision(**{**r._mapping, "created_at": utc(r.created_at)}) for r in rows]


def confirmed_record(conn: Connection, state: DeskState) -> Record:
    """The confirmed record in force for a document."""
    data = conn.execute(
        sa.select(desk_revisions.c.record).where(
            desk_revisions.c.document_id == state.document_id, desk_revisions.c.number == state.revision
        )
    ).scalar_one()
    return Record.model_validate(data)


def arrival_of(document: DocumentView) -> datetime:
    """When the document's first file arrived: the first time the store saw any of its sources."""
    seen = [utc(s.first_seen) for s in document.sources]
    return min(seen) if seen else utc(document.created_at)


def earliest_due(record: Record) -> str | None:
    """Thời hạn giải quyết: the last day allowed by the earliest task deadline ("2026-03" → 2026-03-31)."""
    days = [d for d in (due_by(t.deadline) for t in record.tasks) if d]
    return min(days) if days else None


def _next_revision(conn: Connection, doc_id: str) -> int:
    top = conn.execute(
        sa.select(sa.func.max(desk_revisions.c.number)).where(desk_revisions.c.document_id == doc_id)
    ).scalar()
    return int(top or 0) + 1


def _next_arrival_number(conn: Connection, year: int) -> int:
    top = conn.execute(
        sa.select(sa.func.max(desk_documents.c.arrival_number)).where(desk_documents.c.arrival_year == year)
    ).scalar()
    return int(top or 0) + 1


def _task_ids_by_ordinal(conn: Connection, doc_id: str) -> list[tuple[str, str, int]]:
    """(task id, ordinal, occurrence of that ordinal) of the document's tasks in the store."""
    rows = conn.execute(
        sa.select(tasks.c.id, tasks.c.ordinal).where(tasks.c.document_id == doc_id).order_by(tasks.c.position)
    ).all()
    seen: dict[str, int] = {}
    out: list[tuple[str, str, int]] = []
    for tid, ordinal in rows:
        seen[ordinal] = seen.get(ordinal, 0) + 1
        out.append((tid, ordinal, seen[ordinal]))
    return out


def _move(conn: Connection, old: str, new: str, old_tasks: list[tuple[str, str, int]]) -> None:
    """Carry the desk's rows of document ``old`` over to ``new`` (the clerk corrected its identity)."""
    offset = _next_revision(conn, new) - 1
    conn.execute(
        sa.update(desk_revisions)
        .where(desk_revisions.c.document_id == old)
        .values(document_id=new, number=desk_revisions.c.number + offset)
    )
    for tid, ordinal, occurrence in old_tasks:
        conn.execute(
            sa.update(desk_task_status)
            .where(desk_task_status.c.task_id == tid)
            .values(task_id=store_task_id(new, ordinal, occurrence), document_id=new)
        )
    if state_of(conn, new) is not None:
        # the corrected identity is a document already registered: it keeps its số đến
        conn.execute(sa.delete(desk_documents).where(desk_documents.c.document_id == old))
    else:
        conn.execute(sa.update(desk_documents).where(desk_documents.c.document_id == old).values(document_id=new))


def _source_of(src: Any) -> Source:
    return Source(path=src.path, sha256=src.sha256, media_type=src.media_type, pages=src.pages)


def _confirm(
    conn: Connection, doc_id: str, record: Record, registration: Registration, who: str, now: datetime
) -> Confirmed:
    document = read.get_document(conn, doc_id)
    if document is None:
        raise DocumentNotFound(doc_id)
    state = state_of(conn, doc_id)
    if state is None or is_stale(document, state):
        conn.execute(
            sa.insert(desk_revisions).values(
                document_id=doc_id,
                number=_next_revision(conn, doc_id),
                kind="extracted",
                record=document.record,
                source_sha256=str(document.record.get("source", {}).get("sha256", "")),
                author=None,
                created_at=now,
            )
        )
    old_tasks = _task_ids_by_ordinal(conn, doc_id)
    primary = record.source.sha256
    new_id = doc_id
    # every file of the document carries the confirmed record; the one the clerk saw goes last,
    # so the store's record is the one of that file
    for src in sorted(document.sources, key=lambda s: s.sha256 == primary):
        copy = record if src.sha256 == primary else record.model_copy(update={"source": _source_of(src)})
        new_id = write.upsert_record(conn, copy, now=now).document_id
    if new_id != doc_id:
        _move(conn, doc_id, new_id, old_tasks)
        # the document arrived when its first file did, not when the clerk corrected its code
        conn.execute(
            sa.update(documents)
            .where(documents.c.id == new_id, documents.c.created_at > document.created_at)
            .values(created_at=document.created_at)
        )
    kept = state_of(conn, new_id)
    year = registration.arrival_date.year
    number = kept.arrival_number if kept and kept.arrival_year == year else _next_arrival_number(conn, year)
    revision = _next_revision(conn, new_id)
    conn.execute(
        sa.insert(desk_revisions).values(
            document_id=new_id,
            number=revision,
            kind="confirmed",
            record=record.model_dump(mode="json"),
            source_sha256=primary,
            author=who,
            created_at=now,
        )
    )
    row = {
        "arrived_at": kept.arrived_at if kept else arrival_of(document),
        "arrival_year": year,
        "arrival_number": number,
        "arrival_date": registration.arrival_date.isoformat(),
        "routed_to": registration.routed_to,
        "note": registration.note,
        "issuer": record.issuer.name,
        "code": record.code,
        "issued_date": record.issued_date,
        "doc_type": record.doc_type,
        "subject": record.subject,
        # a DOCX has no pages; the PDF of the same document has
        "pages": record.source.pages or next((s.pages for s in document.sources if s.pages), None),
        "urgency": record.urgency,
        "confidentiality": record.confidentiality,
        "due_by": earliest_due(record),
        "revision": revision,
        "confirmed_at": now,
        "confirmed_by": who,
        "store_updated_at": now,
        "delivery_error": None,
    }
    if kept is None:
        conn.execute(sa.insert(desk_documents).values(document_id=new_id, **row))
    else:
        conn.execute(sa.update(desk_documents).where(desk_documents.c.document_id == new_id).values(**row))
    return Confirmed(new_id, year, number, revision, moved_from=doc_id if new_id != doc_id else None)


def confirm(
    store: Store,
    doc_id: str,
    record: Record,
    registration: Registration,
    who: str,
    *,
    now: datetime | None = None,
) -> Confirmed:
    """Confirm ``record`` as the record of document ``doc_id`` (see the module docstring)."""
    for attempt in range(ATTEMPTS):
        try:
            with store.engine.begin() as conn:
                return _confirm(conn, doc_id, record, registration, who, now or datetime.now(UTC))
        except sa.exc.IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def record_delivery(store: Store, doc_id: str, error: str | None) -> None:
    """Remember whether the sinks took the confirmed record (shown on the document's page)."""
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(desk_documents).where(desk_documents.c.document_id == doc_id).values(delivery_error=error)
        )


# --- tasks done ----------------------------------------------------------------------------------


def mark_done(store: Store, task_id: str, done_on: date, who: str, *, now: datetime | None = None) -> str:
    """Mark a task done on ``done_on`` (đã hoàn thành); returns its document's id."""
    with store.engine.begin() as conn:
        doc_id = conn.execute(sa.select(tasks.c.document_id).where(tasks.c.id == task_id)).scalar()
        if doc_id is None:
            raise TaskNotFound(task_id)
        values = {
            "document_id": doc_id,
            "done_on": done_on.isoformat(),
            "done_by": who,
            "updated_at": now or datetime.now(UTC),
        }
        updated = conn.execute(
            sa.update(desk_task_status).where(desk_task_status.c.task_id == task_id).values(**values)
        ).rowcount
        if not updated:
            conn.execute(sa.insert(desk_task_status).values(task_id=task_id, **values))
        return str(doc_id)


def mark_open(store: Store, task_id: str) -> None:
    """Take back a "done" (the task is open again)."""
    with store.engine.begin() as conn:
        conn.execute(sa.delete(desk_task_status).where(desk_task_status.c.task_id == task_id))


# --- evaluation cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationCase:
    """What the machine read and what the clerk confirmed, for one document."""

    document_id: str
    extracted: Record
    confirmed: Record
    confirmed_by: str
    confirmed_at: datetime


def evaluation_cases(store: Store) -> Iterator[EvaluationCase]:
    """Every confirmed document with the reading its confirmation corrected, in register order."""
    with store.engine.connect() as conn:
        states = [
            state_from_row(r)
            for r in conn.execute(
                sa.select(desk_documents).order_by(desk_documents.c.arrival_year, desk_documents.c.arrival_number)
            )
        ]
        for state in states:
            extracted = conn.execute(
                sa.select(desk_revisions.c.record)
                .where(
                    desk_revisions.c.document_id == state.document_id,
                    desk_revisions.c.kind == "extracted",
                    desk_revisions.c.number < state.revision,
                )
                .order_by(desk_revisions.c.number.desc())
                .limit(1)
            ).scalar()
            if extracted is None:
                continue
            yield EvaluationCase(
                state.document_id,
                Record.model_validate(extracted),
                confirmed_record(conn, state),
                state.confirmed_by,
                state.confirmed_at,
            )
