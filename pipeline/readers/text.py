"""Reader for plain text and Markdown-like converter output.

What converters leave behind, and what this reader does with it:

* ``**ỦY BAN NHÂN DÂN\\nTỈNH LÀO CAI**`` — bold markers around header lines: stripped, the
  block is marked bold;
* blank lines between paragraphs, hard-wrapped lines inside one — a block's lines are kept in
  ``lines`` (header cells wrap meaningfully) and joined with spaces in ``text``;
* numbered items inside one block ("1. ...\\n2. ...") — each starts its own paragraph;
* page-break debris — a footnote (``¹ Kế hoạch số ...``) or a lone page number in the middle of
  a sentence: the footnote becomes a ``footnote`` paragraph, the page number is dropped, and the
  two halves of the sentence are joined again.

Zones are left ``unknown``; :func:`pipeline.zones.assign` classifies them by content.

*Layout text* — the page as it looks (``pdftotext -layout``, copy-paste from a viewer, web copies
with tab- or ``" | "``-separated header rows) — is first turned into that Markdown-like form by
:func:`from_layout`: the header's and the closing's two cells, which share each line, are split at
their column gap and written one after the other; hard-wrapped paragraphs (a new one marked by
indentation, not a blank line) are joined, also across a form feed; page numbers and running heads
go; a footnote at a page foot ("1 Quyết định số ...", superscript lost) is lifted out and its marker
in the body ("tỉnh 1;") becomes "tỉnh¹;".
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from extractors import patterns
from pipeline import legacy, limits
from pipeline.errors import NoText, UnreadableFile
from pipeline.layout import SUPERSCRIPT_DIGITS, Layout, Paragraph
from pipeline.normalize import normalize_text, strip_accents
from pipeline.zones import is_body_start

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")

# a footnote block: "¹ Kế hoạch số ...", "[^1]: ...", "[1] ..." at the start of a block
FOOTNOTE_START = re.compile(rf"^(?:(?P<sup>[{_SUPERSCRIPTS}]+)|\[\^?(?P<num>\d{{1,3}})\]:?)\s*(?P<rest>\S.*)$", re.S)
# a markdown footnote reference in the body: "công vụ[^1]" → "công vụ¹"
MD_FOOTNOTE_REF = re.compile(r"\[\^(\d{1,3})\](?!:)")
# a line that starts a list item: "1.", "1.2.", "2)", "a)", "đ)", "-", "+", "•", "I.", "IV.", "Điều 3."
ITEM_START = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[-+•–]\s|[IVXLC]{1,5}[.-]\s|Điều\s+\d+)")
# a page number or running page mark on its own: "2", "- 2 -", "Trang 2", "2/5",
# and a PDF-to-text converter's page separator: "--- PAGE BREAK ---", "--- Page 3 ---", "=== Trang 2 ==="
PAGE_MARK = re.compile(
    r"^(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$"
    r"|^[-=#\s]*(?:page\s*break|page\s+\d{1,3}|trang\s+\d{1,3})[-=#\s]*$",
    re.I,
)
# decorative rules under the header: "_______", "-----", "*", "***"
RULE = re.compile(r"^[\s_\-–—=*.·]{1,80}$")
_BOLD = re.compile(r"\*\*|__")
_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = re.compile(r"[.:;!?…)\]”\"]\s*$|\./\.$")


# a Markdown escape a converter writes for a literal character: "\\*\\*\\*" (the "***" under an issuer), "1\\."
_MD_ESCAPE = re.compile(r"\\([*_.\-#\[\]()+!])")
# italics around a word or phrase: "Số : *44* DN-UBND", "*Đức Tân, ngày 14 tháng 5 năm 2010*"
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)([^*_]+?)(?<=\S)[*_](?![\w*])")


def _clean_line(line: str) -> str:
    line = _HEADING.sub("", line)
    line = _MD_ESCAPE.sub(r"\1", line)
    line = _BOLD.sub("", line)
    line = _ITALIC.sub(r"\1", line)
    return re.sub(r"\s+", " ", line).strip()


def _blocks(text: str) -> list[tuple[list[str], bool]]:
    """Blank-line separated blocks as (clean lines, bold?)."""
    out: list[tuple[list[str], bool]] = []
    for raw in re.split(r"\n\s*\n", text):
        raw = raw.strip("\n")
        if not raw.strip():
            continue
        bold = raw.strip().startswith(("**", "__"))
        # italics may span the block's lines ('*"Vv chế độ ...' / '... nhân dân"*')
        raw = _ITALIC.sub(r"\1", _MD_ESCAPE.sub(r"\1", raw)) if not bold else raw
        lines = [_clean_line(x) for x in raw.split("\n")]
        lines = [x for x in lines if x]
        if lines:
            out.append((lines, bold))
    return out


def _split_items(lines: list[str]) -> list[list[str]]:
    """Split a block's lines where a new list item starts."""
    groups: list[list[str]] = []
    for line in lines:
        if groups and not ITEM_START.match(line):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _split_header_run(lines: list[str]) -> list[list[str]]:
    """A block at the top that runs the header into what follows (a converter that leaves no blank lines, a
    web page's notes above the document) split where the header's parts change: before a line in capitals
    under one that is not ("• Ngày có hiệu lực: ..." / "BỘ TÀI CHÍNH"), after the place and date, before a
    type name ("KẾT LUẬN")."""
    out: list[list[str]] = []
    for line in lines:
        new = bool(out) and (
            (_is_caps(line) and not _is_caps(out[-1][-1]) and not patterns.NUMBER_LINE.match(out[-1][-1]))
            or bool(patterns.PLACE_DATE.search(out[-1][-1]))
            or patterns.is_type_line(line)
        )
        if new or not out:
            out.append([line])
        else:
            out[-1].append(line)
    return out


