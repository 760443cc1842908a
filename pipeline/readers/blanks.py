"""Handwritten blanks in a scan's header: the number written into "Số: ..../QĐ-TTg" and the day and
month into "ngày ... tháng ... năm", after the document was printed and signed.

Tesseract reads print, not handwriting: on a handwritten "115" it reports "445" and is sure of it. A
wrong number is worse than none (the document's identity is its issuer, code and date), so a
handwritten blank is read again, digits only, over the blank's box alone — the coloured ink isolated
when it is coloured (a blue pen on black print), else every dark stroke — by two independent passes,
and kept only when they agree with each other (and with the page's OCR, when that read plain digits).
Otherwise the blank is left empty and a warning says so: the clerk reads it off the paper.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pipeline import regex_cache
from pipeline.normalize import strip_accents
from pipeline.readers.pdf.lines import VisualLine, build_lines
from pipeline.readers.pdf.words import PageWords, Word

# Where the header stands: the top of the first page.
_HEADER_SHARE = 0.4
# "Số:", "Số", "Sô:" as OCR gives it (bare: "So:", "So")
_NUMBER_LABEL = regex_cache.compile(r"So\s*[:;.]?", re.IGNORECASE)
# the date's words: "ngày", "tháng", "năm" (bare)
_DATE_LABELS = ("ngay", "thang", "nam")
# Ink: gray below this is a stroke; a pixel whose channels differ by more than _COLOURED is pen, not toner.
_DARK = 160
_COLOURED = 40
# Fewer ink pixels than this (at 300 dpi) in a blank: it was left empty.
_MIN_INK = 40


@dataclass(slots=True)
class Blank:
    """A field of the header that may hold handwriting: the label word before it, the words in it as the
    page's OCR read them, and its box in points. ``pieces`` are the words of its segment cut where OCR
    glued a label, a blank's content and the ký hiệu into one word ("Số:125/STC-QLNS", "ngày0°tháng"),
    each with the page word it was cut from."""

    field: str  # "number", "day", "month", "year"
    label: Word
    words: list[Word]
    x0: float
    top: float
    x1: float
    bottom: float
    pieces: list[tuple[Word, Word]]
    handwritten: bool = False  # filled in after printing (see :func:`find_blanks`)

    @property
    def read(self) -> str:
        """The digits the page's OCR found in the blank."""
        return "".join(ch for w in self.words for ch in w.text if ch.isdigit())


def _bare(word: Word) -> str:
    return strip_accents(word.text).lower()


def _cut(word: Word, at: Sequence[int]) -> list[Word]:
    """``word`` cut before each character index in ``at``, the box shared out by characters."""
    out: list[Word] = []
    bounds = [0, *sorted(k for k in set(at) if 0 < k < len(word.text)), len(word.text)]
    width = word.x1 - word.x0
    for s, e in itertools.pairwise(bounds):
        x0 = word.x0 + s / len(word.text) * width
        x1 = word.x0 + e / len(word.text) * width
        out.append(Word(word.text[s:e], x0, x1, word.top, word.bottom, word.size, word.bold, word.italic, word.font))
    return out


# where OCR glues a blank's content to its label or to the next one: "Số:125", "ngày0°tháng", "409/QĐ"
_GLUE = regex_cache.compile(
    r"(?<=\S)(?=thang|nam\b)|(?<=^So:)(?=\S)|(?<=^So)(?=\d)|(?<=^ngay)(?=\S)|(?<=^thang)(?=\S)"
    r"|(?<=^nam)(?=\S)|(?<=[^/\s])(?=/)",
    re.IGNORECASE,
)


def _pieces(seg: Sequence[Word]) -> list[tuple[Word, Word]]:
    out: list[tuple[Word, Word]] = []
    for w in seg:
        bare = strip_accents(w.text)
        cuts = [m.start() for m in _GLUE.finditer(bare)] if len(bare) == len(w.text) else []
        out += [(piece, w) for piece in _cut(w, cuts)] if cuts else [(w, w)]
    return out


# the place-and-date line, bare: "Ha Noi, ngay 29 thang 4 nam 2026", "Thanh pho Ho Chi Minh, ngay ..."
_PLACE_DATE_BARE = regex_cache.compile(r"^[^,\d]{2,60}?,\s*ngay", re.IGNORECASE)
# what a blank holds when the page's OCR read print in it: digits, perhaps a stop or comma after them
_PRINTED = regex_cache.compile(r"^\d{1,6}[.,;]?$")


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
                number = _number_blank(_pieces(seg), line)
            if not date and _PLACE_DATE_BARE.match(strip_accents(" ".join(w.text for w in seg))):
                date = _date_blanks(_pieces(seg), line)
    return number + date


def _number_blank(pieces: list[tuple[Word, Word]], line: VisualLine) -> list[Blank]:
    words = [p for p, _ in pieces]
    if not words or not _NUMBER_LABEL.fullmatch(strip_accents(words[0].text)):
        return []
    label = words[0]
    inside: list[Word] = []
    end = None
    apart = False
    for k, w in enumerate(words[1:], 1):
        if w.text.startswith("/") or "-" in w.text[1:]:
            end = w.x0
            # "Số: 115 /NQ-CP": the number stands apart from a ký hiệu printed before it was written
            apart = bool(inside) and pieces[k][1] is not pieces[k - 1][1]
            break
        inside.append(w)
    if end is None:
        return []  # no ký hiệu after it: not a number line
    if inside and all(w.text.isdigit() for w in inside) and sum(len(w.text) for w in inside) > 6:
        return []
    handwritten = apart or not _PRINTED.match("".join(w.text for w in inside))
    return [Blank("number", label, inside, label.x1, line.top, end, line.bottom, pieces, handwritten)]


