"""Resolve what each found task inherits, and make it a :class:`models.Task`.

Who leads, in order: a table row's lead cell; the task's own words ("Sở Tài chính chủ trì ...", "Sở Y tế:
...", "(Giao Công an tỉnh chủ trì ...)") with whoever its later sentences open with; the nearest context
that names a lead (the attribute block that describes it, the item above that only assigns, the unit
heading, the introducing sentence, the recipients); else whoever a later sentence of its own names ("...
Các địa phương rà soát ..."). Who supports: the support of the same source, and everyone the task's own
words say to work with ("phối hợp với X"). Deadline, recurrence and whom to report to: its own words
first, then its row's time cell, then the nearest context that sets one (an attribute block's "Thời gian
thực hiện", a heading's "đến tháng 6/2027", an item that only assigns).
"""

from __future__ import annotations

from extractors.agencies import canonical
from extractors.deadlines import cell_deadline, find_deadline, find_recurrence, find_report_to
from extractors.tasks.clauses import support_mentions
from extractors.tasks.cues import cues
from extractors.tasks.deadlines import for_item
from extractors.tasks.find import Found
from models import Task, task_id


def who(found: Found) -> tuple[list[str], list[str]]:
    """(lead, support) of a found task."""
    if found.row is not None and found.row.lead:
        lead, support = list(found.row.lead), list(found.row.support)
    elif found.clause.explicit:
        lead, support = list(found.clause.lead), list(found.clause.support)
        lead += [n for n in found.later if n not in lead]  # "Sở A chủ trì ... . Sở B hướng dẫn ..."
    else:
        lead, support = [], list(found.clause.support)
        for ctx in found.context.chain():
            if not support and ctx.support:
                support = list(ctx.support)
            if ctx.lead:
                lead = list(ctx.lead)
                break
        if not lead and found.later:
            lead = list(found.later)
    for name in support_mentions(found.text):
        if name not in support and name not in lead:
            support.append(name)
    return lead, [n for n in support if n not in lead]


def when(found: Found, year: int | None) -> tuple[str | None, str | None, str | None]:
    """(deadline, recurrence, report_to) of a found task."""
    deadline = find_deadline(found.text, year)
    recurrence = find_recurrence(found.text)
    report = find_report_to(found.text, cues().report_heads)
    report_to = report.name if report else None
    if found.row is not None and found.row.when:
        deadline = deadline or cell_deadline(found.row.when, year)
        recurrence = recurrence or find_recurrence(found.row.when)
    for ctx in found.context.chain():
        if ctx.source == "attributes" and ctx.when:
            # the block's expression, read for this item ("..., riêng việc X hoàn thành trong quý II/2026")
            got, rec = for_item(found.text, ctx.when, year)
            deadline = deadline or got
            recurrence = recurrence or rec
        else:
            deadline = deadline or (ctx.deadline if ctx.when else None)
            recurrence = recurrence or ctx.recurrence
        report_to = report_to or ctx.report_to
    return deadline, recurrence, report_to


def tasks(found: list[Found], key: str, year: int | None) -> list[Task]:
    """The tasks, with ids from the document's sha256 and a unique ordinal each."""
    out: list[Task] = []
    seen: set[str] = set()
    for f in found:
        ordinal = f.ordinal
        n = 1
        while ordinal in seen:  # two parts numbered alike (a quyết định and its attached plan)
            n += 1
            ordinal = f"{f.ordinal}-{n}"
        seen.add(ordinal)
        lead, support = who(f)
        deadline, recurrence, report_to = when(f, year)
        out.append(
            Task(
                id=task_id(key, ordinal),
                ordinal=ordinal,
                text=f.text,
                lead=lead,
                support=support,
                deadline=deadline,
                recurrence=recurrence,
                report_to=report_to,
                lead_agencies=[canonical(n) for n in lead],
                support_agencies=[canonical(n) for n in support],
                span=f.span,
            )
        )
    return out
