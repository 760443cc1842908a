"""Ruled tables (bảng phân công nhiệm vụ): the grids that crossing horizontal and vertical rules draw
on a page, the cells they make (merged cells as DOCX's gridSpan and vMerge), and a table that runs
over a page break joined back into one."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.readers.pdf.lines import VisualLine, build_lines, join_lines
from pipeline.readers.pdf.words import PageWords, Rule, Word

# Rules this close (points) are one line: a border drawn twice, or a thin filled rectangle's
# two long edges.
_SNAP = 1.5
# Row and column edges this close are one edge: double borders leave no cell between them.
_EDGE_GAP = 4.0
# How near a rule must come to an edge or a point to count as drawing it.
_REACH = 3.0
# More horizontal x vertical rules than this on a page is a drawing: the crossing test is quadratic.
_MAX_CROSSINGS = 40_000


@dataclass(slots=True)
class Grid:
    """A ruled table on one page: column and row edges, and the rules that draw its cells."""

    cols: list[float]
    rows: list[float]
    hs: list[Rule]
    vs: list[Rule]

    def holds(self, x: float, y: float) -> bool:
        return self.cols[0] - 1.0 <= x <= self.cols[-1] + 1.0 and self.rows[0] - 1.0 <= y <= self.rows[-1] + 1.0

    def ruled_v(self, x: float, y: float) -> bool:
        """Is there a vertical border at ``x`` through height ``y``? (not when cells are merged)"""
        return any(abs(v.x0 - x) <= _REACH and v.top - _REACH <= y <= v.bottom + _REACH for v in self.vs)

    def ruled_h(self, y: float, x: float) -> bool:
        """Is there a horizontal border at ``y`` across ``x``? (not under a vertically merged cell)"""
        return any(abs(h.top - y) <= _REACH and h.x0 - _REACH <= x <= h.x1 + _REACH for h in self.hs)


def _snap(values: Iterable[float], gap: float) -> list[float]:
    """Sorted values with runs closer than ``gap`` replaced by their first member."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > gap:
            out.append(v)
    return out


def _level(levels: list[float], value: float) -> float:
    """The snapped level ``value`` belongs to: the last one at or below it (see :func:`_snap`)."""
    return levels[max(bisect.bisect_right(levels, value) - 1, 0)]


def _merge_rules(rules: list[Rule], horizontal: bool) -> list[Rule]:
    """Collinear rules joined: cell borders are often drawn one cell at a time."""
    if horizontal:
        levels = _snap((r.top for r in rules), _SNAP)
        keyed = sorted((_level(levels, r.top), r.x0, r.x1) for r in rules)
    else:
        levels = _snap((r.x0 for r in rules), _SNAP)
        keyed = sorted((_level(levels, r.x0), r.top, r.bottom) for r in rules)
    merged: list[list[float]] = []
    for level, a, b in keyed:
        if merged and merged[-1][0] == level and a <= merged[-1][2] + _SNAP:
            merged[-1][2] = max(merged[-1][2], b)
        else:
            merged.append([level, a, b])
    if horizontal:
        return [Rule(a, level, b, level) for level, a, b in merged]
    return [Rule(level, a, level, b) for level, a, b in merged]


