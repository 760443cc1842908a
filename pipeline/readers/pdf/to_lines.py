"""A PDF's words (text layer or OCR) → :class:`pipeline.lines.Lines`, the contract every reader emits.

No zone is decided here: where the header ends, which cell is the issuer's and where Nơi nhận begins
is :mod:`pipeline.grammar`'s to say. What the page shows is reported as it stands:

* one :class:`~pipeline.lines.Line` per run of a visual line: the header row "ỦY BAN NHÂN DÂN ...
  CỘNG HÒA XÃ HỘI ..." is two lines with the same ``row``, split at the column-sized gap between them
  (:attr:`~pipeline.readers.pdf.lines.VisualLine.segments`);
* a ruled table's cells as lines with ``cell`` set, a multi-line cell as its lines, each with that
  cell; every ruled table is reported, the header or closing block drawn with borders too; a table
  that runs over a page break stays one table (its repeated header row dropped, a row the break split
  joined back into one);
* footnotes at a page's foot as lines with ``note`` (the marker is taken off the first line's text;
  a footnote that runs on over the page break keeps its marker on the next page);
* page numbers and decorative rules are dropped (:mod:`pipeline.readers.pdf.furniture`).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import extractors.patterns as patterns
from models.record import Received
from pipeline.lines import Cell, Line, Lines, Page
from pipeline.normalize import normalize_text
from pipeline.readers.pdf.footnotes import Note, split_footnotes
from pipeline.readers.pdf.furniture import drop_page_furniture
from pipeline.readers.pdf.lines import VisualLine, body_size, build_lines
from pipeline.readers.pdf.tables import TableRow, continues_table, grid_rows, join_continued_table, split_by_grid
from pipeline.readers.pdf.words import PageWords, Word

MEDIA_TYPE = "application/pdf"


@dataclass(slots=True)
class _PageItems:
    page: PageWords
    free: list[VisualLine]  # lines outside every ruled table, top to bottom
    rows: list[TableRow]  # rows of its ruled tables, top to bottom
    notes: list[Note] = field(default_factory=list)

    def first(self) -> VisualLine | TableRow | None:
        """The item at the top of the page (after furniture and footnotes are taken off)."""
        items: list[VisualLine | TableRow] = [*self.free[:1], *self.rows[:1]]
        return min(items, key=lambda item: item.top) if items else None

    def last(self) -> VisualLine | TableRow | None:
        """The item at the foot of the page."""
        items: list[VisualLine | TableRow] = [*self.free[-1:], *self.rows[-1:]]
        return max(items, key=lambda item: item.bottom) if items else None


def _read_page(page: PageWords) -> _PageItems:
    tables, rest = split_by_grid(page)
    rows = sorted(
        (row for number, (grid, words) in enumerate(tables) for row in grid_rows(page, grid, words, number)),
        key=lambda row: row.top,
    )
    if not tables:
        lines = build_lines(page)
    else:
        lines = build_lines(PageWords(page.number, page.width, page.height, rest)) if rest else []
    return _PageItems(page, drop_page_furniture(lines, page), rows)


def _opens_closing(line: VisualLine) -> bool:
    """A footnote block on the last page may stand just above the closing block ("Nơi nhận:", "TM. ...")
    rather than at the page foot."""
    if patterns.NOI_NHAN.match(line.text):
        return True
    return any(patterns.AUTHORITY_LINE.match(" ".join(w.text for w in seg)) for seg in line.segments)


def _take_footnotes(items: list[_PageItems], size_tol: float) -> None:
    """Footnotes off the foot of every page, below any table on it."""
    size = body_size(ln for page in items for ln in page.free)
    pending: Note | None = None
    for page in items:
        floor = max((row.bottom for row in page.rows), default=float("-inf"))
        start = next((k for k, ln in enumerate(page.free) if ln.top >= floor), len(page.free))
        above, tail = page.free[:start], page.free[start:]
        going_on = pending if pending is not None and pending.lines[-1].page == page.page.number - 1 else None
        rest, found, continues = split_footnotes(tail, size, size_tol, going_on, _opens_closing)
        if continues and going_on is not None and found:
            found[0].marker = going_on.marker
        page.free = above + rest
        page.notes = found
        if found:
            pending = found[-1]


def _join_tables(items: list[_PageItems]) -> dict[tuple[int, int], tuple[int, int]]:
    """Tables that run over a page break, joined: (page, grid) of each continuing table → (page, grid)
    of the table it continues."""
    continued: dict[tuple[int, int], tuple[int, int]] = {}
    for before, page in itertools.pairwise(items):
        last, first = before.last(), page.first()
        if not isinstance(last, TableRow) or not isinstance(first, TableRow) or not continues_table(last, first):
            continue
        rows = [row for row in page.rows if row.grid == first.grid]
        taken = {id(row) for row in rows[: join_continued_table(last, rows)]}
        page.rows = [row for row in page.rows if id(row) not in taken]
        origin = (last.page, last.grid)
        continued[(first.page, first.grid)] = continued.get(origin, origin)
    return continued


def _style(words: Sequence[Word]) -> tuple[float, float, float, bool | None, bool | None]:
    """Top, bottom and size of a run's main type (a raised marker glued to a word is not), its weights."""
    weights: dict[float, int] = {}
    for w in words:
        weights[w.size] = weights.get(w.size, 0) + len(w.text)
    size = max(weights, key=lambda s: (weights[s], s))
    main = [w for w in words if w.size == size]
    bolds = {w.bold for w in words}
    italics = {w.italic for w in words}
    return (
        min(w.top for w in main),
        max(w.bottom for w in main),
        size,
        None if None in bolds else all(bolds),
        None if None in italics else all(italics),
    )


