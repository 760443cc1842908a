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

Speed on a big store (50,000 tasks, bench/bench_desk.py): the lists walk ``tasks.due_by``'s index
and fetch the agencies of the one page they show; an agency's list starts from
``task_agencies``' indexes. The summary has to look at every task (about 130 ms of CPU for
50,000), so :class:`SummaryCache` keeps it until the store or the desk's own table changes — a
signature of two indexed maxima and two counts tells, in a millisecond.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from pipeline.desk.tables import desk_task_status
from pipeline.store import Page
from pipeline.store.identity import fold
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
    """A task as the deadlines page lists it, with its lead agencies."""

    id: str
    document_id: str
    code: str | None = None
    issuer: str | None = None
    ordinal: str
    text: str
    leads: list[str]  # canonical names where the gazetteer knows them, else as written
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


def _led_by(agency: str) -> sa.Subquery:
    """Tasks one of whose leads is ``agency`` as the summary names it (canonical, else as written)."""
    key = fold(agency)
    if agency == NO_LEAD:
        led = sa.select(task_agencies.c.task_id).where(task_agencies.c.role == "lead")
        return sa.select(tasks.c.id.label("task_id")).where(tasks.c.id.not_in(led)).subquery("led")
    # a UNION of two index searches: with OR, SQLite walks every lead instead
    by_canonical = sa.select(task_agencies.c.task_id).where(
        task_agencies.c.role == "lead", task_agencies.c.canonical_key == key
    )
    as_written = sa.select(task_agencies.c.task_id).where(
        task_agencies.c.role == "lead", task_agencies.c.canonical_key.is_(None), task_agencies.c.name_key == key
    )
    return sa.union(by_canonical, as_written).subquery("led")


def _columns() -> list[Any]:
    return [
        tasks.c.id,
        tasks.c.document_id,
        documents.c.code,
        documents.c.issuer,
        tasks.c.ordinal,
        tasks.c.text,
        tasks.c.deadline,
        tasks.c.due_by,
        tasks.c.recurrence,
        desk_task_status.c.done_on,
        desk_task_status.c.done_by,
    ]


def _leads_of(conn: Connection, task_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(task_ids), 500):  # a feed may list tens of thousands: stay under bound-parameter limits
        rows = conn.execute(
            sa.select(task_agencies.c.task_id, sa.func.coalesce(task_agencies.c.canonical, task_agencies.c.name))
            .where(task_agencies.c.role == "lead", task_agencies.c.task_id.in_(task_ids[start : start + 500]))
            .order_by(task_agencies.c.task_id, task_agencies.c.position)
        ).all()
        for tid, name in rows:
            if name not in found[tid]:
                found[tid].append(name)
    return found


def _tasks(conn: Connection, rows: list[Any], today: date) -> list[DueTask]:
    leads = _leads_of(conn, [r.id for r in rows])
    out = []
    for r in rows:
        due, days = due_of(r.due_by, r.done_on, today)
        out.append(DueTask(**r._mapping, leads=leads.get(r.id) or [NO_LEAD], due=due, days_left=days))
    return out


def tasks_by_lead(
    conn: Connection,
    today: date,
    *,
    agency: str | None = None,
    show: Show = "open",
    limit: int = 200,
    offset: int = 0,
) -> Page[DueTask]:
    """Tasks soonest due first (no deadline last), of one lead agency or of all."""
    source: sa.FromClause = tasks
    if agency:
        led = _led_by(agency)
        source = tasks.join(led, led.c.task_id == tasks.c.id)
    source = source.join(documents, documents.c.id == tasks.c.document_id).outerjoin(
        desk_task_status, desk_task_status.c.task_id == tasks.c.id
    )
    where = _show(show, today)
    total = conn.execute(sa.select(sa.func.count()).select_from(source).where(*where)).scalar_one()
    limit, offset = max(1, min(limit, 1000)), max(0, offset)
    # in two walks of due_by's index, dated tasks first: "NULLS LAST" would sort every row instead
    dated = conn.execute(
        sa.select(*_columns())
        .select_from(source)
        .where(*where, tasks.c.due_by.is_not(None))
        .order_by(tasks.c.due_by, tasks.c.document_id, tasks.c.position)
        .limit(limit)
        .offset(offset)
    ).all()
    rows = list(dated)
    if len(rows) < limit:
        with_date = conn.execute(
            sa.select(sa.func.count()).select_from(source).where(*where, tasks.c.due_by.is_not(None))
        ).scalar_one()
        rows += conn.execute(
            sa.select(*_columns())
            .select_from(source)
            .where(*where, tasks.c.due_by.is_(None))
            .order_by(tasks.c.document_id, tasks.c.position)
            .limit(limit - len(rows))
            .offset(max(0, offset - with_date))
        ).all()
    return Page[DueTask](total=total, limit=limit, offset=offset, items=_tasks(conn, rows, today))