def grids(rules: list[Rule]) -> list[Grid]:
    """The ruled tables among a page's rules: sets of crossing horizontal and vertical lines
    with at least two columns. A lone rule (under the issuer, under the tiêu ngữ) is no table,
    nor is a box around one block of text."""
    hs = _merge_rules([r for r in rules if r.horizontal], True)
    vs = _merge_rules([r for r in rules if not r.horizontal], False)
    if len(vs) < 3 or not hs or len(hs) * len(vs) > _MAX_CROSSINGS:
        return []  # no table, or a drawing (a chart, a map) too busy to be one
    # connected components of crossing rules (union-find over horizontals and verticals)
    parent = list(range(len(hs) + len(vs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.x0 - _REACH <= v.x0 <= h.x1 + _REACH and v.top - _REACH <= h.top <= v.bottom + _REACH:
                parent[root(i)] = root(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(root(len(hs) + j), ([], []))[1].append(v)
    grids: list[Grid] = []
    for gh, gv in groups.values():
        if not gh or len(gv) < 3:
            continue
        left, right = min(r.x0 for r in gh + gv), max(r.x1 for r in gh + gv)
        top, bottom = min(r.top for r in gh + gv), max(r.bottom for r in gh + gv)
        cols = _snap([left, right, *(v.x0 for v in gv)], _EDGE_GAP)
        rows = _snap([top, bottom, *(h.top for h in gh)], _EDGE_GAP)
        if len(cols) >= 3 and len(rows) >= 2:
            grids.append(Grid(cols, rows, gh, gv))
    return grids


@dataclass(slots=True)
class TableCell:
    """One cell of a table row: its place in the row (``col`` of the row's cells), the grid columns it
    covers (``first`` to ``last``, exclusive: more than one when merged across, as DOCX's gridSpan), its
    edges in points, and its lines top to bottom (none for the lower part of a cell merged down)."""

    col: int
    first: int
    last: int
    x0: float
    x1: float
    lines: list[VisualLine]

    @property
    def text(self) -> str:
        """The cell's lines joined with spaces (as the DOCX reader joins a cell)."""
        return join_lines([ln.text for ln in self.lines])


@dataclass(slots=True)
class TableRow:
    """One row of a ruled table on one page: every cell of it (empty ones too), its words, the table's
    column edges, and the texts of the table's first row on this page (a header row the table repeats
    on the next page is dropped against it). ``grid`` numbers the table among the page's grids."""

    page: int
    grid: int
    cells: list[TableCell]
    words: list[Word]
    columns: tuple[float, ...]
    head: tuple[str, ...]
    top: float
    bottom: float
    size: float

    @property
    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]


def _cell_lines(page: PageWords, words: list[Word]) -> list[VisualLine]:
    """A cell's lines, decorative rules dropped."""
    if not words:
        return []
    lines = build_lines(PageWords(page.number, page.width, page.height, words))
    return [ln for ln in lines if not ln.rule and ln.text]


def grid_rows(page: PageWords, grid: Grid, words: list[Word], number: int = 0) -> list[TableRow]:
    """The rows of a ruled table that hold some text, top to bottom (``number``: the grid's on the page).

    A cell spanning columns (no vertical border inside it) is one cell, as DOCX's gridSpan;
    a cell spanning rows (no horizontal border under it) keeps its text in its first row and
    leaves the rows below it an empty cell, as DOCX's vMerge.
    """
    cols, rows = grid.cols, grid.rows
    n_rows, n_cols = len(rows) - 1, len(cols) - 1
    col_mid = [(a + b) / 2 for a, b in itertools.pairwise(cols)]
    starts: list[list[int]] = []  # per row band: the first column of each of its cells
    owner: list[list[int]] = []  # per row band and column: the band whose cell covers it
    for i in range(n_rows):
        mid = (rows[i] + rows[i + 1]) / 2
        starts.append([j for j in range(n_cols) if j == 0 or grid.ruled_v(cols[j], mid)])
        owner.append([i if i == 0 or grid.ruled_h(rows[i], col_mid[j]) else owner[i - 1][j] for j in range(n_cols)])
    bucket: dict[tuple[int, int], list[Word]] = {}
    by_band: dict[int, list[Word]] = {}
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        i = min(max(bisect.bisect_right(rows, cy) - 1, 0), n_rows - 1)
        j = min(max(bisect.bisect_right(cols, cx) - 1, 0), n_cols - 1)
        band = owner[i][j]
        start = max(s for s in starts[band] if s <= j)
        bucket.setdefault((band, start), []).append(w)
        by_band.setdefault(band, []).append(w)
    lines = {key: _cell_lines(page, ws) for key, ws in bucket.items()}
    out: list[TableRow] = []
    head: tuple[str, ...] = ()
    for i in range(n_rows):
        bounds = [*starts[i], n_cols]
        cells = [
            TableCell(k, s, e, cols[s], cols[e], lines.get((i, s), []) if owner[i][s] == i else [])
            for k, (s, e) in enumerate(itertools.pairwise(bounds))
        ]
        row_words = sorted(by_band.get(i, []), key=lambda w: w.x0)
        if not row_words or not any(cell.lines for cell in cells):
            continue
        row = TableRow(
            page.number,
            number,
            cells,
            row_words,
            tuple(cols),
            head,
            min(w.top for w in row_words),
            max(w.bottom for w in row_words),
            _main_size(row_words),
        )
        head = head or tuple(row.texts)
        row.head = head
        out.append(row)
    return out


def _main_size(words: Sequence[Word]) -> float:
    sizes = [w.size for w in words]
    return max(set(sizes), key=sizes.count)


def row_text(cells: Sequence[str]) -> str:
    """A table row as the DOCX reader writes it: "1 | Ban hành kế hoạch | Sở Nội vụ | | Quý II"."""
    return re.sub(r"\s+", " ", " | ".join(cells)).strip()


def split_by_grid(page: PageWords) -> tuple[list[tuple[Grid, list[Word]]], list[Word]]:
    """The page's ruled tables, each with the words inside it, and the words outside every table
    (pages without ruling lines skip the table search)."""
    found = grids(page.rules) if page.rules else []
    if not found:
        return [], page.words
    inside: list[list[Word]] = [[] for _ in found]
    rest: list[Word] = []
    for w in page.words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        k = next((k for k, g in enumerate(found) if g.holds(cx, cy)), -1)
        (inside[k] if k >= 0 else rest).append(w)
    return [(g, ws) for g, ws in zip(found, inside, strict=True) if ws], rest


def same_columns(a: Sequence[float], b: Sequence[float]) -> bool:
    """The same column widths, wherever the table sits: each sheet of a scan lies a few points
    off the last one (born-digital pages print the table at the same place)."""
    if len(a) != len(b):
        return False
    shift = b[0] - a[0]
    return all(abs(x + shift - y) <= _EDGE_GAP for x, y in zip(a, b, strict=True))


# How alike (rapidfuzz ratio) a page's first row must be to the table's header row to be its
# repetition: OCR reads the same header differently on each page ("thực hiện" / "thực hiệu").
_SAME_HEADER = 90.0


def repeats_header(row: Sequence[str], head: Sequence[str]) -> bool:
    if tuple(row) == tuple(head):
        return True
    from rapidfuzz import fuzz

    return len(row) == len(head) and fuzz.ratio(row_text(row), row_text(head)) >= _SAME_HEADER


def continues_row(last: Sequence[str], row: Sequence[str]) -> bool:
    """Is ``row`` (cell texts), first on its page, the rest of ``last`` that the page break split? Its
    first cell (the STT) is empty and some cell goes on in lower case ("cấp xã; biên soạn ...")."""
    if len(last) != len(row) or row[0][:1].isupper() or row[0][:1].isdigit():
        return False
    return any(c[:1].islower() for c in row if c)


def continues_table(last: TableRow, first: TableRow) -> bool:
    """Does ``first``, the first row of a page, go on with the table whose row ``last`` ended the
    previous page? The same columns, wherever the page put them."""
    return same_columns(last.columns, first.columns)


def join_continued_table(last: TableRow, rows: list[TableRow]) -> int:
    """Join the table a page break split: ``rows`` are the new page's rows of the table ``last`` ended
    the previous page with. A repeated header row is dropped and a row split by the break is joined
    back into ``last``, cell by cell; returns how many of ``rows`` that took up."""
    k = 1 if rows and repeats_header(rows[0].texts, last.head) else 0
    if k < len(rows) and continues_row(last.texts, rows[k].texts):
        for cell, more in zip(last.cells, rows[k].cells, strict=True):
            cell.lines = cell.lines + more.lines
        last.words = last.words + rows[k].words
        k += 1
    return k