def _line(
    text: str,
    words: Sequence[Word],
    page: int,
    row: int,
    cell: Cell | None = None,
    note: str | None = None,
    whole: VisualLine | None = None,
) -> Line | None:
    """A contract line of ``words``; ``whole``: the visual line they all are, whose style is known."""
    text = normalize_text(text).strip()
    if not text:
        return None
    if whole is not None:
        top, bottom, size, bold, italic = whole.top, whole.bottom, whole.size, whole.bold, whole.italic
    else:
        top, bottom, size, bold, italic = _style(words)
    return Line(
        text,
        page=page,
        x0=words[0].x0,
        top=top,
        x1=words[-1].x1,
        bottom=bottom,
        size=size,
        bold=bold,
        italic=italic,
        row=row,
        cell=cell,
        note=note,
    )


class _Emitter:
    """Lines in reading order, with the visual-row and table counters they share."""

    def __init__(self, continued: dict[tuple[int, int], tuple[int, int]]) -> None:
        self.lines: list[Line] = []
        self.rows = 0
        self.continued = continued
        self.table_of: dict[tuple[int, int], int] = {}
        self.next_row: dict[int, int] = {}

    def add(self, line: Line | None) -> None:
        if line is not None:
            self.lines.append(line)

    def new_row(self) -> int:
        self.rows += 1
        return self.rows - 1

    def free(self, row: list[VisualLine]) -> None:
        number = self.new_row()
        for line in sorted(row, key=lambda ln: ln.x0):
            if len(line.segments) == 1:
                self.add(_line(line.text, line.words, line.page, number, whole=line))
                continue
            for seg in line.segments:
                self.add(_line(" ".join(w.text for w in seg), seg, line.page, number))

    def note(self, note: Note) -> None:
        for k, (line, text) in enumerate(zip(note.lines, note.texts, strict=True)):
            words = line.words
            if k == 0 and text != line.text and len(words) > 1 and not words[0].text[-1:].isalpha():
                words = words[1:]  # the marker stood apart: "¹ Kế hoạch ..." starts at "Kế"
            self.add(_line(text, words, line.page, self.new_row(), note=note.marker or None))

    def table_row(self, row: TableRow) -> None:
        key = (row.page, row.grid)
        origin = self.continued.get(key, key)
        table = self.table_of.get(origin)
        if table is None:
            table = self.table_of[origin] = len(self.table_of)
        self.table_of[key] = table
        number = self.next_row.get(table, 0)
        self.next_row[table] = number + 1
        left, right = row.columns[0], row.columns[-1]
        width = max(right - left, 1.0)
        # cell lines that stand side by side (the first line of every cell) share a visual row
        bands: list[tuple[int, float, float, int]] = []  # (page, top, bottom, row id)
        for cell in row.cells:
            where = Cell(table, number, cell.col, (cell.x0 - left) / width, (cell.x1 - left) / width, len(row.cells))
            for ln in cell.lines:
                band = next((b for b in bands if _beside(b, ln)), None)
                if band is None:
                    band = (ln.page, ln.top, ln.bottom, self.new_row())
                    bands.append(band)
                self.add(_line(ln.text, ln.words, ln.page, band[3], cell=where))


