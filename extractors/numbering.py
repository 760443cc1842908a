"""The item hierarchy of a document body (đề mục): Phần / Chương / Mục / Điều / I. / 1. / 1.1. / a) / - / +.

:func:`parse_marker` reads the marker that opens a paragraph; :func:`build_tree` turns a run of
paragraphs into a tree of :class:`Item`. The ordinal of an item is its dot path
("position in the document's numbering, dot-joined"): printed numbers are used where they exist
("II." → 2, "đ)" → 5, "1.2." → 2 under its parent), bullets count their position among
siblings, so "II." / "1." / "a)" is "2.1.1" and the second "-" under item 2 is "2.2".

How levels nest, without a fixed table (documents differ): a marker kind already open on the
stack closes everything below it and becomes that level's next sibling; a kind not yet open
becomes a child of the innermost open item. Heading kinds (Phần, Chương, Mục, Điều, Roman
sections) have a fixed rank, so a "I." after a run of "-" căn cứ lines is never nested inside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from pipeline import regex_cache
from pipeline.layout import Paragraph

# Vietnamese điểm letters run a, b, c, d, đ, e, g, h, i, k, ... (no f, j, w, z): "đ)" is the 5th.
_LETTERS = "abcdđeghiklmnopqrstuvxy"
# letters some lists still use, read as following their Latin neighbour ("e) ... f) ...")
_LATIN_ONLY = {"f": "e", "j": "i", "w": "v", "z": "y"}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

# Fixed ranks of heading kinds; list kinds ("decimal", "letter", "dash" ...) nest by order of appearance.
# "A. MỤC ĐÍCH, YÊU CẦU" / "B. NỘI DUNG ..." (capital-letter parts of a plan) hold Roman sections.
_RANK = {"phan": 0, "chuong": 1, "muc": 2, "dieu": 3, "part": 4, "roman": 5}
# Bullets are the lowest level: a printed number ("5.1.", "b)") after a run of "-" items closes them
# rather than nesting inside the last one. "unit" is a bare unit-name heading line (see tasks.py).
_BULLETS = {"dash", "plus", "bullet", "star"}

# Each (kind, regex) matches at the start of a paragraph; group "n" is the printed number.
# Bold markers ("**1.**") are tolerated because converters leave them in plain text.
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    # "Phần I. ...", "PHẦN THỨ NHẤT" is rare and left as text
    ("phan", regex_cache.compile(r"(?:PHẦN|Phần)\s+(?P<n>[IVXLC]+|\d{1,2})(?![\w])\s*[.:\-–]?\s*")),
    # "Chương II", "CHƯƠNG II. QUY ĐỊNH CHUNG"
    ("chuong", regex_cache.compile(r"(?:CHƯƠNG|Chương)\s+(?P<n>[IVXLC]+|\d{1,2})(?![\w])\s*[.:\-–]?\s*")),
    # "Mục 1. ..." (but not "Mục đích")
    ("muc", regex_cache.compile(r"(?:MỤC|Mục)\s+(?P<n>\d{1,2}|[IVXLC]+)(?![\w])\s*[.:\-–]?\s*")),
    # "Điều 1. Ban hành kèm theo ...", "Điều 3: ..."
    ("dieu", regex_cache.compile(r"(?:ĐIỀU|Điều)\s+(?P<n>\d{1,3})\s*[.:]\s*")),
    # "Khoản 1. ..."
    ("khoan", regex_cache.compile(r"Khoản\s+(?P<n>\d{1,2})\s*[.:]?\s+")),
    # "1.1. Tổ chức ...", "2.3 Sở Y tế:"; a date "30.6.2026" never opens a paragraph with a space after it
    ("multi", regex_cache.compile(r"(?P<n>\d{1,2}(?:\.\d{1,2})+)\.?[)]?\s+(?=\D)")),
    # "I. MỤC ĐÍCH", "II- NHIỆM VỤ" (Party style), "IV/ ..."
    ("roman", regex_cache.compile(r"(?P<n>[IVXL]{1,6})(?:\s*[.\-–)]\s*|/\s+)(?=\S)")),
    # "A. MỤC ĐÍCH, YÊU CẦU", "B. NỘI DUNG, NHIỆM VỤ": a capital letter before a title in capitals
    ("part", regex_cache.compile(r"(?P<n>[A-H])\s*[.)]\s+(?=[A-ZĐÀ-Ỹ]{2,}[\s,]+[A-ZĐÀ-Ỹ]{2,})")),
    # "1. ...", "1- ..." (Party style), "1) ...", "1/ ..."
    ("decimal", regex_cache.compile(r"(?P<n>\d{1,2})\s*[.\-–)/]\s*(?=[^\W\d_]|[\"“(*])")),
    # "a) ...", "đ) ...", "b. ..."
    ("letter", regex_cache.compile(r"(?P<n>[a-zđ])\s*[).]\s+")),
    # "(1) Công tác tham mưu ...", "(2) Nâng cao chất lượng ..."; "(a) ..."
    ("paren", regex_cache.compile(r"\((?P<n>\d{1,2})\)\s*(?=\S)")),
    ("paren_letter", regex_cache.compile(r"\((?P<n>[a-zđ])\)\s*(?=\S)")),
    # "- ...", "– ...", "— ..."; a scan's OCR reads a dash as "~" ("~ Các đơn vị ...")
    ("dash", regex_cache.compile(r"(?:[-–—]\s*|~\s+)(?=\S)")),
    # "+ ..."
    ("plus", regex_cache.compile(r"\+\s*(?=\S)")),
    # "• ...", "● ...", "▪ ..."
    ("bullet", regex_cache.compile(r"[•●○▪■◦·∙]\s*(?=\S)")),
    # "* Lưu ý: ...", "* Thời gian thực hiện: ..." (not the "**" of bold, handled above)
    ("star", regex_cache.compile(r"\*\s+(?=[^\s*])")),
]
_BOLD = regex_cache.compile(r"^\s*\*\*")


@dataclass(frozen=True)
class Marker:
    """The marker opening a paragraph: its kind, printed number (None for bullets) and text after it."""

    kind: str
    number: int | None
    end: int  # offset in the paragraph text where the item's own words start


@dataclass
class Item:
    """One numbered or bulleted item (mục/khoản/điểm/gạch đầu dòng) and the paragraphs it owns."""

    kind: str
    ordinal: str
    paragraphs: list[Paragraph]
    text_start: int  # offset in the first paragraph's text after the marker
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    position: int = 0

    @cached_property
    def head(self) -> str:
        """The item's first paragraph without its marker."""
        return self.paragraphs[0].text[self.text_start :].strip().strip("*").strip()

    @property
    def continuation(self) -> list[Paragraph]:
        """Unnumbered paragraphs that continue the item."""
        return self.paragraphs[1:]

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    def walk(self) -> list[Item]:
        """This item and every item below it, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def roman_value(s: str) -> int | None:
    """ "IV" → 4; None when ``s`` is not a well-formed Roman numeral up to 40."""
    s = s.upper()
    if not s or any(ch not in _ROMAN for ch in s):
        return None
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN[ch]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    # Reject "IIII", "VV", "IL": only canonical spellings are section numbers.
    canon = ""
    n = total
    for value, sym in ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            canon += sym
            n -= value
    return total if canon == s and 0 < total <= 40 else None


def _number(kind: str, raw: str) -> int | None:
    if kind in {"letter", "paren_letter"}:
        idx = _LETTERS.find(raw.lower())
        if idx < 0 and raw.lower() in _LATIN_ONLY:
            return _LETTERS.find(_LATIN_ONLY[raw.lower()]) + 2  # "f)" after "e)" in a list that uses it
        return idx + 1 if idx >= 0 else None
    if kind == "part":
        return "ABCDEFGH".index(raw) + 1
    if kind == "multi":
        return int(raw.split(".")[-1])
    if raw.isdigit():
        return int(raw)
    return roman_value(raw)


@lru_cache(maxsize=16384)
def parse_marker(text: str) -> Marker | None:
    """The marker that opens ``text``, or None for an unnumbered paragraph.

    >>> parse_marker("II. NHIỆM VỤ VÀ GIẢI PHÁP"), parse_marker("đ) Sở Y tế: ...").number
    (Marker(kind='roman', number=2, end=4), 5)
    """
    offset = 0
    bold = _BOLD.match(text)
    if bold:
        offset = bold.end()
    while offset < len(text) and text[offset] == " ":
        offset += 1
    for kind, rx in _MARKERS:
        m = rx.match(text, offset)
        if not m:
            continue
        raw = m.groupdict().get("n")
        number = _number(kind, raw) if raw else None
        if raw and number is None:
            continue
        if kind == "multi" and raw and any(int(p) == 0 for p in raw.split(".")):
            continue
        end = m.end()
        # "**1.** Tổ chức": skip the closing bold marker too.
        if text.startswith("**", end):
            end += 2
        return Marker(kind, number, end)
    return None


def _kind_key(kind: str, text: str, marker: Marker) -> str:
    """Stack key of a marker: "multi" nests by how many numbers it prints ("1.1." vs "1.1.1.")."""
    if kind == "multi":
        raw = text[: marker.end].strip(" *").rstrip(".)")
        return f"multi{raw.count('.') + 1}"
    return kind


def build_tree(paragraphs: list[Paragraph], markers: list[Marker | None]) -> list[Item]:
    """Top-level items of a run of body paragraphs; unnumbered paragraphs continue the innermost item.

    ``markers[i]`` is the marker of ``paragraphs[i]`` (None for an unnumbered one, which the
    caller may also force for paragraphs that only look numbered, such as "- Căn cứ ..." lines).
    Unnumbered paragraphs before the first item are not part of any item (the caller keeps them
    as the preamble).
    """
    roots: list[Item] = []
    stack: list[tuple[str, Item]] = []
    for para, marker in zip(paragraphs, markers, strict=True):
        if marker is None:
            if stack:
                stack[-1][1].paragraphs.append(para)
            continue
        key = _kind_key(marker.kind, para.text, marker)
        rank = _RANK.get(marker.kind)
        if rank is not None:
            # A heading kind closes every list and every heading of equal or lower rank.
            while stack and (_RANK.get(stack[-1][0]) is None or _RANK[stack[-1][0]] >= rank):
                stack.pop()
        else:
            keys = [k for k, _ in stack]
            if key in keys:
                del stack[keys.index(key) :]
            elif marker.kind not in _BULLETS:
                while stack and stack[-1][0] in _BULLETS:
                    stack.pop()
        parent = stack[-1][1] if stack else None
        siblings = parent.children if parent else roots
        position = marker.number if marker.number is not None else len(siblings) + 1
        if marker.number is None and siblings and siblings[-1].kind == marker.kind:
            position = siblings[-1].position + 1
        if any(s.position == position for s in siblings):
            # "a)" after "-" steps of the same parent: count on, never reuse an ordinal
            position = max(s.position for s in siblings) + 1
        ordinal = f"{parent.ordinal}.{position}" if parent else str(position)
        item = Item(marker.kind, ordinal, [para], marker.end, parent, position=position)
        siblings.append(item)
        stack.append((key, item))
    return roots
