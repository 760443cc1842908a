"""The document grammar: one stage that turns any reader's :class:`~pipeline.lines.Lines` into the zoned
:class:`~pipeline.layout.Layout` every extractor reads.

Steps, one module each, in this order:

1. :mod:`~pipeline.grammar.rows`: lines into rows of side-by-side runs; cells a converter joined with a
   space split apart at the cue that opens the second one;
2. :mod:`~pipeline.grammar.outside`: a web page's title, notes and links above the document;
3. :mod:`~pipeline.grammar.regions`: where the header ends, where each closing block begins and ends;
4. :mod:`~pipeline.grammar.sides`: the left and right cells of the header and of the closing;
5. :mod:`~pipeline.grammar.notes` and :mod:`~pipeline.grammar.paragraphs`: footnotes, and the paragraphs
   of the body, of its tables and of the cells.

Geometry is used where the reader gave positions (:mod:`~pipeline.grammar.geometry`), table cells where
it gave cells, text cues (:mod:`~pipeline.grammar.kinds`, over the cue phrases of :mod:`extractors.patterns`)
everywhere. ``layout(read_lines(path))`` is what :func:`pipeline.read` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extractors import patterns
from pipeline.grammar import kinds, notes, outside, paragraphs, regions, rows, sides
from pipeline.grammar.geometry import Frame, body_size, frame_of, line_gap
from pipeline.grammar.rows import Row
from pipeline.layout import Layout, Paragraph
from pipeline.lines import Line, Lines

# type sizes closer than this are one style: a point for born-digital text, more for OCR's estimates
SIZE_TOLERANCE = 1.0
OCR_SIZE_TOLERANCE = 2.5


def _frames(doc: Lines, lines: Sequence[Line]) -> tuple[Frame | None, dict[int | None, Frame]]:
    """The text block's frame on the first page, and on each page (positioned readers only): a page has its
    own margins (an appendix may be set landscape)."""
    placed = [ln for ln in lines if ln.positioned and ln.cell is None and ln.note is None]
    if not placed or doc.units is None:
        return None, {}
    size = body_size(placed)
    tol = OCR_SIZE_TOLERANCE if doc.scanned else SIZE_TOLERANCE
    ragged = doc.units == "chars"  # typed text: lines end where the words ran out, not at a margin
    widths = {p.number: p.width for p in doc.pages}
    per_page: dict[int | None, Frame] = {}
    by_page: dict[int | None, list[Line]] = {}
    for ln in placed:  # grouped once: a 200-page document is not scanned 200 times
        by_page.setdefault(ln.page, []).append(ln)
    for page, on_page in by_page.items():
        right = max(ln.x1 or 0.0 for ln in on_page)
        if doc.units == "points" and page in widths:
            # when too few lines show the margins, assume ND30's right margin (15-20 mm, ~57 pt)
            right = max(right, widths[page] - 57.0)
        whole = Frame(min(ln.x0 or 0.0 for ln in on_page), right)
        singles = [ln for ln in on_page if ln.size is None or ln.size >= size - tol]
        per_page[page] = frame_of(singles, whole, ragged)
    if not doc.scanned and len(per_page) > 1:
        # a born-digital page whose every line starts at one indent (one-line paragraphs, "a." alone on the last
        # page) shows no left margin of its own: the document's pages share theirs
        left = min(f.left for f in per_page.values())
        for page, on_page in by_page.items():
            starts = {round(ln.x0 or 0.0) for ln in on_page}
            if len(starts) == 1 and per_page[page].left > left:
                per_page[page] = replace(per_page[page], left=left)
    first = next(iter(per_page.values()))
    return first, per_page


def _hard_wrapped(lines: Sequence[Line]) -> bool:
    """Do the reader's blocks hold several paragraphs each (layout text without blank lines between)?"""
    by_block: dict[int, int] = {}
    for ln in lines:
        if ln.block is not None and ln.x0 is not None:
            by_block[ln.block] = by_block.get(ln.block, 0) + 1
    return bool(by_block) and max(by_block.values()) >= 8


