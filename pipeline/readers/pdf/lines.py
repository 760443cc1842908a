"""Visual lines: a page's words grouped into the lines a reader sees, top to bottom, each split into
segments where a column-sized gap stands between its words (two table cells side by side)."""

from __future__ import annotations

import itertools
import operator
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipeline import regex_cache
from pipeline.layout import SUPERSCRIPT_DIGITS
from pipeline.normalize import ends_in_glued_hyphen
from pipeline.readers.pdf.words import PageWords, Word

# A decorative rule drawn with characters: "_______", "-----", "=====", "***", or the
# Party header's lone "*".
_RULE_WORD = regex_cache.compile(r"^(?:[_\-–—=~*·]{3,}|\*)$")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPTS, "0123456789")
_CLOSING_PUNCT = ",.;:!?)]…"


@dataclass(slots=True)
class VisualLine:
    """One visual line (or one table cell's part of it) on one page."""

    words: list[Word]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    text: str = ""
    rule: bool = False  # made only of decorative rule characters
    segments: list[list[Word]] = field(default_factory=list)
    # a row of a ruled body table: its cells' texts, the table's column edges, and its first
    # row's cells (a header row the table repeats on the next page is dropped against it)
    cells: list[str] | None = None
    columns: tuple[float, ...] = ()
    head: tuple[str, ...] = ()

    @property
    def table(self) -> bool:
        return self.cells is not None

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    # (bold, italic), worked out on first use: paragraph breaking asks each line several times
    _style: tuple[bool | None, bool | None] | None = field(default=None, repr=False, compare=False)

    def _weights(self) -> tuple[bool | None, bool | None]:
        if self._style is None:
            bolds = {w.bold for w in self.words}
            italics = {w.italic for w in self.words}
            self._style = (
                None if None in bolds else all(bolds),
                None if None in italics else all(italics),
            )
        return self._style

    @property
    def bold(self) -> bool | None:
        return self._weights()[0]

    @property
    def italic(self) -> bool | None:
        return self._weights()[1]


# sort keys, read in C: the words of a page and of a line are sorted once each
_X0 = operator.attrgetter("x0")
_TOP_X0 = operator.attrgetter("top", "x0")


# A word can be a decorative rule ("_____", "-----", "*") only if it starts with one of these.
_RULE_START = frozenset("_-–—=~*·")
_HAS_ALNUM = regex_cache.compile(r"[^\W_]")


def _rule_word(text: str) -> bool:
    return text[:1] in _RULE_START and _RULE_WORD.match(text) is not None


