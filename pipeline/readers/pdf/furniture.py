"""Page furniture: what a page prints that is not the document's text, found among a page's visual
lines and dropped.

* decorative rules ("______", "-----") and lines with no letter or digit;
* page numbers: a lone number in the top or bottom band of the page ("2", "- 2 -", "Trang 2");
* a digital-signature note that a signing system prints over the signed copy ("Người ký: CỔNG THÔNG
  TIN ĐIỆN TỬ CHÍNH PHỦ / Email: ... / Cơ quan: ... / Thời gian ký: ..."; "Ký bởi: CÔNG BÁO ... /
  Ngày ký: ..."): the signer's certificate, not the document;
* the Công báo's running head over a reprint's pages ("CÔNG BÁO/Số 302/Ngày 02-06-2026") and the
  gazette's page number beside it.

The cue phrases are in :mod:`extractors.patterns` (the section on what a PDF prints that is not the
document), matched without diacritics so that OCR's lost marks still match.
"""

from __future__ import annotations

from collections.abc import Sequence

import extractors.patterns as patterns
from pipeline import regex_cache
from pipeline.normalize import strip_accents
from pipeline.readers.pdf.lines import VisualLine, finish_line
from pipeline.readers.pdf.words import PageWords, Word

# A page number alone on its line: "2", "- 2 -", "Trang 2", "2/5".
_PAGE_NUMBER = regex_cache.compile(
    r"^(?:[-–]\s*\d{1,3}\s*[-–]|\d{1,3}(?:\s*/\s*\d{1,3})?|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?)$"
)
# The gazette's page number printed beside its running head: "44", "1024".
_GAZETTE_PAGE = regex_cache.compile(r"^\d{1,4}$")
# Where a running head and page numbers stand: the top or bottom eighth of the page.
_BAND = 0.12


def _text(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words)


def _bare(words: Sequence[Word]) -> str:
    return strip_accents(_text(words))


def _in_band(line: VisualLine, page: PageWords) -> bool:
    return line.bottom < _BAND * page.height or line.top > (1 - _BAND) * page.height


def _drop_words(line: VisualLine, dropped: Sequence[Word]) -> VisualLine | None:
    """The line without some of its words (a segment that is furniture), or None when none is left."""
    gone = {id(w) for w in dropped}
    rest = [w for w in line.words if id(w) not in gone]
    if not rest:
        return None
    return finish_line(VisualLine(rest, line.page, line.top, line.bottom, line.size))


def signature_notes(lines: Sequence[VisualLine]) -> set[int]:
    """Indexes of the lines that are a digital-signature note: a block of "Người ký: ...", "Email: ...",
    "Cơ quan: ...", "Thời gian ký: ..." lines standing one under the other, that says who signed and when.
    A lone "Cơ quan: ..." in the text is not one."""
    found: set[int] = set()
    block: list[int] = []

    def close() -> None:
        bares = [_bare(lines[i].words) for i in block]
        if any(patterns.SIGNATURE_NOTE_SIGNER_BARE.match(b) for b in bares) and any(
            patterns.SIGNATURE_NOTE_TIME_BARE.match(b) for b in bares
        ):
            found.update(block)

    for i, line in enumerate(lines):
        # every label ends in a colon within its first words: "Thời gian ký:" is the longest
        if ":" not in line.text[:24] or not patterns.SIGNATURE_NOTE_LINE_BARE.match(_bare(line.words)):
            continue
        if block:
            last = lines[block[-1]]
            # one under the other: left-aligned, at most a line's height between them
            near = line.top - last.bottom <= 1.5 * max(last.size, line.size) and abs(line.x0 - last.x0) <= last.size
            if not near:
                close()
                block = []
        block.append(i)
    if block:
        close()
    return found


def _gazette_head(line: VisualLine, page: PageWords) -> list[Word]:
    """The words of the Công báo running head on ``line`` and of the gazette's page number beside it, or
    none: "CÔNG BÁO/Số 302/Ngày 02-06-2026" · "44"."""
    if not _in_band(line, page):
        return []
    heads = [seg for seg in line.segments if patterns.GAZETTE_HEAD_BARE.match(_bare(seg))]
    if not heads:
        # OCR may read the head and its page number as one run: "CÔNG BÁO/Số 88/Ngày 06-02-2026 100"
        words = line.words
        if len(words) > 1 and (
            (_GAZETTE_PAGE.match(words[-1].text) and patterns.GAZETTE_HEAD_BARE.match(_bare(words[:-1])))
            or (_GAZETTE_PAGE.match(words[0].text) and patterns.GAZETTE_HEAD_BARE.match(_bare(words[1:])))
        ):
            return list(words)
        return []
    numbers = [seg for seg in line.segments if _GAZETTE_PAGE.match(_text(seg))]
    return [w for seg in [*heads, *numbers] for w in seg]


def drop_page_furniture(lines: list[VisualLine], page: PageWords) -> list[VisualLine]:
    """Drop rules, signature notes, a Công báo running head and page numbers (a lone number in the top
    or bottom band of the page)."""
    kept = [ln for ln in lines if not ln.rule and ln.words]
    notes = signature_notes(kept)
    kept = [ln for i, ln in enumerate(kept) if i not in notes]
    out: list[VisualLine] = []
    for line in kept:
        head = _gazette_head(line, page)
        rest = _drop_words(line, head) if head else line
        if rest is not None:
            out.append(rest)
    for index in (0, -1):
        if not out:
            break
        line = out[index]
        if _in_band(line, page) and _PAGE_NUMBER.match(line.text):
            out.pop(index)
    return out


def furniture_words(lines: list[VisualLine], page: PageWords) -> list[Word]:
    """The words of ``lines`` that :func:`drop_page_furniture` drops."""
    kept = {id(w) for ln in drop_page_furniture(lines, page) for w in ln.words}
    return [w for ln in lines for w in ln.words if id(w) not in kept]
