"""Handwritten blanks in a scan's header: the number written into "Số: ..../QĐ-TTg" and the day and
month into "ngày ... tháng ... năm", after the document was printed and signed.

Tesseract reads print, not handwriting: on a handwritten "115" it reports "445" and is sure of it. A
wrong number is worse than none (the document's identity is its issuer, code and date), so a
handwritten blank is read again, digits only, over the blank's box alone — the coloured ink isolated
when it is coloured (a blue pen on black print), else every dark stroke — by two independent passes,
and kept only when they agree with each other and with the page's OCR. Otherwise the blank is left
empty and a warning says so: the clerk reads it off the paper.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pipeline.normalize import strip_accents
from pipeline.readers.pdf.lines import VisualLine, build_lines
from pipeline.readers.pdf.words import PageWords, Word

# Where the header stands: the top of the first page.
_HEADER_SHARE = 0.4
# "Số:", "Số", "Sô:" as OCR gives it (bare: "So:", "So"), alone or glued to what follows ("Số:115")
_NUMBER_LABEL = re.compile(r"^So\s*[:;.]?", re.IGNORECASE)
# the date's words: "ngày", "tháng", "năm" (bare), and what OCR glues to them ("ngày‹2{", "tháng0†")
_DATE_LABELS = ("ngay", "thang", "nam")
# Ink: gray below this is a stroke; a pixel whose channels differ by more than _COLOURED is pen, not toner.
_DARK = 160
_COLOURED = 40
# Fewer ink pixels than this (at 300 dpi) in a blank: it was left empty.
_MIN_INK = 40


@dataclass(slots=True)
class Blank:
    """A field of the header that may hold handwriting: the label word before it, the words in it as the
    page's OCR read them, and its box in points."""

    field: str  # "number", "day", "month", "year"
    label: Word
    words: list[Word]
    x0: float
    top: float
    x1: float
    bottom: float
    suffix: str = ""  # text glued after the blank that is not part of it ("/QĐ-BTC" of "409/QĐ-BTC")
    handwritten: bool = False  # filled in after printing (see :func:`find_blanks`)

    @property
    def read(self) -> str:
        """The digits the page's OCR found in the blank."""
        return "".join(ch for w in self.words for ch in w.text if ch.isdigit())


def _bare(word: Word) -> str:
    return strip_accents(word.text).lower()


def _split_label(word: Word, label: str) -> tuple[Word, Word | None]:
    """``word`` cut after its label when OCR glued the blank's content to it ("ngày‹2{" → "ngày", "‹2{")."""
    bare = strip_accents(word.text)
    m = re.match(label, bare, re.IGNORECASE)
    end = m.end() if m else len(bare)
    if end >= len(word.text):
        return word, None
    share = end / len(word.text)
    cut = word.x0 + share * (word.x1 - word.x0)
    head = Word(word.text[:end], word.x0, cut, word.top, word.bottom, word.size, word.bold, word.italic, word.font)
    rest = Word(word.text[end:], cut, word.x1, word.top, word.bottom, word.size, word.bold, word.italic, word.font)
    return head, rest


# the place-and-date line, bare: "Ha Noi, ngay 29 thang 4 nam 2026", "Thanh pho Ho Chi Minh, ngay ..."
_PLACE_DATE_BARE = re.compile(r"^[^,\d]{2,60}?,\s*ngay", re.IGNORECASE)
# what a blank holds when the page's OCR read print in it: digits, perhaps a stop or comma after them
_PRINTED = re.compile(r"^\d{1,6}[.,;]?$")


def find_blanks(page: PageWords) -> list[Blank]:
    """The number blank and the date blanks of the header on ``page``: the first "Số ... /ký hiệu" and the
    first place-and-date line in its top part, each blank after its label up to the next label or the
    ký hiệu.

    A blank is taken as filled in by hand (:attr:`Blank.handwritten`) when what OCR read in it is not
    plain digits ("Á$3", "‹2{"), when the number stands apart from its ký hiệu ("Số: 115 /NQ-CP": the
    paper was printed "Số:      /NQ-CP"), or when a day or month is far narrower than the room left for
    it ("ngày   29   tháng"): print sets "Số: 172/CĐN-TGNC" and "ngày 09 tháng 8" tight.
    """
    lines = [ln for ln in build_lines(page) if ln.bottom < _HEADER_SHARE * page.height]
    number: list[Blank] = []
    date: list[Blank] = []
    for line in lines:
        for seg in line.segments:
            if not number:
                number = _number_blank(seg, line)
            if not date and _PLACE_DATE_BARE.match(strip_accents(" ".join(w.text for w in seg))):
                date = _date_blanks(seg, line)
    return number + date


