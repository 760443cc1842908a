"""Reading the store: one document, documents by code / issuer / date / words, tasks by lead / deadline.

Names are matched case-folded (``pipeline.store.identity.fold``), so "sở nội vụ" finds "Sở Nội vụ"
on SQLite too. ``q`` is a case-folded substring of the searchable text.
"""

from __future__ import annotations

import base64
import json
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


# built once, with a bound parameter: the engine's cache keeps it compiled (every upload reads it)
_SOURCES_OF = (
    sa.select(sources)
    .where(sources.c.document_id == sa.bindparam("doc_id"))
    .order_by(sources.c.first_seen, sources.c.sha256)
)


def sources_of(conn: Connection, doc_id: str) -> list[SourceView]:
    """Every file that carried the document, oldest first."""
    files = conn.execute(_SOURCES_OF, {"doc_id": doc_id}).all()
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
    count = sa.select(sa.func.count()).select_from(source).where(*where)

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
    merged = sa.union_all(*(sa.select(*seg.c) for seg in segments)).subquery("merged")
    in_order = (merged.c.segment, merged.c.due_by, merged.c.document_id, merged.c.position)
    page = sa.select(merged).order_by(*in_order).limit(limit + 1).offset(offset).subquery("page")
    # One statement for the page, its documents, its agencies and the total: one round trip and
    # one snapshot (Store runs it outside a transaction). The count is uncorrelated, so both
    # databases compute it once for the whole answer.
    rows = conn.execute(
        sa.select(tasks, documents.c.issuer, documents.c.doc_type, documents.c.code)
        .add_columns(documents.c.issued_date, documents.c.subject, documents.c.urgency)
        .add_columns(*(c.label(f"agency_{c.name}") for c in _AGENCY_COLUMNS))
        .add_columns(count.scalar_subquery().label("total"))
        .select_from(page)
        .join(tasks, tasks.c.id == page.c.task_id)
        .join(documents, documents.c.id == tasks.c.document_id)
        .outerjoin(task_agencies, task_agencies.c.task_id == tasks.c.id)
        .order_by(page.c.segment, page.c.due_by, page.c.document_id, page.c.position)
        .order_by(task_agencies.c.role, task_agencies.c.position)
    ).all()
    if rows:
        total = rows[0].total
    elif offset or after:  # past the last page: the count alone
        total = conn.execute(count).scalar_one()
    else:
        total = 0
    listed = _tasks_of(rows)
    more, listed = len(listed) > limit, listed[:limit]
    following = None
    if more and listed:
        last, position = listed[-1]
        following = encode_cursor(last.due_by, last.document.id, position)
    return Page[TaskView](total=total, limit=limit, offset=offset, items=[t for t, _ in listed], next=following)


_AGENCY_COLUMNS = (task_agencies.c.role, task_agencies.c.name, task_agencies.c.canonical, task_agencies.c.is_group)


def _tasks_of(rows: Sequence[Any]) -> list[tuple[TaskView, int]]:
    """Rows of (task, document, one agency) in page order → each task with all its agencies, and
    its position in its document (for the cursor)."""
    listed: dict[str, TaskView] = {}
    positions: list[int] = []
    for r in rows:
        task = listed.get(r.id)
        if task is None:
            view = TaskView(
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
                lead=[],
                support=[],
                agencies=[],
                deadline=r.deadline,
                due_by=r.due_by,
                recurrence=r.recurrence,
                report_to=r.report_to,
            )
            task = listed[r.id] = view
            positions.append(r.position)
        if r.agency_role is not None:
            agency = AgencyView(
                role=r.agency_role, name=r.agency_name, canonical=r.agency_canonical, group=r.agency_is_group
            )
            task.agencies.append(agency)
            (task.lead if agency.role == "lead" else task.support).append(agency.name)
    return list(zip(listed.values(), positions, strict=True))
