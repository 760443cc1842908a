"""Reader for plain text, Markdown and converter output (văn bản dạng chữ): one file in, the grammar's
:class:`~pipeline.lines.Lines` out.

The reader undoes what the file's form did to the text, and decides nothing about the document's parts
(:mod:`pipeline.grammar` does, from the lines it reports). Forms, and what the reader reports for each:

* **Markdown-like text** (converter output, web copies, MinerU): blank-line separated *blocks* (``Line.block``);
  bold markers (``**ỦY BAN NHÂN DÂN**``) stripped, the block marked bold; headings, escapes and italics
  stripped; a Markdown table (``| SỞ Y TẾ | CỘNG HÒA ... |``), an HTML table from a converter (``<table>``)
  and a row written with " | " or tabs between cells give *cells* (``Line.cell``), a ``<br>`` in a cell a line
  of that cell; ``[^1]`` becomes the superscript marker "¹" and ``[^1]: ...`` a footnote (``Line.note``); a
  lone page number or a converter's "--- PAGE BREAK ---" is dropped and starts a new page, so the grammar
  mends a sentence it cut.
* **Layout text** (``pdftotext -layout``, copies from a viewer): the page as it looks. Pages at form feeds;
  page numbers and running heads dropped; a footnote at a page foot ("1 Quyết định số ...", its superscript
  lost) lifted out, its marker in the body made superscript ("tỉnh 1;" → "tỉnh¹;"); every run of text between
  wide gaps becomes a :class:`Line` with its character columns as position (``units="chars"``) and the row it
  stood on, so the grammar reads the header and signature tables' columns as it reads a PDF's.
* **A web table flattened to lines** ("|" alone between cells, as some sites paste): each cell a block, its
  lines mended where the page's source broke them.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

from extractors import patterns
from pipeline import legacy, limits, regex_cache
from pipeline.errors import NoText, UnreadableFile
from pipeline.layout import SUPERSCRIPT_DIGITS, Layout
from pipeline.lines import Cell, Line, Lines, Units
from pipeline.normalize import normalize_text, strip_accents

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")

# a markdown footnote reference in the body: "công vụ[^1]" → "công vụ¹"
MD_FOOTNOTE_REF = regex_cache.compile(r"\[\^(\d{1,3})\](?!:)")
# a Markdown footnote definition: "[^1]: Kế hoạch số ..."
MD_FOOTNOTE_DEF = regex_cache.compile(r"^\[\^(?P<num>\d{1,3})\]:\s*(?P<rest>\S.*)$", re.S)
PAGE_MARK = patterns.PAGE_MARK
RULE = patterns.RULE_LINE
_SENTENCE_END = patterns.SENTENCE_END
_BOLD = regex_cache.compile(r"\*\*|__")
# a converter's inline formatting tags left in a text copy: "<i>V/v phổ biến ...</i>", "<i><b>Kính gửi: - </b></i>"
_INLINE_TAG = regex_cache.compile(r"</?(?:i|b|u|em|strong|span|font|sup|sub)(?:\s[^<>]*)?>", re.I)
_HEADING = regex_cache.compile(r"^#{1,6}\s+")


# a Markdown escape a converter writes for a literal character: "\\*\\*\\*" (the "***" under an issuer), "1\\."
_MD_ESCAPE = regex_cache.compile(r"\\([*_.\-#\[\]()+!])")
# italics around a word or phrase: "Số : *44* DN-UBND", "*Đức Tân, ngày 14 tháng 5 năm 2010*"
_ITALIC = regex_cache.compile(r"(?<![\w*])[*_](?=\S)([^*_]+?)(?<=\S)[*_](?![\w*])")


# inline math a converter (MinerU) wrote for plain characters: "$( \\mathsf { b } / \\mathsf { c } )$" → "(b/c)"
_MATH = regex_cache.compile(r"\$([^$\n]{1,120})\$")
_TEX_COMMAND = regex_cache.compile(r"\\[a-zA-Z]+\s*|[{}]")


def _plain_math(m: re.Match[str]) -> str:
    return re.sub(r"\s+", "", _TEX_COMMAND.sub("", m.group(1)))


def _clean_line(line: str) -> str:
    line = _MATH.sub(_plain_math, line) if "$" in line else line
    line = _HEADING.sub("", line)
    line = _MD_ESCAPE.sub(r"\1", line)
    line = _BOLD.sub("", line)
    line = _INLINE_TAG.sub("", line) if "<" in line else line
    line = _ITALIC.sub(r"\1", line)
    return re.sub(r"\s+", " ", line).strip()


# --- layout text -------------------------------------------------------------------------------

CELL_SEP = "\x1f"  # a tab of the source, kept through normalization (which makes tabs spaces)
# an explicit cell separator: a tab, or " | " of a web copy ("ỦY BAN NHÂN DÂN TỈNH X | CỘNG HÒA ...")
_EXPLICIT_SEP = regex_cache.compile(rf"\s*{CELL_SEP}+\s*|\s+\|\s+")
# a line break inside a web copy's table cell: "<br>", "<br/>", "<br />"
_BR = regex_cache.compile(r"<br\s*/?>", re.I)
# a Markdown table's rule row: "|---|:---:|"
_TABLE_RULE = regex_cache.compile(r"^[\s|:\-]+$")
# a gap between two cells laid side by side: "ỦY BAN NHÂN DÂN      CỘNG HÒA" (two spaces or more)
_GAP = regex_cache.compile(r"(?<=\S) {2,}(?=\S)")
# a footnote at a page foot, its superscript lost: "1 Quyết định số 2150/QĐ-UBND ngày ..."
_FOOT_START = regex_cache.compile(r"^(?P<num>\d{1,3}) +(?P<rest>\S.*)$")
# a line broken inside a code: "Quyết định số 1874/QĐ-" + "UBND" join without a space
_CODE_BREAK = regex_cache.compile(r"[^\W_][-/]$")
# words after which a bare number counts something and is no footnote marker: "tháng 1", "Điều 1"
_COUNTING = frozenset(
    "ngày tháng năm quý tuần giờ phút số điều khoản điểm mục phần chương tiết khóa lần đợt bước kỳ "
    "giai đoạn nhóm loại cấp hạng tổ khu vùng phường quận xã tầng phòng lớp".split()
)


# the tail of a quốc hiệu wrapped after "XÃ HỘI": "CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM"
_TITLE_TAIL = regex_cache.compile(r"^(?:HOI\s+)?CHU\s+NGHIA\b", re.I)


def _mend_titles(lines: list[str]) -> list[str]:
    """Rejoin a quốc hiệu a narrow cell wrapped: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" / "NAM"."""
    out: list[str] = []
    for line in lines:
        tail = bool(out) and patterns.is_national_title(out[-1]) and bool(_TITLE_TAIL.match(strip_accents(line)))
        if tail or (
            out and not patterns.is_national_title(out[-1]) and patterns.is_national_title(f"{out[-1]} {line}")
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _explicit_cells(line: str) -> list[str] | None:
    """Cells of a row written with tabs or pipes, or None for a line without them.

    >>> _explicit_cells("| SỞ Y TẾ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |")
    ['SỞ Y TẾ', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']
    >>> _explicit_cells(CELL_SEP + "Độc lập - Tự do - Hạnh phúc")
    ['', 'Độc lập - Tự do - Hạnh phúc']
    >>> _explicit_cells("Nơi nhận: | TL. CHỦ TỊCH |")  # a web copy closes each row with a pipe, and opens none
    ['Nơi nhận:', 'TL. CHỦ TỊCH']
    """
    s = line.strip(" ")
    table = s.startswith("|") and s.endswith("|") and len(s) > 1
    lead = ""
    if not table and re.search(r"\s\|\s.*\s\|$", s):
        s = s[:-1].rstrip()  # "a | b |": the row's closing pipe, not an empty cell's
    if table:
        s = s[1:-1]
    elif s.startswith("| "):
        lead, s = "|", s[2:]  # " | Trần Hòa Nam": an empty left cell
    elif CELL_SEP not in s and not re.search(r"\s\|\s", s):
        return None
    parts = re.split(rf"\s*[|{CELL_SEP}]+\s*" if table else _EXPLICIT_SEP.pattern, s)
    parts = ([""] if lead else []) + [p.strip() for p in parts]
    if parts and not parts[-1]:
        parts.pop()
    return parts


def _gap_cells(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each run of text separated by wide gaps."""
    return [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_side_by_side(line: str) -> bool:
    """A header or closing row: two cells on one line, the right one a quốc hiệu or the signer's line.

    >>> _is_side_by_side("   ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    True
    >>> _is_side_by_side("Số:     /STC-QLNS")
    False
    """
    cells = _explicit_cells(line)
    parts = cells[1:] if cells is not None else [t for _, t in _gap_cells(line)[1:]]
    first = cells[0] if cells else line.strip()
    if cells is None and not re.search(r"\S {4,}\S", line):
        return False
    return any(patterns.is_national_title(p) or patterns.AUTHORITY_LINE.match(p) for p in parts) or bool(
        parts and patterns.NOI_NHAN.match(first)
    )


def is_layout_text(text: str) -> bool:
    """Is ``text`` the page as it looks rather than Markdown-like paragraphs?

    Form feeds between pages, a header or closing row holding both cells, or a body hard-wrapped
    into lines of one width without blank lines between them.
    """
    if "\f" in text:
        return True
    lines = text.split("\n")
    if any(_is_side_by_side(ln) for ln in lines):
        return True
    wrapped = sum(1 for ln, nxt in itertools.pairwise(lines) if 50 <= len(ln.strip()) <= 110 and nxt.strip())
    return wrapped >= 8 and wrapped >= 0.3 * sum(1 for ln in lines if ln.strip())


def _edge(page: list[str], end: int) -> int | None:
    """Index of the page's first (``end`` 0) or last (-1) line with text."""
    content = [i for i, ln in enumerate(page) if ln.strip()]
    return content[end] if content else None


def _trim(page: list[str]) -> None:
    """Drop blank lines at both ends of a page, so a page break alone never ends a paragraph."""
    while page and not page[-1].strip():
        page.pop()
    while page and not page[0].strip():
        page.pop(0)


def _clean_pages(text: str) -> list[list[str]]:
    """Pages as lines without page numbers ("2", "- 2 -", "Trang 2/5") or running heads and feet.

    A running head is the same short line, not a sentence, at the top (or foot) of two pages or more
    ("Công văn số 125/UBND-NC"). Page numbers and heads may stack ("Công văn ..." over "2"): both go.
    """
    pages = [[ln.rstrip() for ln in page.split("\n")] for page in text.split("\f")]
    for step in ("number", "head", "number"):
        for end in (0, -1):
            edges = [page[i].strip() if (i := _edge(page, end)) is not None else "" for page in pages]
            counts = Counter(edges)
            for page, e in zip(pages, edges, strict=True):
                i = _edge(page, end)
                if step == "number":
                    drop = bool(PAGE_MARK.match(e))
                else:
                    drop = counts[e] >= max(2, len(pages) // 2) and len(e) <= 80 and not _SENTENCE_END.search(e)
                if i is not None and e and drop:
                    page[i] = ""
    for page in pages:
        _trim(page)
    return pages


def _place_marker(lines: list[str], note: str) -> bool:
    """Turn the body's marker for footnote ``note`` into a superscript; False when none is found.

    A marker follows a word, after a space or glued to it ("tỉnh 1;", "Bộ Y tế 1,", "tỉnh1"), and
    not a counting word ("tháng 1", "Điều 1"). One before punctuation is the surest.
    """
    marker = regex_cache.compile(rf"(?<=[^\W\d_])( ?){note}(?=[\s,.;:)”\"]|$)")
    best: tuple[int, int, re.Match[str]] | None = None
    for i, line in enumerate(lines):
        for m in marker.finditer(line):
            word = re.search(r"(\w+)$", line[: m.start()])
            if m.group(1) and word and word.group(1).lower() in _COUNTING:
                continue
            rank = 0 if m.end() == len(line) or line[m.end()] != " " else 1
            if best is None or rank < best[0]:
                best = (rank, i, m)
    if best is None:
        return False
    _, i, m = best
    lines[i] = lines[i][: m.start()] + note.translate(SUPERSCRIPT_DIGITS) + lines[i][m.end() :]
    return True


def _lift_footnotes(pages: list[list[str]]) -> tuple[list[str], dict[int, list[str]]]:
    """Take the footnotes off each page's foot.

    A footnote is a block after a blank line at the page foot, at the left margin, opening with the
    next footnote number and a space ("1 Quyết định số ..."), whose marker the page above carries.
    Returns the footnotes as "¹ text" blocks, and per page the numbered foot lines whose marker was
    not found: they stay body text, but after the paragraph the page break cuts (never inside it).
    """
    notes: list[str] = []
    unmarked: dict[int, list[str]] = {}
    expected = 1
    for n, page in enumerate(pages):
        margin = min((_indent(ln) for ln in page if ln.strip()), default=0)
        top = len(page)
        while top > 0 and page[top - 1].strip() and _indent(page[top - 1]) <= margin + 6:
            top -= 1
        first = _FOOT_START.match(page[top].strip()) if top < len(page) else None
        if top == 0 or first is None or int(first.group("num")) != expected:
            continue
        block: list[tuple[str, list[str]]] = []
        for line in page[top:]:
            m = _FOOT_START.match(line.strip())
            if m and int(m.group("num")) == expected:
                block.append((m.group("num"), [m.group("rest")]))
                expected += 1
            else:
                block[-1][1].append(line.strip())
        del page[top:]
        _trim(page)
        for num, text in block:
            if _place_marker(page, num):
                notes.append(f"{num.translate(SUPERSCRIPT_DIGITS)} {_join_lines(text)}")
            else:
                unmarked.setdefault(n, []).append(f"{num} {_join_lines(text)}")
    return notes, unmarked


def _join_lines(lines: list[str]) -> str:
    """Reflow wrapped lines; a code broken at its hyphen or slash ("1874/QĐ-" / "UBND") is rejoined."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        out = f"{out}{line}" if _CODE_BREAK.search(out) and line[0].isalnum() and line[0].isupper() else f"{out} {line}"
    return out.strip()


# --- a web table flattened to lines ----------------------------------------------------------

# a line holding only the cell separator of a web table copied as text (thuvienphapluat, thuviennhadat):
# "ỦY" / "BAN NHÂN DÂN" / "TỈNH QUẢNG NAM" / "--------" / "|" / "CỘNG" / "HÒA XÃ HỘI ..." / "|" / "Số:" / ...
_CELL_BREAK = regex_cache.compile(r"^\s*\|\s*$")


def _mend_cell(lines: list[str]) -> list[str]:
    """A flattened cell's lines, rejoined where the page's source broke them rather than the document.

    Such copies break a cell at odd places: after one word ("ỦY" / "BAN NHÂN DÂN", "Số:" / "14/2007/QĐ-UBND",
    "TM." / "ỦY BAN NHÂN DÂN TỈNH", "Sơn" / "La, ngày 16 ..."), after a comma ("Quảng Bình," / "ngày 25 ..."),
    or before a word in lower case ("Lạng Sơn, ngày 13" / "tháng 01 năm 2020").

    >>> _mend_cell(["ỦY", "BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "--------"])
    ['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NAM']
    >>> _mend_cell(["Quảng Bình,", "ngày 25 tháng 5 năm 2015"])
    ['Quảng Bình, ngày 25 tháng 5 năm 2015']
    """
    out: list[str] = []
    for line in (ln.strip() for ln in lines):
        if not line or RULE.match(line):
            continue
        listed = line.startswith(("- ", "+ ", "• ", "– "))
        if out and not listed and (len(out[-1].split()) == 1 or out[-1].endswith(",") or line[:1].islower()):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


# --- Markdown-like text ------------------------------------------------------------------------------

# an HTML table a converter left in the text: "<table><tr><td>...</td></tr></table>"
_HTML_TABLE = regex_cache.compile(r"<table\b.*?</table\s*>", re.I | re.S)


class _Writer:
    """Numbers blocks, tables and pages while the text is turned into lines."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.block = 0
        self.table = 0
        self.page = 1
        self._table_open = False  # the last block was a table whose rows may go on

    def add(self, text: str, *, bold: bool | None = None, cell: Cell | None = None, note: str | None = None) -> None:
        text = text.replace(CELL_SEP, "\t").strip()
        if text.strip("\t "):
            self.lines.append(Line(text, page=self.page, bold=bold, block=self.block, cell=cell, note=note))

    def new_block(self) -> None:
        self.block += 1

    def pipe_row(self, cells: list[str], row: int) -> None:
        """A table row given as its cells' texts (a "<br>" inside a cell separates the cell's lines)."""
        n = len(cells)
        for col, text in enumerate(cells):
            self.new_block()
            cell = Cell(self.table, row, col, col / max(1, n), (col + 1) / max(1, n), n)
            for part in _BR.split(text):
                self.add(_clean_line(part), cell=cell)

    def html(self, markup: str) -> None:
        from pipeline.readers.html import lines_from_html  # lxml.html only for a text that holds a table

        lines, self.block, self.table = lines_from_html(markup, self.block, self.table, self.page)
        self.lines.extend(lines)


def _row_cells(line: str) -> list[str] | None:
    """The cells of a line that is a table row: a Markdown row ("| a | b |"), cells a tab separates, or a web copy's
    row with " | " between cells when a cell holds what only a header or closing row holds (the quốc hiệu, a
    signing line, "Nơi nhận", the place and date); a lone "|" inside running text is OCR's noise, not a cell."""
    cells = _explicit_cells(line)
    if cells is None or len(cells) < 2:
        return None
    s = line.strip(" ")
    if (s.startswith("|") and s.endswith("|")) or (cells[0] == "" and s[:1] in (CELL_SEP, "|")):
        return cells  # a Markdown row, or a row whose left cell is empty ("\tTrần Hòa Nam", "| Trần Hòa Nam")
    telling = any(
        patterns.is_national_title(c) or patterns.AUTHORITY_LINE.match(c) or patterns.PLACE_DATE.search(c)
        for c in cells[1:]
    )
    piped = " | " in s
    return (
        cells
        if telling or (piped and (patterns.NOI_NHAN.match(cells[0]) or patterns.KINH_GUI.match(cells[0])))
        else None
    )


def _cells_after(line: str, under_row: bool) -> list[str] | None:
    """:func:`_row_cells`, or, for a line under one that showed the table (``under_row``), its cells whatever
    they hold, when the same pipes split it ("Nơi nhận: | KT. CHỦ TỊCH |" / "- Như trên; | PHÓ CHỦ TỊCH |")."""
    cells = _row_cells(line)
    if cells is None and under_row and " | " in line:
        more = _explicit_cells(line)
        cells = more if more is not None and len(more) >= 2 else None
    return cells


# the first caption of a table's header row: "STT", "TT", "Số TT"
_SEQ_CAPTION = regex_cache.compile(r"^(?:S[ốố]\s*)?T\.?\s*T\.?$|^STT$", re.IGNORECASE)


def _cell_per_line(lines: list[str]) -> tuple[int, int, list[list[str]]] | None:
    """A table a converter flattened to one cell per line ("STT" / "Ngày" / "Công việc" / "1" / "24/03/2014" / "P.ĐTĐH
    gửi ..." / "2" / ...): (first line, end line, rows with the header row first), or None.

    The header row is "STT" and the short captions after it; then each row is as many lines, the first of them
    the row's number, counting from 1.
    """
    for i, line in enumerate(lines):
        if not _SEQ_CAPTION.match(line.strip()):
            continue
        captions = [line.strip()]
        for nxt in lines[i + 1 : i + 8]:
            if nxt.strip() == "1" or len(nxt) > 40 or _SENTENCE_END.search(nxt):
                break
            captions.append(nxt.strip())
        width = len(captions)
        if width < 2:
            continue
        rows = [captions]
        k = i + width
        while k + width <= len(lines) and lines[k].strip() == str(len(rows)):
            rows.append([ln.strip() for ln in lines[k : k + width]])
            k += width
        if len(rows) >= 3:
            return i, k, rows
    return None


def _pipe_rows(lines: list[str]) -> list[list[str]] | None:
    """The rows of a block written as a table with pipes ("| a | b |", or "a | b" from a web copy), or None."""
    rows: list[list[str]] = []
    for line in lines:
        if _TABLE_RULE.match(line) and "|" in line:
            continue  # "|---|---|" under a Markdown table's first row
        cells = _cells_after(line, bool(rows))
        if cells is None:
            return None
        rows.append(cells)
    return rows or None


# a Markdown image a converter left where a picture stood (a seal, a signature): "![](images/65e0....jpg)"
_MD_IMAGE = regex_cache.compile(r"!\[[^\]]*\]\([^)]*\)")


def _lines_are_paragraphs(text: str) -> bool:
    """Does the text put one paragraph per line, without blank lines between (a web copy)? Then its lines are
    too long to be a paragraph wrapped at a width: a quarter of them run past 120 characters."""
    lines = [ln for ln in text.split("\n") if ln.strip() and not ln.lstrip().startswith("|")]
    return bool(lines) and sum(len(ln) > 120 for ln in lines) >= 0.25 * len(lines)


def _markdown(text: str, writer: _Writer) -> None:
    text = MD_FOOTNOTE_REF.sub(lambda m: m.group(1).translate(SUPERSCRIPT_DIGITS), text)
    text = _MD_IMAGE.sub("", text)
    per_line = _lines_are_paragraphs(text)
    chunks: list[tuple[bool, str]] = []
    pos = 0
    for m in _HTML_TABLE.finditer(text):
        chunks.append((False, text[pos : m.start()]))
        chunks.append((True, m.group(0)))
        pos = m.end()
    chunks.append((False, text[pos:]))
    for is_table, chunk in chunks:
        if is_table:
            writer.html(chunk)
            continue
        for raw in re.split(r"\n\s*\n", chunk):
            raw = raw.strip("\n")
            if not raw.strip():
                continue
            raw_lines = [x for x in raw.split("\n") if x.strip()]
            if len(raw_lines) == 1 and (PAGE_MARK.match(raw_lines[0].strip()) or RULE.match(raw_lines[0].strip())):
                if PAGE_MARK.match(raw_lines[0].strip()):
                    writer.page += 1  # a page number or page mark: what follows is on the next page
                continue
            rows = _pipe_rows([x.strip() for x in raw_lines])
            if rows is not None:
                writer.table += 1
                for r, cells in enumerate(rows):
                    writer.pipe_row(cells, r)
                continue
            flat = _cell_per_line(raw_lines)
            if flat is not None:
                # a table flattened one cell per line, inside the block: the lines before it, the table, the rest
                a, b, table = flat
                before, after = "\n".join(raw_lines[:a]), "\n".join(raw_lines[b:])
                if before.strip():
                    _markdown(before, writer)
                writer.table += 1
                for r, cells in enumerate(table):
                    writer.pipe_row(cells, r)
                if after.strip():
                    _markdown(after, writer)
                continue
            note = MD_FOOTNOTE_DEF.match(raw.strip())
            writer.new_block()
            if note:
                writer.add(_clean_line(note.group("rest").replace("\n", " ")), note=note.group("num"))
                continue
            bold = raw.strip().startswith(("**", "__"))
            # italics may span the block's lines ('*"Vv chế độ ...' / '... nhân dân"*')
            if not bold:
                raw = _ITALIC.sub(r"\1", _MD_ESCAPE.sub(r"\1", raw))
            piped = False  # was the line before a row of cells?
            for k, line in enumerate(raw.split("\n")):
                if PAGE_MARK.match(line.strip()) and line.strip():
                    writer.page += 1
                    continue
                if per_line and k:
                    writer.new_block()
                row_cells = _cells_after(line, piped) if CELL_SEP in line or " | " in line else None
                piped = row_cells is not None
                if row_cells is not None:
                    writer.add("\t".join(_clean_line(c) for c in row_cells), bold=bold or None)
                else:
                    writer.add(_clean_line(line.replace(CELL_SEP, " ")), bold=bold or None)


# --- layout text ---------------------------------------------------------------------------------------

# a run of text on a layout line: words one or two spaces apart (three or more separate two cells)
_RUN = regex_cache.compile(r"\S+(?: {1,2}\S+)*")


def _layout(text: str, writer: _Writer) -> None:
    pages = _clean_pages(text)
    notes, unmarked = _lift_footnotes(pages)
    row = 0
    for n, page in enumerate(pages):
        writer.page = n + 1  # a page break is no blank line: a paragraph it cuts goes on
        table_rows: list[list[str]] = []
        for i, raw in enumerate(page):
            line = raw.rstrip()
            if not line.strip():
                writer.new_block()
                table_rows = []  # a blank line ends a table: the next rows are another one
                continue
            if RULE.match(line.strip()) or (_TABLE_RULE.match(line) and "|" in line):
                continue
            cells = _cells_after(line, bool(table_rows))
            if cells is not None:
                # a Markdown or web table row: cells, not columns of the page
                if not table_rows:
                    writer.table += 1
                table_rows.append(cells)
                writer.pipe_row(cells, len(table_rows) - 1)
                continue
            table_rows = []
            row += 1
            line = re.sub(r"\s\|\s", "   ", line)  # OCR's stray bar between words is a gap, not a cell
            for m in _RUN.finditer(line.replace(CELL_SEP, "   ")):
                writer.lines.append(
                    Line(
                        _clean_line(m.group()),
                        page=writer.page,
                        x0=float(m.start()),
                        x1=float(m.end()),
                        top=float(i),
                        bottom=float(i + 1),
                        block=writer.block,
                        row=row,
                    )
                )
        block = writer.block
        for text_ in unmarked.get(n, []):
            num, _, rest = text_.partition(" ")
            writer.new_block()
            writer.add(rest, note=num)
        writer.block = block
    for note in notes:
        mark, _, rest = note.partition(" ")
        writer.new_block()
        writer.add(rest, note=mark.translate(_FROM_SUPERSCRIPT))


# --- a web table flattened to lines ------------------------------------------------------------------


def _flat_table(text: str, writer: _Writer) -> bool:
    """A web table flattened to lines ("|" alone between cells) as one block per cell; False for other text."""
    cells: list[list[str]] = [[]]
    for line in text.split("\n"):
        if _CELL_BREAK.match(line):
            cells.append([])
        else:
            cells[-1].append(_clean_line(line))
    cells = [c for c in cells if any(ln.strip() for ln in c)]  # "|" "|": an empty cell between separators
    if len(cells) < 5 or not any(patterns.is_national_title(ln) for ln in _mend_titles(_mend_cell(cells[1]))):
        return False
    for k, cell in enumerate(cells):
        writer.new_block()
        mended = _mend_titles(_mend_cell(cell))
        if k < 4 or len(mended) <= 10:
            for line in mended:
                writer.add(line)
            continue
        # a body cell: its lines as the page source wrapped them, positioned so the grammar reflows them
        content = [ln.strip() for ln in cell if ln.strip() and not RULE.match(ln.strip())]
        for i, line in enumerate(content):
            writer.lines.append(
                Line(line, page=writer.page, x0=0.0, x1=float(len(line)), top=float(i), bottom=float(i + 1),
                     block=writer.block)
            )  # fmt: skip
    return True


def lines_from_text(text: str) -> tuple[list[Line], Units | None, int]:
    """The lines of normalized text (tabs kept as :data:`CELL_SEP`), their units and the number of pages."""
    writer = _Writer()
    if _flat_table(text, writer):
        units: Units | None = "chars"
    elif is_layout_text(text):
        _layout(text, writer)
        units = "chars"
    else:
        _markdown(text, writer)
        units = None
    if units is None and any(ln.positioned for ln in writer.lines):
        units = "chars"
    return writer.lines, units, writer.page


# a ";-" glued to the next entry's capital (a copy's run-on list); ";" then " - " is left to the grammar
_RUN_ON_ENTRY = regex_cache.compile(r";-\s*(?=[A-ZĐÀ-Ỹ])")


# an item's number left at the end of the line above its text, as a web copy of a table gives it: "1. Tăng cường
# ... và tiến bộ 1.1." / "Tổ chức nghiên cứu ..." (the sub-item's number follows its parent's heading)
_TRAILING_SUB_NUMBER = regex_cache.compile(r"^(?P<head>(?P<num>\d+(?:\.\d+)*)\.\s.*\S)\s+(?P<sub>(?P=num)\.\d+\.)$")
# ... or inside the parent's line, its text after it: "3. Giải quyết tốt tranh chấp lao động 3.1. Rà soát, ..."
_INNER_SUB_NUMBER = regex_cache.compile(r"^(?P<num>\d+(?:\.\d+)*)\.\s.*?\S(?P<cut>\s+)(?P=num)\.\d+\.\s+(?=[^\W\d_])")
# an item's number alone on its line, its text on the next: "1.4." / "Xây dựng kế hoạch ..."
_LONE_NUMBER = regex_cache.compile(r"^\d+(?:\.\d+)*\.$")


def _numbers_to_their_items(text: str) -> str:
    """Item numbers a copy left apart from their text put back at its start (see the three patterns above)."""
    lines = []
    for line in text.split("\n"):
        m = _INNER_SUB_NUMBER.match(line)
        if m and line[m.end()].isupper():
            lines += [line[: m.start("cut")], line[m.end("cut") :]]
        else:
            lines.append(line)
    for i in range(len(lines) - 1):
        below = lines[i + 1].strip()
        if not below or not below[0].isalpha():
            continue
        line = lines[i].strip()
        if m := _TRAILING_SUB_NUMBER.match(line):
            lines[i], lines[i + 1] = m.group("head"), f"{m.group('sub')} {below}"
        elif _LONE_NUMBER.match(line):
            lines[i], lines[i + 1] = "", f"{line} {below}"
    return "\n".join(lines)


# a combining mark with no letter under it: after a space or at a line's start, where a converter left it
_LOOSE_MARKS = regex_cache.compile(r"(?:(?<=\s)|^)[\u0300-\u036f]+", re.M)
# a "?" inside a word, where an encoding that cannot hold Vietnamese put one for each such letter: "C?NG H?A"
_LOST_LETTER = regex_cache.compile(r"(?<=\w)\?(?=\w)|(?<=\w)\?(?=\s)|(?<=\s)\?(?=\w)")


def _letters_lost(text: str) -> bool:
    """Does ``text`` show every Vietnamese letter replaced by "?": many "?" in words and almost no marked letter?"""
    sample = text[:20_000]
    lost = len(_LOST_LETTER.findall(sample))
    if lost < 20:
        return False
    marked = sum(1 for c in sample if c.isalpha() and not c.isascii())
    return marked < lost / 10


def read_text_lines(path: Path, media_type: str = "text/plain") -> Lines:
    """Read a .txt / .md file into the grammar's :class:`Lines`."""
    try:
        data = limits.read_text_bytes(path)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the file ({exc.strerror or exc})") from exc
    # legacy fonts (TCVN3, VNI) are converted before normalization, which drops TCVN3's "ư" (U+00AD)
    decoded, encoding = legacy.decode_text(data, path)
    if _letters_lost(decoded):
        raise UnreadableFile(
            path,
            "its Vietnamese letters were lost, each replaced by '?' (\"C?NG H?A X? H?I\"): it was saved in an "
            "encoding that cannot hold them; save the original again as UTF-8",
        )
    # a tab separates a web copy's header cells, but normalization turns it into a space: keep it as
    # the unit separator (U+001F) until the lines are made
    text = normalize_text(decoded.replace("\t", CELL_SEP)).replace("\r\n", "\n").replace("\r", "\n")
    # tone marks a PDF-to-text converter left loose, after the words they belonged to ("thiêt hai ̀ ̣ ̣"): which
    # letter each was on is lost; they go, and the clerk is told
    loose = len(_LOOSE_MARKS.findall(text))
    if loose:
        text = _LOOSE_MARKS.sub("", text)
    # a copy that lost every hyphen ("Độc lập  Tự do  Hạnh phúc", "1961/QĐUBND"): its codes get them back
    repaired = patterns.restore_hyphens(text)
    hyphens_restored = repaired != text
    # two list entries a copy ran onto one line: "- Chủ tịch, các PCT UBND tỉnh (để b/c);- CVP, các PCVP ..."
    repaired = _RUN_ON_ENTRY.sub(";\n- ", repaired)
    repaired = _numbers_to_their_items(repaired)
    lines, units, pages = lines_from_text(repaired)
    if not any(ln.text.strip() for ln in lines):
        raise NoText(path, "the file holds no text")
    warnings = legacy.warnings_for(encoding)
    if loose >= 3:
        warnings.append(
            'Bản sao bị tách dấu thanh khỏi chữ ("thiêt hai" cho "thiệt hại"): chữ có thể thiếu dấu; hãy đối chiếu '
            "với bản gốc "
            f"(the copy's tone marks came loose from their letters, {loose} of them: words may lack their marks)."
        )
    if hyphens_restored:
        warnings.append(
            "Bản sao mất hết dấu gạch nối; đã khôi phục dấu gạch trong số, ký hiệu văn bản "
            "(the copy lost its hyphens; they were restored in the codes: check them against the original)."
        )
    return Lines(path=str(path), media_type=media_type, lines=lines, units=units, warnings=warnings,
                 page_count=pages if "\f" in text else None)  # fmt: skip


def read_text(path: Path, media_type: str = "text/plain") -> Layout:
    """Read a .txt / .md file into a zoned :class:`Layout` (its lines through the document grammar)."""
    from pipeline.grammar import layout

    return layout(read_text_lines(path, media_type))


def layout_of_text(text: str, path: str = "<text>") -> Layout:
    """The zoned layout of a text snippet (already normalized), as :func:`read_text` reads a file's text."""
    from pipeline.grammar import layout

    lines, units, _ = lines_from_text(text.replace("\t", CELL_SEP))
    return layout(Lines(path=path, media_type="text/plain", lines=lines, units=units))
