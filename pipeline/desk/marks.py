"""Where each field, reference and task of a record stands in its source: marks on the text and on the pages.

A *mark* is a key the form shares (``task:1.1``, ``ref:164/KH-UBND``, ``field:code``), a label and
the spans (offsets into ``Layout.text``) it covers. References and tasks carry their spans in the
record. Header fields, recipients, the signer and Nơi nhận do not: they are found by their text in
the zones they come from (the issuer in the left header cell, the date in the right one, Nơi nhận
in the left closing cell ...), case and line breaks aside. A field that cannot be found is simply
not marked: the form says so beside it.

Two renderings share the marks:

* :func:`text_blocks`: the laid-out text (header and closing as their two cells, body paragraphs,
  footnotes) cut into segments at mark edges. The text is never rewritten: every character of
  every paragraph is output once, escaped, so words are never glued or split.
* :func:`page_boxes`: for a PDF, the page boxes of the lines each mark's spans fall in.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup, escape

from models import Record, Span
from pipeline.layout import Box, Layout, Paragraph, Zone

Kind = Literal["field", "ref", "task"]

HEADER: tuple[Zone, ...] = ("header_left", "header_right", "unknown")
BODY: tuple[Zone, ...] = ("body", "unknown")


@dataclass(frozen=True)
class Mark:
    """A field, reference or task of the record and the text it was read from."""

    key: str
    kind: Kind
    label: str
    spans: tuple[Span, ...]


def task_keys(ordinals: Iterable[str]) -> list[str]:
    """Keys of tasks in document order: ``task:1.1``; a repeated ordinal gets ``#2`` (as the store's ids).

    >>> task_keys(["1", "2", "1"])
    ['task:1', 'task:2', 'task:1#2']
    """
    seen: dict[str, int] = {}
    keys = []
    for ordinal in ordinals:
        seen[ordinal] = seen.get(ordinal, 0) + 1
        keys.append(f"task:{ordinal}" if seen[ordinal] == 1 else f"task:{ordinal}#{seen[ordinal]}")
    return keys


def ref_key(code: str) -> str:
    return f"ref:{code}"


class _Finder:
    """Finds a field's value in the zones it belongs to, whatever its case and line breaks."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.starts = [p.start for p in layout.paragraphs]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return None
        para = self.layout.paragraphs[i]
        return para if offset <= para.end else None

    def find(self, pattern: str, zones: Sequence[Zone], start: int = 0, end: int | None = None) -> Span | None:
        for m in re.finditer(
            pattern, self.layout.text[: end if end is not None else len(self.layout.text)], re.I | re.M
        ):
            if m.start() < start or m.end() == m.start():
                continue
            para = self.paragraph_at(m.start())
            if para is not None and para.zone in zones:
                return Span(start=m.start(), end=m.end())
        return None

    def words(self, value: str | None, zones: Sequence[Zone], start: int = 0, end: int | None = None) -> Span | None:
        """``value`` word by word, any whitespace (a line break, a paragraph break) between words."""
        words = (value or "").split()
        if not words:
            return None
        return self.find(r"\s+".join(re.escape(w) for w in words), zones, start, end)

    def code(self, value: str | None, zones: Sequence[Zone]) -> Span | None:
        """A code letter by letter, spaces allowed anywhere ("125 / UBND-NC")."""
        letters = [c for c in (value or "") if not c.isspace()]
        if not letters:
            return None
        return self.find(r"\s*".join(re.escape(c) for c in letters), zones)

    def paragraph_of(self, span: Span | None) -> Span | None:
        para = self.paragraph_at(span.start) if span else None
        return Span(start=para.start, end=para.end) if para else None


def _field(key: str, label: str, spans: Iterable[Span | None]) -> Mark | None:
    found = tuple(s for s in spans if s is not None)
    return Mark(f"field:{key}", "field", label, found) if found else None


