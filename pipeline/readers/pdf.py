"""PDF reader: word positions → :class:`~pipeline.layout.Layout` (văn bản PDF).

Official documents put two borderless two-column tables on the page: the header (issuer
and số on the left, quốc hiệu and date on the right) and the closing block (Nơi nhận on
the left, the signer on the right). Reading order by text stream interleaves them
("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ..."), so this reader never uses a library's plain
text: it takes every word with its box, font size and weight, and rebuilds lines, table
cells, paragraphs and footnotes from geometry.

Two engines produce the same engine-neutral :class:`Word` list:

* ``pypdfium2`` (default, fast: a few ms per page) reads characters and boxes through
  PDFium's text page;
* ``pdfplumber`` (slow, independent) uses ``extract_words``; select it with
  ``read_pdf(path, engine="pdfplumber")`` or ``DIRECTIVES_PDF_ENGINE=pdfplumber``.

One layout algorithm (:func:`words_to_layout`) turns either list, or OCR words from
:mod:`pipeline.readers.ocr`, into the Layout contract.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import os
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline import legacy, limits
from pipeline.errors import NoText, UnreadableFile
from pipeline.layout import SUPERSCRIPT_DIGITS, Layout, Paragraph, Zone
from pipeline.normalize import normalize_text

Engine = Literal["pypdfium2", "pdfplumber"]
ENGINES: tuple[Engine, ...] = ("pypdfium2", "pdfplumber")
MEDIA_TYPE = "application/pdf"


@dataclass(slots=True)
class Word:
    """One word on a page, in points from the page's top-left corner (y grows downwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool | None = None
    italic: bool | None = None
    font: str | None = None  # the font's name, when the engine gives it (legacy fonts need it)


