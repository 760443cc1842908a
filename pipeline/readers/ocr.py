"""OCR reader for scanned PDFs (bản quét): pages rendered at 300 dpi, read by Tesseract.

Tesseract's word boxes become the same positioned lines as born-digital PDFs
(:func:`pipeline.readers.pdf.to_lines.to_lines`, then :mod:`pipeline.grammar`), so the header and
signature tables split into their columns the same way. Table borders, which on a scan are pixels
rather than drawn paths, are found in the page image (:func:`page_rules`) and handed over as the same
:class:`~pipeline.readers.pdf.words.Rule` objects the vector reader makes, so a ruled task table on a
scan comes out as table cells by the one grid code. Font sizes are estimated from line heights and
bold is unknown (``None``). Every document read this way carries a warning for the clerk: numbers
and diacritics from a scan must be checked against the paper.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from extractors import patterns
from models.record import Received
from pipeline import regex_cache
from pipeline.errors import NoText, UnreadableFile
from pipeline.layout import Layout
from pipeline.readers import reread
from pipeline.readers.pdf.pdfium import open_pdfium
from pipeline.readers.pdf.tables import grids
from pipeline.readers.pdf.words import PageWords, Rule, Word

DPI = 300
LANG = "vie"
# OCR sizes come from pixel heights of lines: a point either way is noise, not style
SIZE_TOLERANCE = 2.5
# Tesseract confidence below which a "word" is usually a speck or a stamp edge
MIN_CONFIDENCE = 10.0
# tesseract's x_size (ascender to descender) is about 1.1 × the font size in print
_LINE_HEIGHT_PER_POINT = 1.1


def scan_warning(pages: Sequence[int], total: int) -> str:
    """The clerk-facing warning for text that came from a scan."""
    where = "toàn bộ văn bản" if len(pages) == total else "trang " + ", ".join(str(p) for p in pages)
    return (
        f"Văn bản quét: chữ ở {where} được nhận dạng tự động (OCR), có thể sai số, ký hiệu, "
        "ngày tháng và dấu tiếng Việt; hãy đối chiếu với bản giấy. "
        "(Text read from a scan by OCR: check numbers, dates and diacritics against the paper.)"
    )


def _check_tesseract(path: Path) -> Any:
    """pytesseract, once we know the tesseract program and its Vietnamese model are there."""
    try:
        import pytesseract
    except ImportError as exc:
        raise NoText(path, "the page is a scan and the Python package pytesseract is not installed") from exc
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError as exc:
        raise NoText(
            path, "the page is a scan and the OCR program tesseract is not installed (apt install tesseract-ocr)"
        ) from exc
    try:
        languages = pytesseract.get_languages(config="")
    except pytesseract.TesseractError as exc:
        raise NoText(path, f"the page is a scan and tesseract cannot list its language models ({exc})") from exc
    if LANG not in languages:
        raise NoText(
            path,
            "the page is a scan and tesseract's Vietnamese model is missing (apt install tesseract-ocr-vie)",
        )
    return pytesseract


# Tesseract's hOCR: a line span carries the baseline and the estimated type height
# ("baseline 0.009 -24; x_size 58; x_descenders 15"), each word span its box and confidence
# ("bbox 449 225 518 272; x_wconf 91">BÔ</span>).
_HOCR = regex_cache.compile(
    r"class='(?:ocr_line|ocr_header|ocr_caption|ocr_textfloat)'[^>]*title=\"bbox (\d+) (\d+) (\d+) (\d+)"
    r"(?:; baseline (-?[\d.]+) (-?[\d.]+))?; x_size ([\d.]+); x_descenders ([\d.]+)"
    r"|class='ocrx_word'[^>]*title='bbox (\d+) (\d+) (\d+) (\d+); x_wconf (\d+)'[^>]*>(.*?)</span>"
)
_TAGS = regex_cache.compile(r"<[^>]+>")
# marks OCR reads as tiny words on their own and that are still real text
_SMALL_TEXT = set("-–—.,;:/()")
# marks that are never text on their own: a speck read as a grave accent or a tilde ("`", "~", "^")
_SPECK_MARKS = set("`´^~¨'‘’")
# tesseract reads the bar of a "Đ" in a bold or dense code as more letters: "LĐĐĐTBXH" for "LĐTBXH".
# No abbreviation has three Đ in a row (two do: "ĐĐBQH", the National Assembly delegation), so a run of
# three or more is one. (OCR mixes in the look-alike Latin eth, "LĐÐĐTBXH", normalized later.)
_TRIPLED_D = regex_cache.compile(r"[ĐÐ]{3,}|[đð]{3,}")
# a code broken at its hyphen within one line: tesseract reads the gap a justified line leaves
# after a hyphen as a space ("306/2025/NĐ- CP)"); a word that goes on a code's ký hiệu is glued back
_CODE_OPEN = regex_cache.compile(r"^[(\[]?\d{1,5}[/⁄]\S*[A-ZĐ]-$")
_CODE_GOES_ON = regex_cache.compile(r"^[A-ZĐ][A-ZĐa-z]{0,7}(?:[-/][A-ZĐ]\w*)*[)\];,.:]*$")


# a mark's case slip: the last letter of a lower-case word read as a capital with its marks ("sỐ" for
# "số", "Nghị định sỐ 158/2020"); no Vietnamese word ends so, while units keep plain letters ("kW")
def _case_slip(text: str) -> bool:
    head, last = text[:-1], text[-1:]
    return head.isalpha() and head.islower() and last.isupper() and not last.isascii()


def words_from_hocr(hocr: str, scale: float) -> list[Word]:
    """Tesseract hOCR → words in points. Words of one OCR line share its baseline and
    type size, so the layout algorithm sees even lines, not glyph-by-glyph boxes."""
    words: list[Word] = []
    top = bottom = 0.0
    size = 12.0
    x_size_px = 40.0
    line_start = 0  # the first word of the current OCR line
    for m in _HOCR.finditer(hocr):
        if m.group(1) is not None:
            line_start = len(words)
            x0, _y0, x1, y1 = (float(m.group(k)) for k in range(1, 5))
            slope = float(m.group(5) or 0.0)
            offset = float(m.group(6) or 0.0)
            x_size_px = float(m.group(7))
            descenders = float(m.group(8))
            # the baseline's offset is from the box's bottom-left corner, along its slope
            baseline = y1 + offset + slope * (x1 - x0) / 2
            bottom = (baseline + descenders) * scale
            top = (baseline + descenders - x_size_px) * scale
            size = round(x_size_px * scale / _LINE_HEIGHT_PER_POINT * 2) / 2
            continue
        text = html.unescape(_TAGS.sub("", m.group(14))).strip()
        if not text or set(text) <= _SPECK_MARKS:
            continue
        wx0, wy0, wx1, wy1 = (float(m.group(k)) for k in range(9, 13))
        conf = float(m.group(13))
        if conf < MIN_CONFIDENCE and not patterns.OCR_CODE_WORD.match(text):
            continue
        # a speck or a stamp edge read as a letter: much shorter than the line's type
        if wy1 - wy0 < 0.3 * x_size_px and conf < 60 and not set(text) <= _SMALL_TEXT:
            continue
        text = _TRIPLED_D.sub(lambda m: m.group(0)[0], text)
        if _case_slip(text):
            text = text.lower()
        if len(words) > line_start and _CODE_OPEN.match(words[-1].text) and _CODE_GOES_ON.match(text):
            words[-1].text += text
            words[-1].x1 = wx1 * scale
            continue
        words.append(Word(text, wx0 * scale, wx1 * scale, top, bottom, size))
    return words


# ---------------------------------------------------------------------------------------
# Ruling lines in the page image
# ---------------------------------------------------------------------------------------

# Gray level below which a pixel is ink: a printed rule scans at 0-100, paper at 230+, and
# the red stamp (about 80-120) is dark too but draws no long straight strokes.
_DARK = 160
# Pixels pooled across a line's direction (the darkest wins): three at 300 dpi (a quarter of
# a millimetre) keep a line 1° off level inside one band for a few centimetres, so slight skew
# still gives long runs, while letters keep their gaps along the line.
_BAND = 3
# Shortest rules looked for, in points. A table border spans at least a cell: a row is 20 pt
# or more, a column wider than 30 pt, while no letter stroke reaches 16 pt at body sizes.
_MIN_HORIZONTAL = 30.0
_MIN_VERTICAL = 16.0
# Share of a window that must be ink: scanned rules are broken by toner gaps and dust
_FILL = 0.9
# A rule thicker than this (points, plus 2 % of its length for skew) is a dark block or a photo
_MAX_THICKNESS = 4.0


def _long_runs(ink: NDArray[np.bool_], length: int) -> list[tuple[int, int, int, int]]:
    """Runs along axis 1 of ``ink`` at least ``length`` long (a window of that length at least
    :data:`_FILL` ink slides along them), runs in neighbouring bands that overlap joined into one
    line: ``(first band, last band, start, end)`` with ``end`` exclusive."""
    bands, size = ink.shape
    if size < length:
        return []
    # windowed ink counts by cumulative sums: one vectorised pass over the page
    counts = np.zeros((bands, size + 1), np.int32)
    np.cumsum(ink, axis=1, out=counts[:, 1:])
    full = counts[:, length:] - counts[:, :-length] >= _FILL * length
    if not full.any():
        return []  # most pages: no rule at all, nothing more to pay
    edges = np.zeros((bands, full.shape[1] + 2), np.int8)
    edges[:, 1:-1] = full
    steps = np.diff(edges, axis=1)
    band_of, starts = np.nonzero(steps == 1)
    _, stops = np.nonzero(steps == -1)  # row-major like the starts, so they pair up
    lines: list[list[int]] = []
    for band, start, end in zip(band_of.tolist(), starts.tolist(), (stops + length - 1).tolist(), strict=True):
        # a rule a few pixels thick, or drifting with skew, lights up neighbouring bands
        for line in reversed(lines):
            if line[1] >= band - 1 and start <= line[3] and end >= line[2]:
                line[1], line[2], line[3] = band, min(line[2], start), max(line[3], end)
                break
        else:
            lines.append([band, band, start, end])
    out: list[tuple[int, int, int, int]] = []
    for first, last, start, end in lines:
        # the window lets a run overshoot the ink by its gap allowance: cut it back to the ink
        inked = np.flatnonzero(ink[first : last + 1, start:end].any(axis=0))
        if inked.size:
            out.append((first, last, start + int(inked[0]), start + int(inked[-1]) + 1))
    return out


@dataclass(slots=True)
class _Stroke:
    """A ruling line found in the image: the rule in points, and the pixel box it inks
    (``top, bottom, left, right``, ends exclusive) so it can be wiped before OCR."""

    rule: Rule
    box: tuple[int, int, int, int]


def _strokes(gray: NDArray[np.uint8], dpi: int) -> list[_Stroke]:
    per_pixel = 72.0 / dpi
    height, width = gray.shape[0] // _BAND * _BAND, gray.shape[1] // _BAND * _BAND
    image = gray[:height, :width]
    found: list[_Stroke] = []
    rows = image.reshape(height // _BAND, _BAND, width).min(axis=1) < _DARK
    for first, last, start, end in _long_runs(rows, round(_MIN_HORIZONTAL / per_pixel)):
        if (last - first + 1) * _BAND * per_pixel <= _MAX_THICKNESS + 0.02 * (end - start) * per_pixel:
            y = (first + last + 1) / 2 * _BAND * per_pixel
            box = (first * _BAND, (last + 1) * _BAND, start, end)
            found.append(_Stroke(Rule(start * per_pixel, y, end * per_pixel, y), box))
    columns = np.ascontiguousarray((image.reshape(height, width // _BAND, _BAND).min(axis=2) < _DARK).T)
    for first, last, start, end in _long_runs(columns, round(_MIN_VERTICAL / per_pixel)):
        if (last - first + 1) * _BAND * per_pixel <= _MAX_THICKNESS + 0.02 * (end - start) * per_pixel:
            x = (first + last + 1) / 2 * _BAND * per_pixel
            box = (start, end, first * _BAND, (last + 1) * _BAND)
            found.append(_Stroke(Rule(x, start * per_pixel, x, end * per_pixel), box))
    return found


def page_rules(gray: NDArray[np.uint8], dpi: int = DPI) -> list[Rule]:
    """Horizontal and vertical ruling lines of a scanned page image (8-bit grayscale), in
    points from the top-left corner like the OCR words: table borders for the grid code of
    :mod:`pipeline.readers.pdf.tables`. Text, the stamp and the signature give no runs this long
    and straight; a short rule that does slip through crosses nothing and makes no table."""
    return [stroke.rule for stroke in _strokes(gray, dpi)]


def _table_rules(gray: NDArray[np.uint8], dpi: int) -> tuple[NDArray[np.uint8], list[Rule]]:
    """The page's ruling lines, and the image to OCR: with the borders of its ruled tables
    wiped, since tesseract reads a cell border as "|", "I" or "l" and lets it garble the
    words beside it. A page with no table goes to OCR untouched."""
    strokes = _strokes(gray, dpi)
    rules = [stroke.rule for stroke in strokes]
    tables = grids(rules) if rules else []
    if not tables:
        return gray, rules
    wiped = gray.copy()
    for stroke in strokes:
        r = stroke.rule
        # by its middle: a scanned border overshoots the table's corner by a point or two
        if any(g.holds((r.x0 + r.x1) / 2, (r.top + r.bottom) / 2) for g in tables):
            top, bottom, left, right = stroke.box
            # the box is where the run was found; the rule's blurred edge and a few pixels of drift
            # can lie just outside it (only rows mostly ink are wiped, so text nearby is safe)
            if r.horizontal:
                top, bottom, left, right = top - _WIPE_MARGIN, bottom + _WIPE_MARGIN, left - 2, right + 2
            else:
                top, bottom, left, right = top - 2, bottom + 2, left - _WIPE_MARGIN, right + _WIPE_MARGIN
            region = wiped[max(top, 0) : bottom, max(left, 0) : right]
            _wipe(region if r.horizontal else region.T)
    return wiped, rules


# Length (pixels) of the pieces a rule is wiped in: short enough that a skewed rule stays
# level within one, long enough that text beside the rule never fills half of one.
_WIPE_PIECE = 64
# A rule's grey fringe (the scanner's blur) is lighter than ink but still drawn as a line by
# tesseract's binarisation: wiped down to this gray level, and this many pixels either side.
_WIPE_DARK = 210
_WIPE_EDGE = 2
_WIPE_MARGIN = 5


def _wipe(region: NDArray[np.uint8]) -> None:
    """Whiten a horizontal rule in ``region`` (a view; a vertical rule comes transposed): piece
    by piece along it, the pixel rows more than half ink, and a couple either side for the
    blurred edge. Wiping the whole box would take with it the text a skewed rule runs near."""
    rows, length = region.shape
    pieces = -(-length // _WIPE_PIECE)
    ink = np.zeros((rows, pieces * _WIPE_PIECE), np.bool_)
    ink[:, :length] = region < _WIPE_DARK
    line = ink.reshape(rows, pieces, _WIPE_PIECE).mean(axis=2) > 0.5
    for _ in range(_WIPE_EDGE):
        line[1:] |= line[:-1].copy()
        line[:-1] |= line[1:].copy()
    region[np.repeat(line, _WIPE_PIECE, axis=1)[:, :length]] = 255


@dataclass
class Scan:
    """What OCR read off a PDF's scanned pages: their words, the receiving office's stamp when the
    first page carries one, and the clerk's warnings about handwriting it could not read."""

    pages: list[PageWords]
    received: Received | None = None
    warnings: list[str] = field(default_factory=list)


