"""Reading a PDF: the engines' words, OCR for the pages that are scans, legacy fonts converted, and the
result as the Layout of the first landing (:func:`read_pdf`)."""

from __future__ import annotations

from pathlib import Path

from pipeline import legacy
from pipeline.layout import Layout
from pipeline.readers.pdf.engines import Engine, check_engine, page_words
from pipeline.readers.pdf.page_layout import words_to_layout
from pipeline.readers.pdf.words import PageWords


def read_pdf(path: Path, engine: Engine | None = None, max_pages: int | None = None) -> Layout:
    """Read a PDF into a :class:`Layout`; pages without a text layer (scans) go to OCR.

    Raises :class:`UnreadableFile` for encrypted, damaged or page-less PDFs and
    :class:`NoText` when neither the text layer nor OCR yields any text.
    """
    path = Path(path)
    pages = page_words(path, check_engine(engine), max_pages)
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
