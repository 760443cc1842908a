"""Task tables (bảng phân công nhiệm vụ) and appendices (Phụ lục): one task per row.

A body table row comes from the readers as one paragraph, cells joined with " | ":
"1 | Ban hành kế hoạch | Trước ngày 27/6/2026 | Sở Nội vụ | Sở Tài chính" (an empty last cell leaves " |").
A task table is one whose header row names a content column and a lead or time column
("STT | Nội dung công việc | Thời gian thực hiện | Cơ quan chủ trì | Cơ quan phối hợp"); rows grouped under
section rows ("I | NHIỆM VỤ CHUNG | | |") count from 1 again; an empty lead cell is merged with the one above.
:func:`take` splits paragraphs into tables and the rest; :func:`rows` reads a table's rows as :class:`Row`.
Who leads a row whose table has no lead column is resolved later, from its own words or its section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from extractors.deadlines import patterns
from extractors.tasks.clauses import lead_clause, split_names
from extractors.tasks.cues import clean, fold
from pipeline import regex_cache
from pipeline.layout import Paragraph

_ROW_NUMBER = regex_cache.compile(r"^(\d{1,3})\s*[.)]?$")


def cells(text: str) -> list[str] | None:
    """The cells of a table row, or None for a paragraph that is not one."""
    if "|" not in text:
        return None
    out = [c.strip() for c in text.strip().split("|")]
    # two cells with words at least: "phòng thi. |" (an OCR stroke at the end of a line) is no row
    return out if sum(1 for c in out if c) >= 2 else None


@dataclass(frozen=True)
class Columns:
    """Which cell of a task table's rows holds what."""

    content: int
    ordinal: int | None = None
    deadline: int | None = None
    lead: int | None = None
    support: int | None = None
    lead_and_support: int | None = None  # "Đơn vị chủ trì/phối hợp": the first name leads


@dataclass
class Table:
    """A task table: its columns and its data rows (paragraphs)."""

    columns: Columns
    rows: list[Paragraph] = field(default_factory=list)


@dataclass
class Row:
    """One task of a table: its number, its content and what its cells say."""

    ordinal: str
    content: str
    paragraph: Paragraph
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    when: str = ""  # the time cell as written ("Quý III/2026")
    has_lead_column: bool = False


@cache
def _column_words() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(kind, words matched inside a cell, words that must be the whole cell)."""
    value = patterns()["table_columns"]
    exact = patterns().get("table_columns_exact", {})
    assert isinstance(value, dict) and isinstance(exact, dict)
    kinds = list(value) + [k for k in exact if k not in value]
    return [(str(k), tuple(str(w) for w in value.get(k, [])), tuple(str(w) for w in exact.get(k, []))) for k in kinds]


def columns(row: list[str]) -> Columns | None:
    """The columns of a task table from its header row, or None when the row is not one:
    "STT | Nội dung công việc | Thời gian thực hiện | Cơ quan chủ trì | Cơ quan phối hợp"."""
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = fold(cell)
        if not key or len(key) > 60:
            continue
        for kind, inside, whole in _column_words():
            hit = key in whole or (key in inside if kind == "ordinal" else any(w in key for w in inside))
            if hit:
                found.setdefault(kind, i)
                break
    if "content" not in found or not {"deadline", "lead", "lead_and_support"} & found.keys():
        return None
    return Columns(**found)


@cache
def _column_res() -> dict[str, re.Pattern[str]]:
    """One regex per kind of column, over folded text ("chu tri|co quan thuc hien|...")."""
    return {
        kind: regex_cache.compile("|".join(re.escape(w) for w in sorted(inside, key=len, reverse=True)))
        for kind, inside, _ in _column_words()
        if kind != "ordinal" and inside
    }


@lru_cache(maxsize=8192)
def _header_as_text(text: str) -> bool:
    """A task table's header row read as running text: three kinds of column named in a short line."""
    if len(text) > 160 or len(text.split()) > 20 or text.rstrip().endswith((".", ";", ":")):
        return False
    key = fold(text)
    # who leads and who supports are one kind here: "Chủ trì, phối hợp với các sở ..." is a sentence, not a header
    who = {"lead", "support", "lead_and_support"}
    kinds = {"who" if kind in who else kind for kind, pattern in _column_res().items() if pattern.search(key)}
    if re.match(r"^(?:stt|tt)\b", key):
        kinds.add("ordinal")
    return len(kinds) >= 3


def take(paras: list[Paragraph]) -> tuple[list[Table], list[Paragraph], bool]:
    """Split paragraphs into task tables and the rest; the flag says some rows belonged to no readable
    table (a header the reader could not split into cells, or rows with no header)."""
    tables: list[Table] = []
    rest: list[Paragraph] = []
    unread = False
    current: Table | None = None
    swallow = False  # under a header the reader could not split, every line is the table's
    for p in paras:
        row = cells(p.text)
        if swallow or (row is None and _header_as_text(p.text)):
            # "STT Nội dung Thời gian Cơ quan chủ Cơ quan phối công việc thực hiện trì hợp": a PDF or
            # OCR reader ran the cells of each line together; the rows after it are not text either
            unread, swallow, current = True, True, None
            continue
        if row is None:
            current = None
            rest.append(p)
            continue
        header = columns(row)
        if header is not None:
            current = Table(header)
            tables.append(current)
        elif current is not None:
            current.rows.append(p)
        else:
            unread = True
    return tables, rest, unread


def rows(table: Table, base: str, start: int = 0) -> list[Row]:
    """The tasks of a table: ordinal from ``base`` and the row's number, lead and support from their
    columns (an empty lead cell is a cell merged with the one above), the time cell as written."""
    cols = table.columns
    prefix = f"{base}." if base else ""
    out: list[Row] = []
    n = start
    group = ""
    groups = 0
    above: tuple[list[str], list[str]] | None = None
    has_lead = cols.lead is not None or cols.lead_and_support is not None
    for para in table.rows:
        row = cells(para.text) or []

        def cell(i: int | None, row: list[str] = row) -> str:
            return clean(row[i]) if i is not None and i < len(row) else ""

        content = cell(cols.content)
        if not content:
            continue
        when, lead_cell, support_cell = cell(cols.deadline), cell(cols.lead), cell(cols.support)
        both = cell(cols.lead_and_support)
        number = _ROW_NUMBER.match(cell(cols.ordinal))
        if not (when or lead_cell or support_cell or both) and number is None:
            # "I | NHIỆM VỤ CHUNG | | |": a group row; the rows under it count from 1 again
            groups += 1
            group, n = f"{groups}.", 0
            continue
        n = int(number.group(1)) if number else n + 1
        lead, support = _agencies(lead_cell, support_cell, both)
        if not lead and above is not None and has_lead:
            lead, support = above[0], support or above[1]
        if lead:
            above = (lead, support)
        out.append(Row(f"{prefix}{group}{n}", content, para, lead, support, when, has_lead))
    return out


def _agencies(lead_cell: str, support_cell: str, both: str) -> tuple[list[str], list[str]]:
    lead = split_names(lead_cell) if lead_cell else []
    support = split_names(support_cell) if support_cell else []
    if both:
        clause = lead_clause(both)
        if clause.explicit and clause.support:
            return clause.lead, clause.support  # "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính"
        names = split_names(both)
        lead, support = lead or names[:1], support or names[1:]
    return lead, support