def finish_line(line: VisualLine) -> VisualLine:
    """Sort words, glue raised footnote markers ("vụ" + small raised "1" → "vụ¹"), set text."""
    words = sorted(line.words, key=_X0)
    # the line's own size and baseline come from its biggest type, not from a marker
    weights: dict[float, int] = {}
    for w in words:
        weights[w.size] = weights.get(w.size, 0) + len(w.text)
    size = max(weights, key=lambda s: (weights[s], s)) if len(weights) > 1 else words[0].size
    top, bottom = float("inf"), float("-inf")
    for w in words:
        if w.size == size:
            if w.top < top:
                top = w.top
            if w.bottom > bottom:
                bottom = w.bottom
    small, touching, raised_below = 0.85 * size, _TOUCHING * size, bottom - 0.15 * size
    glued = 0.15 * size
    # a word this far or farther from the last is neither glued punctuation nor the rest of a word (a word
    # space is a quarter of an em): most words, which skip both tests
    tight = glued if glued > touching else touching
    merged: list[Word] = []
    for w in words:
        if (
            w.size < small
            and w.bottom < raised_below
            and (w.text.isdigit() or w.text.translate(FROM_SUPERSCRIPT).isdigit())
        ):
            sup = w.text.translate(SUPERSCRIPT_DIGITS)
            prev = merged[-1] if merged else None
            if prev is not None and w.x0 - prev.x1 < 0.3 * size and not _rule_word(prev.text):
                merged[-1] = Word(
                    prev.text + sup, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.bold, prev.italic
                )
                continue
            merged.append(Word(sup, w.x0, w.x1, w.top, w.bottom, size, w.bold, w.italic))
            continue
        if merged and w.x0 - merged[-1].x1 < tight:
            prev = merged[-1]
            gap = w.x0 - prev.x1
            first = w.text[0]
            if (first in SUPERSCRIPTS or first in _CLOSING_PUNCT) and gap < glued:
                # "vụ" "¹." or "tế¹" "," split by an engine at a font change: one word, as printed
                merged[-1] = Word(
                    prev.text + w.text, prev.x0, w.x1, prev.top, prev.bottom, prev.size, prev.bold, prev.italic
                )
                continue
            if gap < touching and _abuts(prev, w, size):
                # a letter the main font lacks, drawn from a fallback font in the middle of a word
                # ("B" "Ả" "O", "HI" "Ể" "M"): the engine sees words where the fonts change, the page
                # shows one word. The joined word keeps the font of its last piece, so the next piece
                # is judged against it.
                merged[-1] = Word(
                    prev.text + w.text,
                    prev.x0,
                    max(prev.x1, w.x1),
                    min(prev.top, w.top),
                    max(prev.bottom, w.bottom),
                    prev.size,
                    prev.bold,
                    prev.italic,
                    w.font,
                )
                continue
        merged.append(w)
    line.words = merged
    line.size, line.top, line.bottom = size, top, bottom
    # rules, and lines with no letter or digit at all (": -" read by OCR off an underline)
    line.rule = all(_rule_word(w.text) or not _HAS_ALNUM.search(w.text) for w in merged)
    if not line.rule:  # _rule_word, spelled out: this runs for every word of the document
        line.words = [w for w in merged if w.text[:1] not in _RULE_START or _RULE_WORD.match(w.text) is None]
    line.text = " ".join([w.text for w in line.words])
    line.segments = _segments(line.words, size)
    return line


# The words a blank is left after, for a number or a day written in later: "Số:", "ngày", "tháng".
_BLANK_LABELS = {"Số:", "Số", "ngày", "tháng"}


def _blank_between(before: Word, after: Word) -> bool:
    """Is the gap between the two words a blank left for handwriting, not a column gutter? "Số:" ␣
    "/QĐ-TTg", "ngày" ␣ "tháng", "tháng" ␣ "năm"."""
    return before.text in _BLANK_LABELS or after.text.startswith("/")


def _segments(words: list[Word], size: float) -> list[list[Word]]:
    """Runs of words without a column-sized gap: two table cells on one row are two segments, a
    justified body line is one.

    A gap of two ems always parts two cells. A narrower one does when it is much wider than the
    line's other gaps and a capital opens the right-hand run: a header whose issuer nearly fills its
    cell leaves one em before the quốc hiệu ("THỦ TƯỚNG CHÍNH PHỦ" ␣ "CỘNG HÒA XÃ HỘI ..."), while the
    blank left for a number or a day is followed by "/" or a lower-case word ("Số: ␣ /QĐ-TTg",
    "ngày ␣ tháng"), and a justified line stretches all its gaps alike.
    """
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(words)]
    narrow = 0.9 * size
    if not any(gap >= narrow for gap in gaps):
        return [words]  # a line of word spaces only, most lines: one run
    usual = statistics.median(gaps) if len(gaps) >= 2 else size
    column = max(2.0 * size, 18.0)
    segments: list[list[Word]] = [[words[0]]]
    for gap, before, word in zip(gaps, words, words[1:], strict=False):
        wide = gap > column
        if not wide and gap >= narrow and gap >= 3.5 * max(usual, 0.5) and word.text[:1].isupper():
            wide = True
        if wide and _blank_between(before, word):
            wide = False
        if wide:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


# Words closer than this (share of the type size) touch: a word space is a quarter of an em or more.
_TOUCHING = 0.08