def field_marks(layout: Layout, record: Record) -> list[Mark]:
    """Marks of the header fields, Kính gửi, the signer and Nơi nhận, found by their text."""
    f = _Finder(layout)
    closing_left: tuple[Zone, ...] = ("closing_left", "unknown")
    closing_right: tuple[Zone, ...] = ("closing_right", "unknown")
    place = f.words(record.place, ("header_right", "unknown"))
    marks = [
        _field(
            "issuer", "Cơ quan ban hành", [f.words(record.issuer.parent, HEADER), f.words(record.issuer.name, HEADER)]
        ),
        _field("code", "Số, ký hiệu", [f.code(record.code, HEADER)]),
        _field("issued_date", "Địa danh, ngày ban hành", [f.paragraph_of(place)]),
        _field("doc_type", "Tên loại", [f.find(rf"^{re.escape(record.doc_type)}$", BODY)] if record.doc_type else []),
        _field("subject", "Trích yếu", [f.words(record.subject, ("header_left", "body", "unknown"))]),
        _field("urgency", "Độ khẩn", [f.words(record.urgency, (*HEADER, "body"))]),
        _field("confidentiality", "Độ mật", [f.words(record.confidentiality, (*HEADER, "body"))]),
    ]
    greeting = f.find(r"K[íi]nh\s+g[ửu]i", BODY)
    if greeting is not None:
        window = greeting.end + 3000  # the addressees follow "Kính gửi" closely; the body may name them again
        marks.append(
            _field(
                "recipients",
                "Kính gửi",
                [greeting, *(f.words(r, BODY, greeting.start, window) for r in record.recipients)],
            )
        )
    marks.append(
        _field(
            "signer",
            "Người ký",
            [f.words(record.signer.title, closing_right), f.words(record.signer.name, closing_right)],
        )
    )
    marks.append(_field("distribution", "Nơi nhận", [f.words(d, closing_left) for d in record.distribution]))
    return [m for m in marks if m is not None]


def marks_of(layout: Layout, record: Record) -> list[Mark]:
    """Every mark of ``record`` on ``layout``: fields, then references, then tasks."""
    marks = field_marks(layout, record)
    for ref in record.references:
        if ref.spans:
            label = " ".join(x for x in (ref.doc_type, ref.code) if x)
            marks.append(Mark(ref_key(ref.code), "ref", label, tuple(ref.spans)))
    for key, task in zip(task_keys(t.ordinal for t in record.tasks), record.tasks, strict=True):
        if task.span is not None:
            who = ", ".join(task.lead) or "?"
            marks.append(Mark(key, "task", f"NV {task.ordinal} → {who}", (task.span,)))
    return marks


# --- the laid-out text ----------------------------------------------------------------------------


@dataclass
class Block:
    """A run of paragraphs shown together: ``cells`` = two columns (header, closing), else one flow."""

    kind: Literal["columns", "flow", "footnotes"]
    region: str = ""  # "header" or "closing" for columns
    left: list[Markup] = field(default_factory=list)
    right: list[Markup] = field(default_factory=list)


def _line_breaks(para: Paragraph) -> list[int]:
    """Offsets (in the paragraph's text) where its second, third ... visual line starts."""
    breaks: list[int] = []
    cursor = 0
    for line in para.lines:
        line = line.strip()
        at = para.text.find(line, cursor) if line else -1
        if at < 0:
            continue
        if at > 0:
            breaks.append(at)
        cursor = at + len(line)
    return breaks


def _paragraph_html(para: Paragraph, marks: Sequence[Mark], keep_lines: bool) -> Markup:
    start, end = para.start, para.end
    covering = [(s, m) for m in marks for s in m.spans if s.start < end and s.end > start]
    cuts = {0, end - start}
    for s, _ in covering:
        cuts.add(max(0, s.start - start))
        cuts.add(min(end - start, s.end - start))
    breaks = set(_line_breaks(para)) if keep_lines else set()
    cuts |= breaks
    edges = sorted(cuts)
    out: list[str] = []
    labelled: set[str] = set()
    for a, b in itertools.pairwise(edges):
        if a in breaks:
            out.append("<br>")
        text = para.text[a:b]
        on = [m for s, m in covering if s.start - start <= a and s.end - start >= b]
        for m in on:
            first = min(s.start for s in m.spans)
            if m.kind == "task" and m.key not in labelled and first - start == a:
                labelled.add(m.key)
                out.append(f'<span class="tag tag-task" data-key="{escape(m.key)}">{escape(m.label)}</span>')
        if not on:
            out.append(str(escape(text)))
            continue
        kinds = " ".join(sorted({f"m-{m.kind}" for m in on}))
        keys = " ".join(m.key for m in on)
        title = "; ".join(m.label for m in on)
        out.append(f'<span class="m {kinds}" data-keys="{escape(keys)}" title="{escape(title)}">{escape(text)}</span>')
    zone = escape(para.zone)
    note = f'<sup class="fn">{escape(para.note)}</sup> ' if para.note else ""
    return Markup(f'<p class="z-{zone}">{note}{"".join(out)}</p>')


