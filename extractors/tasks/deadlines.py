"""A task's deadline and recurrence from a time expression that is not in its own words: an attribute line
("- Thời gian thực hiện: Quý II/2026"), a table's time cell, a heading ("Về nhiệm vụ trọng tâm từ nay đến
tháng 6/2027"), an item that only assigns.

The forms themselves are read by :mod:`extractors.deadlines` (shared with the rest of the record); this step
decides which part of a block's expression holds for which item: "Thực hiện thường xuyên, riêng việc tuyên
truyền, quán triệt Chỉ thị số 37-CT/TW ... hoàn thành trong quý II/2020" gives the quarter to the item about
that propaganda work only, and "thường xuyên" to the others.
"""

from __future__ import annotations

import re

from extractors.deadlines import find_deadline, find_recurrence, period_end
from pipeline import regex_cache

# "riêng việc X ... hoàn thành trong quý II/2020", "riêng năm 2020 hoàn thành ..." (a time: all items)
_SPECIAL = regex_cache.compile(r"(?<![^\W\d_])riêng\s+(?P<rest>.+)$", re.IGNORECASE | re.S)
_SUBJECT_END = regex_cache.compile(
    r"(?<![^\W\d_])(?:hoàn\s+thành|xong|thực\s+hiện|trước|trong|chậm\s+nhất|từ|đến)(?![^\W\d_])", re.IGNORECASE
)
_TIME_WORDS = regex_cache.compile(r"^(?:năm|tháng|quý|ngày|đợt|giai\s+đoạn)(?![^\W\d_])", re.IGNORECASE)
# syllables that say nothing about which work is meant
_FILLER = {"việc", "và", "các", "có", "liên", "quan", "số", "của", "về", "cho", "theo", "những", "đối", "với", "tại"}


def _syllables(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+(?:[-/][^\W_]+)*", text.lower()) if w not in _FILLER}


def expression_deadline(when: str, year: int | None) -> str | None:
    """The deadline a time expression sets, its label or column being the cue."""
    return find_deadline(when, year) or period_end(when, year)


def for_item(task_text: str, when: str, year: int | None) -> tuple[str | None, str | None]:
    """(deadline, recurrence) that ``when`` gives the task whose words are ``task_text``.

    >>> when = "Thực hiện thường xuyên, riêng việc tuyên truyền, quán triệt Chỉ thị 37 hoàn thành trong quý II/2020."
    >>> for_item("Tổ chức tuyên truyền, quán triệt Chỉ thị 37.", when, 2020), for_item("Nâng cao vai trò.", when, 2020)
    (('2020-06-30', None), (None, 'thường xuyên'))
    """
    m = _SPECIAL.search(when)
    if m is None:
        return expression_deadline(when, year), find_recurrence(when)
    general = when[: m.start()].rstrip(" ,;")
    special = m.group("rest")
    end = _SUBJECT_END.search(special)
    subject = special[: end.start()] if end else ""
    words = _syllables(subject)
    if _TIME_WORDS.match(subject.strip()) or len(words) < 2:
        # "Riêng năm 2020 hoàn thành trong quý II/2020": a time, so it holds for every item
        return expression_deadline(special, year), find_recurrence(general) or find_recurrence(special)
    if len(words & _syllables(task_text)) >= 0.5 * len(words):
        return expression_deadline(special, year), None
    return expression_deadline(general, year) if general else None, find_recurrence(general)
