"""HTML reader: Word documents saved as a web page (.htm), pages saved from a portal, and the HTML tables
converters put inside Markdown (MinerU's ``<table><tr><td>...``).

The walk reports what the markup says: a paragraph-level element (``p``, ``div``, ``h1``-``h6``, ``li``) is
a block, ``<br>`` a new line of it, a paragraph in bold (``b``, ``strong``, ``font-weight: bold``) bold, its
``align`` or ``text-align`` its alignment; a table's cells are :class:`~pipeline.lines.Cell` with their
row, column (``colspan`` and ``rowspan`` counted) and horizontal extent. Scripts, styles and comments are
not text. Entities are decoded by the parser (``&amp;`` → "&").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from pipeline import regex_cache
from pipeline.errors import NoText, UnreadableFile
from pipeline.lines import Align, Cell, Line, Lines
from pipeline.normalize import normalize_text

MEDIA_TYPE = "text/html"

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "center", "address", "dd", "dt"}
_SKIP = {"script", "style", "head", "title", "meta", "link", "noscript", "template"}
_BOLD_TAGS = {"b", "strong"}
_BOLD_STYLE = regex_cache.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_ALIGN_STYLE = regex_cache.compile(r"text-align\s*:\s*(left|center|right|justify)", re.I)
_SPACES = regex_cache.compile(r"[ \t\r\n\f\v]+")


def _align(el: etree._Element) -> Align | None:
    value = (el.get("align") or "").lower()
    m = _ALIGN_STYLE.search(el.get("style") or "")
    value = m.group(1).lower() if m else value
    if el.tag == "center":
        value = "center"
    return value if value in ("left", "center", "right", "justify") else None  # type: ignore[return-value]


def _is_bold(el: etree._Element) -> bool:
    return el.tag in _BOLD_TAGS or bool(_BOLD_STYLE.search(el.get("style") or ""))


@dataclass
class _Walk:
    """Lines as the walk finds them; ``block`` and ``table`` count from the numbers given."""

    block: int = 0
    table: int = 0
    page: int | None = None
    lines: list[Line] = field(default_factory=list)
    # the block being written: its lines' texts, and per line whether every character is bold
    _texts: list[str] = field(default_factory=lambda: [""])
    _bold: list[list[bool]] = field(default_factory=lambda: [[]])
    _align: Align | None = None
    _cell: Cell | None = None

    def text(self, s: str | None, bold: bool) -> None:
        if not s:
            return
        s = _SPACES.sub(" ", s)
        self._texts[-1] += s
        self._bold[-1].extend([bold] * len(s.strip()))

    def newline(self) -> None:
        self._texts.append("")
        self._bold.append([])

    def close(self) -> None:
        """End the block being written, emitting its lines."""
        texts = [normalize_text(t).strip() for t in self._texts]
        flags = self._bold
        if any(texts):
            self.block += 1
            bold = all(bool(f) and all(f) for f, t in zip(flags, texts, strict=True) if t)
            for t in texts:
                if t:
                    self.lines.append(
                        Line(t, page=self.page, bold=bold, align=self._align, block=self.block, cell=self._cell)
                    )
        self._texts, self._bold = [""], [[]]

    def walk(self, el: etree._Element, bold: bool = False) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "table":
            self.close()
            self.walk_table(el)
            self.text(el.tail, bold)
            return
        if tag == "br":
            self.newline()
            self.text(el.tail, bold)
            return
        block = tag in _BLOCKS
        if block:
            self.close()
            before = self._align
            self._align = _align(el) or before
        bold = bold or _is_bold(el)
        self.text(el.text, bold)
        for child in el:
            self.walk(child, bold)
        if block:
            self.close()
            self._align = before
        self.text(el.tail, bold and not block)

    def walk_table(self, table: etree._Element) -> None:
        self.table += 1
        number = self.table
        rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
        taken: dict[tuple[int, int], bool] = {}  # (row, col) covered by a rowspan from above
        spans: list[list[tuple[etree._Element, int, int]]] = []
        width = 0
        for r, tr in enumerate(rows):
            col = 0
            out: list[tuple[etree._Element, int, int]] = []
            for td in tr:
                if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                    continue
                while taken.get((r, col)):
                    col += 1
                colspan = max(1, _int(td.get("colspan")))
                rowspan = max(1, _int(td.get("rowspan")))
                for dr in range(1, rowspan):
                    for dc in range(colspan):
                        taken[(r + dr, col + dc)] = True
                out.append((td, col, colspan))
                col += colspan
            width = max(width, col)
            spans.append(out)
        outer = self._cell
        for r, cells in enumerate(spans):
            for td, col, colspan in cells:
                self._cell = outer or Cell(number, r, col, col / max(1, width), (col + colspan) / max(1, width), width)
                before = self._align
                self._align = _align(td)
                self.text(td.text, _is_bold(td))
                for child in td:
                    self.walk(child, _is_bold(td))
                self.close()
                self._align = before
        self._cell = outer


def _owner_table(tr: etree._Element) -> etree._Element | None:
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _int(value: str | None) -> int:
    try:
        return int((value or "1").strip())
    except ValueError:
        return 1


def lines_from_html(
    markup: str, block: int = 0, table: int = 0, page: int | None = None
) -> tuple[list[Line], int, int]:
    """The lines of an HTML document or fragment, and the last block and table numbers used."""
    try:
        root = lxml_html.fromstring(markup) if markup.strip() else None
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        return [], block, table
    walk = _Walk(block=block, table=table, page=page)
    walk.walk(root)
    walk.close()
    return walk.lines, walk.block, walk.table


def _decode(data: bytes) -> str:
    """HTML bytes as text: the charset the page declares, else UTF-8, else Windows-1258 (Word's Vietnamese)."""
    head = data[:4096].decode("ascii", "replace")
    m = re.search(r"charset\s*=\s*[\"']?([\w-]+)", head, re.I)
    for encoding in ([m.group(1)] if m else []) + ["utf-8", "cp1258"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def read_html_lines(path: Path) -> Lines:
    """Read an .htm/.html file into the grammar's :class:`Lines`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the file ({exc.strerror or exc})") from exc
    lines, _, _ = lines_from_html(_decode(data))
    if not lines:
        raise NoText(path, "the web page holds no text")
    return Lines(path=str(path), media_type=MEDIA_TYPE, lines=lines)
