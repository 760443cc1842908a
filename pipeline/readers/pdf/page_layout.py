"""The page-layout algorithm of the first landing: visual lines → :class:`~pipeline.layout.Layout`
with zones (header cells, body, footnotes, closing cells) decided from geometry.

Official documents put two borderless two-column tables on the page: the header (issuer
and số on the left, quốc hiệu and date on the right) and the closing block (Nơi nhận on
the left, the signer on the right). Reading order by text stream interleaves them
("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ..."), so the reader never uses a library's plain
text: it takes every word with its box, font size and weight, and rebuilds lines, table
cells, paragraphs and footnotes from geometry.

This module is the zoning that :mod:`pipeline.grammar` replaces (issue 7): it is kept as it was,
only moved out of the reader, so its zone logic is not to be improved here.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.errors import NoText
from pipeline.layout import Layout, Paragraph, Zone
from pipeline.normalize import normalize_text
from pipeline.readers.pdf.footnotes import Note, split_footnotes
from pipeline.readers.pdf.furniture import drop_page_furniture
from pipeline.readers.pdf.lines import VisualLine, build_lines, join_lines
from pipeline.readers.pdf.lines import body_size as type_size
from pipeline.readers.pdf.tables import (
    TableRow,
    continues_row,
    grid_rows,
    repeats_header,
    row_text,
    same_columns,
    split_by_grid,
)
from pipeline.readers.pdf.words import PageWords, Word

MEDIA_TYPE = "application/pdf"

# ---------------------------------------------------------------------------------------
# Columns: the header and closing tables
# ---------------------------------------------------------------------------------------

_KINH_GUI = re.compile(r"^Kính\s*gửi", re.IGNORECASE)
# Signing prefixes (quyền hạn ký): "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "T/M BAN THƯỜNG VỤ"
_SIGNING = re.compile(r"^(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L|THAY MẶT|KÝ THAY|THỪA LỆNH)\s*[.:]?\s+\S")
_NOI_NHAN = re.compile(r"^Nơi\s*nhận", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.:;!?…][\"'”’)\]»]*$")


@dataclass(slots=True)
class _Frame:
    """The text block's horizontal extent (left margin, right margin) in points."""

    left: float
    right: float

    @property
    def width(self) -> float:
        return max(1.0, self.right - self.left)

    @property
    def center(self) -> float:
        return (self.left + self.right) / 2


def _is_full_width(line: VisualLine, frame: _Frame) -> bool:
    """A line that spans the page or is centred on it: not part of a two-column table row."""
    if len(line.segments) != 1:
        return False
    x0, x1 = line.x0, line.x1
    if x1 - x0 >= 0.7 * frame.width:
        return True
    return abs((x0 + x1) / 2 - frame.center) < 0.08 * frame.width


def _column_split(lines: Sequence[VisualLine], frame: _Frame) -> float:
    """Where the gutter between the two cells is: the middle of the widest gap of
    multi-segment rows (median over rows), else the page centre."""
    mids = []
    for line in lines:
        if len(line.segments) > 1:
            gaps = [(b[0].x0 - a[-1].x1, (a[-1].x1 + b[0].x0) / 2) for a, b in itertools.pairwise(line.segments)]
            mids.append(max(gaps)[1])
    return statistics.median(mids) if mids else frame.center


def _split_cells(line: VisualLine, split: float) -> tuple[VisualLine | None, VisualLine | None]:
    """The left and right cell parts of a table row."""
    if len(line.segments) > 1:
        # cut at the inter-segment gap nearest the gutter
        best = min(
            range(1, len(line.segments)),
            key=lambda k: abs((line.segments[k - 1][-1].x1 + line.segments[k][0].x0) / 2 - split),
        )
        left = [w for seg in line.segments[:best] for w in seg]
        right = [w for seg in line.segments[best:] for w in seg]
    elif (line.x0 + line.x1) / 2 < split:
        left, right = line.words, []
    else:
        left, right = [], line.words
    return (_sub_line(line, left) if left else None, _sub_line(line, right) if right else None)


def _sub_line(line: VisualLine, words: list[Word]) -> VisualLine:
    sizes = [w.size for w in words]
    size = max(set(sizes), key=sizes.count)
    return VisualLine(
        words,
        line.page,
        min(w.top for w in words),
        max(w.bottom for w in words),
        size,
        " ".join(w.text for w in words),
        False,
        [words],
    )