@dataclass(slots=True)
class Rule:
    """A straight horizontal or vertical stroke drawn on the page (a table border), by its centre
    line in points from the top-left corner: ``top == bottom`` or ``x0 == x1``."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.bottom - self.top < self.x1 - self.x0


@dataclass(slots=True)
class PageWords:
    """The words of one page (1-based ``number``), the page size in points, and its ruling lines
    (table borders: drawn paths, or for a scan found in the image by :mod:`pipeline.readers.ocr`)."""

    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[Rule] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------

# Font names carry the weight: "CAAAAA+LiberationSerif-Bold", "TimesNewRomanPS-BoldMT",
# "Arial,BoldItalic", "Roboto-SemiBold", "Times-Black".
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold", re.IGNORECASE)
_ITALIC_NAME = re.compile(r"italic|oblique", re.IGNORECASE)


def _style_of_font(name: str) -> tuple[bool, bool]:
    base = name.split("+", 1)[-1]
    return bool(_BOLD_NAME.search(base)), bool(_ITALIC_NAME.search(base))


def _pdfium_error(path: Path, exc: Exception) -> UnreadableFile:
    import pypdfium2.raw as pdfium_c

    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return UnreadableFile(path, "the PDF is protected by a password (encrypted)")
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return UnreadableFile(path, "the PDF uses an unsupported security handler (encrypted)")
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return UnreadableFile(path, "the PDF is damaged (its internal structure cannot be read)")
    if code == pdfium_c.FPDF_ERR_FILE:
        return UnreadableFile(path, "the PDF file cannot be opened")
    return UnreadableFile(path, f"the PDF cannot be opened ({exc})")


def _open_pdfium(path: Path):  # type: ignore[no-untyped-def]  # pypdfium2 has partial stubs
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise _pdfium_error(path, exc) from exc
    if len(doc) == 0:
        doc.close()
        raise UnreadableFile(path, "the PDF has no pages")
    limits.check_pages(path, len(doc), doc.close)
    return doc


def _pdfium_page_words(page, textpage) -> list[Word]:  # type: ignore[no-untyped-def]
    """Words of one page via PDFium: text once, then a few calls per word (not per char)."""
    import pypdfium2.raw as pdfium_c

    n = textpage.count_chars()
    if n <= 0:
        return []
    handle = textpage.raw
    text = textpage.get_text_range()
    if len(text) != n:  # surrogate pairs or generated chars shifted the indices: go char by char
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(handle, i)) for i in range(n))
    height = page.get_height()
    get_size = pdfium_c.FPDFText_GetFontSize
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_font = pdfium_c.FPDFText_GetFontInfo
    get_weight = pdfium_c.FPDFText_GetFontWeight
    rect = pdfium_c.FS_RECTF()
    rect_p = ctypes.byref(rect)
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    flags_p = ctypes.pointer(flags)
    fonts: dict[bytes, tuple[bool, bool, str]] = {}

    def style(i: int) -> tuple[bool, bool, str]:
        get_font(handle, i, buf, 128, flags_p)
        key = buf.value
        got = fonts.get(key)
        if got is None:
            name = key.decode("latin-1")
            bold, italic = _style_of_font(name)
            # PDF font flags: bit 7 (64) italic, bit 19 (262144) force bold; the weight is the
            # font's own (its descriptor), so one look-up per font, not per word
            bold = bold or bool(flags.value & 262144) or get_weight(handle, i) >= 600
            italic = italic or bool(flags.value & 64)
            got = fonts[key] = (bold, italic, name)
        return got

    def make(s: int, e: int, size: float) -> Word:
        get_box(handle, s, rect_p)
        x0, top, bottom = rect.left, rect.top, rect.bottom
        if e - 1 != s:
            get_box(handle, e - 1, rect_p)
            top, bottom = max(top, rect.top), min(bottom, rect.bottom)
        bold, italic, font = style(s)
        return Word(text[s:e], x0, rect.right, height - top, height - bottom, size, bold, italic, font)

    # PDFium reports a hyphen that ends a line as U+FFFE ("1874/QĐ" U+FFFE "UBND" where the
    # code breaks over two lines): print it as the "-" it is, and end the word there
    text = text.replace("\ufffe", "-")
    words: list[Word] = []
    start = -1
    for i, ch in enumerate(text + " "):
        if ch.isspace() or ch < " " or ch == "\uffff":
            if start >= 0:
                _pdfium_emit(text, start, i, get_size, handle, make, words)
                start = -1
        elif start < 0:
            start = i
        if (
            ch == "-"
            and start >= 0
            and i + 1 < n
            and text[i + 1] not in " \r\n"
            and _breaks_line(handle, i, rect_p, rect)
        ):
            _pdfium_emit(text, start, i + 1, get_size, handle, make, words)
            start = -1
    return words


def _breaks_line(handle, i: int, rect_p, rect) -> bool:  # type: ignore[no-untyped-def]
    """Does the character after index ``i`` sit on another line (below, or back to the left)?"""
    import pypdfium2.raw as pdfium_c

    pdfium_c.FPDFText_GetLooseCharBox(handle, i, rect_p)
    bottom, right = rect.bottom, rect.right
    pdfium_c.FPDFText_GetLooseCharBox(handle, i + 1, rect_p)
    return bool(rect.top < bottom or rect.left < right - 1.0)


_HAS_DIGIT = re.compile(r"\d")


def _pdfium_emit(text: str, s: int, e: int, get_size, handle, make, words: list[Word]) -> None:  # type: ignore[no-untyped-def]
    """Emit text[s:e] as one word, split where the font size changes inside it.

    Only words holding a digit can change size in a way that matters (a raised footnote
    marker glued to a word, "vụ¹"), so only those are probed char by char.
    """
    first = round(get_size(handle, s), 1)
    if e - s == 1 or not _HAS_DIGIT.search(text, s, e):
        words.append(make(s, e, first))
        return
    run_start, run_size = s, first
    for i in range(s + 1, e):
        size = round(get_size(handle, i), 1)
        if abs(size - run_size) > 0.25:
            words.append(make(run_start, i, run_size))
            run_start, run_size = i, size
    words.append(make(run_start, e, run_size))


# A stroke shorter than this is a tick or the end of a thin filled rectangle, not a border.
_MIN_RULE = 3.0
# How far off a horizontal (vertical) line may be from level (plumb), in points.
_RULE_SLANT = 1.0


def _add_rules(points: Sequence[tuple[float, float]], out: list[Rule]) -> None:
    """The axis-aligned pieces of a polyline (top-left coordinates) as rules: a table border is
    drawn as a line ("m l"), a thin filled rectangle ("re"), or one path around many cells."""
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        if abs(ay - by) <= _RULE_SLANT and abs(ax - bx) >= _MIN_RULE:
            y = (ay + by) / 2
            out.append(Rule(min(ax, bx), y, max(ax, bx), y))
        elif abs(ax - bx) <= _RULE_SLANT and abs(ay - by) >= _MIN_RULE:
            x = (ax + bx) / 2
            out.append(Rule(x, min(ay, by), x, max(ay, by)))


def _pdfium_page_rules(page, height: float) -> list[Rule]:  # type: ignore[no-untyped-def]
    """Ruling lines of a page via PDFium's page objects: straight subpaths of painted paths.

    A subpath with a curve in it is a drawing, not a border, and is skipped whole, as the
    pdfplumber engine (pdfminer splits paths into subpaths) does.
    """
    import pypdfium2.raw as pdfium_c

    rules: list[Rule] = []
    matrix = pdfium_c.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    fx, fy = ctypes.c_float(), ctypes.c_float()

    def walk(count: int, get, outer: tuple[float, ...], depth: int) -> None:  # type: ignore[no-untyped-def]
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
            a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
            oa, ob, oc, od, oe, of = outer
            m = (
                a * oa + b * oc,
                a * ob + b * od,
                c * oa + d * oc,
                c * ob + d * od,
                e * oa + f * oc + oe,
                e * ob + f * od + of,
            )
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth < 3:  # content wrapped in a form XObject (pdfminer flattens it too)
                    walk(
                        pdfium_c.FPDFFormObj_CountObjects(obj),
                        lambda k, o=obj: pdfium_c.FPDFFormObj_GetObject(o, k),
                        m,
                        depth + 1,
                    )
                continue
            pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
            if not fill.value and not stroke.value:
                continue
            subpath: list[tuple[float, float]] = []
            curved = False
            for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
                seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
                pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(fx), ctypes.byref(fy))
                x, y = fx.value, fy.value
                point = (m[0] * x + m[2] * y + m[4], height - (m[1] * x + m[3] * y + m[5]))
                kind = pdfium_c.FPDFPathSegment_GetType(seg)
                if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                    if not curved:
                        _add_rules(subpath, rules)
                    subpath, curved = [point], False
                    continue
                curved = curved or kind == pdfium_c.FPDF_SEGMENT_BEZIERTO
                subpath.append(point)
                if pdfium_c.FPDFPathSegment_GetClose(seg) and subpath:
                    subpath.append(subpath[0])
            if not curved:
                _add_rules(subpath, rules)

    raw = page.raw
    walk(pdfium_c.FPDFPage_CountObjects(raw), lambda k: pdfium_c.FPDFPage_GetObject(raw, k), (1, 0, 0, 1, 0, 0), 0)
    return rules


def _pdfium_pages(path: Path, max_pages: int | None = None) -> list[PageWords]:
    doc = _open_pdfium(path)
    pages: list[PageWords] = []
    try:
        for index in range(len(doc) if max_pages is None else min(len(doc), max_pages)):
            try:
                page = doc[index]
                textpage = page.get_textpage()
            except Exception as exc:  # PdfiumError on a damaged page object
                raise UnreadableFile(path, f"page {index + 1} of the PDF is damaged ({exc})") from exc
            try:
                width, height = page.get_size()
                words = _pdfium_page_words(page, textpage)
                rules = _pdfium_page_rules(page, height) if words else []
                pages.append(PageWords(index + 1, width, height, words, rules))
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()
    return pages


def _pdfplumber_pages(path: Path, max_pages: int | None = None) -> list[PageWords]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many types on damaged files; pdfplumber wraps them
        causes = [exc, *exc.args]
        if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
            raise UnreadableFile(path, "the PDF is protected by a password (encrypted)") from exc
        if any(isinstance(c, PDFSyntaxError) for c in causes):
            raise UnreadableFile(path, "the PDF is damaged (its internal structure cannot be read)") from exc
        raise UnreadableFile(path, f"the PDF is damaged and cannot be read ({type(exc).__name__})") from exc
    pages: list[PageWords] = []
    with pdf:
        if not pdf.pages:
            raise UnreadableFile(path, "the PDF has no pages")
        for page in pdf.pages[:max_pages]:
            words = []
            for w in page.extract_words(extra_attrs=["size", "fontname"]):
                bold, italic = _style_of_font(str(w["fontname"]))
                words.append(
                    Word(
                        str(w["text"]),
                        float(w["x0"]),
                        float(w["x1"]),
                        float(w["top"]),
                        float(w["bottom"]),
                        round(float(w["size"]), 1),
                        bold,
                        italic,
                        str(w["fontname"]),
                    )
                )
            pages.append(
                PageWords(page.page_number, float(page.width), float(page.height), words, _plumber_page_rules(page))
            )
    return pages


def _plumber_page_rules(page) -> list[Rule]:  # type: ignore[no-untyped-def]
    """Ruling lines of a page via pdfplumber: the straight subpaths of its painted lines, rectangles
    and curves (the same strokes :func:`_pdfium_page_rules` reads)."""
    rules: list[Rule] = []
    for obj in itertools.chain(page.lines, page.rects, page.curves):
        if not (obj.get("stroke") or obj.get("fill")):
            continue
        path = obj.get("path") or []
        if any(cmd[0] == "c" or cmd[0] == "v" or cmd[0] == "y" for cmd in path):
            continue  # a curve: a drawing, not a border
        points: list[tuple[float, float]] = []
        for cmd in path:
            if cmd[0] == "h" and points:
                points.append(points[0])
            elif len(cmd) > 1:
                x, top = cmd[-1]
                points.append((float(x), float(top)))
        _add_rules(points, rules)
    return rules


def page_words(path: Path, engine: Engine = "pypdfium2", max_pages: int | None = None) -> list[PageWords]:
    """Every page's words by ``engine``; raises :class:`UnreadableFile` on bad files."""
    if engine == "pdfplumber":
        return _pdfplumber_pages(path, max_pages)
    return _pdfium_pages(path, max_pages)