def ocr_pages(
    path: Path, numbers: Sequence[int], dpi: int = DPI, text: Mapping[int, list[Word]] | None = None
) -> list[PageWords]:
    """Render the given pages (1-based) and OCR them, a few pages in parallel (see :func:`read_scan`,
    which also reads the first page's stamp and handwriting)."""
    return _ocr(path, numbers, dpi, text or {})


def read_scan(path: Path, numbers: Sequence[int], dpi: int = DPI, text: Mapping[int, list[Word]] | None = None) -> Scan:
    """OCR the given pages (1-based); on the document's first page, take off the receiving office's
    "ĐẾN" stamp (:mod:`pipeline.readers.stamps`) and read again the number and day written by hand into
    the header (:mod:`pipeline.readers.blanks`).

    ``text``: words a page's text layer holds beside its image (a Công báo running head, a signer
    block, a signature note), by page number. They are wiped from the image before OCR, so nothing is
    read twice, and come back among the page's words. Annotations are not drawn: what they print is
    in the text layer already (a signature note, a stamped number) or is no text at all.
    """
    from pipeline.readers import blanks, stamps

    pages = _ocr(path, numbers, dpi, text or {})
    scan = Scan(pages)
    if 1 in numbers:
        first = pages[list(numbers).index(1)]
        scan.received = stamps.take_stamp(first)
        found = blanks.find_blanks(first)
        readings: list[blanks.Reading] = []
        if any(blank.handwritten for blank in found):
            # the page again, in colour this time: a pen's blue or red tells its strokes from the print
            colour = _render(path, [1], dpi, colour=True)[0][0]
            rgb = np.asarray(colour.convert("RGB")).astype(np.int16)
            readings = blanks.read_blanks(_check_tesseract(path), rgb, found, dpi)
        scan.warnings += blanks.apply(first, found, readings)
    return scan


