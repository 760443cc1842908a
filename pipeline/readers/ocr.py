"""OCR reader for scanned PDFs (bản quét): pages rendered at 300 dpi, read by Tesseract.

Tesseract's word boxes feed the same layout algorithm as born-digital PDFs
(:func:`pipeline.readers.pdf.words_to_layout`), so the header and signature tables split
into their columns the same way. Font sizes are estimated from line heights and bold is
unknown (``None``). Every layout read this way carries a warning for the clerk: numbers
and diacritics from a scan must be checked against the paper.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pipeline.errors import NoText, UnreadableFile
from pipeline.layout import Layout
from pipeline.readers.pdf import PageWords, Word, _open_pdfium, words_to_layout

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


def scanned_pages(path: Path, numbers: Sequence[int]) -> list[int]:
    """Of the given text-less pages, those that hold an image (a scan), not blank pages."""
    import pypdfium2.raw as pdfium_c

    doc = _open_pdfium(path)
    found: list[int] = []
    try:
        for number in numbers:
            page = doc[number - 1]
            try:
                handle = page.raw
                count = pdfium_c.FPDFPage_CountObjects(handle)
                for k in range(count):
                    obj = pdfium_c.FPDFPage_GetObject(handle, k)
                    if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                        found.append(number)
                        break
            finally:
                page.close()
    finally:
        doc.close()
    return found


# Tesseract's hOCR: a line span carries the baseline and the estimated type height
# ("baseline 0.009 -24; x_size 58; x_descenders 15"), each word span its box and confidence
# ("bbox 449 225 518 272; x_wconf 91">BÔ</span>).
_HOCR = re.compile(
    r"class='(?:ocr_line|ocr_header|ocr_caption|ocr_textfloat)'[^>]*title=\"bbox (\d+) (\d+) (\d+) (\d+)"
    r"(?:; baseline (-?[\d.]+) (-?[\d.]+))?; x_size ([\d.]+); x_descenders ([\d.]+)"
    r"|class='ocrx_word'[^>]*title='bbox (\d+) (\d+) (\d+) (\d+); x_wconf (\d+)'[^>]*>(.*?)</span>"
)
_TAGS = re.compile(r"<[^>]+>")
# marks OCR reads as tiny words on their own and that are still real text
_SMALL_TEXT = set("-–—.,;:/()")


def words_from_hocr(hocr: str, scale: float) -> list[Word]:
    """Tesseract hOCR → words in points. Words of one OCR line share its baseline and
    type size, so the layout algorithm sees even lines, not glyph-by-glyph boxes."""
    words: list[Word] = []
    top = bottom = 0.0
    size = 12.0
    x_size_px = 40.0
    for m in _HOCR.finditer(hocr):
        if m.group(1) is not None:
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
        if not text:
            continue
        wx0, wy0, wx1, wy1 = (float(m.group(k)) for k in range(9, 13))
        conf = float(m.group(13))
        if conf < MIN_CONFIDENCE:
            continue
        # a speck or a stamp edge read as a letter: much shorter than the line's type
        if wy1 - wy0 < 0.3 * x_size_px and conf < 60 and not set(text) <= _SMALL_TEXT:
            continue
        words.append(Word(text, wx0 * scale, wx1 * scale, top, bottom, size))
    return words


def ocr_pages(path: Path, numbers: Sequence[int], dpi: int = DPI) -> list[PageWords]:
    """Render the given pages (1-based) and OCR them, a few pages in parallel."""
    pytesseract = _check_tesseract(path)
    doc = _open_pdfium(path)
    scale = 72.0 / dpi
    try:
        images = []
        sizes = []
        for number in numbers:
            page = doc[number - 1]
            try:
                sizes.append(page.get_size())
                images.append(page.render(scale=dpi / 72.0, grayscale=True).to_pil())
            except Exception as exc:  # PdfiumError on a broken image stream
                raise UnreadableFile(path, f"page {number} of the scan cannot be rendered ({exc})") from exc
            finally:
                page.close()
    finally:
        doc.close()

    def run(image: Any) -> str:
        # one tesseract thread per page, pages in parallel: faster than OpenMP inside one page
        hocr: bytes = pytesseract.image_to_pdf_or_hocr(image, lang=LANG, config="--psm 3", extension="hocr")
        return hocr.decode("utf-8", "replace")

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    workers = max(1, min(len(images), os.cpu_count() or 1, 4))
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run, images))
    except pytesseract.TesseractError as exc:
        raise NoText(path, f"tesseract failed on the scan ({exc})") from exc
    return [
        PageWords(number, width, height, words_from_hocr(hocr, scale))
        for number, (width, height), hocr in zip(numbers, sizes, results, strict=True)
    ]


def read_scanned_pdf(path: str | Path, max_pages: int | None = None, dpi: int = DPI) -> Layout:
    """OCR every page of a scanned PDF (or the first ``max_pages``) into a :class:`Layout`."""
    p = Path(path)
    doc = _open_pdfium(p)
    total = len(doc)
    doc.close()
    numbers = list(range(1, (total if max_pages is None else min(total, max_pages)) + 1))
    pages = ocr_pages(p, numbers, dpi)
    if not any(page.words for page in pages):
        raise NoText(p, "OCR found no readable text on the scanned pages")
    return words_to_layout(pages, p, size_tol=SIZE_TOLERANCE, warnings=[scan_warning(numbers, len(numbers))])