# ---------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------

# A decorative rule drawn with characters: "_______", "-----", "=====", "***", or the
# Party header's lone "*".
_RULE_WORD = re.compile(r"^(?:[_\-–—=~*·]{3,}|\*)$")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")
_CLOSING_PUNCT = ",.;:!?)]…"


@dataclass(slots=True)
class Line:
    """One visual line (or one table cell's part of it) on one page."""

    words: list[Word]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    text: str = ""
    rule: bool = False  # made only of decorative rule characters
    segments: list[list[Word]] = field(default_factory=list)
    # a row of a ruled body table: its cells' texts, the table's column edges, and its first
    # row's cells (a header row the table repeats on the next page is dropped against it)
    cells: list[str] | None = None
    columns: tuple[float, ...] = ()
    head: tuple[str, ...] = ()

    @property
    def table(self) -> bool:
        return self.cells is not None

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    # (bold, italic), worked out on first use: paragraph breaking asks each line several times
    _style: tuple[bool | None, bool | None] | None = field(default=None, repr=False, compare=False)

    def _weights(self) -> tuple[bool | None, bool | None]:
        if self._style is None:
            bolds = {w.bold for w in self.words}
            italics = {w.italic for w in self.words}
            self._style = (
                None if None in bolds else all(bolds),
                None if None in italics else all(italics),
            )
        return self._style

    @property
    def bold(self) -> bool | None:
        return self._weights()[0]

    @property
    def italic(self) -> bool | None:
        return self._weights()[1]


