"""Deadlines (thời hạn), recurrence (định kỳ) and report recipients (báo cáo về ...) in task text.

Only a date that follows a deadline cue counts: "Kế hoạch số 22-KH/TU ngày 13/12/2025" names an
instrument, "trước ngày 30/6/2026" sets a deadline. Forms handled (each has a test in
``tests/test_deadlines.py``)::

    trước ngày 30/6/2026, chậm nhất ngày 15/7/2026   -> 2026-06-30, 2026-07-15
    trước ngày 15/7 (document year 2026)             -> 2026-07-15
    hoàn thành trong tháng 3/2026, trong tháng 3     -> 2026-03
    trong quý II/2026, Quý II năm 2026               -> 2026-06-30 (the quarter's last day: a
                                                        quarter has no ISO reduced form)
    trong 6 tháng đầu năm 2026                       -> 2026-06-30
    trong năm 2026, hoàn thành năm 2026              -> 2026      ("năm 2026" alone is no deadline)
    Thời gian thực hiện: tháng 9/2026                -> 2026-09
    vào năm 2015; từ năm 2013 đến năm 2015           -> 2015      ("đến năm 2030" alone is a target)
    trước ngày 15/11 hằng năm                        -> none: a yearly date is a recurrence
    ... (Quý IV/2013, Quý I/2014 và thường xuyên)    -> 2014-03-31 (a bracketed time at the end)

A time expression whose label or column is the cue (an attribute line, a table cell) is read by
:func:`period_end`: its latest point in time, so a schedule ends on its last day::

    Tháng 11, 12/2013 và thường xuyên                 -> 2013-12
    Ngày 26, 27/12/2011; Chiều ngày 28/12 và cả ngày 29/12/2011 -> 2011-12-27; 2011-12-29
    2026 - 2027                                      -> 2027
    Từ tháng 11/2013 trở đi; Từ năm 2013 đến năm 2020 và tiếp theo -> none (open-ended)

Dates are parsed by :mod:`extractors.dates`; this module only decides which dates are deadlines
and adds the forms dates.py leaves to callers (quarters, bare years, months without a year).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from extractors.dates import LONG_DATE, SHORT_DATE, iso
from pipeline import regex_cache

_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
_ROMAN_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# The cue before a deadline. Examples: "trước ngày", "chậm nhất là ngày", "hoàn thành trong",
# "xong trước", "Thời gian thực hiện:", "hạn chót", "đến hết ngày", "trong" (only before a
# month, quarter or year: see _WINDOW). "tính đến ngày 31/12" is a data cut-off, not a deadline.
DEADLINE_CUE = regex_cache.compile(
    r"(?<![^\W\d_])(?:"
    r"trước|chậm\s+nhất|muộn\s+nhất|hạn\s+chót|thời\s+hạn(?:\s+(?:hoàn\s+thành|thực\s+hiện|báo\s+cáo))?"
    r"|thời\s+gian\s+(?:thực\s+hiện|hoàn\s+thành|báo\s+cáo|gửi)|tiến\s+độ(?:\s+(?:thực\s+hiện|hoàn\s+thành))?"
    r"|hoàn\s+thành(?:\s+xong)?|xong|(?<!tính\s)đến\s+hết|(?<!tính\s)đến|trong|vào"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)
# Filler between the cue and the date: "trước | ngày", "chậm nhất | là vào ngày", "Thời gian: | Quý II".
_FILLER = regex_cache.compile(
    r"\s*(?::\s*)?(?:(?:là|vào|trong|trước|hết|xong|ngày|thời\s+gian|nộp|gửi)\s*[:,]?\s*)*", re.IGNORECASE
)
# "quý II/2026", "Quý 2 năm 2026", "quý IV" (year taken from the document)
_QUARTER = regex_cache.compile(r"quý\s+(?P<q>IV|III|II|I|[1-4])(?![\w])(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?", re.IGNORECASE)
# "tháng 3/2026", "tháng 03 năm 2026", "tháng 3" (year taken from the document)
_MONTH = regex_cache.compile(r"tháng\s+(?P<m>\d{1,2})(?!\d)(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?", re.IGNORECASE)
# "năm 2026"
_YEAR = regex_cache.compile(r"năm\s+(?P<y>\d{4})(?!\d)", re.IGNORECASE)
# "6 tháng đầu năm 2026", "sáu tháng cuối năm 2026"
_HALF = regex_cache.compile(r"(?:6|06|sáu)\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>\d{4}))?", re.IGNORECASE)

# Cues after which a bare month or year is a deadline ("trong tháng 3/2026", "hoàn thành năm 2026");
# "vào"/"đến" alone are too loose for a bare year ("đến năm 2030" is a target, not a deadline).
_YEAR_CUES = ("trong", "hoàn thành", "thời gian", "thời hạn", "tiến độ", "chậm nhất", "xong", "vào")
# "từ năm 2013 | đến năm 2015": a bare year after "đến" ends a period that starts with a year
_YEAR_START = regex_cache.compile(r"(?<![^\W\d_])từ\s+(?:năm\s+)?\d{4}\s*$", re.IGNORECASE)
# a date with no year that comes back every year: "trước ngày 15/11 hằng năm", "định kỳ hàng năm (trước ngày"
_YEARLY_AFTER = regex_cache.compile(
    r"^[\s,]*(?:(?:của\s+)?(?:hằng|hàng|mỗi)\s+năm|năm\s+sau)(?![^\W\d_])", re.IGNORECASE
)
_YEARLY_BEFORE = regex_cache.compile(r"(?:hằng|hàng|mỗi)\s+năm\s*[(,:]?\s*$", re.IGNORECASE)
# an open-ended period: "Từ tháng 11/2013 trở đi", "Từ năm 2013 đến năm 2020 và tiếp theo"
_OPEN_ENDED = regex_cache.compile(
    r"(?<![^\W\d_])(?:trở\s+đi|và\s+(?:những\s+năm\s+)?tiếp\s+theo|đến\s+nay)(?![^\W\d_])", re.IGNORECASE
)
# a bracket at the end of a task that only says when: "(Quý IV/2013, Quý I/2014 và thường xuyên)"
_TIME_BRACKET = regex_cache.compile(
    r"\(\s*(?P<when>(?:quý|tháng|năm|ngày|trong|trước|từ|đến|hoàn\s+thành|chậm\s+nhất)(?![^\W\d_])[^()]{0,120})\)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Deadline:
    """A deadline in text: ISO value (reduced precision allowed) and the span of cue + date."""

    iso: str
    start: int
    end: int
    in_report: bool = False  # the date belongs to a "báo cáo ... trước ngày" clause
    window: bool = False  # the end of a period "từ ngày 10/02/2026 đến hết ngày 05/3/2026"


@dataclass(frozen=True)
class ReportTo:
    """Whom to report to, as written ("UBND tỉnh (qua Sở Nội vụ)"), and where it stood."""

    name: str
    start: int
    end: int


@cache
def patterns() -> dict[str, object]:
    """``extractors/data/task_patterns.json``, loaded once (shared with tasks.py)."""
    text = resources.files("extractors").joinpath("data/task_patterns.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def _date_after(text: str, pos: int, cue: str, default_year: int | None) -> tuple[str, int] | None:
    """The deadline date right after a cue ending at ``pos``: (ISO, end offset), or None."""
    filler = _FILLER.match(text, pos)
    at = filler.end() if filler else pos
    cue_l = re.sub(r"\s+", " ", cue.lower())
    bare_ok = cue_l.startswith(_YEAR_CUES) or (cue_l == "đến" and bool(_YEAR_START.search(text, 0, pos - len(cue))))
    m = _HALF.match(text, at)
    if m and bare_ok:
        year = int(m.group("y")) if m.group("y") else default_year
        value = iso(year, 6, 30) if m.group("h").lower() == "đầu" else iso(year, 12, 31)
        return (value, m.end()) if value else None
    m = _QUARTER.match(text, at)
    if m:
        year = int(m.group("y")) if m.group("y") else default_year
        month, day = _QUARTER_END[_ROMAN_QUARTER[m.group("q").upper()]]
        value = iso(year, month, day)
        return (value, m.end()) if value else None
    # "chậm nhất là ngày 05 tháng 8 năm 2026": the filler took the "ngày" the long form starts with.
    m = LONG_DATE.search(text, pos, at + 40)
    if m and (m.start() > at or not m.group("m")):
        m = None
    if m and m.group("m"):
        long_year = int(m.group("y")) if m.group("y") else default_year
        long_day = int(m.group("d")) if m.group("d") else None
        value = iso(long_year, int(m.group("m")), long_day)
        return (value, m.end()) if value else None
    m = _MONTH.match(text, at)
    if m:
        year = int(m.group("y")) if m.group("y") else default_year
        value = iso(year, int(m.group("m")))
        return (value, m.end()) if value else None
    m = SHORT_DATE.match(text, at)
    if m:
        # a range "29/6/2026 - 09/7/2026", "10/7 đến ngày 13/7/2026": the work is due at its end
        rng = _RANGE_TO.match(text, m.end())
        end = SHORT_DATE.match(text, rng.end()) if rng else None
        if end is not None:
            m = end
        year = int(m.group("y")) if m.group("y") else default_year
        value = iso(year, int(m.group("m")), int(m.group("d")))
        return (value, m.end()) if value else None
    m = _YEAR.match(text, at)
    if m and bare_ok:
        value = iso(int(m.group("y")))
        return (value, m.end()) if value else None
    return None


# Between the two dates of a range: " - ", " – ", " đến ", " đến hết ngày ".
_RANGE_TO = regex_cache.compile(r"\s*[-–—]\s*|\s+(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?", re.IGNORECASE)


# The start of a period whose end is not a deadline: "từ ngày 10/02/2026 | đến hết ngày 05/3/2026".
_WINDOW_START = regex_cache.compile(r"(?<![^\W\d_])từ\s+(?:ngày\s+)?\d{1,2}\s*[/.-]\s*\d{1,2}[^;]*$", re.IGNORECASE)

# "báo cáo" that starts a reporting clause; the clause runs to the next ";" or sentence end.
_REPORT = regex_cache.compile(r"(?<![^\W\d_])báo\s+cáo(?![^\W\d_])", re.IGNORECASE)
_CLAUSE_END = regex_cache.compile(r"[;]|\.(?:\s|$)")


def _report_clauses(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _REPORT.finditer(text):
        end = _CLAUSE_END.search(text, m.end())
        out.append((m.start(), end.start() if end else len(text)))
    return out


def find_deadlines(text: str, default_year: int | None = None) -> list[Deadline]:
    """Every deadline in ``text``, in order; dates not after a cue (instrument dates) are skipped.

    >>> [d.iso for d in find_deadlines("Kế hoạch số 22-KH/TU ngày 13/12/2025; xong trước ngày 30/6/2026")]
    ['2026-06-30']
    """
    clauses = _report_clauses(text)
    found: list[Deadline] = []
    last_end = -1
    for cue in DEADLINE_CUE.finditer(text):
        if cue.start() < last_end:
            continue
        hit = _date_after(text, cue.end(), cue.group(0), default_year)
        if hit is None:
            continue
        value, end = hit
        if _yearly(text, cue.start(), end) or _OPEN_ENDED.match(text[end:].lstrip(" ,")):
            last_end = end
            continue  # "trước ngày 15/11 hằng năm" recurs, "đến năm 2020 và tiếp theo" never ends
        in_report = any(a <= cue.start() < b for a, b in clauses)
        window = bool(_WINDOW_START.search(text, max(0, cue.start() - 40), cue.start()))
        found.append(Deadline(value, cue.start(), end, in_report, window))
        last_end = end
    return found


def _yearly(text: str, start: int, end: int) -> bool:
    """A day and month written without a year that recur every year ("trước ngày 15/11 hằng năm")."""
    if re.search(r"\d{4}", text[start:end]):
        return False
    return bool(_YEARLY_AFTER.match(text, end)) or bool(_YEARLY_BEFORE.search(text, max(0, start - 30), start))


def find_deadline(text: str, default_year: int | None = None) -> str | None:
    """The task's deadline: the first one outside a "báo cáo ..." clause, else the report's date.

    A report date ("báo cáo UBND tỉnh trước ngày 15/12/2026") is the deadline only when the text
    sets no other one: "hoàn thành trước 30/6/2026; báo cáo kết quả trước 15/7/2026" → 30/6; the
    end of a period ("từ ngày 10/02 đến hết ngày 05/3") only when there is nothing else at all.
    """
    found = find_deadlines(text, default_year)
    # A period "từ ngày ... đến hết ngày ..." says when to act, not by when: it is the deadline only
    # when nothing else is.
    preferred = [d for d in found if not d.in_report and not d.window] or [d for d in found if not d.window] or found
    if preferred:
        return preferred[0].iso
    # a bracket that says when ("(Quý IV/2026, ...)"), unless it dates a recurrence ("hàng năm (trước ngày 15/11)")
    bracket = [
        m
        for m in _TIME_BRACKET.finditer(text)
        if not _YEARLY_BEFORE.search(text, max(0, m.start() - 30), m.start() + 1)
    ]
    return period_end(bracket[-1].group("when"), default_year) if bracket else None


# a month list sharing one year: "Tháng 11, 12/2013" (both months of 2013)
_MONTH_LIST = regex_cache.compile(
    r"tháng\s+(?P<ms>\d{1,2}(?:\s*(?:,|và|-|–)\s*\d{1,2})*)\s*(?:/|năm)\s*(?P<y>\d{4})", re.IGNORECASE
)
# a year standing alone in a time cell: "2026 - 2027", "Năm 2026" (not a date's year, not a code's)
_BARE_YEAR = regex_cache.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d\d)(?![\d/])")


def _end_key(value: str) -> tuple[int, int, int]:
    """Order reduced-precision ISO values by the end of the period they name ("2026" ends after "2026-06")."""
    parts = [int(p) for p in value.split("-")]
    return (parts[0], parts[1] if len(parts) > 1 else 12, parts[2] if len(parts) > 2 else 31)


def period_end(text: str, default_year: int | None = None) -> str | None:
    """The latest point in time a time expression names, where its label or column is the cue:
    "Tháng 11, 12/2013 và thường xuyên" → "2013-12"; "Quý IV/2013, Quý I/2014" → "2014-03-31";
    "2026 - 2027" → "2027"; "Thường xuyên", "Từ tháng 11/2013 trở đi" → None.

    >>> period_end("Chiều ngày 28/12 và cả ngày 29/12/2011", 2011), period_end("Thời gian: 1/2 ngày", 2011)
    ('2011-12-29', None)
    """
    if _OPEN_ENDED.search(text):
        return None
    found: list[str] = []
    taken: list[tuple[int, int]] = []

    def add(value: str | None, m: re.Match[str]) -> None:
        if value and not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(value)
            taken.append((m.start(), m.end()))

    for m in _HALF.finditer(text):
        year = int(m.group("y")) if m.group("y") else default_year
        add(iso(year, 6, 30) if m.group("h").lower() == "đầu" else iso(year, 12, 31), m)
    for m in _QUARTER.finditer(text):
        year = int(m.group("y")) if m.group("y") else default_year
        month, day = _QUARTER_END[_ROMAN_QUARTER[m.group("q").upper()]]
        add(iso(year, month, day), m)
    for m in LONG_DATE.finditer(text):
        if m.group("m") and m.group("y"):
            add(iso(int(m.group("y")), int(m.group("m")), int(m.group("d")) if m.group("d") else None), m)
    for m in _MONTH_LIST.finditer(text):
        month = int(re.split(r"\s*(?:,|và|-|–)\s*", m.group("ms"))[-1])
        add(iso(int(m.group("y")), month), m)
    for m in SHORT_DATE.finditer(text):
        year = int(m.group("y")) if m.group("y") else default_year
        add(iso(year, int(m.group("m")), int(m.group("d"))), m)
    for m in _MONTH.finditer(text):
        year = int(m.group("y")) if m.group("y") else default_year
        add(iso(year, int(m.group("m"))), m)
    for m in _BARE_YEAR.finditer(text):
        add(iso(int(m.group("y"))), m)
    return max(found, key=_end_key) if found else None


def cell_deadline(text: str, default_year: int | None = None) -> str | None:
    """The deadline in a cell of a "Thời gian thực hiện" / "Thời hạn" / "Tiến độ" column, where the
    column is the cue: "Trước ngày 15/7/2026", "27/6/2026", "29/6/2026 - 09/7/2026" (→ its end),
    "Quý III/2026", "Tháng 9/2026", "Năm 2026"; "Thường xuyên" has none.

    >>> cell_deadline("29/6/2026 - 09/7/2026"), cell_deadline("Quý III/2026")
    ('2026-07-09', '2026-09-30')
    """
    return find_deadline(text, default_year) or period_end(text, default_year)


@cache
def _recurrence_re() -> re.Pattern[str]:
    alts = patterns()["recurrence"]
    assert isinstance(alts, list)
    return regex_cache.compile(r"(?<![^\W\d_])(?:" + "|".join(alts) + r")(?![^\W\d_])", re.IGNORECASE)


def find_recurrence(text: str) -> str | None:
    """Recurring words as written, lower-cased: "Thường xuyên tổ chức ..." → "thường xuyên".

    >>> find_recurrence("Thực hiện nghiêm túc công tác tiếp công dân định kỳ và đột xuất.")
    'định kỳ và đột xuất'
    """
    m = _recurrence_re().search(text)
    return re.sub(r"\s+", " ", m.group(0)).lower() if m else None


# Who a report goes to. Matches "báo cáo UBND tỉnh (qua Sở Nội vụ)", "báo cáo kết quả thực hiện về
# Sở Kế hoạch và Đầu tư", "gửi Sở Tài chính", "phản ánh về Sở Tài chính (qua Phòng Quản lý ngân sách)";
# the report verbs are data ("report_verbs" in task_patterns.json).
@cache
def _report_to_re() -> re.Pattern[str]:
    verbs = patterns()["report_verbs"]
    assert isinstance(verbs, str)
    return regex_cache.compile(
        r"(?<![^\W\d_])(?:" + verbs + r")\s+"
        r"(?:(?:kết\s+quả|tình\s+hình|tiến\s+độ|định\s+kỳ|bằng\s+văn\s+bản|nhanh|ngay|kịp\s+thời|đầy\s+đủ)"
        r"[^;.()]{0,80}?\s+)?"
        r"(?:(?:về|cho|lên|gửi|tới|đến)\s+)?(?P<who>[A-ZĐÀ-Ỹ][^;.()]*?)"
        r"(?P<via>\s*\(\s*qua\s+[^)]*\))?"
        r"(?=\s*(?:\(|[;.,:]|$|\s(?:trước|để|theo|trong|chậm|định|kết|tình|xem|chỉ|biết|và\s+(?:đề|gửi)|"
        r"tổng|trình|qua|vào|ngay|kịp|khi|hằng|hàng|cho|về)(?![^\W\d_])))",
    )


# Inside "(qua Thanh tra tỉnh tổng hợp, báo cáo)" only the agency counts: "(qua Thanh tra tỉnh)".
_VIA_TRIM = regex_cache.compile(r"\s+(?:tổng\s+hợp|để|theo\s+dõi|báo\s+cáo|thẩm\s+định|trình)\b.*$|,.*$", re.IGNORECASE)


def find_report_to(text: str, heads: tuple[str, ...] = ()) -> ReportTo | None:
    """Whom the text says to report to, as written, with a "(qua ...)" routing trimmed to its agency.

    >>> find_report_to("kịp thời báo cáo Ủy ban nhân dân tỉnh (qua Thanh tra tỉnh tổng hợp, báo cáo) để xem xét").name
    'Ủy ban nhân dân tỉnh (qua Thanh tra tỉnh)'
    """
    for m in _report_to_re().finditer(text):
        who = m.group("who").strip(" ,")
        if not who or len(who) > 120:
            continue
        if heads and not who.startswith(heads):
            continue
        if not (who[:1].isupper() or who.startswith("các ")):
            continue  # "báo cáo định kỳ": no one named
        name = who
        if m.group("via"):
            inner = re.sub(r"^\(\s*qua\s+", "", m.group("via").strip()).rstrip(")").strip()
            inner = _VIA_TRIM.sub("", inner).strip()
            name = f"{who} (qua {inner})"
        return ReportTo(name, m.start("who"), m.end())
    return None
