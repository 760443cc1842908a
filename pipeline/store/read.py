"""Reading the store: one document, documents by code / issuer / date / words, tasks by lead / deadline.

Names are matched case-folded (``pipeline.store.identity.fold``), so "sở nội vụ" finds "Sở Nội vụ"
on SQLite too. ``q`` is a case-folded substring of the searchable text.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.store.identity import fold
from pipeline.store.schema import documents, sources, task_agencies, task_leads, tasks
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


class BadCursor(ValueError):
    """An ``after`` token this store did not give (mistyped, cut short, or from another API)."""


def encode_cursor(due_by: str | None, document_id: str, position: int) -> str:
    """The opaque ``after`` token of a task: where the next page of a task list starts.

    >>> decode_cursor(encode_cursor("2026-03-31", "39fb70b35f04f84baa85", 2))
    ('2026-03-31', '39fb70b35f04f84baa85', 2)
    """
    raw = json.dumps([due_by, document_id, position], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[str | None, str, int]:
    """The (due_by, document_id, position) of an ``after`` token; :class:`BadCursor` for anything else."""
    try:
        due, doc, position = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError) as exc:
        raise BadCursor(f"not a cursor of this store: {token!r}") from exc
    if not (due is None or isinstance(due, str)) or not isinstance(doc, str) or type(position) is not int:
        raise BadCursor(f"not a cursor of this store: {token!r}")
    return due, doc, position


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
    after: str | None = None,
) -> Page[TaskView]:
    """Tasks, soonest due first (then as in their document; undated last). ``lead`` an agency
    (canonical name or as written, any case), ``due_before`` an ISO date the task is due before
    (by the last day its deadline allows), ``overdue`` due before ``today``, ``q`` words of the
    task or its agencies. ``after`` is a page's ``next``: the page that follows it, read from the
    index wherever it lies (``offset`` counts from there).

    With ``lead``, the tasks come from ``task_leads`` (one index range, in order); without, from
    ``tasks``' own ``(due_by, document_id, position)`` index. Either way a page reads about
    ``offset + limit`` index entries, and ``total`` is a count over the same range.
    """
    limit, offset = _page_bounds(limit, offset)
    # the table the tasks are listed from, and its columns of the order
    keys: sa.Table = task_leads if lead else tasks
    task_id = task_leads.c.task_id if lead else tasks.c.id
    due, doc, pos = keys.c.due_by, keys.c.document_id, keys.c.position
    source: sa.FromClause = keys
    where: list[sa.ColumnElement[bool]] = []
    if lead:
        where.append(task_leads.c.agency_key == fold(lead))
    if due_before:
        where.append(due < due_before)
    if overdue:
        where.append(due < (today or date.today()).isoformat())
    if document_id:
        where.append(doc == document_id)
    if q:
        if lead:
            source = task_leads.join(tasks, tasks.c.id == task_leads.c.task_id)
        where.append(tasks.c.search_key.like(_like(fold(q)), escape="\\"))
    total = conn.execute(sa.select(sa.func.count()).select_from(source).where(*where)).scalar_one()

    # Dated tasks, then undated: two ranges of the index, each read in order and cut at the page
    # (SQLite's indexes put NULL first, PostgreSQL's last: neither has to sort this way).
    wanted = offset + limit + 1  # one more tells whether a next page exists
    dated: list[sa.ColumnElement[bool]] = [due.is_not(None)]
    undated: list[sa.ColumnElement[bool]] = [due.is_(None)]
    if after:
        after_due, after_doc, after_pos = decode_cursor(after)
        if after_due is None:
            dated = [sa.false()]  # past every dated task
            undated.append(sa.tuple_(doc, pos) > sa.tuple_(sa.literal(after_doc), sa.literal(after_pos)))
        else:
            dated.append(
                sa.tuple_(due, doc, pos)
                > sa.tuple_(sa.literal(after_due), sa.literal(after_doc), sa.literal(after_pos))
            )
    segments = [
        sa.select(task_id.label("task_id"), due.label("due_by"), doc.label("document_id"), pos.label("position"))
        .add_columns(sa.literal_column(str(segment), sa.Integer).label("segment"))
        .select_from(source)
        .where(*where, *bounds)
        .order_by(due, doc, pos)
        .limit(wanted)
        .subquery()
        for segment, bounds in enumerate((dated, undated))
    ]
    page = sa.union_all(*(sa.select(*seg.c) for seg in segments)).subquery("page")
    rows = conn.execute(
        sa.select(tasks, documents.c.issuer, documents.c.doc_type, documents.c.code)
        .add_columns(documents.c.issued_date, documents.c.subject, documents.c.urgency)
        .select_from(page)
        .join(tasks, tasks.c.id == page.c.task_id)
        .join(documents, documents.c.id == tasks.c.document_id)
        .order_by(page.c.segment, page.c.due_by, page.c.document_id, page.c.position)
        .limit(limit + 1)
        .offset(offset)
    ).all()
    more, rows = len(rows) > limit, rows[:limit]
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
    last = rows[-1] if more and rows else None
    following = encode_cursor(last.due_by, last.document_id, last.position) if last is not None else None
    return Page[TaskView](total=total, limit=limit, offset=offset, items=items, next=following)


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
