"""Recipients (Kính gửi): one addressee each, "- " and ";" stripped.

Forms::

    Kính gửi: Sở Y tế.                                  -> ["Sở Y tế"]
    Kính gửi:\\n- Các sở, ban, ngành tỉnh;\\n- UBND các xã.  -> ["Các sở, ban, ngành tỉnh", "UBND các xã"]
    Kính gửi: - Bộ Nội vụ; - Bộ Tài chính.             -> ["Bộ Nội vụ", "Bộ Tài chính"]
    - Công an tỉnh, Bộ Chỉ huy quân sự tỉnh;            -> two addressees (each a complete name)
"""

from __future__ import annotations

import re

from extractors import patterns
from extractors.agencies import split_agencies, starts_agency
from pipeline import regex_cache
from pipeline.layout import Layout

# an addressee line: "- Sở Tài chính;", "+ Công an tỉnh,", "• Bộ Nội vụ."
_ITEM = regex_cache.compile(r"^\s*[-–+•]\s*(?P<name>.+)$")


def _clean(entry: str) -> str:
    return re.sub(r"\s+", " ", entry).strip(" -–+•;,.:")


# running text that ends the Kính gửi block: "Thực hiện ...", "Căn cứ ...", "Ngày 05/3/2026, ...", "1. ..."
_BODY = regex_cache.compile(
    r"^(?:Thực hiện|Căn cứ|Theo|Để|Nhằm|Ngày \d|Trong|Trên cơ sở|Qua|Tiếp theo|Sau khi|\d+[.)]\s|[IVX]+\.\s)"
)


def _block_lines(layout: Layout) -> tuple[str, list[tuple[str, bool]]] | None:
    """The "Kính gửi" line's rest and the lines that may follow it, each with whether it stands in
    the same paragraph: the rest of that paragraph, then whole paragraphs while they are short (an
    addressee list, not running text)."""
    paras = layout.zone("body", "header_left", "header_right")
    for at, para in enumerate(paras):
        if para.zone == "body" and (len(para.text) > 250 or patterns.NUMBERED_ITEM.match(para.text)):
            break  # the body's running text has begun: a "Kính gửi" further on is quoted, not addressed
        lines = [ln.strip() for ln in para.lines if ln.strip()]
        for k, line in enumerate(lines):
            m = patterns.KINH_GUI.match(line)
            if not m:
                continue
            following = [(ln, True) for ln in lines[k + 1 :]]
            for nxt in paras[at + 1 :]:
                if len(nxt.text) > 200 or _BODY.match(nxt.text):
                    break
                # a paragraph's later lines wrap its first ("- Công đoàn Cơ quan Bộ ..., các đại học" / "Quốc gia;")
                following += [(ln.strip(), k > 0) for k, ln in enumerate(nxt.lines) if ln.strip()]
            return m.group("rest").strip(), following
    return None


def recipient_lines(layout: Layout) -> list[str]:
    """The lines of the Kính gửi block as printed, without "Kính gửi:" itself.

    One addressee per line, with or without "- "; after ";" a new addressee follows; a line after
    one that ended otherwise continues it (a long name wrapped) unless it opens a new agency name in
    the same paragraph; "." ends the list.
    """
    found = _block_lines(layout)
    if found is None:
        return []
    rest, following = found
    out: list[str] = []
    if rest:
        # "Kính gửi: - Bộ Nội vụ; - Bộ Tài chính." on one line, or a single addressee
        parts = [x for x in re.split(r"(?:^|[;.]\s*)[-–+•]\s+", rest) if x.strip()]
        out.extend(parts if len(parts) > 1 else [rest])
    end = rest[-1:] if rest[-1:] in (";", ".", ",") else ""
    for nxt, same_paragraph in following:
        if end == "." or len(nxt) > 150 or _BODY.match(nxt):
            break
        if patterns.opens_with_national_title(nxt) or patterns.PLACE_DATE_START.match(nxt):
            # the header's right column, which a copy of a PDF's text put after the left one's "Kính gửi:"
            # ("Kính gửi:" / "Độc lập - Tự do - Hạnh phúc" / "Hà Nội, ngày 02 tháng 8 năm 2019" / "- Các sở ...")
            continue
        item = _ITEM.match(nxt)
        if item:
            out.append(item.group("name"))
        elif not out or end == ";" or (same_paragraph and starts_agency(nxt)):
            out.append(nxt)
        elif same_paragraph or end == ",":
            out[-1] = f"{out[-1]} {nxt}"  # a long addressee wrapped onto the next line
        else:
            break  # a new paragraph after an addressee that did not call for more: the body
        end = nxt.rstrip()[-1:] if nxt.rstrip()[-1:] in (";", ".", ",") else ""
    return out


def extract(layout: Layout) -> list[str]:
    """The addressees of the Kính gửi block, one each, "- " and ";" stripped."""
    names: list[str] = []
    for line in recipient_lines(layout):
        parts = [_clean(name) for name in split_agencies(_clean(line))]
        for name in parts:
            if names and _ATTACHED.match(name) and names[-1] in parts:
                names[-1] = f"{names[-1]} và {name}"  # "... cao đẳng và các đơn vị trực thuộc": theirs, not another
            elif name and name not in names and any(c.isalpha() for c in name):  # not a blank "……………"
                names.append(name)
    return names


# a group that belongs to the addressee before it: "... và các đơn vị trực thuộc", "... và các cơ quan liên quan"
_ATTACHED = regex_cache.compile(
    r"^các\s+(?:đơn\s+vị|cơ\s+quan|tổ\s+chức|phòng|ban)\s+(?:trực\s+thuộc|thuộc|liên\s+quan)$"
)
