"""Step 3 of the grammar: where the header ends and where the closing begins (and ends again, for an
appendix after the signature).

Every official document puts the same parts in the same order (Nghị định 30/2020, Hướng dẫn 36-HD/VPTW):
the header table (issuer and số left; quốc hiệu, place and date right), the title or Kính gửi, the body,
the closing table (Nơi nhận left, the signer right), and perhaps appendices. Each boundary is found from
the strongest evidence the reader gave:

* **table cells** (DOCX, Markdown and HTML tables, ruled PDF tables): a table holding header words is the
  header; one holding "Nơi nhận" or a signing prefix is the closing; any other table is data in the body;
* **positions** (PDF, OCR, layout text): the header is the top of the first page until a run spans the
  text block; the closing opens with "Nơi nhận" on the left or a signing line on the right;
* **text cues** alone (plain text): the header runs until "Kính gửi", a type name or running text; the
  closing opens at "Nơi nhận", a signing line, or a title in capitals after the closing formula "./.".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from extractors import patterns
from pipeline.grammar import kinds
from pipeline.grammar.geometry import Frame, is_full_width
from pipeline.grammar.rows import Row

TableKind = Literal["header", "closing", "recipients", "data"]

# the most rows a header can hold (issuer lines, number, V/v lines, quốc hiệu, tiêu ngữ, place and date)
MAX_HEADER_ROWS = 30


def table_kinds(rows: Sequence[Row]) -> dict[int, TableKind]:
    """What each table of the document is, by its content."""
    texts: dict[int, list[str]] = {}
    for row in rows:
        for run in row.runs:
            if run.cell is not None and run.text.strip():
                texts.setdefault(run.cell.table, []).append(run.text.strip())
    out: dict[int, TableKind] = {}
    for table, lines in texts.items():
        if any(kinds.is_noi_nhan(t) or kinds.is_authority(t) for t in lines):
            out[table] = "closing"
        elif kinds.is_kinh_gui(lines[0]):
            out[table] = "recipients"  # a layout table for the addressees, right under the header
        elif patterns.HEADER_WORDS_BARE.search(kinds.key(" ".join(lines))):
            out[table] = "header"
        else:
            out[table] = "data"
    return out


def _header_content(text: str) -> bool:
    return kinds.is_header_text(text) or kinds.is_mark(text)


def header_end(rows: Sequence[Row], start: int, tables: dict[int, TableKind], frame: Frame | None) -> int:
    """Index of the first row after the header (``start`` when there is no header)."""
    i = start
    first_page = rows[start].page if start < len(rows) else None
    header_tables: set[int] = set()
    while i < len(rows) and i - start < MAX_HEADER_ROWS:
        row = rows[i]
        first = row.first.text.strip()
        if row.cell:
            table = row.first.cell.table  # type: ignore[union-attr]
            if tables.get(table) == "header" and (table in header_tables or not _body_seen(rows, start, i)):
                header_tables.add(table)
                i += 1
                continue
            break
        if header_tables:
            # the header was a table: what follows it is the body, but for a "V/v" (or the number, the place and
            # date) a copy printed under the table, and the lines that wrap it
            if kinds.is_subject(first) or kinds.is_number(first) or kinds.is_place_date(first):
                i += 1
                continue
            if _same_block(rows, i) and kinds.is_subject(rows[i - 1].first.text) and not kinds.opens_body(first):
                i += 1
                continue
            break
        if kinds.is_kinh_gui(first) or kinds.is_type_title(first):
            break
        if row.runs[0].label:
            break  # Word's list numbering: an item of the body
        if row.positioned and frame is not None:
            if row.page != first_page:
                break
            if len(row.runs) == 1 and is_full_width(row.first, frame) and not _header_content(first):
                if not (kinds.is_caps(first) and len(first) <= 90 and i == start):
                    break
        elif kinds.opens_body(first) and not any(_header_content(r.text) for r in row.runs):
            break
        elif _sentence(first) and not any(kinds.is_header_like(r.text) for r in row.runs) and not _same_block(rows, i):
            break  # a sentence of its own, not a wrapped line of a header cell
        i += 1
    return i


def _sentence(text: str) -> bool:
    """Running text: long, or a full sentence ending in a stop."""
    return len(text) > 100 or (len(text) > 60 and kinds.ends_sentence(text) and text[:1].isupper())


def _same_block(rows: Sequence[Row], i: int) -> bool:
    """Does row ``i`` go on the source block of the row above it (a header cell's wrapped line)?"""
    return i > 0 and rows[i].first.block is not None and rows[i].first.block == rows[i - 1].first.block


def _body_seen(rows: Sequence[Row], start: int, i: int) -> bool:
    """Has running text come before row ``i`` (a note such as "DỰ THẢO" or "KHẨN" above the header table has not)?"""
    return any(not r.cell and (kinds.opens_body(r.text) or kinds.is_kinh_gui(r.text)) for r in rows[start:i])


def opens_closing(
    row: Row,
    prev: Row | None,
    tables: dict[int, TableKind],
    frame: Frame | None,
    after: Sequence[Row] = (),
    formula: bool = True,
    near_end: bool = True,
) -> bool:
    """Does ``row`` open the closing block (Nơi nhận / the signer)?

    ``after`` are the rows that follow (a title in capitals opens the closing only above a name), ``formula``
    whether the body may have ended here: the closing formula "./." came since the body began (or the
    document has none), so a signing line quoted as an example inside the body opens nothing.
    """
    if prev is None:
        return False
    if row.cell:
        return tables.get(row.first.cell.table) == "closing"  # type: ignore[union-attr]
    first = row.first
    if kinds.is_noi_nhan(first.text):
        # beside the signer on its row, or a list with its "Lưu" line by the signature (a Nơi nhận quoted as an
        # example in a Hướng dẫn is neither)
        if row.positioned and frame is not None and (first.x0 or 0.0) >= frame.center:
            return False
        if len(row.runs) > 1 and any(kinds.is_authority(r.text) or kinds.is_caps(r.text) for r in row.runs[1:]):
            return True
        # a Nơi nhận list stands by the signature (before or after it), at the end of the document; its "Lưu"
        # line ends it
        # (a signing line alone is not enough: an example's ends in "Họ và tên", a signature in a name); and the
        # body does not go on to its closing formula after it
        for r in after[:15]:
            if patterns.CLOSING_FORMULA.search(r.text):
                return False  # the body goes on to its closing formula: this list was quoted inside it
            if _signs(r.text):
                return True
        return not _formula_follows(after) and (near_end or _ends_list(after))
    if row.positioned and frame is not None:
        right = [r for r in row.runs if (r.x0 or 0.0) > frame.left + 0.4 * frame.width]
        if not right or (len(row.runs) == 1 and is_full_width(first, frame) and (first.x0 or 0.0) < frame.center):
            return False
        text = right[0].text
        if kinds.is_authority(text) or _is_signing_word(text):
            return True
        caps_title = kinds.is_caps(text) and len(text.split()) <= 8
        return caps_title and kinds.ends_sentence(prev.text) and len(row.runs) <= 2
    text = first.text.strip()
    if len(row.runs) > 1 and any(kinds.is_noi_nhan(r.text) for r in row.runs):
        return True
    if not formula:
        return False
    signs = (kinds.is_authority(text) and len(text) <= 90) or (
        len(row.runs) > 1 and any(kinds.is_authority(r.text) for r in row.runs)
    )
    if signs:
        # a signature block ends in a name (a signing line quoted as an example ends in "Họ và tên")
        return any(is_person_name(r.text) for r in after[:6]) or any(kinds.is_noi_nhan(r.text) for r in after[:15])
    # after the closing formula, a title in capitals alone: "CHỦ TỊCH" over the signer's name
    return (
        bool(patterns.CLOSING_FORMULA.search(prev.text))
        and kinds.is_caps(text)
        and len(text.split()) <= 8
        and not kinds.is_type_title(text)
        and not _is_appendix_title(text)
        and any(is_person_name(r.text) for r in after[:3])
    )


def _signs(text: str) -> bool:
    """A signer's name, alone or at the end of a signature block printed on one line ("TM. ỦY BAN NHÂN DÂN KT. CHỦ
    TỊCH PHÓ CHỦ TỊCH Nguyễn Hữu Tháp")."""
    if is_person_name(text):
        return True
    if not (kinds.is_authority(text.strip()) or kinds.is_caps(text.split(" ")[0])):
        return False
    from pipeline.grammar.rows import _signer_pieces

    pieces = _signer_pieces(text.strip())
    return len(pieces) > 1 and is_person_name(pieces[-1])


def is_person_name(text: str) -> bool:
    return bool(patterns.PERSON_NAME.match(text.strip()))


def _formula_follows(after: Sequence[Row]) -> bool:
    """Does the body's closing formula ("./.") come in the rows after, before any appendix or attached document?"""
    for row in after:
        text = row.text.strip()
        if _is_appendix_title(text) or kinds.is_type_title(text):
            return False
        if patterns.CLOSING_FORMULA.search(text):
            return True
    return False


def _ends_list(after: Sequence[Row]) -> bool:
    """Does a Nơi nhận list end in its "Lưu" line right before an appendix (a copy whose signature is an image)?"""
    for k, row in enumerate(after[:12]):
        if patterns.LUU.match(row.text.strip()):
            rest = [r for r in after[k + 1 : k + 3] if r.text.strip()]
            return bool(rest) and (_is_appendix_title(rest[0].text) or kinds.is_type_title(rest[0].text))
    return False


def _is_signing_word(text: str) -> bool:
    return bool(patterns.SIGNING_WORDS.match(text))


def _is_appendix_title(text: str) -> bool:
    return bool(patterns.APPENDIX_TITLE.match(text.strip()))


def closes_closing(row: Row, in_table: bool, tables: dict[int, TableKind], frame: Frame | None) -> bool:
    """Does ``row``, inside the closing block, start body text again (an appendix, an attached plan)?"""
    first = row.first.text.strip()
    if row.cell:
        if tables.get(row.first.cell.table) == "closing":  # type: ignore[union-attr]
            return False
        # a short row of a table that goes on the signature block (the signer's name in a row of its own)
        short = len(row.text) <= 80 and all(len(r.text) <= 60 for r in row.runs)
        return not (short and (is_person_name(row.text) or first.startswith(("-", "+")) or kinds.is_caps(first)))
    if kinds.is_noi_nhan(first):
        return False
    if _is_appendix_title(first) or kinds.is_type_title(first):
        return True
    if row.positioned and frame is not None:
        run = row.first
        # a Nơi nhận entry long enough to fill a text copy's line goes on the list: "- Báo Lai Châu, Đài PT-TH
        # tỉnh, phân xã TTXVN tại Lai Châu, Công báo tỉnh, Cổng thông tin điện tử tỉnh;"
        entry = (first.startswith(("-", "+", "•")) and first.endswith((";", ","))) or bool(patterns.LUU.match(first))
        return len(row.runs) == 1 and is_full_width(run, frame) and run.width >= 0.5 * frame.width and not entry
    if in_table:
        # after a closing table, paragraphs are body text, but for a Nơi nhận written under it
        return not first.startswith(("-", "+", "•")) and not patterns.LUU.match(first)
    return (kinds.opens_body(first) and not first.startswith(("-", "+", "•"))) or len(first) > 200
