"""Zone assignment by content, for paragraphs a reader could not place (``unknown``).

Plain text has no tables, so the header and the signature block arrive as a run of lines.
Real documents always put the same things in the same order, which is enough:

* the **header** runs from the top until the first paragraph that belongs to the body —
  "Kính gửi", a type name on its own ("KẾ HOẠCH"), or running text ("Căn cứ ...", a long
  sentence, a numbered item); inside it, quốc hiệu / tiêu ngữ / "ĐẢNG CỘNG SẢN VIỆT NAM" and
  the place-and-date line are the right-hand cell, everything else the left;
* the **closing** starts at "Nơi nhận" or at the signer's authority line (TM./KT./TL./...)
  after the body's last sentence; lines of Nơi nhận are the left cell, the signer block the
  right.
"""

from __future__ import annotations

import re

import extractors.patterns as patterns
from pipeline.layout import Layout, Paragraph, Zone


def is_body_start(p: Paragraph) -> bool:
    """Does ``p`` open the body ("Kính gửi", a type name, running text)? Also used by the text reader."""
    text = p.text.strip()
    first = p.lines[0].strip() if p.lines else text
    if patterns.KINH_GUI.match(text) or patterns.is_type_line(first):
        return True
    if patterns.PLACE_DATE.search(text) or patterns.NUMBER_LINE.match(first):
        return False
    if re.match(r"^(Căn cứ|Thực hiện|Thi hành|Theo|Xét|Để|Nhằm|Ngày \d)", text):
        return True
    # an OCR'd header whose cells were joined into one long block: a short line holding the quốc hiệu or
    # tiêu ngữ beside the issuer ("BỘ TÀI CHÍNH CONG HOA XÃ HOI ... VIỆT NAM") is the header, however long
    if any(len(ln) <= 90 and patterns.is_national_title(ln) for ln in p.lines):
        return False
    return len(text) > 160 or bool(re.match(r"^(\d+\.|[IVX]+\.)\s", text))


def is_closing_start(p: Paragraph) -> bool:
    """Does ``p`` open the closing ("Nơi nhận", an authority line TM./KT./TL.)?"""
    first = p.lines[0].strip() if p.lines else p.text
    return bool(patterns.NOI_NHAN.match(first) or patterns.AUTHORITY_LINE.match(first))


def _header_zone(p: Paragraph) -> Zone:
    text = p.text
    if patterns.is_national_title(text) or patterns.PLACE_DATE.search(text):
        return "header_right"
    return "header_left"


def _split_header_paragraph(p: Paragraph) -> list[Paragraph]:
    """A text block may hold left and right header lines together; split it by line."""
    out: list[Paragraph] = []
    cells = [cell for line in p.lines for cell in patterns.split_side_by_side(line)]
    for line in patterns.join_wrapped_date(cells):
        zone = _header_zone(Paragraph(text=line))
        if out and out[-1].zone == zone:
            out[-1].lines.append(line)
            out[-1].text = f"{out[-1].text} {line}"
        else:
            out.append(Paragraph(text=line, lines=[line], zone=zone, bold=p.bold, page=p.page))
    return out


def _is_header_like(p: Paragraph) -> bool:
    """A header cell's paragraph: it opens with a name in capitals, "Số: ...", a mark, the place and date, or a
    "V/v ..." trích yếu (a cell may go on with other lines: "Số: 1307/UBND-VX" / "V/v triển khai ...")."""
    line = (p.lines[0] if p.lines else p.text).strip()
    letters = [c for c in line if c.isalpha()]
    caps = bool(letters) and all(c.isupper() for c in letters) and len(line) <= 80
    return bool(
        caps
        # an issuer in lower case (a legacy capitals-only font lost in plain text): "ủy ban nhân dân tỉnh ..."
        or (len(line) <= 80 and ":" not in line and patterns.starts_org_name(line))
        or patterns.NUMBER_LINE.match(line)
        or patterns.PLACE_DATE.search(line)
        or patterns.SUBJECT_LINE.match(line)
    )


def header_start(paras: list[Paragraph]) -> int:
    """Index of the header's first paragraph: notes a web page prints above the document ("Số hiệu: ... Loại
    văn bản: ...", "• Hiệu lực: ...") come before it. The header is the quốc hiệu's paragraph (a line of its
    own near the top) and the header-like paragraphs right above it; 0 when there is no such line."""
    for i, p in enumerate(paras[:10]):
        if any(patterns.opens_with_national_title(ln) for ln in p.lines):
            while i > 0 and _is_header_like(paras[i - 1]):
                i -= 1
            return i
    return 0


def assign(layout: Layout) -> None:
    """Give every ``unknown`` paragraph a zone, keeping the zones readers already set."""
    paras = layout.paragraphs
    if not any(p.zone == "unknown" for p in paras):
        return
    out: list[Paragraph] = []
    state: Zone = "header_left"
    seen_body = any(p.zone == "body" for p in paras)
    if seen_body or not any(p.zone == "unknown" for p in paras[:3]):
        state = "body"
    closing_seen_noi_nhan = False
    start = header_start(paras) if state != "body" else 0
    for i, p in enumerate(paras):
        if i < start and p.zone == "unknown":
            p.zone = "body"  # a web page's notes above the document: never the issuer
            out.append(p)
            continue
        if p.zone != "unknown":
            if p.zone in ("closing_left", "closing_right"):
                state = p.zone
            elif p.zone == "body":
                state = "body"
            out.append(p)
            continue
        if state in ("header_left", "header_right") and is_body_start(p):
            state = "body"
        if state == "body" and is_closing_start(p):
            state = "closing_right"
        if state in ("header_left", "header_right"):
            out.extend(_split_header_paragraph(p))
            continue
        if state in ("closing_left", "closing_right"):
            first = p.lines[0].strip() if p.lines else p.text
            if patterns.NOI_NHAN.match(first):
                closing_seen_noi_nhan = True
                p.zone = "closing_left"
            elif closing_seen_noi_nhan and (first.startswith(("-", "+", "•")) or patterns.LUU.match(first)):
                p.zone = "closing_left"
            else:
                p.zone = "closing_right"
            out.append(p)
            continue
        p.zone = "body"
        out.append(p)
    layout.paragraphs = out
    layout.finalize()
