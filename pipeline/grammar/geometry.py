"""Named geometry steps of the grammar, for readers that report positions (PDF, OCR, layout text).

Positions are in the units the reader gives (``Lines.units``): points from the page's top-left corner,
or character columns and line numbers for layout text. Every threshold here is relative — to the
text block's width, to the type size (one character counts as one "size" in character units) — so the
same steps read a PDF and a ``pdftotext -layout`` copy of it.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.lines import Line


@dataclass(slots=True)
class Frame:
    """The text block's horizontal extent (left margin, right margin)."""

    left: float
    right: float

    @property
    def width(self) -> float:
        return max(1.0, self.right - self.left)

    @property
    def center(self) -> float:
        return (self.left + self.right) / 2


def size_of(line: Line, default: float = 1.0) -> float:
    return line.size if line.size else default


def body_size(lines: Iterable[Line]) -> float:
    """The type size most of the text is set in (character-weighted)."""
    weights: dict[float, int] = {}
    for line in lines:
        if line.size:
            weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda s: weights[s]) if weights else 1.0


def frame_of(lines: Sequence[Line], fallback: Frame | None = None, ragged: bool = False) -> Frame:
    """Left and right margins of the text: the usual start and the furthest end of lines (for ``ragged``
    text, typed without justification, the end most full lines reach)."""
    placed = [ln for ln in lines if ln.positioned]
    if not placed:
        return fallback or Frame(0.0, 1.0)
    x0s = sorted(ln.x0 for ln in placed if ln.x0 is not None)
    x1s = sorted(ln.x1 for ln in placed if ln.x1 is not None)
    frame = Frame(x0s[len(x0s) // 10], x1s[(len(x1s) * 9) // 10] if ragged else x1s[-1])
    if fallback is None:
        return frame
    if len(placed) < 8:  # a few lines may all be short: they do not show where the margins are
        frame = Frame(min(frame.left, fallback.left), max(frame.right, fallback.right))
    return frame if frame.width >= 0.8 * fallback.width else fallback


def is_full_width(line: Line, frame: Frame) -> bool:
    """A run that spans the text block or is centred on it: not one cell of a two-column row."""
    if not line.positioned:
        return False
    assert line.x0 is not None and line.x1 is not None
    if line.x1 - line.x0 >= 0.7 * frame.width:
        return True
    return abs((line.x0 + line.x1) / 2 - frame.center) < 0.08 * frame.width


def is_centered(line: Line, frame: Frame, ragged: bool = False) -> bool:
    """A run centred on the text block with a margin on both sides (a title); in ``ragged`` typed text, where a
    full line may happen to stop short at both ends, only a line well short of the block's width."""
    if not line.positioned:
        return False
    assert line.x0 is not None and line.x1 is not None
    size = size_of(line)
    # a justified line indented a little at both ends (a căn cứ's first line) is not a title
    if line.x1 - line.x0 > (0.75 if ragged else 0.86) * frame.width:
        return False
    return (
        line.x0 > frame.left + 2.0 * size
        and line.x1 < frame.right - 2.0 * size
        and abs((line.x0 + line.x1) / 2 - frame.center) < 1.5 * size
    )


def column_split(rows: Sequence[Sequence[Line]], frame: Frame) -> float:
    """Where the gutter between two cells of a region is: the middle of the widest gap of the rows that hold
    two runs (median over rows), else the text block's centre."""
    mids = []
    for runs in rows:
        placed = [r for r in runs if r.positioned]
        if len(placed) > 1:
            gaps = [((b.x0 or 0) - (a.x1 or 0), ((a.x1 or 0) + (b.x0 or 0)) / 2) for a, b in itertools.pairwise(placed)]
            mids.append(max(gaps)[1])
    return statistics.median(mids) if mids else frame.center


def side_of(line: Line, split: float) -> str:
    """ "left" or "right" of the gutter at ``split``, by the run's middle."""
    assert line.x0 is not None and line.x1 is not None
    return "left" if (line.x0 + line.x1) / 2 < split else "right"


def line_gap(lines: Sequence[Line], tol: float = 1.0) -> float:
    """The usual vertical space between consecutive lines of one paragraph (median)."""
    gaps = [
        (b.top or 0) - (a.bottom or 0)
        for a, b in itertools.pairwise(lines)
        if a.page == b.page
        and a.top is not None
        and b.top is not None
        and (b.top or 0) > (a.bottom or 0) - 1
        and abs(size_of(a) - size_of(b)) < tol
    ]
    return statistics.median(gaps) if gaps else 0.3 * body_size(lines)