def _render(
    path: Path, numbers: Sequence[int], dpi: int, colour: bool = False
) -> tuple[list[Any], list[tuple[float, float]]]:
    """The pages' images (grey, or in colour) and sizes in points."""
    doc = open_pdfium(path)
    images: list[Any] = []
    sizes: list[tuple[float, float]] = []
    try:
        for number in numbers:
            page = doc[number - 1]
            try:
                sizes.append(page.get_size())
                bitmap = page.render(scale=dpi / 72.0, grayscale=not colour, draw_annots=False, may_draw_forms=False)
                images.append(bitmap.to_pil())
            except Exception as exc:  # PdfiumError on a broken image stream
                raise UnreadableFile(path, f"page {number} of the scan cannot be rendered ({exc})") from exc
            finally:
                page.close()
    finally:
        doc.close()
    return images, sizes


def _ocr(path: Path, numbers: Sequence[int], dpi: int, text: Mapping[int, list[Word]]) -> list[PageWords]:
    pytesseract = _check_tesseract(path)
    scale = 72.0 / dpi

    def run(job: tuple[Any, list[Word]]) -> tuple[str, list[Rule]]:
        image, known = job
        pixels = np.asarray(image)
        if known:
            pixels = _wipe_words(pixels, known, dpi)
        gray, rules = _table_rules(pixels, dpi)
        page = image if gray is pixels and not known else Image.fromarray(gray)
        hocr: bytes = pytesseract.image_to_pdf_or_hocr(page, lang=LANG, config="--psm 3", extension="hocr")
        return reread.reread_weak_runs(pytesseract, gray, hocr.decode("utf-8", "replace"), LANG, dpi), rules

    cpus = os.cpu_count() or 1
    workers = max(1, min(len(numbers), cpus, 4))
    # pages in parallel, one tesseract thread each (faster than OpenMP inside one page); a single page
    # gets the threads the pages would have had
    os.environ["OMP_THREAD_LIMIT"] = os.environ.get("DIRECTIVES_OCR_THREADS") or str(max(1, cpus // workers))
    sizes: list[tuple[float, float]] = []
    results: list[tuple[str, list[Rule]]] = []
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # rendered a few pages at a time, as tesseract takes them: a page image at 300 dpi is ~9 MB,
            # and a 300-page scan rendered up front held 2.6 GB
            for start in range(0, len(numbers), workers):
                chunk = list(numbers[start : start + workers])
                images, chunk_sizes = _render(path, chunk, dpi)
                sizes += chunk_sizes
                results += pool.map(run, [(image, text.get(n, [])) for image, n in zip(images, chunk, strict=True)])
    except pytesseract.TesseractError as exc:
        raise NoText(path, f"tesseract failed on the scan ({exc})") from exc
    return [
        PageWords(number, width, height, [*text.get(number, []), *words_from_hocr(hocr, scale)], rules)
        for number, (width, height), (hocr, rules) in zip(numbers, sizes, results, strict=True)
    ]


def _wipe_words(gray: NDArray[np.uint8], words: Sequence[Word], dpi: int) -> NDArray[np.uint8]:
    """The page image with the boxes of text-layer words painted white (a point around each)."""
    out = gray.copy()
    per_point = dpi / 72.0
    height, width = out.shape
    for w in words:
        top, bottom = max(int((w.top - 1) * per_point), 0), min(int((w.bottom + 1) * per_point) + 1, height)
        left, right = max(int((w.x0 - 1) * per_point), 0), min(int((w.x1 + 1) * per_point) + 1, width)
        out[top:bottom, left:right] = 255
    return out


def read_scanned_pdf(path: str | Path, max_pages: int | None = None, dpi: int = DPI) -> Layout:
    """OCR every page of a scanned PDF (or the first ``max_pages``) into a :class:`Layout`."""
    p = Path(path)
    doc = open_pdfium(p)
    total = len(doc)
    doc.close()
    numbers = list(range(1, (total if max_pages is None else min(total, max_pages)) + 1))
    pages = ocr_pages(p, numbers, dpi)
    if not any(page.words for page in pages):
        raise NoText(p, "OCR found no readable text on the scanned pages")
    from pipeline.grammar import layout
    from pipeline.readers.pdf.to_lines import to_lines

    lines = to_lines(pages, p, size_tol=SIZE_TOLERANCE, warnings=[scan_warning(numbers, len(numbers))], scanned=numbers)
    return layout(lines)
