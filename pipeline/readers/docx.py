"""DOCX reader (đọc tệp Word): one ``.docx`` file in, one :class:`~pipeline.layout.Layout` out.

The reader walks ``word/document.xml`` itself with lxml, in document order (paragraphs and tables
interleaved, through content controls, text boxes and nested tables), because python-docx's
``document.paragraphs`` / ``document.tables`` lose the order and skip most of those containers.
python-docx is used for the package: opening the zip and following relationships to the styles,
numbering, footnotes, endnotes and ``docProps/app.xml`` parts, wherever the package puts them.

What the reader reports (it decides no zones: :mod:`pipeline.grammar` does):

* **Lines with their source.** Each paragraph's visual lines (a manual line break starts a new one; a tab
  between column parts is kept as "\\t"), its block number, weight, size and alignment; a table cell's
  paragraphs with the :class:`~pipeline.lines.Cell` (table, row, column, horizontal extent). A table with a
  single column is only a frame around flowing text, so its content is reported as if it were not in a
  table (this also unwraps a header table nested in a one-cell table), and so is a full-width row wrapping
  a nested table.
* **Word's list numbers are printed into the text**, resolved through the numbering part as Word
  does for the common cases: counters live per abstract numbering and level, a ``startOverride``
  restarts them the first time its list instance is used, a higher level restarts the lower ones
  (``lvlRestart`` honoured), and numbering can come from the paragraph style.
* **Footnotes** (chú thích) from the footnotes part are lines with their marker (``Line.note``) after
  the body, numbered 1, 2, 3 in order of reference (custom marks kept); the reference in the text
  becomes a superscript digit ("công vụ¹"). Endnotes share the same counter so markers never collide.
  Footnotes a converter wrote as plain paragraphs ("¹ Kế hoạch số ...") are found by the grammar.
* **Page numbers** come from the page breaks Word recorded when it last laid the document out
  (``w:lastRenderedPageBreak``); ``Layout.pages`` from ``docProps/app.xml`` only when that file
  holds real statistics (python-docx and some converters write a template saying 1 page).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.package import OpcPackage
from docx.opc.part import Part
from lxml import etree

from pipeline import legacy, limits, regex_cache
from pipeline.errors import UnreadableFile, UnsupportedFormat
from pipeline.layout import SUPERSCRIPT_DIGITS, Layout
from pipeline.lines import Cell, Line, Lines
from pipeline.normalize import normalize_text, strip_accents

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Element = Any  # lxml ships no type information here; elements are ``etree._Element``
Align = Literal["left", "center", "right", "justify"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


P, R, T, TBL, TR, TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
PPR, RPR, SDT, SDT_CONTENT, CUSTOM_XML = _w("pPr"), _w("rPr"), _w("sdt"), _w("sdtContent"), _w("customXml")
TXBX_CONTENT = _w("txbxContent")
ALTERNATE_CONTENT, CHOICE, FALLBACK = f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice", f"{{{_MC}}}Fallback"
VAL = _w("val")

# containers whose children are runs of the same paragraph (hyperlinks, inserted revisions,
# content controls, smart tags, simple fields such as a MERGEFIELD's shown value)
_RUN_CONTAINERS = {
    _w(t)
    for t in (
        "hyperlink",
        "ins",
        "moveTo",
        "smartTag",
        "sdt",
        "sdtContent",
        "customXml",
        "fldSimple",
        "dir",
        "bdo",
    )
}
_DELETED = {_w("del"), _w("moveFrom")}

_SPACE_RUN = regex_cache.compile(r"[ \t]+")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


# --------------------------------------------------------------------------------------------
# Intermediate structure: what the walk over the XML produces before zones are decided.


@dataclass
class _Block:
    """One source paragraph: its visual lines (raw, tabs kept) and its formatting."""

    lines: list[str]
    label: str = ""  # the list number Word prints before the text ("1. ", "a) ", "- ")
    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    align: Align | None = None
    page: int | None = None

    @property
    def text(self) -> str:
        return _clean(" ".join(self.lines))


@dataclass
class _Cell:
    items: list[_Item]
    x0: float  # left and right edge of the cell, in table-grid units
    x1: float


@dataclass
class _Table:
    rows: list[list[_Cell]]
    width: float

    def blocks(self) -> list[_Block]:
        return [b for row in self.rows for cell in row for b in _flatten(cell.items)]

    def halves(self) -> tuple[list[_Block], list[_Block]]:
        """The left column's paragraphs (all rows, top to bottom), then the right column's."""
        left: list[_Block] = []
        right: list[_Block] = []
        mid = self.width / 2
        for row in self.rows:
            for cell in row:
                blocks = _flatten(cell.items)
                spans_both = cell.x0 < mid * 0.5 and cell.x1 > mid * 1.5
                if spans_both:
                    # a merged full-width cell: only a right-aligned one (a date) is the right column
                    is_right = any(b.align == "right" for b in blocks if b.text)
                else:
                    is_right = (cell.x0 + cell.x1) / 2 >= mid
                (right if is_right else left).extend(blocks)
        return left, right

    def text(self) -> str:
        return " ".join(b.text for b in self.blocks())


_Item = _Block | _Table


def _flatten(items: list[_Item]) -> list[_Block]:
    out: list[_Block] = []
    for item in items:
        out.extend(item.blocks() if isinstance(item, _Table) else [item])
    return out


def _clean(text: str) -> str:
    """Normalized text with single spaces: the form every ``Paragraph.text`` has."""
    return _SPACE_RUN.sub(" ", normalize_text(text)).strip()


def _key(text: str) -> str:
    """Lower case without accents, for matching words like "Nơi nhận" however typed."""
    return strip_accents(_clean(text)).lower()


# --------------------------------------------------------------------------------------------
# Styles: run and paragraph properties inherited through basedOn, then document defaults.


def _on(el: Element | None) -> bool | None:
    """The value of a toggle property element such as ``<w:b/>`` / ``<w:b w:val="0"/>``."""
    if el is None:
        return None
    return el.get(VAL, "true").lower() not in {"0", "false", "off", "none"}


class _Styles:
    def __init__(self, root: Element | None) -> None:
        self._by_id: dict[str, Element] = {}
        self.default_paragraph: str | None = None
        self._default_rpr: Element | None = None
        self._default_ppr: Element | None = None
        if root is None:
            return
        for style in root.iter(_w("style")):
            sid = style.get(_w("styleId"))
            if sid:
                self._by_id[sid] = style
                is_default = style.get(_w("default")) in {"1", "true", "on"}
                if style.get(_w("type")) == "paragraph" and is_default:
                    self.default_paragraph = sid
        defaults = root.find(_w("docDefaults"))
        if defaults is not None:
            self._default_rpr = defaults.find(f"{_w('rPrDefault')}/{RPR}")
            self._default_ppr = defaults.find(f"{_w('pPrDefault')}/{PPR}")

    def chain(self, style_id: str | None) -> list[Element]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        out: list[Element] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id and len(out) < 30:
            seen.add(style_id)
            style = self._by_id[style_id]
            out.append(style)
            based = style.find(_w("basedOn"))
            style_id = based.get(VAL) if based is not None else None
        return out

    def run_property(self, name: str, rpr: Element | None, para_style: str | None) -> Element | None:
        """The nearest ``w:<name>`` for a run: its own rPr, its character style, the paragraph
        style, then the document defaults."""
        tag = _w(name)
        if rpr is not None:
            el = rpr.find(tag)
            if el is not None:
                return el
            rstyle = rpr.find(_w("rStyle"))
            if rstyle is not None:
                for style in self.chain(rstyle.get(VAL)):
                    el = style.find(f"{RPR}/{tag}")
                    if el is not None:
                        return el
        for style in self.chain(para_style):
            el = style.find(f"{RPR}/{tag}")
            if el is not None:
                return el
        return self._default_rpr.find(tag) if self._default_rpr is not None else None

    def paragraph_property(self, name: str, ppr: Element | None, para_style: str | None) -> Element | None:
        tag = _w(name)
        if ppr is not None:
            el = ppr.find(tag)
            if el is not None:
                return el
        for style in self.chain(para_style):
            el = style.find(f"{PPR}/{tag}")
            if el is not None:
                return el
        return self._default_ppr.find(tag) if self._default_ppr is not None else None

    def numbering_of(self, ppr: Element | None, para_style: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) of a paragraph: its own numPr first, each part falling back to the style."""
        num_id: str | None = None
        ilvl: int | None = None
        sources = [ppr] if ppr is not None else []
        sources += [s.find(PPR) for s in self.chain(para_style)]
        for src in sources:
            if src is None:
                continue
            num_pr = src.find(_w("numPr"))
            if num_pr is None:
                continue
            if num_id is None and num_pr.find(_w("numId")) is not None:
                num_id = num_pr.find(_w("numId")).get(VAL)
            if ilvl is None and num_pr.find(_w("ilvl")) is not None:
                ilvl = _int(num_pr.find(_w("ilvl")).get(VAL), 0)
        return num_id, ilvl


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --------------------------------------------------------------------------------------------
# Numbering (đánh số tự động): numbering.xml resolved into printed labels.


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    restart: int | None = None  # lvlRestart: None = after any higher level, 0 = never
    legal: bool = False  # isLgl: show every level's counter in decimal
    style: str | None = None  # paragraph style linked to this level