def _date_blanks(pieces: list[tuple[Word, Word]], line: VisualLine) -> list[Blank]:
    """ "ngày ... tháng ... năm ...": the blanks after "ngày" and "tháng" (and "năm" when its year is
    not printed)."""
    seg = [p for p, _ in pieces]
    heads = [(i, _bare(w)) for i, w in enumerate(seg)]
    starts = [i for i, b in heads if b in _DATE_LABELS]
    if not any(b == "ngay" for _, b in heads) or not any(b == "thang" for _, b in heads):
        return []
    out: list[Blank] = []
    names = {"ngay": "day", "thang": "month", "nam": "year"}
    for n, i in enumerate(starts):
        label = seg[i]
        stop = starts[n + 1] if n + 1 < len(starts) else len(seg)
        inside = seg[i + 1 : stop]
        key = heads[i][1]
        if key == "nam" and inside and re.fullmatch(r"\d{4}", "".join(w.text for w in inside).strip(",.")):
            continue  # a printed year
        end = seg[stop].x0 if stop < len(seg) else label.x1 + 3.0 * label.size
        if key == "nam":
            end = max(end, label.x1 + 2.5 * label.size)
        text = "".join(w.text for w in inside)
        slack = (end - label.x1) - sum(w.x1 - w.x0 for w in inside)
        handwritten = not _PRINTED.match(text) or slack > 1.2 * label.size
        out.append(Blank(names[key], label, inside, label.x1, line.top, end, line.bottom, pieces, handwritten))
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


# The two passes over a blank's ink: the Vietnamese model reading a line, the English one a word; they
# err differently on a scrawl, so their agreement is worth something.
_PASSES = (("vie", 7), ("eng", 8))


@dataclass(slots=True)
class Reading:
    """What became of a blank: ``value`` the digits kept (None: unreadable, left empty)."""

    blank: Blank
    value: str | None
    readings: tuple[str, ...]


def read_blanks(tesseract: Any, rgb: NDArray[np.int16], blanks: Sequence[Blank], dpi: int) -> list[Reading]:
    """Read each handwritten blank again over its own box (the passes of all blanks at once, each a
    tesseract process); a blank with no ink stays as it is (not in the result)."""
    per_point = dpi / 72.0
    inked: list[tuple[Blank, NDArray[np.bool_]]] = []
    for blank in blanks:
        if not blank.handwritten:
            continue  # print: the page's OCR read it
        top, bottom = int(blank.top * per_point) - 2, int(blank.bottom * per_point) + 2
        left, right = int(blank.x0 * per_point) + 1, int(blank.x1 * per_point) - 1
        if right - left < 4 or bottom - top < 4:
            continue
        ink = _ink(rgb[max(top, 0) : bottom, max(left, 0) : right])
        if int(ink.sum()) >= _MIN_INK:  # else it was left blank on the paper too
            inked.append((blank, ink))
    passes = [(ink, lang, psm) for _, ink in inked for lang, psm in _PASSES]
    with ThreadPoolExecutor(max_workers=max(1, min(len(passes), 4))) as pool:
        read = list(pool.map(lambda job: _digits(tesseract, *job), passes))
    out: list[Reading] = []
    for k, (blank, _) in enumerate(inked):
        readings = (blank.read, *read[k * len(_PASSES) : (k + 1) * len(_PASSES)])
        main = "".join(w.text for w in blank.words)
        if _PRINTED.match(main):
            # the page's OCR read plain digits: kept only if both passes over the ink read them too
            agreed = readings[0] if len(set(readings)) == 1 else None
        else:
            # it read a scrawl ("0°", "Á$3"): the two passes over the ink must agree with each other
            agreed = readings[1] if readings[1] and readings[1] == readings[2] else None
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


def apply(page: PageWords, blanks: Sequence[Blank], readings: Sequence[Reading]) -> list[str]:
    """Put the readings into the page's words: a kept blank holds its digits, an unreadable one is left
    empty, and a word OCR glued over a label and a blank is cut into its pieces ("ngày05tháng" →
    "ngày" "05" "tháng") for every blank found; returns the clerk's warnings for the unreadable ones."""
    gone: set[int] = set()  # page words replaced by their pieces
    dropped: set[int] = set()  # pieces that were a blank's content
    pieces: dict[int, tuple[Word, Word]] = {}
    for blank in blanks:
        for piece, origin in blank.pieces:
            pieces[id(piece)] = (piece, origin)
    added: list[Word] = []
    unread: list[str] = []
    for reading in readings:
        blank = reading.blank
        dropped.update(id(w) for w in blank.words)
        if reading.value is not None:
            size = blank.label.size
            added.append(Word(reading.value, blank.x0 + 1.0, blank.x1 - 1.0, blank.top, blank.bottom, size))
        else:
            unread.append(_FIELD_NAMES[blank.field])
    touched = {id(origin) for piece, origin in pieces.values() if id(piece) in dropped or piece is not origin}
    for piece, origin in pieces.values():
        if id(origin) in touched:
            gone.add(id(origin))
            if id(piece) not in dropped:
                added.append(piece)
    page.words = [w for w in page.words if id(w) not in gone] + added
    if not unread:
        return []
    return [
        "Chữ viết tay ở " + ", ".join(unread) + " không đọc được chắc chắn nên để trống; hãy đọc trên bản giấy. "
        "(Handwriting in the header's "
        + ", ".join(f.split("(")[1].rstrip(")") for f in unread)
        + " could not be read reliably and is left blank: read it off the paper.)"
    ]