# ---------------------------------------------------------------------------------------
# Ruled tables as lines: a row is one line whose ``cells`` hold its cells' texts
# ---------------------------------------------------------------------------------------

# Text that marks a ruled table as the header or closing block drawn with borders, or a
# "Kính gửi" layout table: read as text, like the DOCX reader does.
_NOT_DATA = re.compile(
    r"^(?:Nơi\s*nhận|Kính\s*gửi)|CỘNG\s+H[OÒ][AÀ]\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.IGNORECASE
)


def lines_of_page(page: PageWords) -> list[VisualLine]:
    """A page's visual lines top to bottom, each row of a ruled body table as one line whose
    ``cells`` hold its cells' texts (pages without ruling lines skip the table search)."""
    tables, rest = split_by_grid(page)
    if not tables:
        return build_lines(page)
    rows: list[VisualLine] = []
    rest = list(rest)
    for number, (grid, words) in enumerate(tables):
        got = grid_rows(page, grid, words, number)
        if any(_NOT_DATA.search(cell.text) for row in got for cell in row.cells):
            rest.extend(words)
        else:
            rows.extend(_row_line(row) for row in got)
    if not rows:
        return build_lines(page)
    lines = build_lines(PageWords(page.number, page.width, page.height, rest)) if rest else []
    return sorted(lines + rows, key=lambda ln: ln.top)


def _row_line(row: TableRow) -> VisualLine:
    cells = row.texts
    return VisualLine(
        row.words,
        row.page,
        row.top,
        row.bottom,
        row.size,
        row_text(cells),
        False,
        [row.words],
        cells,
        row.columns,
        row.head,
    )


def join_continued_tables(page_lines: list[list[VisualLine]]) -> None:
    """A table that runs over a page break goes on as one table: its header row repeated on the
    new page is dropped, and a row split by the break is joined back cell by cell."""
    for i in range(1, len(page_lines)):
        before, lines = page_lines[i - 1], page_lines[i]
        if not before or not lines:
            continue
        last, first = before[-1], lines[0]
        if first.cells is None or last.cells is None or not same_columns(last.columns, first.columns):
            continue
        k = 0
        if repeats_header(first.cells, last.head):
            k = 1
        if k < len(lines) and lines[k].cells is not None and continues_row(last.cells, lines[k].cells or []):
            row = lines[k]
            assert row.cells is not None
            last.cells = [join_lines([a, b]) if a and b else a or b for a, b in zip(last.cells, row.cells, strict=True)]
            last.text = row_text(last.cells)
            last.words = last.words + row.words
            last._style = None
            k += 1
        page_lines[i] = lines[k:]


# ---------------------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------------------

