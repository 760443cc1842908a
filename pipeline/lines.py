"""What every reader produces: the document's lines, with what the file says about each one.

A reader (PDF text layer, OCR, DOCX, LibreOffice formats, plain text, Markdown, HTML, layout text,
web copies) never decides where the header ends, which cell is the issuer's or where Nơi nhận
begins: it reports :class:`Line` objects — text, page, position and size where the file knows them,
weight, the table cell that holds the line, the source paragraph it belongs to — and one stage,
:mod:`pipeline.grammar`, decides the zones of the document for all of them, from geometry where
there is geometry and from text cues where there is none.

What a reader knows, by kind of input:

==============================  ==========================================================
input                           fields a reader fills
==============================  ==========================================================
PDF text layer, OCR             ``page``, ``x0/top/x1/bottom`` (points), ``size``, ``bold``
                                (not OCR), ``row`` (side-by-side runs on one visual line),
                                ``cell`` for ruled tables, ``note`` for footnotes at a page foot
DOCX (and .doc/.odt/.rtf)       ``block`` (the Word paragraph), ``size``, ``bold``, ``align``,
                                ``cell`` (tables: row, column and the cell's horizontal extent),
                                ``note`` (footnotes.xml), ``page`` when Word recorded page breaks
layout text (pdftotext -layout)  ``page`` (form feeds), ``x0/x1`` in character columns, ``row``
plain text, Markdown, web copy  ``block`` (blank-line separated), ``cell`` for pipe and HTML tables,
                                ``bold`` for ``**...**``, ``note`` for ``[^1]:`` footnotes
==============================  ==========================================================

Text is normalized (:func:`pipeline.normalize.normalize_text`) by the reader; a line never holds a
newline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from models.record import Received

Align = Literal["left", "center", "right", "justify"]
Units = Literal["points", "chars"]


@dataclass(slots=True, frozen=True)
class Cell:
    """Where a table holds a line: the table (numbered in the document), its row and column, and the
    cell's horizontal extent as a fraction of the table's width (0 = left edge, 1 = right edge)."""

    table: int
    row: int
    col: int
    x0: float = 0.0
    x1: float = 1.0
    cols: int = 1  # columns in that row

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class Line:
    """One line of the document as the reader saw it (one cell's part of a visual line, when a row holds
    several cells side by side)."""

    text: str
    page: int | None = None
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None
    size: float | None = None  # font size in points
    bold: bool | None = None
    italic: bool | None = None
    align: Align | None = None
    block: int | None = None  # the source paragraph: lines of one block were one paragraph in the file
    row: int | None = None  # the visual line: runs of one row stood side by side on the page
    cell: Cell | None = None
    note: str | None = None  # this line belongs to the footnote with this marker ("1")
    label: str = ""  # a list number the file generates before the text ("1. ", "a) "), already in ``text``

    @property
    def positioned(self) -> bool:
        return self.x0 is not None and self.x1 is not None

    @property
    def width(self) -> float:
        return (self.x1 or 0.0) - (self.x0 or 0.0)


@dataclass(slots=True)
class Page:
    """A page's size, in the units of the lines' positions."""

    number: int
    width: float
    height: float
    scanned: bool = False  # its text came from OCR


@dataclass
class Lines:
    """A read document: its lines in reading order, its pages, and what the reader warns about."""

    path: str
    media_type: str
    lines: list[Line]
    pages: list[Page] = field(default_factory=list)
    page_count: int | None = None
    units: Units | None = None  # of the positions: PDF points, or character columns of layout text
    warnings: list[str] = field(default_factory=list)
    scanned: bool = False  # some text came from OCR: extractors may repair typical OCR damage
    received: Received | None = None  # a receiving office's "ĐẾN" stamp read off a scan (kept out of the lines)
    caps_lost: bool = False  # a legacy capitals font (".VnTimeH") lost its name: header lines may read lower case