def _finish_line(line: Line) -> Line:
    """Sort words, glue raised footnote markers ("vụ" + small raised "1" → "vụ¹"), set text."""
    words = sorted(line.words, key=lambda w: w.x0)
    # the line's own size and baseline come from its biggest type, not from a marker
    weights: dict[float, int] = {}
    for w in words:
        weights[w.size] = weights.get(w.size, 0) + len(w.text)
    size = max(weights, key=lambda s: (weights[s], s))
    main = [w for w in words if w.size == size]
    bottom = max(w.bottom for w in main)
    top = min(w.top for w in main)
    merged: list[Word] = []
    for w in words:
        raised = w.size < 0.85 * size and w.bottom < bottom - 0.15 * size
        if raised and (w.text.isdigit() or w.text.translate(_FROM_SUPERSCRIPT).isdigit()):
            sup = w.text.translate(SUPERSCRIPT_DIGITS)
            prev = merged[-1] if merged else None
            if prev is not None and w.x0 - prev.x1 < 0.3 * size and not _RULE_WORD.match(prev.text):
                merged[-1] = Word(
                    prev.text + sup, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.bold, prev.italic
                )
                continue
            w = Word(sup, w.x0, w.x1, w.top, w.bottom, size, w.bold, w.italic)
        elif (
            merged
            and (w.text[0] in _SUPERSCRIPTS or w.text[0] in _CLOSING_PUNCT)
            and w.x0 - merged[-1].x1 < 0.15 * size
        ):
            # "vụ" "¹." or "tế¹" "," split by an engine at a font change: one word, as printed
            prev = merged[-1]
            merged[-1] = Word(
                prev.text + w.text, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.bold, prev.italic
            )
            continue
        merged.append(w)
    line.words = merged
    line.size, line.top, line.bottom = size, top, bottom
    # rules, and lines with no letter or digit at all (": -" read by OCR off an underline)
    line.rule = all(_RULE_WORD.match(w.text) or not any(c.isalnum() for c in w.text) for w in merged)
    if not line.rule:
        line.words = [w for w in merged if not _RULE_WORD.match(w.text)]
    line.text = " ".join(w.text for w in line.words)
    # a segment is a run of words without a column-sized gap: two table cells on one row
    # are two segments, a justified body line is one
    segments: list[list[Word]] = [[line.words[0]]]
    for a, b in itertools.pairwise(line.words):
        if b.x0 - a.x1 > max(2.0 * size, 18.0):
            segments.append([b])
        else:
            segments[-1].append(b)
    line.segments = segments
    return line


def build_lines(page: PageWords) -> list[Line]:
    """Group a page's words into visual lines, top to bottom.

    A word joins a line when it overlaps, by half the smaller height, a word of the line in
    about the same type size. So the two cells of a header row share one line (the column
    logic splits them again), a small raised footnote marker stays on its line, but the
    11 pt Nơi nhận entries never merge with the 14 pt signer line that spans two of them.
    """
    words = sorted(page.words, key=lambda w: (w.top, w.x0))
    lines: list[Line] = []
    # per line, one band per type size: (size, top, bottom, is a footnote marker)
    bands: list[list[tuple[float, float, float, bool]]] = []
    lowest: list[float] = []  # per line: the bottom of its lowest band
    for w in words:
        h = w.bottom - w.top
        marker = w.text.translate(_FROM_SUPERSCRIPT).isdigit()
        target = -1
        for k in range(len(lines) - 1, max(-1, len(lines) - 7), -1):
            if lowest[k] <= w.top:  # sorted by top: a line wholly above this word cannot take it
                continue
            for size, top, bottom, band_marker in bands[k]:
                # a raised marker sits higher than its line, so it can come first in the sweep
                similar = (
                    min(size, w.size) >= 0.85 * max(size, w.size)
                    or (marker and w.size < size)
                    or (band_marker and size < w.size)
                )
                if similar and min(bottom, w.bottom) - max(top, w.top) >= 0.5 * min(h, bottom - top):
                    target = k
                    break
            if target >= 0:
                break
        if target < 0:
            lines.append(Line([w], page.number, w.top, w.bottom, w.size))
            bands.append([(w.size, w.top, w.bottom, marker)])
            lowest.append(w.bottom)
        else:
            lines[target].words.append(w)
            lowest[target] = max(lowest[target], w.bottom)
            if all(abs(size - w.size) > 0.25 for size, _, _, _ in bands[target]):
                bands[target].append((w.size, w.top, w.bottom, marker))
    done = [_finish_line(line) for line in lines]
    done.sort(key=lambda ln: ln.top)
    return done