def agency_summary(conn: Connection, today: date) -> list[AgencySummary]:
    """Per lead agency: open, overdue, due within 7 days, done on time, done late; most overdue first."""
    lead = task_agencies.alias("lead")
    joined = tasks.outerjoin(lead, sa.and_(lead.c.task_id == tasks.c.id, lead.c.role == "lead")).outerjoin(
        desk_task_status, desk_task_status.c.task_id == tasks.c.id
    )
    agency_of = sa.func.coalesce(lead.c.canonical, lead.c.name, sa.literal(NO_LEAD))
    done = desk_task_status.c.task_id.is_not(None)
    soon = (today + timedelta(days=WARN_DAYS[-1])).isoformat()
    now = today.isoformat()

    def count(*conditions: sa.ColumnElement[bool]) -> Any:
        return sa.func.sum(sa.case((sa.and_(*conditions), 1), else_=0))

    on_time = sa.or_(tasks.c.due_by.is_(None), desk_task_status.c.done_on <= tasks.c.due_by)
    rows = conn.execute(
        sa.select(
            agency_of.label("agency"),
            sa.func.count().label("total"),
            count(sa.not_(done)).label("open"),
            count(sa.not_(done), tasks.c.due_by < now).label("overdue"),
            count(sa.not_(done), tasks.c.due_by >= now, tasks.c.due_by <= soon).label("due_soon"),
            count(done, on_time).label("done_on_time"),
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


def signature(conn: Connection) -> tuple[Any, ...]:
    """Changes whenever a task, its agencies or its "done" can have changed: every store write sets
    ``documents.updated_at``, a removed document lowers the count, every mark sets or removes a
    ``desk_task_status`` row. Two indexed maxima and two counts: about a millisecond."""
    return tuple(
        conn.execute(
            sa.select(
                sa.select(sa.func.max(documents.c.updated_at)).scalar_subquery(),
                sa.select(sa.func.count()).select_from(documents).scalar_subquery(),
                sa.select(sa.func.max(desk_task_status.c.updated_at)).scalar_subquery(),
                sa.select(sa.func.count()).select_from(desk_task_status).scalar_subquery(),
            )
        ).one()
    )


class SummaryCache:
    """The per-agency summary, computed again only when :func:`signature` or the day changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._value: list[AgencySummary] = []

    def get(self, conn: Connection, today: date) -> list[AgencySummary]:
        key = (today, *signature(conn))
        with self._lock:
            if key == self._key:
                return self._value
        value = agency_summary(conn, today)
        with self._lock:
            self._key, self._value = key, value
        return value


FEED_PAST_DAYS = 30  # overdue tasks stay in the feed this long; older ones are on the page


def open_with_deadline(conn: Connection, today: date, *, agency: str | None = None, days: int = 366) -> list[DueTask]:
    """Open tasks due from :data:`FEED_PAST_DAYS` ago to ``days`` ahead, for the calendar feed."""
    source: sa.FromClause = tasks
    if agency:
        led = _led_by(agency)
        source = tasks.join(led, led.c.task_id == tasks.c.id)
    source = source.join(documents, documents.c.id == tasks.c.document_id).outerjoin(
        desk_task_status, desk_task_status.c.task_id == tasks.c.id
    )
    since = (today - timedelta(days=FEED_PAST_DAYS)).isoformat()
    until = (today + timedelta(days=days)).isoformat()
    rows = conn.execute(
        sa.select(*_columns())
        .select_from(source)
        .where(desk_task_status.c.task_id.is_(None), tasks.c.due_by >= since, tasks.c.due_by <= until)
        .order_by(tasks.c.due_by, tasks.c.id)
    ).all()
    return _tasks(conn, list(rows), today)
