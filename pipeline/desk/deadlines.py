"""Deadlines (theo dõi thời hạn): tasks by lead agency, overdue and due soon marked, a summary per agency.

A task is listed under each of its lead agencies (chủ trì), by the gazetteer's canonical name when
one matched, else as written, so "Sở Nội vụ" and "SNV" count together. What a row is marked with,
from the last day its deadline allows (``due_by``: "2026-03" is due by 31 March) and today in the
office's time zone:

=============  ======================  =====================================================
``due``        shown as                when
=============  ======================  =====================================================
``overdue``    Quá hạn                 open, and its last day has passed
``due1``       Đến hạn trong 1 ngày    open, due today or tomorrow
``due3``       Trong 3 ngày            open, due within 3 days
``due7``       Trong 7 ngày            open, due within 7 days
``later``      Còn hạn                 open, due later
``none``       Không có hạn            open, no deadline written
``done``       Đã xong đúng hạn        done on or before its last day (or it had none)
``done_late``  Đã xong, trễ hạn        done after its last day
=============  ======================  =====================================================

The 1, 3 and 7 days are the warnings trackers of assigned tasks give; the feed
(:mod:`pipeline.desk.ics`) raises the same three alarms.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from pipeline.desk.tables import desk_task_status
from pipeline.store import Page
from pipeline.store.schema import documents, task_agencies, tasks

Due = Literal["overdue", "due1", "due3", "due7", "later", "none", "done", "done_late"]
DUE_LABELS: dict[Due, str] = {
    "overdue": "Quá hạn",
    "due1": "Đến hạn trong 1 ngày",
    "due3": "Trong 3 ngày",
    "due7": "Trong 7 ngày",
    "later": "Còn hạn",
    "none": "Không có hạn",
    "done": "Đã xong đúng hạn",
    "done_late": "Đã xong, trễ hạn",
}
WARN_DAYS = (1, 3, 7)
NO_LEAD = "(chưa rõ đơn vị chủ trì)"

Show = Literal["open", "overdue", "soon", "done", "all"]
SHOWS: dict[Show, str] = {
    "open": "Chưa xong",
    "overdue": "Quá hạn",
    "soon": "Đến hạn trong 7 ngày",
    "done": "Đã xong",
    "all": "Tất cả",
}


def due_of(due_by: str | None, done_on: str | None, today: date) -> tuple[Due, int | None]:
    """What a task is marked with, and the days left until its last day (negative: overdue).

    >>> today = date(2026, 6, 27)
    >>> due_of("2026-06-26", None, today), due_of("2026-06-28", None, today), due_of("2026-06-30", None, today)
    (('overdue', -1), ('due1', 1), ('due3', 3))
    >>> due_of("2026-07-04", None, today), due_of("2026-07-05", None, today), due_of(None, None, today)
    (('due7', 7), ('later', 8), ('none', None))
    >>> due_of("2026-06-30", "2026-06-30", today), due_of("2026-06-26", "2026-06-27", today)
    (('done', 3), ('done_late', -1))
    """
    days = (date.fromisoformat(due_by) - today).days if due_by else None
    if done_on:
        late = due_by is not None and done_on > due_by
        return ("done_late" if late else "done"), days
    if days is None:
        return "none", None
    if days < 0:
        return "overdue", days
    for limit, mark in zip(WARN_DAYS, ("due1", "due3", "due7"), strict=True):
        if days <= limit:
            return mark, days  # type: ignore[return-value]
    return "later", days


class DueTask(BaseModel):
    """A task as the deadlines page lists it, under one of its lead agencies."""

    id: str
    agency: str
    document_id: str
    code: str | None = None
    issuer: str | None = None
    ordinal: str
    text: str
    lead: str
    deadline: str | None = None
    due_by: str | None = None
    recurrence: str | None = None
    done_on: str | None = None
    done_by: str | None = None
    due: Due
    days_left: int | None = None


class AgencySummary(BaseModel):
    """One lead agency's tasks: open, overdue, due within 7 days, done on time, done late."""

    agency: str
    total: int
    open: int
    overdue: int
    due_soon: int
    done_on_time: int
    done_late: int


def _lead_join() -> tuple[sa.FromClause, sa.ColumnElement[str]]:
    lead = task_agencies.alias("lead")
    joined = (
        tasks.outerjoin(lead, sa.and_(lead.c.task_id == tasks.c.id, lead.c.role == "lead"))
        .join(documents, documents.c.id == tasks.c.document_id)
        .outerjoin(desk_task_status, desk_task_status.c.task_id == tasks.c.id)
    )
    agency = sa.func.coalesce(lead.c.canonical, lead.c.name, sa.literal(NO_LEAD))
    return joined, agency