_COLUMNS: dict[Zone, str] = {
    "header_left": "left",
    "header_right": "right",
    "closing_left": "left",
    "closing_right": "right",
}


def text_blocks(layout: Layout, marks: Sequence[Mark]) -> list[Block]:
    """The laid-out text, in reading order, as blocks of paragraphs with the marks on them."""
    blocks: list[Block] = []
    notes = Block("footnotes")
    for para in layout.paragraphs:
        if para.zone == "outside":
            continue  # running heads, page numbers, signature notes: not the document's text
        if para.zone == "footnote":
            notes.left.append(_paragraph_html(para, marks, keep_lines=False))
            continue
        side = _COLUMNS.get(para.zone)
        html = _paragraph_html(para, marks, keep_lines=side is not None)
        if side is None:
            if not blocks or blocks[-1].kind != "flow":
                blocks.append(Block("flow"))
            blocks[-1].left.append(html)
            continue
        region = para.zone.split("_")[0]
        last = blocks[-1] if blocks else None
        if last is None or last.kind != "columns" or last.region != region:
            last = Block("columns", region)
            blocks.append(last)
        (last.left if side == "left" else last.right).append(html)
    if notes.left:
        blocks.append(notes)
    return blocks


# --- boxes on the pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageBox:
    """A mark's box on a page, in percent of the page (so it scales with the image)."""

    key: str
    kind: Kind
    label: str | None  # shown on the first box of a task
    left: float
    top: float
    width: float
    height: float


def _boxes_in(para: Paragraph, span: Span) -> list[Box]:
    """The boxes of the lines of ``para`` that ``span`` covers (all of them when lines and boxes differ)."""
    if len(para.boxes) != len(para.lines):
        return list(para.boxes)
    starts = [0, *_line_breaks(para)]
    if len(starts) != len(para.lines):
        return list(para.boxes)
    ends = [*starts[1:], len(para.text)]
    a, b = span.start - para.start, span.end - para.start
    return [box for box, s, e in zip(para.boxes, starts, ends, strict=True) if s < b and e > a]


def page_boxes(layout: Layout, marks: Sequence[Mark], sizes: Sequence[tuple[float, float]]) -> dict[int, list[PageBox]]:
    """Boxes of every mark, by page number; a mark whose paragraphs have no boxes gets none."""
    out: dict[int, list[PageBox]] = {}
    for mark in marks:
        labelled = mark.kind != "task"
        for span in mark.spans:
            for para in layout.paragraphs:
                if para.start >= span.end or para.end <= span.start or not para.boxes:
                    continue
                for box in _boxes_in(para, span):
                    if not 1 <= box.page <= len(sizes):
                        continue
                    width, height = sizes[box.page - 1]
                    pad = 1.5  # points: the box frames the glyphs instead of cutting through them
                    out.setdefault(box.page, []).append(
                        PageBox(
                            key=mark.key,
                            kind=mark.kind,
                            label=None if labelled else mark.label,
                            left=round(100 * max(0.0, box.x0 - pad) / width, 3),
                            top=round(100 * max(0.0, box.top - pad) / height, 3),
                            width=round(100 * (box.x1 - box.x0 + 2 * pad) / width, 3),
                            height=round(100 * (box.bottom - box.top + 2 * pad) / height, 3),
                        )
                    )
                    labelled = True
    return out


def found_keys(marks: Iterable[Mark]) -> set[str]:
    return {m.key for m in marks}