def _parse_level(lvl: Element, base: _Level | None = None) -> _Level:
    level = _Level(**vars(base)) if base else _Level()

    def val(tag: str) -> str | None:
        el = lvl.find(_w(tag))
        return el.get(VAL) if el is not None else None

    if val("start") is not None:
        level.start = _int(val("start"), 1)
    if val("numFmt") is not None:
        level.fmt = val("numFmt") or "decimal"
    if lvl.find(_w("lvlText")) is not None:
        level.text = val("lvlText") or ""
    if val("suff") is not None:
        level.suffix = val("suff") or "tab"
    if val("lvlRestart") is not None:
        level.restart = _int(val("lvlRestart"), 0)
    if lvl.find(_w("isLgl")) is not None:
        level.legal = bool(_on(lvl.find(_w("isLgl"))))
    if val("pStyle") is not None:
        level.style = val("pStyle")
    return level


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
_ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def format_number(value: int, fmt: str) -> str:
    """A counter as Word prints it in ``fmt``: 3 → "3", "c", "C", "iii", "III"; 27 → "aa"."""
    if fmt in {"lowerLetter", "upperLetter"} and value > 0:
        # Word repeats the letter past z: y, z, aa, bb
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in {"lowerRoman", "upperRoman"} and value > 0:
        return _roman(value) if fmt == "lowerRoman" else _roman(value).upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _symbol_char(text: str) -> str:
    """A Symbol-font glyph as the character it shows: Word (and LibreOffice) store Symbol and
    Wingdings glyphs in the private-use range U+F000-U+F0FF ("" = "+", "" = "-"); ASCII ones
    are read as themselves, the rest (bullets, arrows, boxes) as nothing."""
    out = []
    for char in text:
        code = ord(char)
        if 0xF000 <= code <= 0xF0FF:
            char = chr(code - 0xF000) if 0x20 < code - 0xF000 < 0x7F else ""
        elif 0xE000 <= code <= 0xF8FF:
            char = ""
        out.append(char)
    return "".join(out)


