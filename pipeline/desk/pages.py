"""Page images of a PDF, rendered on the server, and where each paragraph stands on them.

Pages are rendered with pdfium (``pypdfium2``) at a width a screen shows whole, once per file
(the desk caches them, :mod:`pipeline.desk.cache`). A paragraph's boxes come from the reader
(``Paragraph.boxes``, from its positioned lines). When a reader gave none for a born-digital PDF,
:func:`locate_paragraphs` finds each visual line of each paragraph in the page's own text layer
(pdfium's search) and takes its rectangles — the same points, top-left origin. A scan has no text
layer: there only the reader's boxes can place a mark on the page.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.layout import Box, Layout

PAGE_WIDTH_PX = 1100  # an A4 page (595 pt) at about 1.85×: sharp on a laptop, ~150-300 kB a page


@contextmanager
def _pdf(path: Path) -> Iterator[Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        yield pdf
    finally:
        pdf.close()


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """(width, height) of each page, in points."""
    with _pdf(path) as pdf:
        return [(float(w), float(h)) for w, h in (pdf[i].get_size() for i in range(len(pdf)))]


def render_page(path: Path, page: int, *, width_px: int = PAGE_WIDTH_PX, image_format: str = "PNG") -> bytes:
    """Page ``page`` (1-based) as an image ``width_px`` wide (PNG, or JPEG for standalone pages)."""
    with _pdf(path) as pdf:
        pdf_page = pdf[page - 1]
        width, _ = pdf_page.get_size()
        image = pdf_page.render(scale=width_px / width).to_pil()
        out = io.BytesIO()
        if image_format == "JPEG":
            image.convert("RGB").save(out, format="JPEG", quality=80)
        else:
            image.save(out, format="PNG", optimize=False)
        return out.getvalue()


def _line_boxes(text_page: Any, line: str, height: float, page: int, start: int) -> tuple[list[Box], int] | None:
    """The rectangles of ``line`` on a page searched from char ``start``: (boxes, next start), or None."""
    searcher = text_page.search(line, match_case=True, index=start)
    try:
        found = searcher.get_next()
    finally:
        searcher.close()
    if not found:
        return None
    index, count = found
    boxes = []
    for i in range(text_page.count_rects(index, count)):
        left, bottom, right, top = text_page.get_rect(i)
        boxes.append(Box(page, left, height - top, right, height - bottom))
    return boxes, index + count


def locate_paragraphs(path: Path, layout: Layout) -> int:
    """Fill ``boxes`` of the paragraphs the reader left without, from the PDF's text layer.

    Each visual line is searched on the paragraph's page (then the next, for a paragraph that
    runs over a page break) from where the previous line of the same paragraph ended, so a
    phrase repeated elsewhere on the page is not taken for it. Returns how many paragraphs were
    placed; a line the text layer spells differently (old tone marks, a ligature) is skipped.
    """
    placed = 0
    with _pdf(path) as pdf:
        text_pages: dict[int, tuple[Any, float]] = {}

        def text_page(number: int) -> tuple[Any, float] | None:
            if not 1 <= number <= len(pdf):
                return None
            if number not in text_pages:
                page = pdf[number - 1]
                text_pages[number] = (page.get_textpage(), page.get_size()[1])
            return text_pages[number]

        # body paragraphs follow the page's own order: each is looked for after the one before it
        body_cursor: dict[int, int] = {}
        try:
            for para in layout.paragraphs:
                if para.boxes or para.page is None:
                    continue
                page = para.page
                cursor = body_cursor.get(page, 0) if para.zone == "body" else 0
                for line in para.lines:
                    line = line.strip()
                    if len(line) < 2:
                        continue
                    for candidate, start in ((page, cursor), (page, 0), (page + 1, 0)):
                        got = text_page(candidate)
                        if got is None:
                            continue
                        found = _line_boxes(got[0], line, got[1], candidate, start)
                        if found is not None:
                            para.boxes.extend(found[0])
                            page, cursor = candidate, found[1]
                            break
                if para.zone == "body" and para.boxes:
                    body_cursor[page] = cursor
                placed += bool(para.boxes)
        finally:
            for tp, _ in text_pages.values():
                tp.close()
    return placed
