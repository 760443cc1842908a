"""Step 5 of the grammar: rows into the paragraphs of the Layout contract.

* **Body text.** Where the reader knows the source paragraphs (``Line.block``: a Word paragraph, a text
  block between blank lines), a block is a paragraph, split where one of its lines opens a list item
  ("1. ...", "- ...": authors and converters put several items in one paragraph with line breaks). Where
  it does not (a PDF, a hard-wrapped text), lines are reflowed by geometry: a new paragraph starts at a
  change of type, an indent, a gap, an item, or after a line that stopped short at a sentence end; a
  sentence cut by a page break comes out whole either way.
* **Tables in the body.** One paragraph per table row, ``cells`` holding its cells' texts and ``text``
  joining them with " | "; a table that only lays out the Kính gửi list is read as its paragraphs.
* **Header and closing cells.** Each side's lines, grouped into the cell's paragraphs (a source block, or
  by the cell's own breaks: "Số", "V/v", the quốc hiệu, a gap or a change of type start one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors import patterns
from pipeline import regex_cache
from pipeline.grammar import kinds
from pipeline.grammar.geometry import Frame, is_centered, size_of
from pipeline.grammar.regions import TableKind
from pipeline.grammar.rows import Row
from pipeline.layout import Box, Paragraph, Zone
from pipeline.lines import Line
from pipeline.normalize import ends_in_glued_hyphen


def join_lines(lines: Sequence[str]) -> str:
    """Join visual lines with spaces; a line ending in a glued hyphen ("QĐ-" / "UBND") joins without one
    (Vietnamese words are never hyphenated, codes and ranges are)."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not (ends_in_glued_hyphen(out) and line[:1].isalnum() and line[:1].isupper()):
            out += " "
        out += line
    return out


def _box(line: Line) -> Box | None:
    if line.page is None or line.top is None or line.bottom is None or not line.positioned:
        return None
    assert line.x0 is not None and line.x1 is not None
    return Box(line.page, line.x0, line.top, line.x1, line.bottom)


def _boxes(lines: Sequence[Line], units: str | None) -> list[Box]:
    if units != "points":
        return []
    return [b for b in (_box(ln) for ln in lines) if b is not None]


def _all(values: Sequence[bool | None]) -> bool | None:
    return None if None in values else all(v for v in values)


def make(lines: Sequence[Line], zone: Zone, units: str | None, text: str | None = None) -> Paragraph:
    """One paragraph of ``lines`` (its text their texts joined)."""
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    first = lines[0]
    return Paragraph(
        text=text if text is not None else join_lines(texts),
        zone=zone,
        lines=texts,
        bold=_all([ln.bold for ln in lines]),
        italic=_all([ln.italic for ln in lines]),
        size=first.size,
        align=first.align,
        page=first.page,
        boxes=_boxes(lines, units),
    )


# --- header and closing cells ------------------------------------------------------------------


def _same_style(a: Line, b: Line, tol: float) -> bool:
    if abs(size_of(a) - size_of(b)) >= tol:
        return False
    return a.bold is None or b.bold is None or a.bold == b.bold


def _cell_breaks(prev: Line, cur: Line, tol: float, zone: Zone) -> bool:
    """Does ``cur`` start a new paragraph within a header or closing cell (positioned lines, no blocks)?"""
    if zone == "closing_right" or cur.page != prev.page:
        return True
    if not _same_style(prev, cur, tol):
        return True
    # a blank line's worth of space separates cell paragraphs; cell lines are often spaced loosely (6 pt
    # after each), so only more than that counts
    if (cur.top or 0) - (prev.bottom or 0) > 1.6 * max(size_of(prev), size_of(cur)):
        return True
    if patterns.CELL_START.search(cur.text):
        return True
    if cur.text[:1].islower():
        return False  # "V/v tiếp tục ..." / "của Bộ Chính trị": a wrapped line
    if prev.bold is None or cur.bold is None:
        # without weights (OCR) "BỘ CÔNG THƯƠNG" and "TRƯỜNG ĐẠI HỌC ..." look alike: keep lines apart
        return True
    return zone == "closing_left" and kinds.ends_sentence(prev.text)


def _same_source(a: Line, b: Line) -> bool:
    """Two lines of one source paragraph (a Word paragraph, a text block, the same table cell's paragraph)."""
    if a.block is None or b.block is None:
        return False
    return a.block == b.block and a.cell == b.cell


def _joined(runs: list[Line]) -> Line | None:
    """The runs one row holds on one side, as one line ("Số" and "-HD/BTCTU" a blank number apart)."""
    if not runs:
        return None
    if len(runs) == 1:
        return runs[0]
    from dataclasses import replace

    return replace(runs[0], text=" ".join(r.text for r in runs), x1=runs[-1].x1)