class _Numbering:
    """Word's list counters while the document is walked in order."""

    def __init__(self, root: Element | None, styles: _Styles) -> None:
        self._styles = styles
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_link: dict[str, str] = {}  # abstractNumId → numbering style it defers to
        self._num_abstract: dict[str, str] = {}
        self._num_levels: dict[str, dict[int, _Level]] = {}  # lvlOverride/lvl
        self._num_starts: dict[str, dict[int, int]] = {}  # lvlOverride/startOverride
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if root is None:
            return
        for absn in root.iter(_w("abstractNum")):
            aid = absn.get(_w("abstractNumId"), "")
            self._abstract[aid] = {_int(lvl.get(_w("ilvl")), 0): _parse_level(lvl) for lvl in absn.iter(_w("lvl"))}
            link = absn.find(_w("numStyleLink"))
            if link is not None and link.get(VAL):
                self._style_link[aid] = link.get(VAL)
        for num in root.iter(_w("num")):
            nid = num.get(_w("numId"), "")
            ref = num.find(_w("abstractNumId"))
            if ref is None:
                continue
            self._num_abstract[nid] = ref.get(VAL, "")
            for override in num.iter(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")), 0)
                start = override.find(_w("startOverride"))
                if start is not None:
                    self._num_starts.setdefault(nid, {})[ilvl] = _int(start.get(VAL), 1)
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    self._num_levels.setdefault(nid, {})[ilvl] = lvl

    def _abstract_of(self, num_id: str) -> str | None:
        aid = self._num_abstract.get(num_id)
        # a list defined by a numbering style: abstractNum → numStyleLink → style → numId → abstractNum
        for _ in range(5):
            if aid is None or aid not in self._style_link:
                break
            linked_num, _ilvl = self._styles.numbering_of(None, self._style_link[aid])
            nxt = self._num_abstract.get(linked_num) if linked_num else None
            if nxt is None or nxt == aid:
                break
            aid = nxt
        return aid if aid in self._abstract else None

    def _levels(self, num_id: str, aid: str) -> dict[int, _Level]:
        levels = dict(self._abstract[aid])
        for ilvl, lvl in self._num_levels.get(num_id, {}).items():
            levels[ilvl] = _parse_level(lvl, levels.get(ilvl))
        return levels

    def level_of_style(self, num_id: str, style_id: str | None) -> int | None:
        """The level a numbering links to a paragraph style (``w:lvl/w:pStyle``), if any."""
        aid = self._abstract_of(num_id)
        if aid is None or style_id is None:
            return None
        for ilvl, level in self._abstract[aid].items():
            if level.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (list, level) and return the label Word prints, with its
        separator ("1. ", "a) ", "1.2. ", "- "); "" when the paragraph is not numbered."""
        if num_id in {"", "0"}:
            return ""  # numId 0 is how a paragraph switches off its style's numbering
        aid = self._abstract_of(num_id)
        if aid is None:
            return ""
        levels = self._levels(num_id, aid)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self._counters.setdefault(aid, {})
        if num_id not in self._started:
            # a list instance with startOverride ("Restart numbering" in Word) restarts the shared
            # counters of its abstract list the first time it is used; others continue them
            self._started.add(num_id)
            for lvl_index, start in self._num_starts.get(num_id, {}).items():
                counters[lvl_index] = start - 1
                for deeper in [k for k in counters if k > lvl_index]:
                    del counters[deeper]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt == "bullet":
            # Vietnamese documents print "-" for first-level and "+" for second-level bullets;
            # Word's other bullet glyphs ("•", "o", Symbol "") are all printed as "-"
            label = "+" if _symbol_char(level.text.strip()) == "+" else "-"
        else:

            def counter(m: re.Match[str]) -> str:
                n = int(m.group(1)) - 1
                lv = levels.get(n, _Level())
                fmt = "decimal" if level.legal and lv.fmt != "none" else lv.fmt
                return format_number(counters.get(n, lv.start), fmt)

            label = re.sub(r"%([1-9])", counter, level.text).strip()
        if not label:
            return ""
        return label if level.suffix == "nothing" else label + " "


# --------------------------------------------------------------------------------------------
# Footnotes and endnotes (chú thích cuối trang / cuối văn bản).


@dataclass
class _Note:
    kind: str
    note_id: str
    mark: str  # as printed: "1", "2", or a custom mark such as "*"


class _Notes:
    def __init__(self, footnotes: Element | None, endnotes: Element | None) -> None:
        self.bodies: dict[tuple[str, str], Element] = {}
        for kind, root in (("footnote", footnotes), ("endnote", endnotes)):
            if root is None:
                continue
            for note in root.iter(_w(kind)):
                # separator / continuationSeparator / continuationNotice are the rule above notes
                if note.get(_w("type")) in {None, "normal"}:
                    self.bodies[(kind, note.get(_w("id"), ""))] = note
        self.cited: list[_Note] = []
        self._by_key: dict[tuple[str, str], _Note] = {}
        self._count = 0

    def reference(self, kind: str, note_id: str, custom_mark: str | None) -> str:
        """The mark a reference prints, registering the note the first time it is cited."""
        key = (kind, note_id)
        if key in self._by_key:
            return self._by_key[key].mark
        if custom_mark is not None:
            mark = custom_mark
        else:
            self._count += 1
            mark = str(self._count)
        note = _Note(kind, note_id, mark)
        self._by_key[key] = note
        if key in self.bodies:
            self.cited.append(note)
        return mark


# --------------------------------------------------------------------------------------------
# The walk over the document XML.


def _align(value: str | None) -> Align | None:
    return {
        "left": "left",
        "start": "left",
        "center": "center",
        "right": "right",
        "end": "right",
        "both": "justify",
        "distribute": "justify",
        "mediumKashida": "justify",
        "highKashida": "justify",
        "lowKashida": "justify",
        "thaiDistribute": "justify",
    }.get(value or "")  # type: ignore[return-value]


class _Walker:
    def __init__(self, styles: _Styles, numbering: _Numbering, notes: _Notes, paged: bool) -> None:
        self.styles = styles
        self.numbering = numbering
        self.notes = notes
        self.paged = paged  # the document records Word's rendered page breaks
        self.page = 1
        self.tracked_changes = False
        self.embedded_documents = 0
        # legacy fonts (.VnTime, VNI-Times): runs are converted by their font; when no font in
        # the document names one, by the encoding the text shows (``legacy_fallback``)
        self.legacy_fallback: legacy.Encoding | None = None
        self.legacy_used: set[legacy.Encoding] = set()

    def _legacy_encoding(self, rpr: Element | None, style: str | None) -> legacy.Encoding | None:
        """The legacy encoding of a run's font (``w:rFonts`` hAnsi/ascii, own or from its styles)."""
        fonts = self.styles.run_property("rFonts", rpr, style)
        if fonts is not None:
            encoding = legacy.encoding_for_font(fonts.get(_w("hAnsi")) or fonts.get(_w("ascii")))
            if encoding is not None:
                return encoding
        return self.legacy_fallback

    # ---- block level ------------------------------------------------------------------------

    def blocks(self, parent: Element) -> list[_Item]:
        """Paragraphs and tables under ``parent`` (a body, cell, text box or note), in order."""
        out: list[_Item] = []
        for child in parent:
            tag = child.tag
            if tag == P:
                block, boxes = self.paragraph(child)
                out.append(block)
                out.extend(boxes)
            elif tag == TBL:
                out.extend(self.table(child))
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    out.extend(self.blocks(content))
            elif tag in {CUSTOM_XML, SDT_CONTENT, _w("ins"), _w("moveTo")}:
                out.extend(self.blocks(child))
            elif tag == ALTERNATE_CONTENT:
                chosen = _choose_alternative(child)
                if chosen is not None:
                    out.extend(self.blocks(chosen))
            elif tag == _w("altChunk"):
                self.embedded_documents += 1
        return out

    def table(self, tbl: Element) -> list[_Item]:
        widths = [_int(col.get(_w("w")), 0) for col in tbl.findall(f"{_w('tblGrid')}/{_w('gridCol')}")]
        rows: list[list[_Cell]] = []
        for tr in _children(tbl, TR):
            col = 0
            before = tr.find(f"{_w('trPr')}/{_w('gridBefore')}")
            if before is not None:
                col = _int(before.get(VAL), 0)
            row: list[_Cell] = []
            for tc in _children(tr, TC):
                span_el = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
                span = max(1, _int(span_el.get(VAL), 1)) if span_el is not None else 1
                x0, x1 = _grid_edges(widths, col, span)
                row.append(_Cell(self.blocks(tc), x0, x1))
                col += span
            rows.append(row)
        if max((len(row) for row in rows), default=0) <= 1:
            # a single-column table is a frame around flowing text (or around the real header
            # table): read its content as if the frame were not there
            return [item for row in rows for cell in row for item in cell.items]
        # a full-width row wrapping a nested table is a frame too; Word (and LibreOffice when it
        # saves) joins tables that touch, so a framed header can share a table with what follows
        out: list[_Item] = []
        segment: list[list[_Cell]] = []
        for row in rows:
            if len(row) == 1 and any(isinstance(item, _Table) for item in row[0].items):
                out.extend(_segment_table(segment))
                segment = []
                out.extend(row[0].items)
            else:
                segment.append(row)
        out.extend(_segment_table(segment))
        return out

    # ---- paragraph level --------------------------------------------------------------------

    def paragraph(self, p: Element) -> tuple[_Block, list[_Item]]:
        """One paragraph: its lines, formatting, list label, and the text boxes anchored in it."""
        ppr = p.find(PPR)
        style_el = ppr.find(_w("pStyle")) if ppr is not None else None
        style = style_el.get(VAL) if style_el is not None else self.styles.default_paragraph
        block = _Block(lines=[""], page=self.page if self.paged else None)
        jc = self.styles.paragraph_property("jc", ppr, style)
        block.align = _align(jc.get(VAL)) if jc is not None else "left"

        num_id, ilvl = self.styles.numbering_of(ppr, style)
        if num_id is not None:
            if ilvl is None:
                ilvl = self.numbering.level_of_style(num_id, style) or 0
            block.label = self.numbering.label(num_id, ilvl)

        stats = _RunStats()
        boxes: list[_Item] = []
        self._runs(p, block, style, stats, boxes)
        block.bold, block.italic, block.size = stats.summary()
        return block, boxes

    def _runs(self, parent: Element, block: _Block, style: str | None, stats: _RunStats, boxes: list[_Item]) -> None:
        for child in parent:
            tag = child.tag
            if tag == R:
                self._run(child, block, style, stats, boxes)
            elif tag in _DELETED:
                self.tracked_changes = True
            elif tag in _RUN_CONTAINERS:
                if tag in {_w("ins"), _w("moveTo")}:
                    self.tracked_changes = True
                self._runs(child, block, style, stats, boxes)
            elif tag == ALTERNATE_CONTENT:
                chosen = _choose_alternative(child)
                if chosen is not None:
                    self._runs(chosen, block, style, stats, boxes)

    def _run(self, r: Element, block: _Block, style: str | None, stats: _RunStats, boxes: list[_Item]) -> None:
        rpr = r.find(RPR)
        if rpr is not None and _on(rpr.find(_w("vanish"))) and rpr.find(_w("specVanish")) is None:
            return  # hidden text does not print
        bold = bool(_on(self.styles.run_property("b", rpr, style)))
        italic = bool(_on(self.styles.run_property("i", rpr, style)))
        sz = self.styles.run_property("sz", rpr, style)
        size = _int(sz.get(VAL), 0) / 2 if sz is not None and _int(sz.get(VAL), 0) > 0 else None
        va = self.styles.run_property("vertAlign", rpr, style)
        superscript = va is not None and va.get(VAL) == "superscript"
        custom_mark_for: tuple[str, str] | None = None
        encoding = self._legacy_encoding(rpr, style)

        def add(text: str) -> None:
            if superscript:
                # a superscript digit is a footnote marker (or m², which reads the same way)
                text = text.translate(SUPERSCRIPT_DIGITS)
            block.lines[-1] += text
            stats.add(text, bold, italic, size)

        for child in r:
            tag = child.tag
            if tag == T:
                text = child.text or ""
                if encoding is not None and not legacy.UNICODE_VIETNAMESE.search(text):
                    converted = legacy.convert(text, encoding)
                    if converted != text:
                        self.legacy_used.add(encoding)
                        text = converted
                if custom_mark_for is not None:
                    # <w:footnoteReference w:customMarkFollows="1"/><w:t>*</w:t>: the mark is the text
                    kind, note_id = custom_mark_for
                    custom_mark_for = None
                    block.lines[-1] += self.notes.reference(kind, note_id, text.strip() or "*")
                    continue
                add(text)
            elif tag in {_w("tab"), _w("ptab")}:
                block.lines[-1] += "\t"
            elif tag == _w("br"):
                if child.get(_w("type")) in {"page", "column"}:
                    block.lines[-1] += " "  # a hard page break inside a paragraph does not end it
                else:
                    block.lines.append("")
            elif tag == _w("cr"):
                block.lines.append("")
            elif tag == _w("noBreakHyphen"):
                add("-")
            elif tag in {_w("footnoteReference"), _w("endnoteReference")}:
                kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                note_id = child.get(_w("id"), "")
                if _on(child.find(_w("customMarkFollows"))) or child.get(_w("customMarkFollows")) in {
                    "1",
                    "true",
                }:
                    custom_mark_for = (kind, note_id)
                else:
                    block.lines[-1] += self.notes.reference(kind, note_id, None).translate(SUPERSCRIPT_DIGITS)
            elif tag == _w("lastRenderedPageBreak"):
                if self.paged:
                    self.page += 1
                    if not block.text:
                        block.page = self.page
            elif tag in {_w("drawing"), _w("pict"), _w("object"), ALTERNATE_CONTENT}:
                for content in _text_boxes(child):
                    boxes.extend(self.blocks(content))
            elif tag == _w("sym"):
                char = child.get(_w("char"), "")
                code = int(char, 16) if re.fullmatch(r"[0-9A-Fa-f]{1,6}", char) else 0
                if code:
                    add(_symbol_char(chr(code)))


def _segment_table(rows: list[list[_Cell]]) -> list[_Item]:
    if not rows:
        return []
    return [_Table(rows, max([c.x1 for row in rows for c in row], default=1.0) or 1.0)]


def _grid_edges(widths: list[int], col: int, span: int) -> tuple[float, float]:
    if widths and sum(widths) > 0 and col < len(widths):
        return float(sum(widths[:col])), float(sum(widths[: col + span]))
    return float(col), float(col + span)  # no grid widths: equal columns


def _children(parent: Element, tag: str) -> list[Element]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    out: list[Element] = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag in {SDT, SDT_CONTENT, CUSTOM_XML}:
            out.extend(_children(child, tag))
    return out


def _choose_alternative(alt: Element) -> Element | None:
    """The one branch of ``mc:AlternateContent`` to read (Word writes text boxes twice: a
    DrawingML choice and a VML fallback, and reading both would double the text)."""
    choice = alt.find(CHOICE)
    if choice is not None and len(choice):
        return choice
    return alt.find(FALLBACK)


def _text_boxes(el: Element) -> list[Element]:
    """The ``w:txbxContent`` elements inside a drawing, taking one branch of each alternative."""
    if el.tag == ALTERNATE_CONTENT:
        chosen = _choose_alternative(el)
        return _text_boxes(chosen) if chosen is not None else []
    out: list[Element] = []
    for child in el:
        if child.tag == TXBX_CONTENT:
            out.append(child)
        elif child.tag == ALTERNATE_CONTENT:
            chosen = _choose_alternative(child)
            if chosen is not None:
                out.extend(_text_boxes(chosen))
        else:
            out.extend(_text_boxes(child))
    return out


@dataclass
class _RunStats:
    chars: int = 0
    bold: int = 0
    italic: int = 0
    sizes: Counter[float] = field(default_factory=Counter)

    def add(self, text: str, bold: bool, italic: bool, size: float | None) -> None:
        n = sum(1 for c in text if not c.isspace())
        self.chars += n
        self.bold += n if bold else 0
        self.italic += n if italic else 0
        if size is not None and n:
            self.sizes[size] += n

    def summary(self) -> tuple[bool | None, bool | None, float | None]:
        """Bold/italic when every printed character is; the size most of the text has."""
        if not self.chars:
            return None, None, None
        size = self.sizes.most_common(1)[0][0] if self.sizes else None
        return self.bold == self.chars, self.italic == self.chars, size


# --------------------------------------------------------------------------------------------
# The walk's result as the grammar's lines: each paragraph's visual lines (a tab kept between the
# parts of a line laid out in columns with tabs), each table cell's lines with the cell.


class _Emitter:
    """Turns walked items into :class:`~pipeline.lines.Line` objects, numbering blocks and tables."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.blocks = 0
        self.tables = 0

    def items(self, items: list[_Item], cell: Cell | None = None, note: str | None = None) -> None:
        for item in items:
            if isinstance(item, _Table):
                if cell is not None:
                    # a table inside a cell: its paragraphs belong to the outer cell, in reading order
                    self.items(list(_flatten([item])), cell, note)
                else:
                    self.table(item)
            else:
                self.block(item, cell, note)

    def block(self, block: _Block, cell: Cell | None, note: str | None) -> None:
        texts = [_clean_keep_tabs(line) for line in block.lines]
        if block.label and texts:
            texts[0] = block.label + texts[0]
        texts = [t for t in texts if t.strip()]
        if not texts:
            return
        self.blocks += 1
        for text in texts:
            self.lines.append(
                Line(
                    text=text,
                    page=block.page,
                    size=block.size,
                    bold=block.bold,
                    italic=block.italic,
                    align=block.align,
                    block=self.blocks,
                    cell=cell,
                    note=note,
                    label=block.label,
                )
            )

    def table(self, table: _Table) -> None:
        self.tables += 1
        width = table.width or 1.0
        for r, row in enumerate(table.rows):
            for c, tcell in enumerate(row):
                cell = Cell(self.tables, r, c, tcell.x0 / width, tcell.x1 / width, len(row))
                self.items(tcell.items, cell)


def _clean_keep_tabs(text: str) -> str:
    """A visual line normalized, a tab between column parts kept (the grammar splits there)."""
    parts = [_clean(part) for part in text.split("\t")]
    while parts and not parts[-1]:
        parts.pop()
    return "\t".join(parts).strip("\t ") if any(parts) else ""


# --------------------------------------------------------------------------------------------
# Opening the package.


def _xml(part: Part, path: Path, what: str) -> Element:
    try:
        return etree.fromstring(part.blob, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(path, f"the Word file is damaged: its {what} is not valid XML ({exc})") from exc


def _related(part: Part, reltype: str) -> Part | None:
    try:
        return part.part_related_by(reltype)
    except KeyError:
        return None


# what zipfile raises on a damaged container: bad headers or CRC, a cut deflate stream, a member
# "encrypted" or "compressed" with a method it does not know (a flipped flag bit looks like that)
_DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, OSError)


def check_container(path: Path) -> None:
    """Explain the files python-docx would only fail on: encrypted, not a zip, no document."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                # Word saves a password-protected .docx as an OLE container holding the encrypted
                # package ("EncryptionInfo", "EncryptedPackage"), the same magic as an old .doc
                data = head + fh.read(1 << 20)
                if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
                    raise UnreadableFile(path, "the Word file is protected by a password (encrypted)")
                raise UnsupportedFormat(path, "an old Word 97-2003 (.doc) file; save it as .docx or PDF")
    except OSError as exc:
        raise UnreadableFile(path, f"cannot open the file ({exc.strerror or exc})") from exc
    if not head:
        raise UnreadableFile(path, "the file is empty (0 bytes)")
    try:
        names, bad = limits.check_package(path)  # streamed: a zip bomb is refused as soon as it passes the limit
    except _DAMAGED_ZIP as exc:
        raise UnreadableFile(path, "the file looks like a Word file but its zip container is damaged") from exc
    if bad is not None:
        raise UnreadableFile(path, f"the Word file is damaged (the part '{bad}' fails its checksum)")
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise UnreadableFile(path, "the zip file holds no Word document (word/document.xml is missing)")


def _pages(package: OpcPackage, path: Path) -> int | None:
    """Pages from docProps/app.xml, only when the writer really counted (it also counted words)."""
    app = _related(package, RT.EXTENDED_PROPERTIES)  # type: ignore[arg-type]
    if app is None:
        return None
    try:
        root = etree.fromstring(app.blob, _PARSER)
    except etree.XMLSyntaxError:
        return None
    values = {etree.QName(el).localname: (el.text or "").strip() for el in root}
    pages = _int(values.get("Pages"), 0)
    counted = _int(values.get("Words"), 0) > 0 or _int(values.get("Characters"), 0) > 0
    return pages if pages > 0 and counted else None


def _legacy_fallback(roots: list[Element | None], body: Element) -> legacy.Encoding | None:
    """The legacy encoding the body's text shows, when no font in the document names one (a
    converter that replaced ".VnTime" by "Times New Roman" left the TCVN3 code points)."""
    for root in roots:
        for fonts in root.iter(_w("rFonts")) if root is not None else ():
            if any(legacy.encoding_for_font(fonts.get(_w(side))) for side in ("ascii", "hAnsi")):
                return None  # fonts are named: each run is judged by its own
    return legacy.detect("\n".join("".join(t.text or "" for t in p.iter(T)) for p in body.iter(P)))


def read_docx_lines(path: Path) -> Lines:
    """Read a Word (.docx) file into the grammar's :class:`~pipeline.lines.Lines` (see the module docstring).

    Raises :class:`~pipeline.errors.UnreadableFile` for a damaged, encrypted or empty package and
    :class:`~pipeline.errors.UnsupportedFormat` for an old binary .doc.
    """
    path = Path(path)
    check_container(path)
    try:
        package = OpcPackage.open(str(path))
        main = package.main_document_part
    except (PackageNotFoundError, KeyError, AttributeError, TypeError, IndexError, *_DAMAGED_ZIP) as exc:
        # python-docx trusts the package's own parts: a [Content_Types].xml entry without its
        # Extension attribute (found by fuzzing) ends in AttributeError deep inside it
        raise UnreadableFile(path, f"the Word file is damaged and cannot be opened ({exc})") from exc
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(path, f"the Word file is damaged: a part is not valid XML ({exc})") from exc

    document = _xml(main, path, "main document")
    if document.tag.startswith(f"{{{_STRICT_W}}}"):
        raise UnreadableFile(path, "the file is saved as 'Strict Open XML'; save it again as a normal .docx")
    body = document.find(_w("body"))
    if body is None:
        raise UnreadableFile(path, "the Word file has no document body (word/document.xml is empty)")

    def part_xml(reltype: str, what: str) -> Element | None:
        part = _related(main, reltype)
        return _xml(part, path, what) if part is not None else None

    styles_xml = part_xml(RT.STYLES, "styles")
    styles = _Styles(styles_xml)
    numbering = _Numbering(part_xml(RT.NUMBERING, "numbering"), styles)
    notes = _Notes(part_xml(RT.FOOTNOTES, "footnotes"), part_xml(RT.ENDNOTES, "endnotes"))
    paged = next(body.iter(_w("lastRenderedPageBreak")), None) is not None
    walker = _Walker(styles, numbering, notes, paged)
    walker.legacy_fallback = _legacy_fallback([document, styles_xml], body)

    items = walker.blocks(body)
    emitter = _Emitter()
    emitter.items(items)
    walker.paged = False  # page breaks inside notes are not pages of the body
    for note in walker.notes.cited:
        blocks = _flatten(walker.blocks(walker.notes.bodies[(note.kind, note.note_id)]))
        emitter.items(list(blocks), note=note.mark)

    warnings: list[str] = []
    if walker.tracked_changes:
        warnings.append(
            "Tệp Word còn thay đổi chưa chấp nhận (Track Changes); đã đọc văn bản như khi chấp nhận mọi thay đổi."
        )
    if walker.embedded_documents:
        warnings.append("Tệp Word có phần nội dung nhúng (altChunk) không đọc được; có thể thiếu một phần văn bản.")
    if walker.legacy_used:
        warnings.append(legacy.warning(walker.legacy_used))
    if not any(ln.text.strip() for ln in emitter.lines):
        warnings.append("Tệp Word không có chữ nào đọc được (có thể chỉ chứa ảnh chụp văn bản).")
    pages = _pages(package, path)
    if pages is None and paged:
        pages = max((ln.page or 1 for ln in emitter.lines), default=1)
    return Lines(path=str(path), media_type=MEDIA_TYPE, lines=emitter.lines, page_count=pages, warnings=warnings)


def read_docx(path: Path) -> Layout:
    """Read a Word (.docx) file into a zoned :class:`Layout` (its lines through the document grammar)."""
    from pipeline.grammar import layout

    return layout(read_docx_lines(path))
