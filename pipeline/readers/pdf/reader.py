"""Reading a PDF: the engines' words, OCR for the pages that are scans, legacy fonts converted (the
front end, :func:`read_pages`), then either the positioned lines of the contract
(:func:`read_pdf_lines`) or the Layout of the first landing (:func:`read_pdf`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models.record import Received
from pipeline import legacy
from pipeline.errors import NoText
from pipeline.layout import Layout
from pipeline.lines import Lines
from pipeline.readers.pdf.engines import Engine, check_engine, page_words
from pipeline.readers.pdf.furniture import drop_page_furniture
from pipeline.readers.pdf.lines import build_lines
from pipeline.readers.pdf.to_lines import to_lines
from pipeline.readers.pdf.words import PageWords

# the font-size slack of born-digital text: a point either way is a change of style
SIZE_TOLERANCE = 1.0


@dataclass
class ReadPages:
    """A PDF's pages as words, whichever way each page was read."""

    path: Path
    pages: list[PageWords]
    scanned: list[int] = field(default_factory=list)  # numbers of the pages read by OCR
    warnings: list[str] = field(default_factory=list)
    received: Received | None = None  # a receiving office's "ĐẾN" stamp read off a scanned page
    # TCVN3 judged by content (its font names lost): capitals typed in ".VnTimeH" read as lower case
    legacy_caps: bool = False

    @property
    def size_tolerance(self) -> float:
        """How far font sizes may differ within one style: OCR sizes come from pixel heights."""
        if self.scanned and len(self.scanned) == len(self.pages):
            from pipeline.readers import ocr

            return ocr.SIZE_TOLERANCE
        return SIZE_TOLERANCE


def read_pages(path: str | Path, engine: Engine | None = None, max_pages: int | None = None) -> ReadPages:
    """Every page's words: the text layer by ``engine``, and OCR for pages that are a scan.

    Raises :class:`UnreadableFile` for encrypted, damaged or page-less PDFs.
    """
    path = Path(path)
    pages = page_words(path, check_engine(engine), max_pages)
    read = ReadPages(path, pages)
    scanned = [p.number for p in pages if is_scan(p)]
    if scanned:
        from pipeline.readers import ocr

        text = {p.number: p.words for p in pages if p.number in scanned and p.words}
        scan = ocr.read_scan(path, scanned, text=text)
        by_number = {p.number: p for p in scan.pages}
        read.pages = [by_number.get(p.number, p) for p in pages]
        read.warnings += [ocr.scan_warning(scanned, len(pages)), *scan.warnings]
        read.scanned = scanned
        read.received = scan.received
    if len(read.scanned) < len(read.pages):
        read.legacy_caps = _convert_legacy(read.pages, read.warnings)
    return read


# An image this big (share of the page) can be a scanned page, or the scanned part of one.
_SCAN_AREA = 0.10
# Text-layer words over such an image, per point² of it, below which the image holds the text: a page
# of print has a word every 1,000-1,500 pt², a searchable scan's hidden OCR layer as many.
_TEXT_OVER_SCAN = 1 / 20_000


def is_scan(page: PageWords) -> bool:
    """Is the page's text in an image, to be read by OCR?

    A page with no text layer and an image is a scan. So is a page whose text layer holds only what is
    not the document (a digital-signature note, a Công báo running head and its page number) over a
    big image, or whose big image carries (almost) no text-layer words while a few lines beside it are
    text: a Công báo reprint whose body pages are images and whose signer block is text. A searchable
    scan (its OCR text over the image) and a born-digital page with a logo are not.
    """
    if not page.figures:
        return False
    if not page.words:
        return True
    big = [f for f in page.figures if f.area >= _SCAN_AREA * page.width * page.height]
    if not big:
        return False
    lines = build_lines(page)
    content = [w for ln in drop_page_furniture(lines, page) for w in ln.words]
    over = [w for w in content if any(f.holds(w) for f in big)]
    return len(over) <= _TEXT_OVER_SCAN * sum(f.area for f in big)


def read_pdf_lines(path: str | Path, engine: Engine | None = None, max_pages: int | None = None) -> Lines:
    """Read a PDF into positioned :class:`~pipeline.lines.Lines` (see :mod:`pipeline.readers.pdf.to_lines`);
    pages without a text layer (scans) go to OCR.

    Raises :class:`UnreadableFile` for encrypted, damaged or page-less PDFs and :class:`NoText` when
    neither the text layer nor OCR yields any text.
    """
    read = read_pages(path, engine, max_pages)
    lines = to_lines(
        read.pages,
        read.path,
        size_tol=read.size_tolerance,
        warnings=read.warnings,
        scanned=read.scanned,
        received=read.received,
    )
    if not lines.lines:
        raise NoText(read.path, "the PDF has pages but no readable text on them")
    lines.caps_lost = read.legacy_caps
    return lines


def read_pdf(path: Path, engine: Engine | None = None, max_pages: int | None = None) -> Layout:
    """Read a PDF into a zoned :class:`Layout` (its lines through the document grammar); pages without a text
    layer (scans) go to OCR.

    Raises :class:`UnreadableFile` for encrypted, damaged or page-less PDFs and
    :class:`NoText` when neither the text layer nor OCR yields any text.
    """
    from pipeline.grammar import layout as grammar_layout

    return grammar_layout(read_pdf_lines(path, engine, max_pages))


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
