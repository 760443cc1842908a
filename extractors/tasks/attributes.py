"""Attribute lines and blocks (thuộc tính của nhiệm vụ): who leads, who supports and when, written beside
the items instead of inside them.

Forms read (each has a test in ``tests/test_tasks.py``)::

    1.3. Tiếp tục thực hiện ...                       an item ...
    - Cơ quan thực hiện: Sở Y tế chủ trì, phối hợp     ... and its own lines: lead, support
      với Sở Tài chính; UBND các xã.
    - Thời gian thực hiện: Quý II/2026.               ... deadline

    1. Nội dung, biện pháp                            a section's items ...
    a) ...  b) ...
    2. Cơ quan chủ trì, phối hợp                      ... then its block, which holds for all of them
    a) Cơ quan chủ trì  - Ban Chỉ đạo quốc gia.  - Bộ Quốc phòng.
    b) Cơ quan phối hợp - Các đơn vị, địa phương.
    3. Thời gian thực hiện: Tháng 12/2013 và thường xuyên.

:func:`label` reads one line's label; :func:`read` gathers a run of attribute items (and the unnumbered
lines under them) into :class:`Attributes`. Which items a block describes is decided by the caller
(:mod:`extractors.tasks.find`): an item's own lines describe it; a block with no item of its own describes
every item above it back to the previous block ("a section's Cơ quan thực hiện block").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from extractors.deadlines import patterns
from extractors.numbering import Item, parse_marker
from extractors.tasks.clauses import agency_phrase, lead_clause, split_names, support_mentions
from extractors.tasks.cues import SPACES, alt, clean, cues
from pipeline import regex_cache
from pipeline.layout import Paragraph

# kinds of attribute: who leads, who supports, both in one line, when, or something else (place, product)
KINDS = ("lead", "support", "lead_support", "deadline", "other")


@dataclass
class Attributes:
    """What a run of attribute lines says: lead, support, and the time expression as written."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    when: str = ""  # "Thời gian thực hiện: Quý II/2026" (label kept: it is the deadline's cue)
    paragraphs: list[Paragraph] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lead or self.support or self.when)

    def merge(self, other: Attributes) -> None:
        self.lead += [n for n in other.lead if n not in self.lead]
        self.support += [n for n in other.support if n not in self.support]
        self.when = "; ".join(w for w in (self.when, other.when) if w)
        self.paragraphs += other.paragraphs


@cache
def _labels() -> tuple[re.Pattern[str], dict[str, str]]:
    value = patterns()["attribute_labels"]
    assert isinstance(value, dict)
    kind_of = {str(w).lower(): str(k) for k, phrases in value.items() for w in phrases}
    # "Cơ quan chủ trì: Sở Nội vụ.", "Thời gian thực hiện: Quý II/2026", "a) Cơ quan chủ trì" (a heading whose
    # lines follow), "Cơ quan chủ trì, phối hợp", "2. Chủ trì thực hiện"; "* Thời gian ..." (a star bullet)
    labels = alt(list(kind_of))
    pattern = regex_cache.compile(
        r"^[*\s]*(?P<label>(?:" + labels + r")(?:\s*(?:,|và|/)\s*(?:" + labels + r"))*)"
        r"(?:\s*:\s*(?P<value>.*)|\s*\.?)$",
        re.IGNORECASE | re.S,
    )
    return pattern, kind_of


@lru_cache(maxsize=8192)
def label(text: str) -> tuple[str, str] | None:
    """(kind, value) of an attribute line, or None.

    >>> label("Cơ quan chủ trì: Sở Nội vụ."), label("Cơ quan chủ trì, phối hợp"), label("Tổ chức hội nghị.")
    (('lead', 'Sở Nội vụ.'), ('lead_support', ''), None)
    """
    pattern, kind_of = _labels()
    m = pattern.match(clean(text))
    if not m:
        return None
    parts = [SPACES.sub(" ", p.strip()).lower() for p in re.split(r"\s*(?:,|\bvà\b|/)\s*", m.group("label"))]
    kinds = {kind_of.get(p) or kind_of.get(_with_head(p, parts[0])) or "" for p in parts}
    kinds.discard("")
    if not kinds:
        return None
    if {"lead", "support"} <= kinds or "lead_support" in kinds:
        kind = "lead_support"
    else:
        kind = next(k for k in KINDS if k in kinds)
    return kind, (m.group("value") or "").strip()


def _with_head(part: str, first: str) -> str:
    """ "phối hợp" after "Cơ quan chủ trì, " reads "cơ quan phối hợp"."""
    head = first.split(" ")[0:2]
    return " ".join([*head, part]) if len(head) == 2 else part


# heading kinds are sections, never an item's attribute ("III. TIẾN ĐỘ THỰC HIỆN" holds a table of tasks)
_SECTIONS = {"phan", "chuong", "muc", "dieu", "part", "roman"}


def is_attribute(item: Item) -> bool:
    """An item whose head is an attribute line ("- Cơ quan chủ trì: ...", "2. Cơ quan chủ trì, phối hợp")."""
    if item.kind in _SECTIONS or any("|" in p.text for p in item.continuation):
        return False
    return label(item.head) is not None