def _abuts(a: Word, b: Word, size: float) -> bool:
    """Is ``b`` the rest of ``a``'s word, a font change between them: the two touch, in the same size, in
    different fonts, and a letter only Vietnamese has stands at the seam ("B" "Ả", "HIỂ" "M"). Two words
    in one font are two words however tight the spacing ("đột" "phá"), and so are a stamped number and
    the word it follows ("năm" "2026")."""
    if a.font is None or b.font is None or a.font == b.font or a.font.split("+")[-1] == b.font.split("+")[-1]:
        return False
    gap = b.x0 - a.x1
    if not -0.3 * size < gap < _TOUCHING * size or abs(a.size - b.size) > 0.1 * size:
        return False
    if not (_beyond_latin1(a.text[-1]) or _beyond_latin1(b.text[0])):
        return False
    return not (_rule_word(a.text) or _rule_word(b.text))


def _beyond_latin1(ch: str) -> bool:
    """A letter past Latin-1, which a Western font may lack ("Ả", "ơ", "ư", "ặ"; not "à", "Ã", "é")."""
    return ch > "\u00ff" and ch.isalpha()


# A footnote marker, alone as a word, starts with a digit: "1", "¹".
_MARKER_START = frozenset("0123456789⁰¹²³⁴⁵⁶⁷⁸⁹")


def build_lines(page: PageWords) -> list[VisualLine]:
    """Group a page's words into visual lines, top to bottom.

    A word joins a line when it overlaps, by half the smaller height, a word of the line in
    about the same type size. So the two cells of a header row share one line (the column
    logic splits them again), a small raised footnote marker stays on its line, but the
    11 pt Nơi nhận entries never merge with the 14 pt signer line that spans two of them.
    """
    words = sorted(page.words, key=_TOP_X0)
    lines: list[VisualLine] = []
    # per line, one band per type size: (size, top, bottom, is a footnote marker)
    bands: list[list[tuple[float, float, float, bool]]] = []
    lowest: list[float] = []  # per line: the bottom of its lowest band
    number = page.number
    for w in words:
        wt, wb, ws = w.top, w.bottom, w.size
        h = wb - wt
        marker = w.text[:1] in _MARKER_START and w.text.translate(FROM_SUPERSCRIPT).isdigit()
        target = -1
        n = len(lines)
        k = n - 1
        stop = n - 7 if n > 7 else -1
        while k > stop:
            if lowest[k] > wt:  # sorted by top: a line wholly above this word cannot take it
                for size, top, bottom, band_marker in bands[k]:
                    # a raised marker sits higher than its line, so it can come first in the sweep
                    if (
                        (ws >= 0.85 * size if size >= ws else size >= 0.85 * ws)
                        or (marker and ws < size)
                        or (band_marker and size < ws)
                    ):
                        overlap = (bottom if bottom < wb else wb) - (top if top > wt else wt)
                        band = bottom - top
                        if overlap >= 0.5 * (h if h < band else band):
                            target = k
                            break
                if target >= 0:
                    break
            k -= 1
        if target < 0:
            lines.append(VisualLine([w], number, wt, wb, ws))
            bands.append([(ws, wt, wb, marker)])
            lowest.append(wb)
        else:
            lines[target].words.append(w)
            if wb > lowest[target]:
                lowest[target] = wb
            kept = bands[target]
            if kept[0][0] != ws and all(abs(size - ws) > 0.25 for size, _, _, _ in kept):
                kept.append((ws, wt, wb, marker))
    done = [finish_line(line) for line in lines]
    done.sort(key=lambda ln: ln.top)
    return done


def join_lines(lines: Sequence[str]) -> str:
    """Join visual lines with spaces; a line ending in a glued hyphen ("QĐ-" / "UBND")
    joins without one (Vietnamese words are never hyphenated, codes and ranges are)."""
    out = ""
    for line in lines:
        if out and not ends_in_glued_hyphen(out):
            out += " "
        out += line
    return out


def body_size(lines: Iterable[VisualLine]) -> float:
    """The body's type size: the size most characters are printed in (12 pt when there are none)."""
    weights: dict[float, int] = {}
    for line in lines:
        for w in line.words:
            weights[w.size] = weights.get(w.size, 0) + len(w.text)
    return max(weights, key=lambda s: weights[s]) if weights else 12.0
