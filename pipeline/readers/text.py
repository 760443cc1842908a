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
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import legacy
from pipeline.errors import NoText, UnreadableFile
from pipeline.layout import SUPERSCRIPT_DIGITS, Layout, Paragraph
from pipeline.normalize import normalize_text

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")

# a footnote block: "¹ Kế hoạch số ...", "[^1]: ...", "[1] ..." at the start of a block
FOOTNOTE_START = re.compile(rf"^(?:(?P<sup>[{_SUPERSCRIPTS}]+)|\[\^?(?P<num>\d{{1,3}})\]:?)\s*(?P<rest>\S.*)$", re.S)
# a markdown footnote reference in the body: "công vụ[^1]" → "công vụ¹"
MD_FOOTNOTE_REF = re.compile(r"\[\^(\d{1,3})\](?!:)")
# a line that starts a list item: "1.", "1.2.", "2)", "a)", "đ)", "-", "+", "•", "I.", "IV.", "Điều 3."
ITEM_START = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[-+•–]\s|[IVXLC]{1,5}[.-]\s|Điều\s+\d+)")
# a page number or running page mark on its own: "2", "- 2 -", "Trang 2", "2/5"
PAGE_MARK = re.compile(r"^(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$", re.I)
# decorative rules under the header: "_______", "-----", "*", "***"
RULE = re.compile(r"^[\s_\-–—=*.·]{1,80}$")
_BOLD = re.compile(r"\*\*|__")
_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = re.compile(r"[.:;!?…)\]”\"]\s*$|\./\.$")


def decode(data: bytes, path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise UnreadableFile(path, "this looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(path, "the text is in an unknown character encoding (save it as UTF-8)") from exc


def _clean_line(line: str) -> str:
    line = _HEADING.sub("", line)
    line = _BOLD.sub("", line)
    return re.sub(r"\s+", " ", line).strip()


def _blocks(text: str) -> list[tuple[list[str], bool]]:
    """Blank-line separated blocks as (clean lines, bold?)."""
    out: list[tuple[list[str], bool]] = []
    for raw in re.split(r"\n\s*\n", text):
        raw = raw.strip("\n")
        if not raw.strip():
            continue
        bold = raw.strip().startswith(("**", "__"))
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
        for group in _split_items(lines):
            joined = " ".join(group)
            if paras and _is_continuation(paras[-1], Paragraph(text=joined)):
                # page-break debris: glue the sentence back together
                paras[-1].text = f"{paras[-1].text} {joined}"
                paras[-1].lines.extend(group)
                continue
            paras.append(Paragraph(text=joined, lines=list(group), bold=bold or None))
    return paras + footnotes


def read_text(path: Path, media_type: str = "text/plain") -> Layout:
    """Read a .txt / .md file into a :class:`Layout`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the file ({exc.strerror or exc})") from exc
    # legacy fonts (TCVN3, VNI) are converted before normalization, which drops TCVN3's "ư" (U+00AD)
    decoded, encoding = legacy.fix_file_text(decode(data, path), data)
    text = normalize_text(decoded).replace("\r\n", "\n").replace("\r", "\n")
    paras = paragraphs_from_text(text)
    if not paras:
        raise NoText(path, "the file holds no text")
    warnings = [legacy.warning([encoding])] if encoding else []
    return Layout(path=str(path), media_type=media_type, paragraphs=paras, warnings=warnings).finalize()