def _is_continuation(prev: Paragraph, nxt: Paragraph) -> bool:
    """A paragraph cut by a page break: no sentence end, and the next piece starts in lower case."""
    if prev.zone == "footnote" or nxt.zone == "footnote":
        return False
    if _SENTENCE_END.search(prev.text) or len(prev.text) < 40:
        return False
    first = nxt.text[:1]
    return first.islower() or (first.isdigit() and not ITEM_START.match(nxt.text))


def paragraphs_from_text(text: str) -> list[Paragraph]:
    """Turn normalized converter text into paragraphs (zones unknown, footnotes separated)."""
    text = MD_FOOTNOTE_REF.sub(lambda m: m.group(1).translate(SUPERSCRIPT_DIGITS), text)
    paras: list[Paragraph] = []
    footnotes: list[Paragraph] = []
    for lines, bold in _blocks(text):
        if len(lines) == 1 and (PAGE_MARK.match(lines[0]) or RULE.match(lines[0])):
            # a lone page number or a rule; "*" under a Party header is decoration too
            continue
        lines = [x for x in lines if not RULE.match(x)]
        if not lines:
            continue
        fn = FOOTNOTE_START.match(" ".join(lines))
        if fn:
            note = (fn.group("sup") or "").translate(_FROM_SUPERSCRIPT) or fn.group("num")
            footnotes.append(Paragraph(text=fn.group("rest").strip(), zone="footnote", note=note))
            continue
        groups = _split_items(lines)
        if len(paras) < 3:
            groups = [part for group in groups for part in _split_header_run(group)]
        for group in groups:
            joined = " ".join(group)
            if paras and _is_continuation(paras[-1], Paragraph(text=joined)):
                # page-break debris: glue the sentence back together
                paras[-1].text = f"{paras[-1].text} {joined}"
                paras[-1].lines.extend(group)
                continue
            paras.append(Paragraph(text=joined, lines=list(group), bold=bold or None))
    return paras + footnotes


# --- layout text -------------------------------------------------------------------------------

CELL_SEP = "\x1f"  # a tab of the source, kept through normalization (which makes tabs spaces)
# an explicit cell separator: a tab, or " | " of a web copy ("ỦY BAN NHÂN DÂN TỈNH X | CỘNG HÒA ...")
_EXPLICIT_SEP = re.compile(rf"\s*{CELL_SEP}+\s*|\s+\|\s+")
# a line break inside a web copy's table cell: "<br>", "<br/>", "<br />"
_BR = re.compile(r"<br\s*/?>", re.I)
# a Markdown table's rule row: "|---|:---:|"
_TABLE_RULE = re.compile(r"^[\s|:\-]+$")
# a gap between two cells laid side by side: "ỦY BAN NHÂN DÂN      CỘNG HÒA" (two spaces or more)
_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")
# a footnote at a page foot, its superscript lost: "1 Quyết định số 2150/QĐ-UBND ngày ..."
_FOOT_START = re.compile(r"^(?P<num>\d{1,3}) +(?P<rest>\S.*)$")
# a line broken inside a code: "Quyết định số 1874/QĐ-" + "UBND" join without a space
_CODE_BREAK = re.compile(r"[^\W_][-/]$")
# words after which a bare number counts something and is no footnote marker: "tháng 1", "Điều 1"
_COUNTING = frozenset(
    "ngày tháng năm quý tuần giờ phút số điều khoản điểm mục phần chương tiết khóa lần đợt bước kỳ "
    "giai đoạn nhóm loại cấp hạng tổ khu vùng phường quận xã tầng phòng lớp".split()
)


