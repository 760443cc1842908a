"""PDF reader (văn bản PDF): word positions → lines, tables, footnotes → the document.

The reader is split along its steps, each a module with public names:

=================  ==================================================================
module             step
=================  ==================================================================
``words``          the word model: :class:`Word`, :class:`Rule`, :class:`PageWords`
``engines``        which engine reads the words (``pypdfium2`` fast, ``pdfplumber`` slow)
``pdfium``         the PDFium engine: characters, boxes, fonts and ruling lines
``plumber``        the pdfplumber engine
``lines``          words → visual lines and their segments (:func:`build_lines`)
``tables``         ruled tables: grids, cells, tables continued over a page break
``furniture``      page furniture: rules, page numbers, signature notes, Công báo running heads
``footnotes``      footnotes at the foot of a page
``to_lines``       lines, table cells and footnotes → :class:`pipeline.lines.Lines` (no zones)
``reader``         the entry points: engines, which pages are scans, OCR, legacy fonts, then
                   :func:`read_pdf_lines` (the contract) or :func:`read_pdf` (a Layout)
=================  ==================================================================

The OCR reader (:mod:`pipeline.readers.ocr`) gives the same :class:`PageWords` and uses the same
lines and tables steps; on a scan's first page :mod:`pipeline.readers.stamps` takes off the
receiving office's "ĐẾN" stamp and :mod:`pipeline.readers.blanks` reads the handwritten number and
day again.
"""

from __future__ import annotations

from pipeline.readers.pdf.engines import ENGINES, Engine, page_words
from pipeline.readers.pdf.lines import VisualLine, build_lines, join_lines
from pipeline.readers.pdf.reader import ReadPages, read_pages, read_pdf, read_pdf_lines
from pipeline.readers.pdf.tables import Grid, TableCell, TableRow, grids
from pipeline.readers.pdf.to_lines import MEDIA_TYPE, to_lines
from pipeline.readers.pdf.words import PageWords, Rule, Word

__all__ = [
    "ENGINES",
    "MEDIA_TYPE",
    "Engine",
    "Grid",
    "PageWords",
    "ReadPages",
    "Rule",
    "TableCell",
    "TableRow",
    "VisualLine",
    "Word",
    "build_lines",
    "grids",
    "join_lines",
    "page_words",
    "read_pages",
    "read_pdf",
    "read_pdf_lines",
    "to_lines",
]