# Where a numbered or bulleted item starts: "1. ", "1.2. ", "a) ", "đ) ", "II. ", "- ", "+ ",
# "• ", "Điều 1.", "Chương II", "Mục 3", "Phần I".
_ITEM_START = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ][).]\s|[IVXLC]{1,6}[.)]\s|[-–+•●▪◦*]\s*\S"
    r"|(?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+\b)"
)
# Lines that always begin a new paragraph in a header cell: "Số: 12/UBND-VP", "V/v ...",
# "Độc lập - Tự do - Hạnh phúc", "CỘNG HÒA ...", "Lào Cai, ngày 05 tháng 3 năm 2026".
_CELL_START = re.compile(
    r"^(?:Số\b|V/v|Về\s+việc|Độc\s+lập|CỘNG\s+H[OÒ]À|CỘNG\s+HOÀ|ĐẢNG\s+CỘNG\s+SẢN|Nơi\s*nhận|TM\b|KT\b|TL\b|TUQ\b|T/M|K/T|T/L)"
    r"|^[-+•]\s*\S|,\s*ngày\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Para:
    lines: list[VisualLine]
    zone: Zone


def _same_style(a: VisualLine, b: VisualLine, size_tol: float) -> bool:
    if abs(a.size - b.size) >= size_tol:
        return False
    return a.bold is None or b.bold is None or a.bold == b.bold


def _is_centered(line: VisualLine, frame: _Frame) -> bool:
    return (
        line.x0 > frame.left + 2.0 * line.size
        and line.x1 < frame.right - 2.0 * line.size
        and abs((line.x0 + line.x1) / 2 - frame.center) < 1.5 * line.size
    )


def _body_breaks(prev: VisualLine, cur: VisualLine, frame: _Frame, line_gap: float, size_tol: float) -> bool:
    """Does ``cur`` start a new body paragraph after ``prev``? (reflow across wraps and pages)"""
    if not _same_style(prev, cur, size_tol):
        return True
    size = max(prev.size, cur.size)
    ends = bool(_ENDS_SENTENCE.search(prev.text))
    first = cur.text[:1]
    lower = first.islower()
    p_center, c_center = _is_centered(prev, frame), _is_centered(cur, frame)
    if p_center or c_center:
        # a centred title wraps onto centred lines; anything else next to one is separate, and
        # so is the trích yếu under the capitals of the type name ("QUYẾT ĐỊNH" / "Về việc ...")
        return not (p_center and c_center and not ends and _is_caps(prev.text) == _is_caps(cur.text))
    first_word = cur.words[0].x1 - cur.words[0].x0
    # the previous line stopped though the next word would have fitted: it ended there
    p_short = prev.x1 + 0.3 * size + first_word < frame.right - 0.5 * size
    c_indent = cur.x0 > prev.x0 + 0.7 * size
    item = bool(_ITEM_START.match(cur.text))
    if cur.page != prev.page:
        # a sentence that runs over the page break comes out whole
        if not ends and not item and (lower or not p_short):
            return False
    elif cur.top - prev.bottom > line_gap + 0.5 * size:
        return True
    if item and (ends or p_short or c_indent):
        return True
    if p_short:
        return not lower or ends
    if c_indent:
        return not lower or ends
    if ends and abs(cur.x0 - prev.x0) < 1.0 and cur.x0 > frame.left + 0.7 * size:
        # two first lines at the same indent ("Căn cứ ...;" / "Căn cứ ..."): continuation
        # lines of a first-line-indented paragraph go back to the margin
        return True
    return False


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _cell_breaks(prev: VisualLine, cur: VisualLine, size_tol: float, zone: Zone) -> bool:
    """Does ``cur`` start a new paragraph within a header or closing table cell?"""
    if zone == "closing_right" or cur.page != prev.page:
        return True
    if not _same_style(prev, cur, size_tol):
        return True
    # a blank line's worth of space separates cell paragraphs; cell lines are often spaced
    # loosely (6 pt after each), so only more than that counts
    if cur.top - prev.bottom > 1.6 * max(prev.size, cur.size):
        return True
    if _CELL_START.search(cur.text):
        return True
    if cur.text[:1].islower():
        return False  # "V/v tiếp tục ..." / "của Bộ Chính trị": a wrapped line
    if prev.bold is None or cur.bold is None:
        # without weights (OCR) "BỘ CÔNG THƯƠNG" and "TRƯỜNG ĐẠI HỌC ..." look alike: keep lines apart
        return True
    return zone == "closing_left" and bool(_ENDS_SENTENCE.search(prev.text))


def _group(lines: Iterable[VisualLine], zone: Zone, size_tol: float) -> list[_Para]:
    paras: list[_Para] = []
    for line in lines:
        if paras and not _cell_breaks(paras[-1].lines[-1], line, size_tol, zone):
            paras[-1].lines.append(line)
        else:
            paras.append(_Para([line], zone))
    return paras


def _to_paragraph(para: _Para, frame: _Frame | None = None) -> Paragraph:
    first = para.lines[0]
    if first.table:
        # a table row, as the DOCX reader gives it: no alignment or weight of its own
        text = normalize_text(first.text)
        return Paragraph(text=text, zone=para.zone, lines=[text], size=first.size, page=first.page)
    lines = [normalize_text(ln.text) for ln in para.lines]
    text = join_lines(lines)
    first = para.lines[0]
    bolds = [ln.bold for ln in para.lines]
    italics = [ln.italic for ln in para.lines]
    align: Literal["left", "center", "right", "justify"] | None = None
    if frame is not None and para.zone == "body":
        align = "center" if _is_centered(first, frame) else "justify" if len(para.lines) > 1 else "left"
    return Paragraph(
        text=text,
        zone=para.zone,
        lines=lines,
        bold=None if None in bolds else all(b for b in bolds),
        italic=None if None in italics else all(i for i in italics),
        size=first.size,
        align=align,
        page=first.page,
    )


# ---------------------------------------------------------------------------------------
# The layout algorithm
# ---------------------------------------------------------------------------------------


def _frame_of(lines: Sequence[VisualLine], fallback: _Frame) -> _Frame:
    """Left and right margins of the body text: the usual start and the usual end of lines."""
    if len(lines) < 3:
        return fallback
    x0s = sorted(ln.x0 for ln in lines)
    x1s = sorted(ln.x1 for ln in lines)
    # justified text ends every full line at the right margin; nothing born-digital passes it
    frame = _Frame(x0s[len(x0s) // 10], x1s[-1])
    if len(lines) < 8:  # a few lines may all be short: they do not show where the margin is
        frame = _Frame(min(frame.left, fallback.left), max(frame.right, fallback.right))
    # a page of short lines (a list, a table of names) does not show where the margins are
    return frame if frame.width >= 0.8 * fallback.width else fallback


def words_to_layout(
    pages: list[PageWords],
    path: str | Path,
    *,
    media_type: str = MEDIA_TYPE,
    size_tol: float = 1.0,
    warnings: list[str] | None = None,
) -> Layout:
    """Turn positioned words into the Layout contract: zones, reflowed paragraphs, footnotes.

    ``size_tol`` is the font-size difference that counts as a change of style (1 pt for
    born-digital PDFs; OCR estimates sizes from pixel heights and needs more slack).
    """
    page_lines = [drop_page_furniture(lines_of_page(p), p) for p in pages]
    all_lines = [ln for lines in page_lines for ln in lines]
    if not all_lines:
        raise NoText(path, "the PDF has pages but no readable text on them")
    body_size = type_size(all_lines)
    page_size = {p.number: p for p in pages}

    # 1. footnotes off the foot of every page
    notes: list[Note] = []
    for i, lines in enumerate(page_lines):
        pending = notes[-1] if notes and notes[-1].lines[-1].page == pages[i].number - 1 else None
        rest, found, continues = split_footnotes(lines, body_size, size_tol, pending, _opens_closing_table)
        if continues and pending is not None and found:
            pending.lines.extend(found[0].lines)
            pending.texts.extend(found[0].texts)
            found = found[1:]
        notes.extend(found)
        page_lines[i] = rest

    join_continued_tables(page_lines)
    stream = [ln for lines in page_lines for ln in lines]
    if not stream:
        raise NoText(path, "the PDF holds only footnotes or page numbers, no document text")
    # when too few lines show the margins, assume ND30's right margin (15-20 mm, ~57 pt)
    text_lines = [ln for ln in stream if not ln.table] or stream
    doc_frame = _Frame(min(ln.x0 for ln in text_lines), max(max(ln.x1 for ln in text_lines), pages[0].width - 57.0))
    # a table's rows say nothing of the text margins (tables often stand out past them)
    full_frame = _frame_of(
        [ln for ln in text_lines if len(ln.segments) == 1 and ln.size >= body_size - size_tol and not ln.table],
        doc_frame,
    )

    # 2. the header table at the top of the first page
    first_page = stream[0].page
    region: list[VisualLine] = []
    for line in stream:
        if line.page != first_page or line.table or _is_full_width(line, full_frame) or _KINH_GUI.match(line.text):
            break
        region.append(line)
    if region and not any(len(ln.segments) > 1 or ln.x0 > full_frame.center for ln in region):
        region = []  # nothing in a right column: not a header table
    if len(region) > 0.6 * len([ln for ln in stream if ln.page == first_page]):
        region = []  # a "header" that eats the page is a page of free-standing lines
    head_left: list[VisualLine] = []
    head_right: list[VisualLine] = []
    split = _column_split(region, full_frame)
    for line in region:
        left, right = _split_cells(line, split)
        if left:
            head_left.append(left)
        if right:
            head_right.append(right)

    # 3. body and the closing block after it
    body: list[tuple[VisualLine, bool]] = []  # (line, after the closing block)
    closing: list[VisualLine] = []
    in_closing = False
    closed = False
    for line in stream[len(region) :]:
        if in_closing:
            # a page-wide line after the signature (Phụ lục ...) is body text again, and so is a table
            if line.table or (_is_full_width(line, full_frame) and line.x1 - line.x0 >= 0.5 * full_frame.width):
                in_closing, closed = False, True
            else:
                closing.append(line)
                continue
        if not closed and _starts_closing(line, body[-1][0] if body else None, full_frame):
            in_closing = True
            closing.append(line)
            continue
        body.append((line, closed))

    close_left: list[VisualLine] = []
    close_right: list[VisualLine] = []
    split = _column_split(closing, _Frame(full_frame.left, full_frame.right))
    if not any(len(ln.segments) > 1 for ln in closing):
        split = full_frame.left + 0.45 * full_frame.width
    for line in closing:
        left, right = _split_cells(line, split)
        if left:
            close_left.append(left)
        if right:
            close_right.append(right)

    # 4. reflow body lines into paragraphs
    body_lines = [ln for ln, _ in body if not ln.table]
    gaps = [
        b.top - a.bottom
        for a, b in itertools.pairwise(body_lines)
        if a.page == b.page and b.top > a.bottom - 1 and abs(a.size - b.size) < size_tol
    ]
    line_gap = statistics.median(gaps) if gaps else 0.3 * body_size
    frames = {
        number: _frame_of([ln for ln in body_lines if ln.page == number and len(ln.segments) == 1], full_frame)
        for number in page_size
    }
    main: list[_Para] = []
    after: list[_Para] = []
    prev: VisualLine | None = None
    prev_after = False
    for line, is_after in body:
        target = after if is_after else main
        if (
            prev is not None
            and prev_after == is_after
            and target
            and not (line.table or prev.table)  # a table row is a paragraph of its own
            and not _body_breaks(prev, line, frames.get(line.page, full_frame), line_gap, size_tol)
        ):
            target[-1].lines.append(line)
        else:
            target.append(_Para([line], "body"))
        prev, prev_after = line, is_after

    paragraphs: list[Paragraph] = []
    paragraphs += [_to_paragraph(p) for p in _group(head_left, "header_left", size_tol)]
    paragraphs += [_to_paragraph(p) for p in _group(head_right, "header_right", size_tol)]
    paragraphs += [_to_paragraph(p, frames.get(p.lines[0].page, full_frame)) for p in main]
    for note in notes:
        text = normalize_text(join_lines([t for t in note.texts if t]))
        paragraphs.append(
            Paragraph(
                text=text,
                zone="footnote",
                lines=[normalize_text(t) for t in note.texts],
                size=note.lines[0].size,
                page=note.lines[0].page,
                note=note.marker or None,
            )
        )
    paragraphs += [_to_paragraph(p) for p in _group(close_left, "closing_left", size_tol)]
    paragraphs += [_to_paragraph(p) for p in _group(close_right, "closing_right", size_tol)]
    paragraphs += [_to_paragraph(p, frames.get(p.lines[0].page, full_frame)) for p in after]
    layout = Layout(
        path=str(path),
        media_type=media_type,
        paragraphs=[p for p in paragraphs if p.text.strip()],
        pages=len(pages),
        warnings=list(warnings or []),
    )
    return layout.finalize()


def _starts_closing(line: VisualLine, prev: VisualLine | None, frame: _Frame) -> bool:
    """Is ``line`` the first row of the closing table (Nơi nhận / signer block)?

    "Nơi nhận" in the left column opens it; so does a signing line ("TM. ...", "KT. ...")
    or an all-capitals title ("CHỦ TỊCH") standing alone in the right half once the body
    has ended. A body paragraph's short last line in the left half never does.
    """
    if prev is None or line.table:
        return False
    first = line.segments[0]
    first_text = " ".join(w.text for w in first)
    if _NOI_NHAN.match(first_text) and first[0].x0 < frame.center:
        return True
    right = [seg for seg in line.segments if seg[0].x0 > frame.left + 0.4 * frame.width]
    if not right or (_is_full_width(line, frame) and len(line.segments) == 1 and line.x0 < frame.center):
        return False
    text = " ".join(w.text for w in right[0])
    if _SIGNING.match(text):
        return True
    all_caps = _is_caps(text) and len(text.split()) <= 8
    return all_caps and bool(_ENDS_SENTENCE.search(prev.text)) and len(line.segments) <= 2


def _opens_closing_table(line: VisualLine) -> bool:
    return bool(_NOI_NHAN.match(line.text)) or any(
        _SIGNING.match(" ".join(w.text for w in seg)) for seg in line.segments
    )
