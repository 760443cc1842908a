"""Page furniture: what a page prints that is not the document's text — decorative rules and page
numbers — found among a page's visual lines and dropped."""

from __future__ import annotations

import re

from pipeline.readers.pdf.lines import VisualLine
from pipeline.readers.pdf.words import PageWords

# A page number alone on its line: "2", "- 2 -", "Trang 2", "2/5".
_PAGE_NUMBER = re.compile(r"^(?:[-–]\s*\d{1,3}\s*[-–]|\d{1,3}(?:\s*/\s*\d{1,3})?|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?)$")


def drop_page_furniture(lines: list[VisualLine], page: PageWords) -> list[VisualLine]:
    """Drop rules and page numbers (a lone number in the top or bottom band of the page)."""
    kept = [ln for ln in lines if not ln.rule and ln.words]
    for index in (0, -1):
        if not kept:
            break
        line = kept[index]
        in_band = line.bottom < 0.12 * page.height or line.top > 0.88 * page.height
        if in_band and _PAGE_NUMBER.match(line.text):
            kept.pop(index)
    return kept