@dataclass
class _Region:
    """Lines of a two-cell region (header or closing) sorted into their cells, blocks kept apart."""

    left: list[list[str]] = field(default_factory=lambda: [[]])
    right: list[list[str]] = field(default_factory=lambda: [[]])

    def add(self, left: str, right: str) -> None:
        # a web copy's cell may hold its lines as "<br>": "ỦY BAN NHÂN DÂN<br>TỈNH X"
        for cell, text in ((self.left, left), (self.right, right)):
            cell[-1].extend(ln.strip() for ln in _BR.split(text) if ln.strip())

    def blank(self) -> None:
        for cell in (self.left, self.right):
            if cell[-1]:
                cell.append([])

    def text(self) -> list[str]:
        """Blocks of the left cell, then of the right cell: never interleaved."""
        return ["\n".join(_mend_titles(block)) for block in self.left + self.right if block]


# the tail of a quốc hiệu wrapped after "XÃ HỘI": "CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM"
_TITLE_TAIL = re.compile(r"^(?:HOI\s+)?CHU\s+NGHIA\b", re.I)


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
    """
    s = line.strip(" ")
    table = s.startswith("|") and s.endswith("|") and len(s) > 1
    lead = ""
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
    marker = re.compile(rf"(?<=[^\W\d_])( ?){note}(?=[\s,.;:)”\"]|$)")
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


def _split_region(lines: list[str]) -> list[str]:
    """A header or closing region as blocks: the left cell's lines, then the right cell's."""
    region = _Region()
    rows = [ln for ln in lines if ln.strip() and _explicit_cells(ln) is None]
    gaps = [(m.start(), m.end()) for ln in rows for m in _GAP.finditer(ln)]
    # the column boundary lies in the gap most rows share ("Số:     /STC" has a gap of its own)
    width = max((len(ln) for ln in rows), default=0)
    score = [(sum(1 for s, e in gaps if s <= x < e), sum(e - s for s, e in gaps if s <= x < e)) for x in range(width)]
    boundary = max(range(width), key=lambda x: score[x]) if width and max(score)[0] else None
    for line in lines:
        if _TABLE_RULE.match(line) and line.strip():
            continue  # "|---|---|" under a Markdown table's first row
        if not line.strip():
            region.blank()
            continue
        cells = _explicit_cells(line)
        if cells is not None:
            region.add(cells[0], " ".join(c for c in cells[1:] if c))
            continue
        if boundary is None:
            region.add(line.strip(), "")
            continue
        near = [(max(s - boundary, boundary - e + 1, 0), s, e) for s, e in (m.span() for m in _GAP.finditer(line))]
        near = [g for g in near if g[0] <= 8]
        if near:
            _, s, e = min(near)
            region.add(line[:s].strip(), line[e:].strip())
        elif _indent(line) < boundary:
            region.add(line.strip(), "")
        else:
            region.add("", line.strip())
    return region.text()


def _header_end(lines: list[str], width: int) -> int:
    """Index of the first body line: "Kính gửi", a type name, or running text."""
    last_row = 0
    for i, line in enumerate(lines):
        s = re.sub(r"\s+", " ", line.replace(CELL_SEP, " ")).strip()
        if not s:
            continue
        if patterns.KINH_GUI.match(s):
            return i
        if _explicit_cells(line) is not None or _GAP.search(line.strip()):
            last_row = i + 1
            continue
        if is_body_start(Paragraph(text=s)) or (len(s) >= 0.7 * width and not patterns.PLACE_DATE.search(s)):
            return i
        if i > 40:
            break
    # no body start near the top: the header is the rows and the lines right under them
    end = last_row
    while end < len(lines) and lines[end].strip():
        end += 1
    return end


def _closing_start(lines: list[str], start: int, width: int) -> int:
    """Index of the closing's first line: "Nơi nhận", the signer's authority line (TM., KT., T/M ...),
    or a title in capitals on the right after the body's last "./."."""
    ends = [i for i in range(start, len(lines)) if lines[i].rstrip().endswith("./.")]
    begin = ends[-1] + 1 if ends else start
    for i in range(begin, len(lines)):
        cells = _explicit_cells(lines[i])
        parts = [(0 if j == 0 else width, c) for j, c in enumerate(cells)] if cells else _gap_cells(lines[i])
        for col, part in parts:
            if patterns.NOI_NHAN.match(part) or (patterns.AUTHORITY_LINE.match(part) and col >= 0.4 * width):
                # a title in capitals right above ("CHỦ TỊCH" over "Nơi nhận") belongs to the signer
                while i > begin and lines[i - 1].strip() and _indent(lines[i - 1]) >= 0.4 * width:
                    if lines[i - 1].strip() != lines[i - 1].strip().upper():
                        break
                    i -= 1
                return i
    if ends:
        for i in range(begin, len(lines)):
            s = lines[i].strip()
            if s and _indent(lines[i]) >= 0.4 * width and s == s.upper() and any(c.isalpha() for c in s):
                return i
    return len(lines)


