"""Footnotes at the foot of a page: the run of lines in smaller type than the body that starts with a
marker ("¹ Kế hoạch số ...") or goes on with the previous page's last footnote."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline import regex_cache
from pipeline.readers.pdf.lines import FROM_SUPERSCRIPT, SUPERSCRIPTS, VisualLine

# A footnote's own marker at the head of its first line: "¹ Kế hoạch ...", "1 Kế hoạch".
_NOTE_HEAD = regex_cache.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}|\d{1,2})(?:\s+|(?=[^\W\d_]))(.*)$")


@dataclass(slots=True)
class Note:
    marker: str
    lines: list[VisualLine]
    texts: list[str]


def split_footnotes(
    lines: list[VisualLine],
    body_size: float,
    size_tol: float,
    pending: Note | None,
    opens_closing: Callable[[VisualLine], bool],
) -> tuple[list[VisualLine], list[Note], bool]:
    """Take the footnote block off the foot of a page.

    The block is the run of lines, bottom up, in type smaller than the body's; it must
    start with a marker line ("¹ ..."), or continue the previous page's last footnote.
    Returns the remaining lines, the notes found, and whether the first one continues
    ``pending``.
    """
    # Word puts footnotes at the page foot; on the last page they can also sit between the
    # body and the signature table (``opens_closing``: its first row), so a block may end at
    # the page end or at that table.
    ends = [len(lines)] + [i for i, ln in enumerate(lines) if opens_closing(ln)]
    for end in ends:
        small = _small_run(lines, end, body_size, size_tol)
        if not small:
            continue
        rest, notes, continues = _take_notes(lines, small, pending)
        if notes:
            return rest + lines[end:], notes, continues
    return lines, [], False


def _small_run(lines: list[VisualLine], end: int, body_size: float, size_tol: float) -> list[int]:
    """Indexes of the lines in smaller type than the body just above ``end``, top down."""
    small: list[int] = []
    for i in range(end - 1, -1, -1):
        line = lines[i]
        if line.size <= body_size - size_tol and len(line.segments) == 1 and not line.table:
            small.append(i)
        else:
            break
    small.reverse()
    return small


def _take_notes(
    lines: list[VisualLine], small: list[int], pending: Note | None
) -> tuple[list[VisualLine], list[Note], bool]:
    """Parse the small-type run ``small`` into footnotes (see :func:`split_footnotes`)."""
    heads = [i for i in small if _NOTE_HEAD.match(lines[i].text)]
    start = small[0]
    continues = False
    if not heads or heads[0] != start:
        lead = lines[start]
        if pending is not None and abs(lead.size - pending.lines[-1].size) <= 0.5 and lead.text[:1] not in "-+•":
            continues = True
        elif heads:
            start = heads[0]
        else:
            return lines, [], False
    notes: list[Note] = []
    expected = 1
    for i in range(start, small[-1] + 1):
        line = lines[i]
        m = _NOTE_HEAD.match(line.text)
        number = m.group(1).translate(FROM_SUPERSCRIPT) if m else ""
        # a plain "12 tháng ..." continuation is not a marker unless it is the next number
        is_head = m is not None and (
            m.group(1)[0] in SUPERSCRIPTS or not notes or int(number) in (expected, 1) or i == start
        )
        if m is not None and is_head and not (continues and i == start):
            notes.append(Note(number, [line], [m.group(2)]))
            expected = int(number) + 1
        elif notes:
            notes[-1].lines.append(line)
            notes[-1].texts.append(line.text)
        else:  # continuation of the previous page's footnote
            notes.append(Note("", [line], [line.text]))
    return lines[:start], notes, continues
