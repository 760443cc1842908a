"""The receiving office's "ĐẾN" stamp (dấu đến) on a scanned copy: the registration of the document's
arrival — its số đến, the day and the hour — stamped and filled in beside the header. It is not the
document's text (its "Số: 1234" is not the document's number): its words are taken off the page and
its fields reported as :class:`~models.record.Received`.

What OCR gives of a stamp is its fields, one under the other ("Số: 1234", "Giờ: 9h30", "Ngày:
05/5/2026"), and sometimes its big "ĐẾN" title beside them (in red, thick, often missed). A stamp is a
block of at least two such field lines standing left-aligned one under the other in the top half of
the page, or one field line beside the "ĐẾN" title; a lone "Ngày 05/5/2026, ..." opening a sentence is
not one. The cue phrases are in :mod:`extractors.patterns`, matched without diacritics.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import extractors.patterns as patterns
from models.record import Received
from pipeline.normalize import strip_accents
from pipeline.readers.pdf.lines import build_lines
from pipeline.readers.pdf.words import PageWords, Word

# The stamp stands by the header: the top half of the first page.
_TOP_SHARE = 0.5
# A field line is short: "Ngày: 05/5/2026" is three words, "Số và ký hiệu HS: ..." a few more.
_MAX_WORDS = 6


@dataclass(slots=True)
class _Piece:
    kind: str  # "title", "number", "date", "time", "other"
    words: list[Word]
    match: re.Match[str] | None = None

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)


def _piece(words: list[Word]) -> _Piece | None:
    text = " ".join(w.text for w in words)
    bare = strip_accents(text)
    if patterns.RECEIVED_TITLE_BARE.match(bare) and text.isupper():
        return _Piece("title", words)
    if len(words) > _MAX_WORDS:
        return None
    for kind, pattern in (
        ("number", patterns.RECEIVED_NUMBER_BARE),
        ("date", patterns.RECEIVED_DATE_BARE),
        ("time", patterns.RECEIVED_TIME_BARE),
        ("other", patterns.RECEIVED_OTHER_BARE),
    ):
        m = pattern.match(bare)
        if m:
            return _Piece(kind, words, m)
    return None


def _pieces(page: PageWords) -> list[_Piece]:
    """Stamp-like runs in the top of the page: a segment, or the head of one that OCR ran on into the
    text beside it ("ĐẾN Số: 1234")."""
    out: list[_Piece] = []
    for line in build_lines(page):
        if line.top > _TOP_SHARE * page.height:
            break
        for seg in line.segments:
            piece = _piece(seg)
            if piece is None and len(seg) > 1 and _piece(seg[:1]) is not None:
                title = _piece(seg[:1])
                rest = _piece(seg[1:])
                if title is not None and title.kind == "title" and rest is not None:
                    out += [title, rest]
                    continue
            if piece is not None:
                out.append(piece)
    return out


@dataclass
class Stamp:
    """A receiving office's stamp found on a page: its words and what its fields say."""

    words: list[Word] = field(default_factory=list)
    received: Received | None = None


def _block(pieces: list[_Piece]) -> list[_Piece]:
    """The first stamp among the pieces: field lines left-aligned one under the other (and a title
    beside them)."""
    fields = [p for p in pieces if p.kind != "title"]
    titles = [p for p in pieces if p.kind == "title"]
    blocks: list[list[_Piece]] = []
    for piece in fields:
        last = blocks[-1][-1] if blocks else None
        if (
            last is not None
            and abs(piece.x0 - last.x0) <= 1.5 * last.size
            and piece.top - last.bottom <= 1.5 * max(last.size, piece.size)
        ):
            blocks[-1].append(piece)
        else:
            blocks.append([piece])
    for block in blocks:
        top, bottom = block[0].top, block[-1].bottom
        beside = [
            t
            for t in titles
            if t.bottom >= top - t.size
            and t.top <= bottom + t.size
            and block[0].x0 - 10 * t.size <= t.x1 <= block[0].x0 + t.size
        ]
        kinds = {p.kind for p in block}
        if len(kinds) >= 2 or (beside and kinds):
            return beside[:1] + block
    return []


def _date(m: re.Match[str]) -> str | None:
    year = int(m.group("year"))
    year = year + 2000 if year < 100 else year
    try:
        return dt.date(year, int(m.group("month")), int(m.group("day"))).isoformat()
    except ValueError:
        return None


def _time(m: re.Match[str]) -> str | None:
    hour, minute = int(m.group("hour")), int(m.group("minute") or 0)
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def find_stamp(page: PageWords) -> Stamp | None:
    """The receiving office's stamp on ``page`` (see the module docstring), or None."""
    block = _block(_pieces(page))
    if not block:
        return None
    number = date = time = None
    for piece in block:
        if piece.match is None:
            continue
        if piece.kind == "number" and number is None:
            number = piece.match.group("value")
        elif piece.kind == "date" and date is None:
            date = _date(piece.match)
        elif piece.kind == "time" and time is None:
            time = _time(piece.match)
    received = Received(number=number, date=date, time=time) if number or date or time else None
    return Stamp([w for piece in block for w in piece.words], received)


def take_stamp(page: PageWords) -> Received | None:
    """Take the receiving office's stamp off ``page`` (its words dropped) and return what it says."""
    stamp = find_stamp(page)
    if stamp is None:
        return None
    gone = {id(w) for w in stamp.words}
    page.words = [w for w in page.words if id(w) not in gone]
    return stamp.received