def cell_paragraphs(rows: Sequence[Row], zones: tuple[Zone, Zone], units: str | None, tol: float) -> list[Paragraph]:
    """The left cell's paragraphs, then the right cell's, of one header or closing region."""
    out: list[Paragraph] = []
    for side, zone in zip(("left", "right"), zones, strict=True):
        joined = [_joined([r for r, s in zip(row.runs, row.sides, strict=True) if s == side]) for row in rows]
        runs = [r for r in joined if r is not None]
        groups: list[list[Line]] = []
        for run in runs:
            if not run.text.strip():
                continue
            prev = groups[-1][-1] if groups else None
            if prev is not None and not run.positioned and prev.block is not None and _same_source(prev, run):
                groups[-1].append(run)
            elif prev is not None and run.positioned and prev.positioned and prev.block == run.block:
                if _cell_breaks(prev, run, tol, zone):
                    groups.append([run])
                else:
                    groups[-1].append(run)
            else:
                groups.append([run])
        out.extend(make(g, zone, units) for g in groups)
    return out


# --- body text ---------------------------------------------------------------------------------


@dataclass
class Reflow:
    """What body reflow needs to know of the document's geometry."""

    frames: dict[int | None, Frame]
    frame: Frame | None
    gap: float
    tol: float
    hard_wrapped: bool  # the reader's blocks hold several paragraphs (layout text): reflow inside them
    ragged: bool = False  # typed text (character columns): a line may stop short without ending a paragraph


def _first_word_width(line: Line) -> float:
    words = line.text.split()
    if not words or not line.positioned or not line.text:
        return 0.0
    return line.width * len(words[0]) / max(1, len(line.text))


# an item's number with nothing after it: "Điều 2.", "Điều 2", "3.", "b)"
_BARE_MARK = regex_cache.compile(r"^(?:Điều\s+\d{1,3}[.:]?|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))$")
# words a line cannot end a paragraph on: what they introduce comes next ("... Quyết định số" / "112/QĐ-TTg")
_HANGING = regex_cache.compile(r"(?<![^\W\d_])(?:số|ngày|tại|của|và|về|theo|với|cho|các|những|là)\s*$")


def _wrapped_name(prev: Line, cur: Line) -> bool:
    """Is ``cur``'s "- " the hyphen of a name ``prev`` ends on, not a bullet? (``patterns.HYPHENATED_NAME``)"""
    head = cur.text.lstrip()[:20]
    if head[:1] not in ("-", "–"):  # the pattern's second line opens on the hyphen: most lines are out at once
        return False
    return bool(patterns.HYPHENATED_NAME.search(prev.text.rstrip()[-20:] + "\n" + head))


def breaks(prev: Line, cur: Line, frame: Frame, gap: float, tol: float, ragged: bool = False) -> bool:
    """Does ``cur`` start a new body paragraph after ``prev``? (reflow across wraps and pages)"""
    if not _same_style(prev, cur, tol):
        return True
    if _BARE_MARK.match(prev.text.strip()) and not kinds.is_item(cur.text):
        return False  # "Điều 2." alone on its line: the article's words follow
    if _wrapped_name(prev, cur):
        return False  # "... Sở Lao động" / "- Thương binh và Xã hội ...": a name wrapped at its hyphen
    size = max(size_of(prev), size_of(cur))
    ends = kinds.ends_sentence(prev.text)
    lower = cur.text[:1].islower()
    p_center, c_center = is_centered(prev, frame, ragged), is_centered(cur, frame, ragged)
    if p_center or c_center:
        # a centred title wraps onto centred lines; anything else next to one is separate, and so is the trích
        # yếu under the capitals of the type name ("QUYẾT ĐỊNH" / "Về việc ...")
        return not (p_center and c_center and not ends and kinds.is_caps(prev.text) == kinds.is_caps(cur.text))
    assert prev.x0 is not None and prev.x1 is not None and cur.x0 is not None
    # the previous line stopped though the next word would have fitted: it ended there
    p_short = prev.x1 + 0.3 * size + _first_word_width(cur) < frame.right - 0.5 * size
    c_indent = cur.x0 > prev.x0 + 0.7 * size
    item = kinds.is_item(cur.text)
    if cur.page != prev.page:
        # a sentence that runs over the page break comes out whole
        if not ends and not item and (lower or not p_short):
            return False
    elif (cur.top or 0) - (prev.bottom or 0) > gap + 0.5 * size:
        return True
    if item and (ends or p_short or c_indent):
        return True
    if c_indent:
        return not lower or ends
    if p_short and patterns.office_at_end().search(prev.text) and patterns.starts_org_name(cur.text):
        return False  # "... của Chánh Văn phòng" / "Ủy ban nhân dân tỉnh, ...": the office's body follows
    if p_short and ragged:
        # typed text stops short of the margin without ending anything: only a sentence end, a title in
        # capitals or a line well short of the margin ends the paragraph; never a line left hanging on a word
        # that needs what follows ("Căn cứ Quyết định số" / "112/QĐ-TTg ngày ...")
        if not ends and _HANGING.search(prev.text):
            return False
        return ends or kinds.is_caps(prev.text) or (not lower and prev.x1 < frame.left + 0.6 * frame.width)
    if p_short:
        return not lower or ends
    if c_indent:
        return not lower or ends
    if ends and abs(cur.x0 - prev.x0) < 1.0 and cur.x0 > frame.left + 0.7 * size:
        # two first lines at the same indent ("Căn cứ ...;" / "Căn cứ ..."): continuation lines of a
        # first-line-indented paragraph go back to the margin
        return True
    return False