# ---------------------------------------------------------------------------------------
# Ruled tables in the body (bảng phân công nhiệm vụ)
# ---------------------------------------------------------------------------------------

# Rules this close (points) are one line: a border drawn twice, or a thin filled rectangle's
# two long edges.
_SNAP = 1.5
# Row and column edges this close are one edge: double borders leave no cell between them.
_EDGE_GAP = 4.0
# How near a rule must come to an edge or a point to count as drawing it.
_REACH = 3.0
# More horizontal x vertical rules than this on a page is a drawing: the crossing test is quadratic.
_MAX_CROSSINGS = 40_000
# Text that marks a ruled table as the header or closing block drawn with borders, or a
# "Kính gửi" layout table: read as text, like the DOCX reader does.
_NOT_DATA = re.compile(
    r"^(?:Nơi\s*nhận|Kính\s*gửi)|CỘNG\s+H[OÒ][AÀ]\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.IGNORECASE
)


@dataclass(slots=True)
class _Grid:
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


def _grids(rules: list[Rule]) -> list[_Grid]:
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
    grids: list[_Grid] = []
    for gh, gv in groups.values():
        if not gh or len(gv) < 3:
            continue
        left, right = min(r.x0 for r in gh + gv), max(r.x1 for r in gh + gv)
        top, bottom = min(r.top for r in gh + gv), max(r.bottom for r in gh + gv)
        cols = _snap([left, right, *(v.x0 for v in gv)], _EDGE_GAP)
        rows = _snap([top, bottom, *(h.top for h in gh)], _EDGE_GAP)
        if len(cols) >= 3 and len(rows) >= 2:
            grids.append(_Grid(cols, rows, gh, gv))
    return grids


def _cell_text(page: PageWords, words: list[Word]) -> str:
    """A cell's words as its wrapped lines joined with spaces (as the DOCX reader joins a cell)."""
    if not words:
        return ""
    lines = build_lines(PageWords(page.number, page.width, page.height, words))
    return join_lines([ln.text for ln in lines if not ln.rule and ln.text])


def _grid_rows(page: PageWords, grid: _Grid, words: list[Word]) -> list[Line] | None:
    """One :class:`Line` per row of a ruled table, its ``cells`` filled; None for a header or
    closing block drawn with borders (its words are read as text).

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
    texts = {key: _cell_text(page, ws) for key, ws in bucket.items()}
    if any(_NOT_DATA.search(t) for t in texts.values()):
        return None
    out: list[Line] = []
    head: tuple[str, ...] = ()
    for i in range(n_rows):
        cells = [texts.get((i, s), "") if owner[i][s] == i else "" for s in starts[i]]
        if not any(cells):
            continue
        row_words = sorted(by_band.get(i, []), key=lambda w: w.x0)
        if not row_words:
            continue
        head = head or tuple(cells)
        sizes = [w.size for w in row_words]
        line = Line(
            row_words,
            page.number,
            min(w.top for w in row_words),
            max(w.bottom for w in row_words),
            max(set(sizes), key=sizes.count),
            _row_text(cells),
            False,
            [row_words],
            cells,
            tuple(cols),
            head,
        )
        out.append(line)
    return out


def _row_text(cells: Sequence[str]) -> str:
    """A table row as the DOCX reader writes it: "1 | Ban hành kế hoạch | Sở Nội vụ | | Quý II"."""
    return re.sub(r"\s+", " ", " | ".join(cells)).strip()


def lines_of_page(page: PageWords) -> list[Line]:
    """A page's visual lines top to bottom, each row of a ruled body table as one line whose
    ``cells`` hold its cells' texts (pages without ruling lines skip the table search)."""
    grids = _grids(page.rules) if page.rules else []
    if not grids:
        return build_lines(page)
    inside: list[list[Word]] = [[] for _ in grids]
    rest: list[Word] = []
    for w in page.words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        k = next((k for k, g in enumerate(grids) if g.holds(cx, cy)), -1)
        (inside[k] if k >= 0 else rest).append(w)
    rows: list[Line] = []
    for grid, words in zip(grids, inside, strict=True):
        got = _grid_rows(page, grid, words) if words else []
        if got is None:
            rest.extend(words)
        else:
            rows.extend(got)
    if not rows:
        return build_lines(page)
    lines = build_lines(PageWords(page.number, page.width, page.height, rest)) if rest else []
    return sorted(lines + rows, key=lambda ln: ln.top)


