"""The inbox (hộp văn bản đến): documents received, newest first, with their state.

A document's state is

========== ================ ===========================================================
state      shown as         when
========== ================ ===========================================================
``new``    mới              no clerk confirmed it and the reading raised no warning
``check``  cần kiểm tra     not confirmed and the reading has warnings, or a file of it was
                            read after the confirmation (its record may have changed)
``done``   đã xác nhận      confirmed, and nothing read since
========== ================ ===========================================================

One query per page (plus one to count), on the store's ``documents`` joined to the desk's
``desk_documents``; it stays a few milliseconds on 10,000 documents (bench/bench_desk.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from pipeline.desk.revisions import utc
from pipeline.desk.tables import desk_documents
from pipeline.store import Page
from pipeline.store.identity import fold
from pipeline.store.schema import documents, tasks

State = Literal["new", "check", "done"]
STATES: dict[State, str] = {"new": "Mới", "check": "Cần kiểm tra", "done": "Đã xác nhận"}


class InboxRow(BaseModel):
    """One document as the inbox lists it."""

    id: str
    arrived_at: datetime
    code: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    issued_date: str | None = None
    subject: str | None = None
    urgency: str | None = None
    tasks: int
    state: State
    warnings: list[str]
    arrival_number: int | None = None
    stale: bool = False  # confirmed, then a file of it was read again


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _has_warnings(conn: Connection) -> sa.ColumnElement[bool]:
    length = "jsonb_array_length" if conn.dialect.name == "postgresql" else "json_array_length"
    count: sa.ColumnElement[int] = getattr(sa.func, length)(documents.c.warnings)
    return count > 0


def _confirmed() -> sa.ColumnElement[bool]:
    return sa.and_(
        desk_documents.c.document_id.is_not(None), documents.c.updated_at <= desk_documents.c.store_updated_at
    )


def _arrival() -> sa.ColumnElement[Any]:
    """When the document arrived: its row's first write (kept when a clerk corrects its identity,
    see :func:`pipeline.desk.revisions.confirm`), indexed by the desk's migration (``ix_desk_arrivals``)."""
    return documents.c.created_at


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight of ``day`` in the office, in UTC (SQLite compares the UTC text the store writes)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def inbox(
    conn: Connection,
    *,
    tz: ZoneInfo,
    q: str | None = None,
    arrived_from: date | None = None,
    arrived_to: date | None = None,
    doc_type: str | None = None,
    state: State | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[InboxRow]:
    """Documents newest first. ``q``: every word must appear in the type, code, issuer or trích yếu
    (any case); ``arrived_from`` / ``arrived_to``: days of arrival in the office's time zone."""
    where: list[sa.ColumnElement[bool]] = []
    for word in fold(q or "").split():
        where.append(documents.c.search_key.like(_like(word), escape="\\"))
    if arrived_from:
        where.append(_arrival() >= _day_start(arrived_from, tz))
    if arrived_to:
        where.append(_arrival() < _day_start(arrived_to + timedelta(days=1), tz))
    if doc_type:
        where.append(documents.c.doc_type == doc_type)
    confirmed = _confirmed()
    if state == "done":
        where.append(confirmed)
    elif state == "check":
        where.append(
            sa.and_(sa.not_(confirmed), sa.or_(_has_warnings(conn), desk_documents.c.document_id.is_not(None)))
        )
    elif state == "new":
        where.append(sa.and_(desk_documents.c.document_id.is_(None), sa.not_(_has_warnings(conn))))
    joined = documents.outerjoin(desk_documents, desk_documents.c.document_id == documents.c.id)
    # without a state to filter on, the count needs no join (desk_documents has one row at most per document)
    counted = joined if state else documents
    total = conn.execute(sa.select(sa.func.count()).select_from(counted).where(*where)).scalar_one()
    task_count = (
        sa.select(sa.func.count()).where(tasks.c.document_id == documents.c.id).correlate(documents).scalar_subquery()
    )
    rows = conn.execute(
        sa.select(
            documents.c.id,
            documents.c.code,
            documents.c.issuer,
            documents.c.doc_type,
            documents.c.issued_date,
            documents.c.subject,
            documents.c.urgency,
            documents.c.warnings,
            documents.c.updated_at,
            desk_documents.c.document_id.label("confirmed_id"),
            desk_documents.c.store_updated_at,
            desk_documents.c.arrival_number,
            _arrival().label("arrived_at"),
            task_count.label("tasks"),
        )
        .select_from(joined)
        .where(*where)
        .order_by(_arrival().desc(), documents.c.id)
        .limit(max(1, min(limit, 500)))
        .offset(max(0, offset))
    ).all()
    return Page[InboxRow](total=total, limit=limit, offset=offset, items=[_row(r) for r in rows])


def _row(r: Any) -> InboxRow:
    confirmed = r.confirmed_id is not None
    stale = confirmed and utc(r.updated_at) > utc(r.store_updated_at)
    warnings = list(r.warnings or [])
    state: State = "done" if confirmed and not stale else ("check" if warnings or stale else "new")
    return InboxRow(
        id=r.id,
        arrived_at=utc(r.arrived_at),
        code=r.code,
        issuer=r.issuer,
        doc_type=r.doc_type,
        issued_date=r.issued_date,
        subject=r.subject,
        urgency=r.urgency,
        tasks=r.tasks,
        state=state,
        warnings=warnings,
        arrival_number=r.arrival_number,
        stale=stale,
    )


def doc_types(conn: Connection) -> Sequence[str]:
    """The document types in the store, for the inbox's filter."""
    rows = conn.execute(
        sa.select(documents.c.doc_type)
        .where(documents.c.doc_type.is_not(None))
        .distinct()
        .order_by(documents.c.doc_type)
    ).all()
    return [r[0] for r in rows]