def _body_line(row: Row) -> Line:
    """A body row as one line: runs a reader split at a wide gap are one line of running text."""
    if len(row.runs) == 1:
        return row.first
    first, last = row.runs[0], row.runs[-1]
    from dataclasses import replace

    return replace(first, text=" ".join(r.text for r in row.runs), x1=last.x1)


def _is_continuation(prev: Paragraph, text: str) -> bool:
    """A paragraph cut by a page break or a footnote: no sentence end, and the next piece starts in lower case."""
    if kinds.ends_sentence(prev.text) or len(prev.text) < 40 or prev.cells is not None or kinds.is_item(text):
        return False
    first = text[:1]
    return first.islower() or first.isdigit()


def _table_paragraphs(rows: Sequence[Row], units: str | None) -> list[Paragraph]:
    """One paragraph per row of a data table, cells in column order (an empty cell stays "")."""
    order: list[tuple[int, int]] = []
    cells: dict[tuple[int, int], dict[int, list[Line]]] = {}
    width: dict[tuple[int, int], int] = {}
    for row in rows:
        for run in row.runs:
            cell = run.cell
            assert cell is not None
            key = (cell.table, cell.row)
            if key not in cells:
                order.append(key)
                cells[key] = {}
            cells[key].setdefault(cell.col, []).append(run)
            width[key] = max(width.get(key, 0), cell.cols, cell.col + 1)
    out: list[Paragraph] = []
    for key in order:
        texts = [join_lines([ln.text for ln in cells[key].get(c, [])]) for c in range(width[key])]
        if not any(texts):
            continue
        lines = [ln for c in sorted(cells[key]) for ln in cells[key][c]]
        text = re.sub(r"\s+", " ", " | ".join(texts)).strip()
        para = make(lines, "body", units, text=text)
        para.lines = [text]
        para.cells = texts
        para.bold = para.italic = para.align = None
        out.append(para)
    return out


def body_paragraphs(
    rows: Sequence[Row], tables: dict[int, TableKind], units: str | None, reflow: Reflow
) -> list[Paragraph]:
    """The body's paragraphs in reading order."""
    out: list[Paragraph] = []
    pending: list[Line] = []
    table_rows: list[Row] = []
    cut = False  # was something taken out (a footnote, a page break) between the last paragraph and this one?
    last_index = rows[0].index - 1 if rows else 0

    def flush_text() -> None:
        nonlocal pending
        if pending:
            para = make(pending, "body", units)
            if out and cut and _is_continuation(out[-1], para.text) and out[-1].zone == "body":
                prev = out[-1]
                prev.text = join_lines([prev.text, para.text])
                prev.lines += para.lines
                prev.boxes += para.boxes
            else:
                out.append(para)
        pending = []

    def flush_table() -> None:
        nonlocal table_rows
        if table_rows:
            out.extend(_table_paragraphs(table_rows, units))
        table_rows = []

    for row in rows:
        broken = row.index != last_index + 1 or (bool(pending) and pending[-1].page != row.page)
        last_index = row.index
        if row.cell and tables.get(row.first.cell.table) != "recipients":  # type: ignore[union-attr]
            flush_text()
            if table_rows and table_rows[-1].first.cell.table != row.first.cell.table:  # type: ignore[union-attr]
                flush_table()
            table_rows.append(row)
            continue
        flush_table()
        line = _body_line(row)
        if not line.text.strip():
            continue
        if not pending:
            cut = broken
            pending = [line]
            continue
        prev = pending[-1]
        if _new_paragraph(prev, line, reflow):
            flush_text()
            cut = broken
            pending = [line]
        else:
            pending.append(line)
    flush_text()
    flush_table()
    return out


def _new_paragraph(prev: Line, cur: Line, reflow: Reflow) -> bool:
    if prev.cell != cur.cell:
        return True
    if kinds.is_kinh_gui(cur.text) or (kinds.is_kinh_gui(prev.text) and kinds.opens_body(cur.text)):
        return True  # "Kính gửi: Sở ... các tỉnh, thành phố" / "Thực hiện Quyết định số ...": the addressees apart
    if prev.positioned and cur.positioned and reflow.frame is not None:
        frame = reflow.frames.get(cur.page, reflow.frame)
        if prev.block is not None and cur.block is not None and prev.block != cur.block:
            return True  # a blank line between them
        return breaks(prev, cur, frame, reflow.gap, reflow.tol, reflow.ragged)
    return (
        prev.block != cur.block
        or (kinds.is_item(cur.text) and not _wrapped_name(prev, cur))
        or bool(patterns.DECIDES_LINE.match(cur.text) or patterns.DECIDES_LINE.match(prev.text))
    )