def _number_blank(seg: list[Word], line: VisualLine) -> list[Blank]:
    if not seg or not _NUMBER_LABEL.match(strip_accents(seg[0].text)) or not _bare(seg[0]).startswith("so"):
        return []
    label, rest = _split_label(seg[0], r"So\s*[:;.]?")
    inside: list[Word] = [rest] if rest is not None else []
    suffix = ""
    end = None
    apart = False
    for w in seg[1:]:
        if "/" in w.text or "-" in w.text[1:]:
            # the ký hiệu, perhaps with the number glued before it: "409/QD-BTC"
            k = w.text.find("/") if "/" in w.text else w.text.find("-")
            if k > 0:
                cut = w.x0 + k / len(w.text) * (w.x1 - w.x0)
                inside.append(Word(w.text[:k], w.x0, cut, w.top, w.bottom, w.size))
                suffix = w.text[k:]
                end = cut
            else:
                end = w.x0
                apart = bool(inside)
            break
        inside.append(w)
    if end is None:
        return []  # no ký hiệu after it: not a number line
    inside = [w for w in inside if w.text.strip()]
    if inside and all(w.text.isdigit() for w in inside) and sum(len(w.text) for w in inside) > 6:
        return []
    handwritten = apart or not _PRINTED.match("".join(w.text for w in inside))
    return [Blank("number", label, inside, label.x1, line.top, end, line.bottom, suffix, handwritten)]


def _date_blanks(seg: list[Word], line: VisualLine) -> list[Blank]:
    """ "ngày ... tháng ... năm ...": the blanks after "ngày" and "tháng" (and "năm" when its year is
    not printed)."""
    heads = [(i, _bare(w)) for i, w in enumerate(seg)]
    starts = [i for i, b in heads if b.startswith(_DATE_LABELS)]
    if not any(b.startswith("ngay") for _, b in heads) or not any(b.startswith("thang") for _, b in heads):
        return []
    out: list[Blank] = []
    names = {"ngay": "day", "thang": "month", "nam": "year"}
    for n, i in enumerate(starts):
        key = next(k for k in _DATE_LABELS if heads[i][1].startswith(k))
        label, rest = _split_label(seg[i], {"ngay": "ngay", "thang": "thang", "nam": "nam"}[key])
        stop = starts[n + 1] if n + 1 < len(starts) else len(seg)
        inside = ([rest] if rest is not None else []) + seg[i + 1 : stop]
        if key == "nam" and inside and re.fullmatch(r"\d{4}", "".join(w.text for w in inside).strip(",.")):
            continue  # a printed year
        end = seg[stop].x0 if stop < len(seg) else label.x1 + 3.0 * label.size
        if key == "nam":
            end = max(end, label.x1 + 2.5 * label.size)
        text = "".join(w.text for w in inside)
        slack = (end - label.x1) - sum(w.x1 - w.x0 for w in inside)
        handwritten = not _PRINTED.match(text) or slack > 1.2 * label.size
        out.append(Blank(names[key], label, inside, label.x1, line.top, end, line.bottom, "", handwritten))
    return out


def _ink(rgb: NDArray[np.int16]) -> NDArray[np.bool_]:
    """The pen strokes of a blank's crop: its coloured ink when there is enough of it, else all dark ink."""
    gray: NDArray[np.float64] = rgb.mean(axis=2)
    colour: NDArray[np.bool_] = (rgb.max(axis=2) - rgb.min(axis=2) > _COLOURED) & (gray < 230)
    if int(colour.sum()) >= _MIN_INK:
        return colour
    dark: NDArray[np.bool_] = gray < _DARK
    return dark


