"""Reading the store: one document, documents by code / issuer / date / words, tasks by lead / deadline.

Names are matched case-folded (``pipeline.store.identity.fold``), so "sở nội vụ" finds "Sở Nội vụ"
on SQLite too. ``q`` is a case-folded substring of the searchable text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.store.identity import fold
from pipeline.store.schema import documents, sources, task_agencies, tasks
from pipeline.store.views import AgencyView, DocumentSummary, DocumentView, Page, SourceView, TaskView

MAX_LIMIT = 1000


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; the store writes them in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _summary(row: Any) -> DocumentSummary:
    return DocumentSummary(
        id=row.id,
        issuer=row.issuer,
        doc_type=row.doc_type,
        code=row.code,
        issued_date=row.issued_date,
        subject=row.subject,
        urgency=row.urgency,
    )


def get_document(conn: Connection, doc_id: str) -> DocumentView | None:
    """The document with id ``doc_id``, its sources (oldest first) and its record; None if unknown."""
    row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).first()
    if row is None:
        return None
    return DocumentView(
        **_summary(row).model_dump(),
        identity=row.identity,
        place=row.place,
        sources=sources_of(conn, doc_id),
        record=row.record,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
    )


def sources_of(conn: Connection, doc_id: str) -> list[SourceView]:
    """Every file that carried the document, oldest first."""
    files = conn.execute(
        sa.select(sources).where(sources.c.document_id == doc_id).order_by(sources.c.first_seen, sources.c.sha256)
    ).all()
    return [
        SourceView(
            sha256=f.sha256,
            path=f.path,
            media_type=f.media_type,
            pages=f.pages,
            first_seen=_utc(f.first_seen),
            last_seen=_utc(f.last_seen),
        )
        for f in files
    ]


def _page_bounds(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)


def query_documents(
    conn: Connection,
    *,
    code: str | None = None,
    issuer: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[DocumentSummary]:
    """Documents, newest first. ``code`` exact (as printed), ``issuer`` a case-folded substring,
    ``date_from`` / ``date_to`` ISO bounds on the issued date (inclusive), ``q`` words of the
    type, code, issuer or subject."""
    limit, offset = _page_bounds(limit, offset)
    where: list[sa.ColumnElement[bool]] = []
    if code:
        where.append(documents.c.code == code.strip())
    if issuer:
        where.append(documents.c.issuer_key.like(_like(fold(issuer)), escape="\\"))
    if date_from:
        where.append(documents.c.issued_date >= date_from)
    if date_to:
        # "2026-03-31" includes "2026-03-31" and reduced-precision dates of that month ("2026-03")
        where.append(documents.c.issued_date <= date_to)
    if q:
        where.append(documents.c.search_key.like(_like(fold(q)), escape="\\"))
    total = conn.execute(sa.select(sa.func.count()).select_from(documents).where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(documents)
        .where(*where)
        .order_by(documents.c.issued_date.desc().nulls_last(), documents.c.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return Page[DocumentSummary](total=total, limit=limit, offset=offset, items=[_summary(r) for r in rows])


def _led_by(lead: str) -> sa.Subquery:
    """The ids of tasks one of whose lead agencies is ``lead``, by canonical name or as written.

    A join on this (rather than ``tasks.id IN (...)``) lets PostgreSQL start from the two
    indexes of task_agencies and never scan every task: on 100,000 tasks the difference is
    150 ms against a few tens (bench/bench_store.py).
    """
    key = fold(lead)
    return (
        sa.select(task_agencies.c.task_id)
        .where(
            task_agencies.c.role == "lead",
            sa.or_(task_agencies.c.canonical_key == key, task_agencies.c.name_key == key),
        )
        .distinct()
        .subquery("led")
    )


def query_tasks(
    conn: Connection,
    *,
    lead: str | None = None,
    due_before: str | None = None,
    overdue: bool = False,
    q: str | None = None,
    document_id: str | None = None,
    today: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[TaskView]:
    """Tasks, soonest due first. ``lead`` an agency (canonical name or as written, any case),
    ``due_before`` an ISO date the task is due before (by the last day its deadline allows),
    ``overdue`` due before ``today``, ``q`` words of the task or its agencies."""
    limit, offset = _page_bounds(limit, offset)
    where: list[sa.ColumnElement[bool]] = []
    source: sa.FromClause = tasks
    if lead:
        led = _led_by(lead)
        source = tasks.join(led, led.c.task_id == tasks.c.id)
    if due_before:
        where.append(tasks.c.due_by < due_before)
    if overdue:
        where.append(tasks.c.due_by < (today or date.today()).isoformat())
    if q:
        where.append(tasks.c.search_key.like(_like(fold(q)), escape="\\"))
    if document_id:
        where.append(tasks.c.document_id == document_id)
    total = conn.execute(sa.select(sa.func.count()).select_from(source).where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(tasks, documents.c.issuer, documents.c.doc_type, documents.c.code)
        .add_columns(documents.c.issued_date, documents.c.subject, documents.c.urgency)
        .select_from(source)
        .join(documents, documents.c.id == tasks.c.document_id)
        .where(*where)
        .order_by(tasks.c.due_by.asc().nulls_last(), tasks.c.document_id, tasks.c.position)
        .limit(limit)
        .offset(offset)
    ).all()
    agencies = _agencies_of(conn, [r.id for r in rows])
    items = [
        TaskView(
            id=r.id,
            document=DocumentSummary(
                id=r.document_id,
                issuer=r.issuer,
                doc_type=r.doc_type,
                code=r.code,
                issued_date=r.issued_date,
                subject=r.subject,
                urgency=r.urgency,
            ),
            ordinal=r.ordinal,
            text=r.text,
            lead=[a.name for a in agencies.get(r.id, []) if a.role == "lead"],
            support=[a.name for a in agencies.get(r.id, []) if a.role == "support"],
            agencies=agencies.get(r.id, []),
            deadline=r.deadline,
            due_by=r.due_by,
            recurrence=r.recurrence,
            report_to=r.report_to,
        )
        for r in rows
    ]
    return Page[TaskView](total=total, limit=limit, offset=offset, items=items)


def _agencies_of(conn: Connection, task_ids: Sequence[str]) -> dict[str, list[AgencyView]]:
    found: dict[str, list[AgencyView]] = defaultdict(list)
    if not task_ids:
        return found
    rows = conn.execute(
        sa.select(task_agencies)
        .where(task_agencies.c.task_id.in_(list(task_ids)))
        .order_by(task_agencies.c.task_id, task_agencies.c.role, task_agencies.c.position)
    ).all()
    for r in rows:
        found[r.task_id].append(AgencyView(role=r.role, name=r.name, canonical=r.canonical, group=r.is_group))
    return found