def _same_columns(a: Sequence[float], b: Sequence[float]) -> bool:
    """The same column widths, wherever the table sits: each sheet of a scan lies a few points
    off the last one (born-digital pages print the table at the same place)."""
    if len(a) != len(b):
        return False
    shift = b[0] - a[0]
    return all(abs(x + shift - y) <= _EDGE_GAP for x, y in zip(a, b, strict=True))


# How alike (rapidfuzz ratio) a page's first row must be to the table's header row to be its
# repetition: OCR reads the same header differently on each page ("thực hiện" / "thực hiệu").
_SAME_HEADER = 90.0


def _repeats_header(row: Sequence[str], head: Sequence[str]) -> bool:
    if tuple(row) == tuple(head):
        return True
    from rapidfuzz import fuzz

    return len(row) == len(head) and fuzz.ratio(_row_text(row), _row_text(head)) >= _SAME_HEADER


def _continues_row(last: Line, row: Line) -> bool:
    """Is ``row``, first on its page, the rest of ``last`` that the page break split? Its first
    cell (the STT) is empty and some cell goes on in lower case ("cấp xã; biên soạn ...")."""
    assert last.cells is not None and row.cells is not None
    if len(last.cells) != len(row.cells) or row.cells[0][:1].isupper() or row.cells[0][:1].isdigit():
        return False
    return any(c[:1].islower() for c in row.cells if c)


def _join_continued_tables(page_lines: list[list[Line]]) -> None:
    """A table that runs over a page break goes on as one table: its header row repeated on the
    new page is dropped, and a row split by the break is joined back cell by cell."""
    for i in range(1, len(page_lines)):
        before, lines = page_lines[i - 1], page_lines[i]
        if not before or not lines:
            continue
        last, first = before[-1], lines[0]
        if first.cells is None or last.cells is None or not _same_columns(last.columns, first.columns):
            continue
        k = 0
        if _repeats_header(first.cells, last.head):
            k = 1
        if k < len(lines) and lines[k].cells is not None and _continues_row(last, lines[k]):
            row = lines[k]
            assert row.cells is not None
            last.cells = [join_lines([a, b]) if a and b else a or b for a, b in zip(last.cells, row.cells, strict=True)]
            last.text = _row_text(last.cells)
            last.words = last.words + row.words
            last._style = None
            k += 1
        page_lines[i] = lines[k:]


# A page number alone on its line: "2", "- 2 -", "Trang 2", "2/5".
_PAGE_NUMBER = re.compile(r"^(?:[-–]\s*\d{1,3}\s*[-–]|\d{1,3}(?:\s*/\s*\d{1,3})?|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?)$")


def _drop_page_furniture(lines: list[Line], page: PageWords) -> list[Line]:
    """Drop rules and page numbers (a lone number in the top or bottom band of the page)."""
    kept = [ln for ln in lines if not ln.rule and ln.words]
    for index in (0, -1):
        if not kept:
            break
        line = kept[index]
        in_band = line.bottom < 0.12 * page.height or line.top > 0.88 * page.height
        if in_band and _PAGE_NUMBER.match(line.text):
            kept.pop(index)
    return kept


# ---------------------------------------------------------------------------------------
# Footnotes
# ---------------------------------------------------------------------------------------

# A footnote's own marker at the head of its first line: "¹ Kế hoạch ...", "1 Kế hoạch".
_NOTE_HEAD = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}|\d{1,2})(?:\s+|(?=[^\W\d_]))(.*)$")


@dataclass(slots=True)
class _Note:
    marker: str
    lines: list[Line]
    texts: list[str]


def _split_footnotes(
    lines: list[Line], body_size: float, size_tol: float, pending: _Note | None
) -> tuple[list[Line], list[_Note], bool]:
    """Take the footnote block off the foot of a page.

    The block is the run of lines, bottom up, in type smaller than the body's; it must
    start with a marker line ("¹ ..."), or continue the previous page's last footnote.
    Returns the remaining lines, the notes found, and whether the first one continues
    ``pending``.
    """
    # Word puts footnotes at the page foot; on the last page they can also sit between the
    # body and the signature table, so a block may end at the page end or at that table.
    ends = [len(lines)] + [i for i, ln in enumerate(lines) if _opens_closing_table(ln)]
    for end in ends:
        small = _small_run(lines, end, body_size, size_tol)
        if not small:
            continue
        rest, notes, continues = _take_notes(lines, small, pending)
        if notes:
            return rest + lines[end:], notes, continues
    return lines, [], False


def _opens_closing_table(line: Line) -> bool:
    return bool(_NOI_NHAN.match(line.text)) or any(
        _SIGNING.match(" ".join(w.text for w in seg)) for seg in line.segments
    )


def _small_run(lines: list[Line], end: int, body_size: float, size_tol: float) -> list[int]:
    """Indexes of the lines in smaller type than the body just above ``end``, top down."""
    small: list[int] = []
    for i in range(end - 1, -1, -1):
        line = lines[i]
        if line.size <= body_size - size_tol and len(line.segments) == 1 and not line.table:
            small.append(i)
        else:
            break
    small.reverse()
    return small