def _side_by_side(lines: list[VisualLine]) -> list[list[VisualLine]]:
    """A page's lines (top to bottom) grouped into visual rows: lines in different type sizes that stand
    side by side (an 11 pt Nơi nhận entry beside the 14 pt signer's title) are one row, though
    :func:`~pipeline.readers.pdf.lines.build_lines` keeps them apart as lines."""
    rows: list[list[VisualLine]] = []
    for line in lines:
        row = rows[-1] if rows else None
        if row is not None and all(_apart(other, line) for other in row) and any(_level(other, line) for other in row):
            row.append(line)
        else:
            rows.append([line])
    return rows


def _level(a: VisualLine, b: VisualLine) -> bool:
    """Do ``a`` and ``b`` overlap by half the smaller height?"""
    return min(a.bottom, b.bottom) - max(a.top, b.top) >= 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _apart(a: VisualLine, b: VisualLine) -> bool:
    """Do ``a`` and ``b`` stand apart across the page (no horizontal overlap)?"""
    return a.x1 <= b.x0 or b.x1 <= a.x0


def _beside(band: tuple[int, float, float, int], line: VisualLine) -> bool:
    """Does ``line`` stand beside the band (same page, overlapping by half the smaller height)?"""
    page, top, bottom, _ = band
    overlap = min(bottom, line.bottom) - max(top, line.top)
    return page == line.page and overlap >= 0.5 * min(line.bottom - line.top, bottom - top)


def to_lines(
    pages: Sequence[PageWords],
    path: str | Path,
    *,
    media_type: str = MEDIA_TYPE,
    size_tol: float = 1.0,
    warnings: Sequence[str] = (),
    scanned: Collection[int] = (),
    page_count: int | None = None,
    received: Received | None = None,
) -> Lines:
    """The positioned lines of ``pages`` in reading order (top to bottom, page by page; a table row by
    row, a row cell by cell).

    ``size_tol`` is the font-size difference that counts as smaller type (footnotes): 1 pt for
    born-digital PDFs; OCR estimates sizes from pixel heights and needs more slack. ``scanned``: the
    numbers of the pages read by OCR.
    """
    items = [_read_page(page) for page in pages]
    _take_footnotes(items, size_tol)
    emit = _Emitter(_join_tables(items))
    for page in items:
        stream: list[list[VisualLine] | TableRow] = [*_side_by_side(page.free), *page.rows]
        stream.sort(key=lambda item: item.top if isinstance(item, TableRow) else item[0].top)
        for item in stream:
            if isinstance(item, TableRow):
                emit.table_row(item)
            else:
                emit.free(item)
        for note in page.notes:
            emit.note(note)
    return Lines(
        path=str(path),
        media_type=media_type,
        lines=emit.lines,
        pages=[Page(p.number, p.width, p.height, p.number in scanned) for p in pages],
        page_count=page_count if page_count is not None else len(pages),
        units="points",
        warnings=list(warnings),
        scanned=bool(scanned),
        received=received,
    )