# a short labelled line: "Sáng: từ 8h30", "Chiều: từ 14h00" (a label of one to three words, then ":")
_SHORT_LABEL = regex_cache.compile(r"^[^\W\d_][^\s:]*(?:\s+[^\s:]+){0,2}\s*:")


def extends(item: Item, above: Item) -> bool:
    """Does ``item`` run on the time expression of the attribute item ``above`` ("- Thời gian dự kiến:" then
    "- Sáng: từ 8h30")? Only a short labelled line under a time label, or under such a line, does."""
    found = label(above.head)
    runs_on = (found is not None and found[0] == "deadline") or (
        found is None and _SHORT_LABEL.match(clean(above.head))
    )
    return bool(runs_on) and label(item.head) is None and bool(_SHORT_LABEL.match(clean(item.head)))


def lines_of(items: list[Item]) -> list[Item]:
    """The attribute items among ``items``, with the lines that run on a time expression above them."""
    out: list[Item] = []
    for i, item in enumerate(items):
        if is_attribute(item) or (out and out[-1] is items[i - 1] and extends(item, items[i - 1])):
            out.append(item)
    return out


def read(items: list[Item], lines: list[Paragraph] | None = None) -> Attributes:
    """The attributes of a run of attribute items and unnumbered attribute lines.

    A label without a value ("a) Cơ quan chủ trì") takes the items and lines under it; a time label's
    expression runs on over the short lines that follow it ("- Thời gian dự kiến:", "- Sáng: từ 8h30",
    a schedule table), so the latest date of the schedule is its deadline.
    """
    out = Attributes()
    for item in items:
        if label(item.head) is None:
            out.merge(_extension("deadline", item))  # "- Sáng: từ 8h30" under "- Thời gian dự kiến:"
        else:
            out.merge(_item(item))
    for para in lines or []:
        found = label(para.text)
        if found is not None:
            out.merge(_value(*found, [para]))
        elif out.when and not out.lead and not out.support:
            out.when += "; " + clean(para.text)
            out.paragraphs.append(para)
    return out


def _item(item: Item) -> Attributes:
    found = label(item.head)
    if found is None:
        return Attributes()
    kind, value = found
    out = _value(kind, value, [item.paragraphs[0]])
    rest = list(item.continuation)
    if not value:
        # a heading: its lines and items are the values ("a) Cơ quan chủ trì" / "- Ban Chỉ đạo quốc gia.")
        for para in rest:
            own = label(para.text)
            out.merge(_value(*own, [para]) if own is not None else _value(kind, clean(para.text), [para]))
        for child in item.children:
            if label(child.head) is not None:
                out.merge(_item(child))
            else:
                text = " ".join([child.head, *(clean(p.text) for p in child.continuation)])
                out.merge(_value(kind, text, child.paragraphs))
        return out
    for para in rest:
        own = label(para.text)
        if own is not None:
            out.merge(_value(*own, [para]))
        elif kind == "deadline":
            out.when += "; " + clean(para.text)
            out.paragraphs.append(para)
    for child in item.children:
        out.merge(_item(child) if label(child.head) is not None else _extension(kind, child))
    return out


def _extension(kind: str, child: Item) -> Attributes:
    """A line under an attribute that is not itself a label: more of a time expression ("- Sáng: từ 8h30")."""
    if kind != "deadline":
        return Attributes()
    text = " ".join([child.head, *(clean(p.text) for p in child.continuation)])
    return Attributes(when=text, paragraphs=list(child.paragraphs))


# the words after the names that are the action, not a name: "... có liên quan tham mưu thực hiện."
def _names(value: str) -> list[str]:
    value = value.strip(" .;")
    if not value:
        return []
    found = agency_phrase(value, 0, tagged=False)  # a list of names: its end is a stop verb or the line's
    phrase = found[0] if found else value
    return split_names(phrase)


def _value(kind: str, value: str, paras: list[Paragraph]) -> Attributes:
    """One line's value as attributes: "Sở Y tế chủ trì, phối hợp với Sở Tài chính" under a lead label
    gives lead and support; "Các sở, ban, ngành; UBND các xã." two leads."""
    value = clean(value)
    marker = parse_marker(value)
    if marker is not None and marker.kind in {"dash", "plus", "bullet"}:
        value = value[marker.end :].strip()
    out = Attributes(paragraphs=list(paras))
    if kind == "deadline":
        out.when = value
    elif kind == "support":
        out.support = _names(value)
    elif kind in {"lead", "lead_support"}:
        # "Sở Y tế chủ trì, phối hợp với ..." reads as a clause; a bare list of names needs no clause reading
        clause = lead_clause(value) if (cues().chu_tri.search(value) or cues().phoi_hop.search(value)) else None
        if clause is not None and clause.explicit:
            out.lead = clause.lead
            out.support = clause.support + [n for n in support_mentions(value) if n not in clause.support]
        else:
            out.lead = _names(value)
    return out
