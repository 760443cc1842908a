"""The word model every PDF engine and the OCR reader produce: words with their boxes, the ruling
lines drawn on the page, and the page they stand on (points from the page's top-left corner)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline import regex_cache


@dataclass(slots=True)
class Word:
    """One word on a page, in points from the page's top-left corner (y grows downwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool | None = None
    italic: bool | None = None
    font: str | None = None  # the font's name, when the engine gives it (legacy fonts need it)


@dataclass(slots=True)
class Rule:
    """A straight horizontal or vertical stroke drawn on the page (a table border), by its centre
    line in points from the top-left corner: ``top == bottom`` or ``x0 == x1``."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.bottom - self.top < self.x1 - self.x0


@dataclass(slots=True)
class Figure:
    """Where an image is drawn on the page (points from the top-left corner): a scanned page, a
    part of one pasted into a born-digital file, a logo."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def area(self) -> float:
        return max(self.x1 - self.x0, 0.0) * max(self.bottom - self.top, 0.0)

    def holds(self, word: Word) -> bool:
        """Does the word's centre lie on the image?"""
        x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom


@dataclass(slots=True)
class PageWords:
    """The words of one page (1-based ``number``), the page size in points, its ruling lines
    (table borders: drawn paths, or for a scan found in the image by :mod:`pipeline.readers.ocr`)
    and the images drawn on it."""

    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[Rule] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


# A stroke shorter than this is a tick or the end of a thin filled rectangle, not a border.
_MIN_RULE = 3.0
# How far off a horizontal (vertical) line may be from level (plumb), in points.
_RULE_SLANT = 1.0


def add_rules(points: Sequence[tuple[float, float]], out: list[Rule]) -> None:
    """The axis-aligned pieces of a polyline (top-left coordinates) as rules: a table border is
    drawn as a line ("m l"), a thin filled rectangle ("re"), or one path around many cells."""
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        if abs(ay - by) <= _RULE_SLANT and abs(ax - bx) >= _MIN_RULE:
            y = (ay + by) / 2
            out.append(Rule(min(ax, bx), y, max(ax, bx), y))
        elif abs(ax - bx) <= _RULE_SLANT and abs(ay - by) >= _MIN_RULE:
            x = (ax + bx) / 2
            out.append(Rule(x, min(ay, by), x, max(ay, by)))


# Font names carry the weight: "CAAAAA+LiberationSerif-Bold", "TimesNewRomanPS-BoldMT",
# "Arial,BoldItalic", "Roboto-SemiBold", "Times-Black".
_BOLD_NAME = regex_cache.compile(r"bold|black|heavy|demi|semibold", re.IGNORECASE)
_ITALIC_NAME = regex_cache.compile(r"italic|oblique", re.IGNORECASE)


def style_of_font(name: str) -> tuple[bool, bool]:
    base = name.split("+", 1)[-1]
    return bool(_BOLD_NAME.search(base)), bool(_ITALIC_NAME.search(base))
