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
from extractors.agencies import split_agencies
from models import Record
from pipeline.layout import Layout

# an addressee line: "- Sở Tài chính;", "+ Công an tỉnh,", "• Bộ Nội vụ."
_ITEM = re.compile(r"^\s*[-–+•]\s*(?P<name>.+)$")


def _clean(entry: str) -> str:
    return re.sub(r"\s+", " ", entry).strip(" -–+•;,.:")


def recipient_lines(layout: Layout) -> list[str]:
    """The lines of the Kính gửi block as printed, without "Kính gửi:" itself."""
    lines = [ln.strip() for p in layout.zone("body", "header_left", "header_right") for ln in p.lines]
    out: list[str] = []
    for i, line in enumerate(lines):
        m = patterns.KINH_GUI.match(line)
        if not m:
            continue
        rest = m.group("rest").strip()
        if rest:
            # "Kính gửi: - Bộ Nội vụ; - Bộ Tài chính." on one line, or a single addressee
            parts = [x for x in re.split(r"(?:^|[;.]\s*)[-–+•]\s+", rest) if x.strip()]
            out.extend(parts if len(parts) > 1 else [rest])
            if not rest.rstrip().endswith(";"):
                return out
        ended = True  # did the last printed addressee line end with ";" or "."?
        for nxt in lines[i + 1 :]:
            item = _ITEM.match(nxt)
            if item:
                out.append(item.group("name"))
            elif out and not ended and len(nxt) < 120 and not nxt[:1].isdigit():
                out[-1] = f"{out[-1]} {nxt}"  # a long addressee wrapped onto the next line
            else:
                break
            ended = bool(re.search(r"[;.]\s*$", nxt))
            if nxt.rstrip().endswith("."):
                break  # the last addressee ends with "."
        return out
    return out


def apply(layout: Layout, record: Record) -> None:
    """Fill ``record.recipients``."""
    names: list[str] = []
    for line in recipient_lines(layout):
        for name in split_agencies(_clean(line)):
            name = _clean(name)
            if name and name not in names:
                names.append(name)
    record.recipients = names