def _take_notes(lines: list[Line], small: list[int], pending: _Note | None) -> tuple[list[Line], list[_Note], bool]:
    """Parse the small-type run ``small`` into footnotes (see :func:`_split_footnotes`)."""
    heads = [i for i in small if _NOTE_HEAD.match(lines[i].text)]
    start = small[0]
    continues = False
    if not heads or heads[0] != start:
        lead = lines[start]
        if pending is not None and abs(lead.size - pending.lines[-1].size) <= 0.5 and lead.text[:1] not in "-+•":
            continues = True
        elif heads:
            start = heads[0]
        else:
            return lines, [], False
    notes: list[_Note] = []
    expected = 1
    for i in range(start, small[-1] + 1):
        line = lines[i]
        m = _NOTE_HEAD.match(line.text)
        number = m.group(1).translate(_FROM_SUPERSCRIPT) if m else ""
        # a plain "12 tháng ..." continuation is not a marker unless it is the next number
        is_head = m is not None and (
            m.group(1)[0] in _SUPERSCRIPTS or not notes or int(number) in (expected, 1) or i == start
        )
        if m is not None and is_head and not (continues and i == start):
            notes.append(_Note(number, [line], [m.group(2)]))
            expected = int(number) + 1
        elif notes:
            notes[-1].lines.append(line)
            notes[-1].texts.append(line.text)
        else:  # continuation of the previous page's footnote
            notes.append(_Note("", [line], [line.text]))
    return lines[:start], notes, continues


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


def _is_full_width(line: Line, frame: _Frame) -> bool:
    """A line that spans the page or is centred on it: not part of a two-column table row."""
    if len(line.segments) != 1:
        return False
    x0, x1 = line.x0, line.x1
    if x1 - x0 >= 0.7 * frame.width:
        return True
    return abs((x0 + x1) / 2 - frame.center) < 0.08 * frame.width


def _column_split(lines: Sequence[Line], frame: _Frame) -> float:
    """Where the gutter between the two cells is: the middle of the widest gap of
    multi-segment rows (median over rows), else the page centre."""
    mids = []
    for line in lines:
        if len(line.segments) > 1:
            gaps = [(b[0].x0 - a[-1].x1, (a[-1].x1 + b[0].x0) / 2) for a, b in itertools.pairwise(line.segments)]
            mids.append(max(gaps)[1])
    return statistics.median(mids) if mids else frame.center


def _split_cells(line: Line, split: float) -> tuple[Line | None, Line | None]:
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