def _show(show: Show, today: date) -> list[sa.ColumnElement[bool]]:
    done = desk_task_status.c.task_id.is_not(None)
    if show == "open":
        return [sa.not_(done)]
    if show == "overdue":
        return [sa.not_(done), tasks.c.due_by < today.isoformat()]
    if show == "soon":
        soon = (today + timedelta(days=WARN_DAYS[-1])).isoformat()
        return [sa.not_(done), tasks.c.due_by >= today.isoformat(), tasks.c.due_by <= soon]
    if show == "done":
        return [done]
    return []


def tasks_by_lead(
    conn: Connection,
    today: date,
    *,
    agency: str | None = None,
    show: Show = "open",
    limit: int = 200,
    offset: int = 0,
) -> Page[DueTask]:
    """Tasks grouped by lead agency (agency by agency, soonest due first within one)."""
    joined, agency_of = _lead_join()
    where = _show(show, today)
    if agency:
        where.append(agency_of == agency)
    total = conn.execute(sa.select(sa.func.count()).select_from(joined).where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(
            tasks.c.id,
            agency_of.label("agency"),
            tasks.c.document_id,
            documents.c.code,
            documents.c.issuer,
            tasks.c.ordinal,
            tasks.c.text,
            tasks.c.lead,
            tasks.c.deadline,
            tasks.c.due_by,
            tasks.c.recurrence,
            desk_task_status.c.done_on,
            desk_task_status.c.done_by,
        )
        .select_from(joined)
        .where(*where)
        .order_by(agency_of, tasks.c.due_by.asc().nulls_last(), tasks.c.document_id, tasks.c.position)
        .limit(max(1, min(limit, 1000)))
        .offset(max(0, offset))
    ).all()
    return Page[DueTask](total=total, limit=limit, offset=offset, items=[_due_task(r, today) for r in rows])


def _due_task(r: Any, today: date) -> DueTask:
    due, days = due_of(r.due_by, r.done_on, today)
    return DueTask(**r._mapping, due=due, days_left=days)


def agency_summary(conn: Connection, today: date) -> list[AgencySummary]:
    """Per lead agency: open, overdue, due within 7 days, done on time, done late; most overdue first."""
    joined, agency_of = _lead_join()
    done = desk_task_status.c.task_id.is_not(None)
    soon = (today + timedelta(days=WARN_DAYS[-1])).isoformat()
    now = today.isoformat()

    def count(*conditions: sa.ColumnElement[bool]) -> Any:
        return sa.func.sum(sa.case((sa.and_(*conditions), 1), else_=0))

    rows = conn.execute(
        sa.select(
            agency_of.label("agency"),
            sa.func.count().label("total"),
            count(sa.not_(done)).label("open"),
            count(sa.not_(done), tasks.c.due_by < now).label("overdue"),
            count(sa.not_(done), tasks.c.due_by >= now, tasks.c.due_by <= soon).label("due_soon"),
            count(done, sa.or_(tasks.c.due_by.is_(None), desk_task_status.c.done_on <= tasks.c.due_by)).label(
                "done_on_time"
            ),
            count(done, desk_task_status.c.done_on > tasks.c.due_by).label("done_late"),
        )
        .select_from(joined)
        .group_by(agency_of)
    ).all()
    summaries = [
        AgencySummary.model_validate({k: v if k == "agency" else int(v or 0) for k, v in r._mapping.items()})
        for r in rows
    ]
    return sorted(summaries, key=lambda s: (-s.overdue, -s.due_soon, -s.open, s.agency))


def open_with_deadline(conn: Connection, today: date, *, agency: str | None = None) -> list[DueTask]:
    """Every open task with a deadline, for the calendar feed (agency by agency)."""
    joined, agency_of = _lead_join()
    where: list[sa.ColumnElement[bool]] = [desk_task_status.c.task_id.is_(None), tasks.c.due_by.is_not(None)]
    if agency:
        where.append(agency_of == agency)
    rows = conn.execute(
        sa.select(
            tasks.c.id,
            agency_of.label("agency"),
            tasks.c.document_id,
            documents.c.code,
            documents.c.issuer,
            tasks.c.ordinal,
            tasks.c.text,
            tasks.c.lead,
            tasks.c.deadline,
            tasks.c.due_by,
            tasks.c.recurrence,
            desk_task_status.c.done_on,
            desk_task_status.c.done_by,
        )
        .select_from(joined)
        .where(*where)
        .order_by(tasks.c.due_by, tasks.c.id, agency_of)
    ).all()
    return [_due_task(r, today) for r in rows]
