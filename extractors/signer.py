"""The signature block (phần ký): quyền hạn (TM./KT./Q./TL./TUQ.), chức vụ and họ tên.

    TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / (chữ ký) / Nguyễn Văn A
    -> authority "KT.", title "Phó Chủ tịch", name "Nguyễn Văn A"

``authority`` is the abbreviation of the prefix line nearest the title; ``title`` is the line directly above the
name; a scanned signature or seal between them leaves no text and is ignored.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from extractors import patterns
from extractors.casing import phrases, surnames, title_case, titles, unspeck
from models import Signer
from pipeline import regex_cache
from pipeline.layout import Layout
from pipeline.normalize import strip_accents

# a person's name: 2–6 words, each capitalised and not the whole line in capitals
# ("Nguyễn Tuấn Anh", "Lê Thị Thu Hà")
_NAME = regex_cache.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")
# a rank or degree printed before the name, which ND30 leaves out of họ tên but police, army and
# universities print: "Đại tá Nguyễn Văn A", "Thiếu tướng ...", "PGS.TS. Lê Văn B", "TS. ...", "ThS. ..."
_PREFIX = regex_cache.compile(
    r"^(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)|Đại\s+úy|Chuẩn\s+úy"
    r"|(?:GS|PGS|TS|ThS|BS|CKII|CKI|KTS|LS|NGND|NGƯT|TTND|TTƯT)(?:\.\s*(?:TS|ThS|BS|CKII|CKI|KTS))*\.?)\s+"
)
_NOISE = regex_cache.compile(r"^(\(?(đã ký|ký|chữ ký|ký tên|đóng dấu|dấu)[^)]*\)?|\[.*\]|[\s_\-*.]*)$", re.IGNORECASE)


def _surname(name: str) -> str:
    """On a scan, a common family name whose marks OCR lost or changed, as it is spelled ("Nguyên Thị Bích Hợp" →
    "Nguyễn Thị Bích Hợp"); a name OCR read whole, or not a common family name, as read."""
    first, _, rest = name.partition(" ")
    if not rest:
        return name
    bare = strip_accents(first).lower()
    matches = [s for s in surnames() if strip_accents(s).lower() == bare]
    return f"{matches[0]} {rest}" if len(matches) == 1 and first not in matches else name


def _is_caps_name(line: str) -> bool:
    """A name a copy prints in capitals under the title ("TRẦN VĂN AN"): 2–5 words, no title or body in it."""
    words = line.split()
    if not 2 <= len(words) <= 5 or line != line.upper() or any(c.isdigit() for c in line):
        return False
    low = line.lower()
    return not (
        any(re.search(rf"(?<!\w){re.escape(t.lower())}(?!\w)", low) for t in titles())
        or patterns.ISSUING_AUTHORITY.match(line)
        or patterns.AUTHORITY_LINE.match(line)
    )


class Signature(NamedTuple):
    """What the signer stage finds: the signer and the warnings about it."""

    signer: Signer
    warnings: list[str]


def _known_title(title: str) -> str:
    """A title spelled as the list of titles spells it when the two differ only in marks and case (OCR's "Phó giám
    đóc" is "Phó Giám đốc"); any other title as printed."""
    key = strip_accents(title).lower()
    return next((t for t in titles() if strip_accents(t).lower() == key), title)


def _rejoin_authority(lines: list[str]) -> list[str]:
    """An authority line a narrow cell broke inside a fixed phrase gets its last words back from the line under it
    ("TM. ỦY BAN NHÂN" / "DÂN CHỦ TỊCH" → "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH")."""
    out = list(lines)
    for i in range(len(out) - 1):
        if not patterns.AUTHORITY_LINE.match(out[i]):
            continue
        words, below = out[i].split(), out[i + 1].split()
        for phrase in (p.upper().split() for p in phrases()):
            for cut in range(1, len(phrase)):
                head, tail = phrase[:cut], phrase[cut:]
                if words[-cut:] == head and below[: len(tail)] == tail and len(below) > len(tail):
                    out[i] = " ".join(words + tail)
                    out[i + 1] = " ".join(below[len(tail) :])
                    return out
    return out


def extract(layout: Layout) -> Signature:
    """The signer of the ``closing_right`` zone."""
    lines = [unspeck(patterns.SIGNED_NOTE.sub("", ln).strip()) for p in layout.zone("closing_right") for ln in p.lines]
    lines = [ln for ln in lines if ln and not _NOISE.match(ln)]
    if not lines:
        return Signature(Signer(), ["Không tìm thấy phần chữ ký (signer block not found)."])
    names = [_PREFIX.sub("", ln) for ln in lines]
    name_at = next((i for i in range(len(lines) - 1, -1, -1) if _NAME.match(names[i])), None)
    if name_at is None and len(lines) >= 2 and lines[-2] == lines[-2].upper() and _is_caps_name(names[-1]):
        name_at = len(lines) - 1  # "CHỦ TỊCH" over "TRẦN VĂN AN": the last line is the name, not a title
    authority = None
    titles: list[str] = []
    above = _rejoin_authority(lines[: name_at if name_at is not None else len(lines)])
    for line in above:
        m = patterns.AUTHORITY_LINE.match(line)
        if m:
            # with two prefix lines ("TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH") the last one says how
            # this person signed (ký thay), so it wins
            authority = patterns.AUTHORITY_CANON[m.group("auth").upper()]
            continue
        if line == line.upper() and sum(c.isalpha() for c in line) >= 2:
            titles.append(line)  # (a line of OCR's specks, ":" or "„", is no title)
    title = titles[-1] if titles else None
    if title is None and authority is None and name_at is not None and name_at > 0:
        title = lines[name_at - 1]
    if title is None:
        # "TM. BAN THƯỜNG VỤ / PHÓ BÍ THƯ" gives a title line; "KT. CHỦ TỊCH" alone is read as
        # its own title only when nothing else stands above the name
        above = lines[: name_at if name_at is not None else len(lines)]
        last_prefix = next((ln for ln in reversed(above) if patterns.AUTHORITY_LINE.match(ln)), None)
        if last_prefix:
            match = patterns.AUTHORITY_LINE.match(last_prefix)
            title = match.group("rest") if match else None
    name = names[name_at] if name_at is not None else None
    if name and layout.scanned:
        name = _surname(name)
    signer = Signer(
        name=name,
        title=_known_title(title_case(title)) if title else None,
        authority=authority,  # type: ignore[arg-type]
    )
    warnings = [] if name_at is not None else ["Không đọc được họ tên người ký (signer's name not found)."]
    return Signature(signer, warnings)