def _sub_line(line: Line, words: list[Word]) -> Line:
    sizes = [w.size for w in words]
    size = max(set(sizes), key=sizes.count)
    return Line(
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
    lines: list[Line]
    zone: Zone


def _same_style(a: Line, b: Line, size_tol: float) -> bool:
    if abs(a.size - b.size) >= size_tol:
        return False
    return a.bold is None or b.bold is None or a.bold == b.bold


def _is_centered(line: Line, frame: _Frame) -> bool:
    return (
        line.x0 > frame.left + 2.0 * line.size
        and line.x1 < frame.right - 2.0 * line.size
        and abs((line.x0 + line.x1) / 2 - frame.center) < 1.5 * line.size
    )


def _body_breaks(prev: Line, cur: Line, frame: _Frame, line_gap: float, size_tol: float) -> bool:
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


def _cell_breaks(prev: Line, cur: Line, size_tol: float, zone: Zone) -> bool:
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


def _group(lines: Iterable[Line], zone: Zone, size_tol: float) -> list[_Para]:
    paras: list[_Para] = []
    for line in lines:
        if paras and not _cell_breaks(paras[-1].lines[-1], line, size_tol, zone):
            paras[-1].lines.append(line)
        else:
            paras.append(_Para([line], zone))
    return paras


# A line that ends inside a code or a range broken at its hyphen: "1874/QĐ-", "2021-"
_GLUED_HYPHEN = re.compile(r"\w-$")


def join_lines(lines: Sequence[str]) -> str:
    """Join visual lines with spaces; a line ending in a glued hyphen ("QĐ-" / "UBND")
    joins without one (Vietnamese words are never hyphenated, codes and ranges are)."""
    out = ""
    for line in lines:
        if out and not _GLUED_HYPHEN.search(out):
            out += " "
        out += line
    return out


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


def _frame_of(lines: Sequence[Line], fallback: _Frame) -> _Frame:
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


def _body_size(lines: Iterable[Line]) -> float:
    weights: dict[float, int] = {}
    for line in lines:
        for w in line.words:
            weights[w.size] = weights.get(w.size, 0) + len(w.text)
    return max(weights, key=lambda s: weights[s]) if weights else 12.0


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
    page_lines = [_drop_page_furniture(lines_of_page(p), p) for p in pages]
    all_lines = [ln for lines in page_lines for ln in lines]
    if not all_lines:
        raise NoText(path, "the PDF has pages but no readable text on them")
    body_size = _body_size(all_lines)
    page_size = {p.number: p for p in pages}

    # 1. footnotes off the foot of every page
    notes: list[_Note] = []
    for i, lines in enumerate(page_lines):
        pending = notes[-1] if notes and notes[-1].lines[-1].page == pages[i].number - 1 else None
        rest, found, continues = _split_footnotes(lines, body_size, size_tol, pending)
        if continues and pending is not None and found:
            pending.lines.extend(found[0].lines)
            pending.texts.extend(found[0].texts)
            found = found[1:]
        notes.extend(found)
        page_lines[i] = rest

    _join_continued_tables(page_lines)
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
    region: list[Line] = []
    for line in stream:
        if line.page != first_page or line.table or _is_full_width(line, full_frame) or _KINH_GUI.match(line.text):
            break
        region.append(line)
    if region and not any(len(ln.segments) > 1 or ln.x0 > full_frame.center for ln in region):
        region = []  # nothing in a right column: not a header table
    if len(region) > 0.6 * len([ln for ln in stream if ln.page == first_page]):
        region = []  # a "header" that eats the page is a page of free-standing lines
    head_left: list[Line] = []
    head_right: list[Line] = []
    split = _column_split(region, full_frame)
    for line in region:
        left, right = _split_cells(line, split)
        if left:
            head_left.append(left)
        if right:
            head_right.append(right)

    # 3. body and the closing block after it
    body: list[tuple[Line, bool]] = []  # (line, after the closing block)
    closing: list[Line] = []
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

    close_left: list[Line] = []
    close_right: list[Line] = []
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
    prev: Line | None = None
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


def _starts_closing(line: Line, prev: Line | None, frame: _Frame) -> bool:
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


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


def _engine_from_env() -> Engine:
    value = os.environ.get("DIRECTIVES_PDF_ENGINE", "pypdfium2").strip().lower() or "pypdfium2"
    if value not in ENGINES:
        raise ValueError(f"DIRECTIVES_PDF_ENGINE must be one of {', '.join(ENGINES)}, not {value!r}")
    return "pdfplumber" if value == "pdfplumber" else "pypdfium2"


def read_pdf(path: Path, engine: Engine | None = None, max_pages: int | None = None) -> Layout:
    """Read a PDF into a :class:`Layout`; pages without a text layer (scans) go to OCR.

    Raises :class:`UnreadableFile` for encrypted, damaged or page-less PDFs and
    :class:`NoText` when neither the text layer nor OCR yields any text.
    """
    path = Path(path)
    chosen = engine or _engine_from_env()
    if chosen not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {chosen!r}")
    pages = page_words(path, chosen, max_pages)
    blank = [p.number for p in pages if not p.words]
    warnings: list[str] = []
    scanned_any = False
    if blank:
        from pipeline.readers import ocr

        scanned = ocr.scanned_pages(path, blank)
        if scanned:
            ocr_pages = ocr.ocr_pages(path, scanned)
            by_number = {p.number: p for p in ocr_pages}
            pages = [by_number.get(p.number, p) for p in pages]
            warnings.append(ocr.scan_warning(scanned, len(pages)))
            scanned_any = True
            if len(scanned) == len(pages):
                layout = words_to_layout(pages, path, size_tol=ocr.SIZE_TOLERANCE, warnings=warnings)
                layout.scanned = True
                return layout
    by_content = _convert_legacy(pages, warnings)
    layout = words_to_layout(pages, path, warnings=warnings)
    layout.scanned = scanned_any
    if by_content:
        _restore_legacy_caps(layout)
    return layout


def _convert_legacy(pages: list[PageWords], warnings: list[str]) -> bool:
    """Convert words typed in legacy fonts (TCVN3, VNI) to Unicode, page by page, before the
    layout normalizes them; True when some page was judged TCVN3 by content (its font names
    lost, so capitals typed in ".VnTimeH" read as lower case)."""
    used: set[legacy.Encoding] = set()
    by_content = False
    for page in pages:
        if not page.words:
            continue
        fonts = [w.font for w in page.words]
        texts, page_used = legacy.fix_runs([w.text for w in page.words], fonts)
        if not page_used:
            continue
        used |= page_used
        tcvn3 = bool(page_used & {"tcvn3", "tcvn3_caps"})
        by_content = by_content or (tcvn3 and not any(legacy.encoding_for_font(f) for f in fonts))
        for word, text in zip(page.words, texts, strict=True):
            word.text = legacy.restore_lost_u(text) if tcvn3 else text
    if used:
        warnings.append(legacy.warning(used))
    return by_content


def _restore_legacy_caps(layout: Layout) -> None:
    """Header and signer lines typed in ".VnTimeH" read as lower case once the font name is
    lost: put them back in capitals (see :func:`pipeline.legacy.restore_caps`)."""
    for para in layout.zone("header_left", "header_right", "closing_right"):
        text = legacy.restore_caps(para.text)
        if text != para.text:  # the whole paragraph was lower case: every line was typed in capitals
            para.text = text
            para.lines = [legacy.restore_caps(line) for line in para.lines]
    layout.finalize()