def _digits(tesseract: Any, ink: NDArray[np.bool_], lang: str, psm: int) -> str:
    image = np.where(ink, 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(ink)
    image = image[max(int(ys.min()) - 3, 0) : int(ys.max()) + 4, max(int(xs.min()) - 3, 0) : int(xs.max()) + 4]
    image = np.pad(image, 25, constant_values=255)
    from PIL import Image

    text: str = tesseract.image_to_string(
        Image.fromarray(image), lang=lang, config=f"--psm {psm} -c tessedit_char_whitelist=0123456789"
    )
    return "".join(ch for ch in text if ch.isdigit())


@dataclass(slots=True)
class Reading:
    """What became of a blank: ``value`` the digits kept (None: unreadable, left empty)."""

    blank: Blank
    value: str | None
    readings: tuple[str, ...]


def read_blanks(tesseract: Any, rgb: NDArray[np.int16], blanks: Sequence[Blank], dpi: int) -> list[Reading]:
    """Read each blank again over its own box; a blank with no ink stays as it is (not in the result)."""
    per_point = dpi / 72.0
    out: list[Reading] = []
    for blank in blanks:
        if not blank.handwritten:
            continue  # print: the page's OCR read it
        top, bottom = int(blank.top * per_point) - 2, int(blank.bottom * per_point) + 2
        left, right = int(blank.x0 * per_point) + 1, int(blank.x1 * per_point) - 1
        if right - left < 4 or bottom - top < 4:
            continue
        crop = rgb[max(top, 0) : bottom, max(left, 0) : right]
        ink = _ink(crop)
        if int(ink.sum()) < _MIN_INK:
            continue  # left blank on the paper too
        readings = (blank.read, _digits(tesseract, ink, "vie", 7), _digits(tesseract, ink, "eng", 8))
        main = "".join(w.text for w in blank.words)
        # three readings, the page's own among them and made of digits only, all alike
        agreed = readings[0] if readings[0] and _PRINTED.match(main) and len(set(readings)) == 1 else None
        if agreed is not None and not _plausible(blank.field, agreed):
            agreed = None
        out.append(Reading(blank, agreed, readings))
    return out


def _plausible(field: str, digits: str) -> bool:
    value = int(digits)
    if field == "day":
        return 1 <= value <= 31 and len(digits) <= 2
    if field == "month":
        return 1 <= value <= 12 and len(digits) <= 2
    if field == "year":
        return 1945 <= value <= 2100
    return 0 < value and len(digits) <= 6


_FIELD_NAMES = {"number": "số văn bản (number)", "day": "ngày (day)", "month": "tháng (month)", "year": "năm (year)"}


def apply(page: PageWords, readings: Sequence[Reading]) -> list[str]:
    """Put the readings into the page's words: a kept blank holds its digits, an unreadable one is left
    empty; returns the clerk's warnings for the unreadable ones."""
    words = page.words
    gone: set[int] = set()
    added: list[Word] = []
    unread: list[str] = []
    for reading in readings:
        blank = reading.blank
        gone.update(id(w) for w in blank.words)
        for w in words:
            # words split by the blank (a label with its content glued on, a number glued to the ký hiệu)
            if w.x0 <= blank.label.x0 + 0.5 and w.x1 >= blank.label.x1 - 0.5 and w.top == blank.label.top:
                if w.text != blank.label.text:
                    gone.add(id(w))
                    added.append(blank.label)
            if blank.suffix and w.text.endswith(blank.suffix) and w.text != blank.suffix and w.top == blank.label.top:
                gone.add(id(w))
                suffix = Word(blank.suffix, blank.x1, w.x1, w.top, w.bottom, w.size, w.bold, w.italic, w.font)
                added.append(suffix)
        if reading.value is not None:
            size = blank.label.size
            added.append(Word(reading.value, blank.x0 + 1.0, blank.x1 - 1.0, blank.top, blank.bottom, size))
        else:
            unread.append(_FIELD_NAMES[blank.field])
    page.words = [w for w in words if id(w) not in gone] + added
    if not unread:
        return []
    return [
        "Chữ viết tay ở " + ", ".join(unread) + " không đọc được chắc chắn nên để trống; hãy đọc trên bản giấy. "
        "(Handwriting in the header's "
        + ", ".join(f.split("(")[1].rstrip(")") for f in unread)
        + " could not be read reliably and is left blank: read it off the paper.)"
    ]


def fill_blanks(path: Path, page: PageWords, tesseract: Any, dpi: int = 300) -> list[str]:
    """Read the handwritten blanks of a scanned page's header again (see the module docstring), put what
    is certain into ``page.words`` and return the warnings for what is not."""
    blanks = find_blanks(page)
    if not blanks:
        return []
    from pipeline.readers.pdf.pdfium import open_pdfium

    doc = open_pdfium(path)
    try:
        pdf_page = doc[page.number - 1]
        try:
            image = pdf_page.render(scale=dpi / 72.0, draw_annots=False, may_draw_forms=False).to_pil()
        finally:
            pdf_page.close()
    finally:
        doc.close()
    rgb = np.asarray(image.convert("RGB")).astype(np.int16)
    return apply(page, read_blanks(tesseract, rgb, blanks, dpi))
