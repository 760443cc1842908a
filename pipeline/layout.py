"""The normalized document every reader produces and every extractor reads.

A reader (PDF, DOCX, text, OCR) turns a file into a :class:`Layout`: a list of
:class:`Paragraph` in reading order, each tagged with the *zone* of the page it came from.
Zones matter because the two halves of the header table and of the signature table carry
different things:

========================  ===========================================================
zone                      what it holds
========================  ===========================================================
``header_left``           issuer lines (cơ quan chủ quản / ban hành), "Số: ...", "V/v ..."
``header_right``          quốc hiệu / "ĐẢNG CỘNG SẢN VIỆT NAM", tiêu ngữ, place and date
``body``                  everything between the header and the closing block, including
                          the type name and trích yếu of typed documents and "Kính gửi"
``closing_left``          Nơi nhận and its lines
``closing_right``         signer block: quyền hạn, chức vụ, (signature), họ tên
``footnote``              a footnote, with ``note`` = its marker ("1", "2", ...)
``unknown``               a reader that cannot tell (plain text): :func:`pipeline.zones.assign`
                          classifies these by content before extraction
========================  ===========================================================

Rules every reader follows (so extractors never care which reader ran):

* text is normalized with :func:`pipeline.normalize.normalize_text` (NFC, modern tone
  placement, plain spaces, "Ð" → "Đ");
* a two-column table row is emitted as the left cell's paragraphs, then the right cell's,
  never interleaved line by line;
* ``lines`` keeps the visual lines of a header/closing cell (issuer names wrap meaningfully);
  body paragraphs are reflowed: ``text`` is the whole paragraph on one line, even when it ran
  over a page break or a footnote stood in the middle of it;
* page numbers, running heads and decorative rules ("_____", "-----", "*") are dropped;
* a footnote marker stays in the body text as a superscript digit ("công vụ¹"), and the
  footnote itself is a ``footnote`` paragraph whose ``note`` is "1" and whose text has no marker;
* Word's generated list numbers (not in the paragraph text) are written into ``text``
  ("1. ", "a) ", "- ") as they would print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from models.record import Received

Zone = Literal["header_left", "header_right", "body", "closing_left", "closing_right", "footnote", "outside", "unknown"]

SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True, slots=True)
class Box:
    """Where a line of a paragraph stands on its page (points from the top-left corner), so a reviewer can be
    shown a field, a reference or a task in the page image."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Paragraph:
    """One paragraph (or one table-cell line group) of the normalized document."""

    text: str
    zone: Zone = "unknown"
    lines: list[str] = field(default_factory=list)
    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None  # font size in points, when the reader knows it
    align: Literal["left", "center", "right", "justify"] | None = None
    page: int | None = None  # 1-based page where the paragraph starts, when known
    note: str | None = None  # footnote marker for ``footnote`` paragraphs
    start: int = 0  # offset of ``text`` in ``Layout.text``, set by ``Layout.finalize``
    end: int = 0
    cells: list[str] | None = None  # a table row: its cells' texts (``text`` joins them with " | ")
    boxes: list[Box] = field(default_factory=list)  # the page boxes of its lines, where the file has geometry

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = [self.text]


@dataclass
class Layout:
    """A document as one normalized text with the layout facts that carry meaning."""

    path: str
    media_type: str
    paragraphs: list[Paragraph]
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    text: str = ""
    scanned: bool = False  # some text came from OCR: extractors may repair typical OCR damage
    received: Received | None = None  # a receiving office's "ĐẾN" stamp read off a scan

    def finalize(self) -> Layout:
        """Join paragraph texts into ``text`` (blank line between) and record each one's span."""
        parts: list[str] = []
        pos = 0
        for para in self.paragraphs:
            para.start = pos
            para.end = pos + len(para.text)
            parts.append(para.text)
            pos = para.end + 2
        self.text = "\n\n".join(parts)
        return self

    def zone(self, *zones: Zone) -> list[Paragraph]:
        """The paragraphs in any of ``zones``, in reading order."""
        return [p for p in self.paragraphs if p.zone in zones]

    @property
    def footnotes(self) -> dict[str, Paragraph]:
        """Footnotes by marker ("1" → the footnote paragraph)."""
        return {p.note: p for p in self.paragraphs if p.zone == "footnote" and p.note}
