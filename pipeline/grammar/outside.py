"""Step 2 of the grammar: text that is not the document's (a web site's title line, its notes, a source URL).

Web copies print the site's title of the page above the header ("Công văn 296/BHXH-CSYT năm 2021 hướng dẫn
... do Bảo hiểm xã hội Việt Nam ban hành."), notes about the document ("Số hiệu: ...", "Loại văn bản: ...",
"• Hiệu lực: ..."), a Markdown heading or a "Source: https://..." line; some crawlers repeat the title's
first words before every chunk of the text ("Quyết định 435/QĐ-UBND năm 2020. Điều 1. ..."). None of it is
the document: such rows go to the ``outside`` zone, which no extractor reads, and the repeated prefix is cut
off the rows it starts.

The document starts at the quốc hiệu's row (a line of its own near the top) and the header-like rows right
above it (the issuer's lines, a mark); with no quốc hiệu, at the first header-like row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from extractors import patterns
from pipeline import regex_cache
from pipeline.grammar import kinds
from pipeline.grammar.rows import Row, _piece

# how far down the quốc hiệu may stand (web notes, a title, a table of contents of the page above it)
_LOOK = 16


def _is_chrome(text: str) -> bool:
    """A web page's own line: its title, a note about the document, a source link, a lone heading mark."""
    return bool(patterns.WEB_TITLE.match(text) or patterns.WEB_NOTE.match(text) or patterns.URL.search(text))


# a name in capitals ending in a stop before a numbered heading: "CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG ..."
_CHUNK_NAME = regex_cache.compile(r"^([^\W\d_][^.\n]{2,60}?)\.\s+(?=(?:[IVXLC]+|\d+)\.\s)")


def _strip_title(row: Row, title: str) -> Row:
    """``row`` without a leading web title (``title``), or unchanged."""
    run = row.first
    text = run.text
    if not text.startswith(title) or row.cell:
        return row
    rest = text[len(title) :]
    if not rest.strip():
        return row
    piece = _piece(run, rest, len(title), len(text))
    return replace(row, runs=[piece, *row.runs[1:]])


# a page's own numbering before the document's first line: "1. UBND TỈNH NINH THUẬN" (a site listing the file
# as item 1 of its preview)
_PAGE_ITEM = regex_cache.compile(r"^\s*\d{1,2}[.)]\s+")


def _unnumbered(row: Row) -> Row:
    """The header's first row without a list number a web page put before it, when what follows is an
    issuer's name in capitals (a header never opens with an item number)."""
    run = row.first
    m = _PAGE_ITEM.match(run.text)
    if not m or row.cell:
        return row
    from pipeline.grammar.rows import split_joined

    rest = _piece(run, run.text[m.end() :], m.end(), len(run.text))
    first_cell = split_joined(rest)[0].text.strip()  # "UBND TỈNH NINH THUẬN" of "UBND TỈNH NINH THUẬN CỘNG HÒA ..."
    if not (kinds.is_caps(first_cell) and patterns.starts_org_name(first_cell)):
        return row
    return replace(row, runs=[rest, *row.runs[1:]])


def header_start(rows: Sequence[Row]) -> int | None:
    """Index of the document's first row: the quốc hiệu's row (or, without one, the first row only a header holds:
    "Số: ...", the place and date, an issuer in capitals) and the header-like rows right above it; None when
    nothing in the first rows looks like a header (a fragment of a body)."""
    anchor = next(
        (
            i
            for i, row in enumerate(rows[:_LOOK])
            if any(patterns.opens_with_national_title(r.text.strip()) for r in row.runs)
        ),
        None,
    )
    if anchor is None:
        anchor = next((i for i, row in enumerate(rows[:_LOOK]) if _anchors(row)), None)
    if anchor is None:
        return None
    i = anchor
    while i > 0 and (
        _header_like(rows[i - 1]) or (_header_like(_block_head(rows, i - 1)) and not _is_chrome(rows[i - 1].text))
    ):
        i -= 1
    return i


def _anchors(row: Row) -> bool:
    """A row only a header holds: the number, the place and date, an issuer's name in capitals (in any of the cells a
    converter joined on the row: "ỦY BAN NHÂN DÂN TỈNH X Số: 88/QĐ-UBND X, ngày ...")."""
    from pipeline.grammar.rows import split_joined

    if _is_chrome(row.first.text.strip()):
        return False
    for piece in split_joined(row.first):
        text = piece.text.strip()
        if kinds.is_number(text) or kinds.is_place_date(text) or (kinds.is_caps(text) and kinds.is_org_line(text)):
            return True
    return False


def _block_head(rows: Sequence[Row], i: int) -> Row:
    """The first row of the source block row ``i`` belongs to (a block is judged by its first line: "ủy ban nhân
    dân" / "tỉnh lâm đồng" is one issuer cell)."""
    block = rows[i].first.block
    while block is not None and i > 0 and rows[i - 1].first.block == block:
        i -= 1
    return rows[i]


def _header_like(row: Row) -> bool:
    text = row.first.text.strip()
    if _is_chrome(text) or text.startswith("#"):
        return False
    return kinds.is_header_like(text)


def strip(rows: list[Row]) -> tuple[list[Row], str | None]:
    """Rows with the web page's own text marked ``outside`` and a crawler's repeated title cut off; and that
    title, when there was one."""
    if not rows:
        return rows, None
    title: str | None = None
    m = patterns.WEB_TITLE.match(rows[0].first.text)
    if m and not rows[0].cell:
        title = m.group("title")
        rest = rows[0].first.text[len(title) :].strip()
        if rest:
            rows[0] = _strip_title(rows[0], title)
            rows.insert(0, Row([_piece(rows[0].first, title, 0, len(title))], zone="outside"))
            rows[0].runs[0].text = title
    found = header_start([r for r in rows if r.zone != "outside"] if title else rows)
    start = found if found is not None else 0
    if title:
        start += 1
    for row in rows[:start]:
        row.zone = "outside"
    if found is not None and start < len(rows):
        rows[start] = _unnumbered(rows[start])
    if title:
        # a crawler prints the title's start ("Quyết định 435/QĐ-UBND năm 2020.") before chunks of the text
        short = re.match(r"^.*?\bnăm\s+\d{4}\b\.?", title)
        prefix = short.group(0) if short else title
        chunked: list[int] = []
        for k in range(start, len(rows)):
            cut = _strip_title(rows[k], prefix)
            if cut is not rows[k]:
                chunked.append(k)
            rows[k] = cut
        # ... and, inside an attached document, that document's name too ("Quyết định 435/QĐ-UBND năm 2020.
        # CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG HOẠT ĐỘNG"): a name in capitals the chunks repeat before a heading
        named = {k: m for k in chunked if (m := _CHUNK_NAME.match(rows[k].first.text)) and kinds.is_caps(m.group(1))}
        heads = [m.group(1) for m in named.values()]
        for k, m in named.items():
            if heads.count(m.group(1)) >= 2:
                rows[k] = _strip_title(rows[k], rows[k].first.text[: m.end(1) + 1])
    for k, row in enumerate(rows):
        row.index = k
    if found is None:
        for row in rows:
            if row.zone != "outside":
                row.zone = "body"  # no header: the rows are the body (a fragment, or a header lost by a converter)
    return rows, title