def layout(doc: Lines) -> Layout:
    """Decide the zones of ``doc`` and build its paragraphs."""
    lines = [ln for ln in doc.lines if ln.text.strip() and not kinds.is_rule(ln.text)]
    all_rows = rows.build(lines)
    for row in all_rows:
        if row.first.note is not None:
            row.zone = "footnote"
    content = [r for r in all_rows if r.zone != "footnote"]
    content, _title = outside.strip(content)
    start = next((i for i, r in enumerate(content) if r.zone != "outside"), len(content))
    content = rows.split_rows(content, start + regions.MAX_HEADER_ROWS)
    start = next((i for i, r in enumerate(content) if r.zone != "outside"), len(content))
    content = rows.split_closing_joins(content)
    tables = regions.table_kinds(content)
    frame, frames = _frames(doc, lines)
    tol = OCR_SIZE_TOLERANCE if doc.scanned else SIZE_TOLERANCE

    headless = start < len(content) and content[start].zone == "body"
    # the page the header stands on has its own margins (an appendix may be landscape)
    head_frame = frames.get(content[start].page, frame) if start < len(content) else frame
    end = regions.header_end(content, start, tables, head_frame) if start < len(content) and not headless else start
    content = rows.unsplit(content, end)
    end = next((i for i, r in enumerate(content) if r.index >= end), len(content)) if end < len(content) else end
    first_cell = next((i for i in range(start, end) if content[i].cell), None)
    for i, row in enumerate(content[start:end], start):
        row.zone = "header"
        if first_cell is not None and i < first_cell:
            # a note above a header table ("DỰ THẢO", "Mẫu số 01", a web page's heading) is not in it; a mark
            # ("KHẨN", "MẬT") is the document's, read from the body's top
            row.zone = "body" if kinds.is_mark(row.text) else "outside"
    content = rows.split_addressees(content, end)
    _body_and_closing(content, end, tables, frame, frames)
    notes.mark_text_notes(content)

    header_rows = [r for r in content if r.zone == "header"]
    sides.assign(header_rows, header=True, frame=head_frame)
    out: list[Paragraph] = []
    out += [paragraphs.make(r.runs, "outside", doc.units) for r in content if r.zone == "outside"]
    out += paragraphs.cell_paragraphs(header_rows, ("header_left", "header_right"), doc.units, tol)
    placed = [ln for ln in lines if ln.positioned and ln.cell is None]
    reflow = paragraphs.Reflow(
        frames=frames, frame=frame, gap=line_gap(placed, tol) if placed else 0.0, tol=tol,
        hard_wrapped=_hard_wrapped(lines), ragged=doc.units == "chars",
    )  # fmt: skip
    for zone, segment in _segments([r for r in content if r.zone in ("body", "closing")]):
        if zone == "closing":
            closing = rows.split_signer(segment)
            sides.assign(closing, header=False, frame=frames.get(closing[0].page, frame))
            out += paragraphs.cell_paragraphs(closing, ("closing_left", "closing_right"), doc.units, tol)
        else:
            out += paragraphs.body_paragraphs(segment, tables, doc.units, reflow)
    out += notes.paragraphs(
        [r for r in all_rows if r.zone == "footnote"] + [r for r in content if r.zone == "footnote"]
    )
    if doc.caps_lost:
        _restore_caps(out)
    result = Layout(
        path=doc.path,
        media_type=doc.media_type,
        paragraphs=[p for p in out if p.text.strip()],
        pages=doc.page_count if doc.page_count is not None else (len(doc.pages) or None),
        warnings=list(doc.warnings),
        scanned=doc.scanned,
        received=doc.received,
    )
    return result.finalize()


def _body_and_closing(
    content: list[Row],
    end: int,
    tables: dict[int, regions.TableKind],
    frame: Frame | None,
    frames: dict[int | None, Frame] | None = None,
) -> None:
    """Mark each row after the header ``body`` or ``closing``."""
    state = "body"
    in_table = False
    prev: Row | None = content[end - 1] if end > 0 else None
    has_formula = any(patterns.CLOSING_FORMULA.search(r.text) for r in content[end:])
    formula = not has_formula
    for k in range(end, len(content)):
        row = content[k]
        if row.zone == "outside":
            continue
        page_frame = (frames or {}).get(row.page, frame)
        if state == "closing" and regions.closes_closing(row, in_table, tables, page_frame):
            state = "body"
            formula = not has_formula
        elif state == "body" and regions.opens_closing(
            row, prev, tables, page_frame, content[k + 1 : k + 31], formula, near_end=len(content) - k <= 20
        ):
            state = "closing"
            in_table = row.cell
        elif state == "closing" and row.cell:
            in_table = True
        if state == "body" and patterns.CLOSING_FORMULA.search(row.text):
            formula = True
        row.zone = state
        prev = row


def _segments(rows_: Sequence[Row]) -> list[tuple[str, list[Row]]]:
    out: list[tuple[str, list[Row]]] = []
    for row in rows_:
        if out and out[-1][0] == row.zone:
            out[-1][1].append(row)
        else:
            out.append((row.zone, [row]))
    return out


def _restore_caps(paras: list[Paragraph]) -> None:
    """Header and signer lines typed in ".VnTimeH" read as lower case once the font name is lost: put them back
    in capitals (see :func:`pipeline.legacy.restore_caps`)."""
    from pipeline import legacy

    for para in paras:
        if para.zone not in ("header_left", "header_right", "closing_right"):
            continue
        text = legacy.restore_caps(para.text)
        if text != para.text:  # the whole paragraph was lower case: every line was typed in capitals
            para.text = text
            para.lines = [legacy.restore_caps(line) for line in para.lines]