def _is_caps(line: str) -> bool:
    """A line in capitals: "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "QUYẾT ĐỊNH:"."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _body(lines: list[str], pages: list[int], unmarked: dict[int, list[str]]) -> list[str]:
    """Body paragraphs, each on one line; a type name keeps its trích yếu lines under it."""
    content = [ln for ln in lines if ln.strip()]
    width = max((len(ln) for ln in content), default=0)
    long = [_indent(ln) for ln in content if len(ln) >= 0.6 * width]
    margin = min(long or [_indent(ln) for ln in content] or [0])
    hard_wrapped = width <= 130
    out: list[str] = []
    para: list[str] = []
    titled = False  # the paragraph is a type name with its trích yếu: lines kept
    parked: list[str] = []

    def flush() -> None:
        nonlocal para, titled, parked
        if para:
            out.append("\n".join(ln.strip() for ln in para) if titled else _join_lines(para))
        out.extend(parked)
        para, titled, parked = [], False, []

    prev = ""
    for i, line in enumerate(lines):
        s = line.strip()
        if i and pages[i] != pages[i - 1]:
            parked.extend(unmarked.get(pages[i - 1], []))
            if s and para and _SENTENCE_END.search(para[-1]):
                flush()
        if not s:
            flush()
            prev = ""
            continue
        if titled:
            # a web copy prints the trích yếu in capitals over several lines: a line in capitals under one
            # goes on, unless it is the thẩm quyền line ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ...")
            caps_goes_on = _is_caps(prev) and not patterns.ISSUING_AUTHORITY.match(s)
            ends = (
                is_body_start(Paragraph(text=s))
                or ITEM_START.match(s)
                or (s == s.upper() and not caps_goes_on)
                or len(para) >= 6
            )
            if not ends:
                para.append(line)
                prev = line
                continue
            flush()
        starts = (
            not para
            or not hard_wrapped
            or _indent(line) >= margin + 2
            or bool(ITEM_START.match(s))
            or bool(patterns.KINH_GUI.match(s))
            or (bool(_SENTENCE_END.search(prev)) and len(prev) < 0.75 * width)
            # a short line in capitals is a title of its own ("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN" over "Căn cứ ...")
            or (_is_caps(prev) and len(prev) < 0.75 * width)
            or _is_caps(s)
        )
        if starts:
            flush()
            titled = patterns.is_type_line(s)
        para.append(line)
        prev = line
    flush()
    for page in sorted(unmarked):
        if page >= max(pages, default=0):
            out.extend(unmarked[page])  # the last page's foot: nothing after it to protect
    return out


def from_layout(text: str) -> str:
    """Layout text (the page as it looks) rewritten as Markdown-like blocks for :func:`paragraphs_from_text`."""
    pages = _clean_pages(text)
    notes, unmarked = _lift_footnotes(pages)
    lines = [ln for page in pages for ln in page]
    page_of = [n for n, page in enumerate(pages) for _ in page]
    width = max((len(ln) for ln in lines), default=0)
    head = _header_end(lines, width)
    tail = _closing_start(lines, head, width)
    blocks = _split_region(lines[:head])
    blocks += _body(lines[head:tail], page_of[head:tail], unmarked)
    blocks += _split_region(lines[tail:])
    return "\n\n".join(blocks + notes)


# --- a web table flattened to lines ----------------------------------------------------------

# a line holding only the cell separator of a web table copied as text (thuvienphapluat, thuviennhadat):
# "ỦY" / "BAN NHÂN DÂN" / "TỈNH QUẢNG NAM" / "--------" / "|" / "CỘNG" / "HÒA XÃ HỘI ..." / "|" / "Số:" / ...
_CELL_BREAK = re.compile(r"^\s*\|\s*$")


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
        if out and (len(out[-1].split()) == 1 or out[-1].endswith(",") or line[:1].islower()):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _is_signer_cell(lines: list[str]) -> bool:
    """The signature cell: a short run with an authority line ("KT. CHỦ TỊCH"), or a title in capitals
    over a name ("CHỦ TỊCH" / "Lữ Văn Hùng")."""
    if not lines or len(lines) > 10:
        return False
    if any(patterns.AUTHORITY_LINE.match(ln) for ln in lines):
        return True
    return _is_caps(lines[0]) and not _is_caps(lines[-1]) and len(lines[-1].split()) <= 6


def from_flat_table(text: str) -> str | None:
    """A web table flattened to lines, "|" alone between cells, rewritten as Markdown-like blocks; None for
    other text.

    The header table's four cells (issuer | quốc hiệu, số | place and date) become one block each; the body
    is reflowed like layout text; a signature cell becomes the closing, with the Nơi nhận lines that end the
    cell before it.
    """
    lines = text.split("\n")
    cells: list[list[str]] = [[]]
    for line in lines:
        if _CELL_BREAK.match(line):
            cells.append([])
        else:
            cells[-1].append(line)
    if len(cells) < 5 or not any(patterns.is_national_title(ln) for ln in _mend_titles(_mend_cell(cells[1]))):
        return None
    blocks = ["\n".join(_mend_titles(_mend_cell(cell))) for cell in cells[:4]]
    rest = cells[4:]
    for i, cell in enumerate(rest):
        signer = i > 0 and _is_signer_cell(_mend_cell(cell))
        if not signer:
            nxt = rest[i + 1] if i + 1 < len(rest) else []
            body = cell
            noi_nhan: list[str] = []
            if _is_signer_cell(_mend_cell(nxt)):
                at = next((j for j, ln in enumerate(cell) if patterns.NOI_NHAN.match(ln.strip())), len(cell))
                body, noi_nhan = cell[:at], cell[at:]
            content = [ln for ln in body if ln.strip()]
            blocks += _body(content, [0] * len(content), {})
            if noi_nhan:
                blocks.append("\n".join(ln.strip() for ln in noi_nhan if ln.strip()))
        else:
            blocks.append("\n".join(_mend_cell(cell)))
    return "\n\n".join(b for b in blocks if b.strip())


def read_text(path: Path, media_type: str = "text/plain") -> Layout:
    """Read a .txt / .md file into a :class:`Layout`."""
    try:
        data = limits.read_text_bytes(path)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the file ({exc.strerror or exc})") from exc
    # legacy fonts (TCVN3, VNI) are converted before normalization, which drops TCVN3's "ư" (U+00AD)
    decoded, encoding = legacy.decode_text(data, path)
    # a tab separates a web copy's header cells, but normalization turns it into a space: keep it as
    # the unit separator (U+001F) until the layout is read
    text = normalize_text(decoded.replace("\t", CELL_SEP)).replace("\r\n", "\n").replace("\r", "\n")
    flat = from_flat_table(text)
    if flat is not None:
        text = flat
    else:
        text = from_layout(text) if is_layout_text(text) else text.replace(CELL_SEP, " ")
    paras = paragraphs_from_text(text)
    if not paras:
        raise NoText(path, "the file holds no text")
    warnings = legacy.warnings_for(encoding)
    return Layout(path=str(path), media_type=media_type, paragraphs=paras, warnings=warnings).finalize()
