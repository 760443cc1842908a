"""The outline of items (đề mục) of a run of body paragraphs: which paragraphs open an item, how items
nest (:func:`extractors.numbering.build_tree`), and which items are only headings.

Readers differ in how they hand over headings, so this step also repairs what they join or split:
a Roman heading read into one paragraph with the sentence under it is cut in two; a bare line naming a
unit ("Trung tâm Quản lý chất lượng", then bullets) is made an item; "- Căn cứ ..." lines are preamble,
never items; a table row is never an item.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extractors.numbering import Item, Marker, build_tree, parse_marker
from extractors.tasks.clauses import addressee, intro, lead_clause
from extractors.tasks.cues import clean, cues, is_upper
from extractors.tasks.tables import cells
from pipeline import regex_cache
from pipeline.layout import Paragraph

# A căn cứ line even when bulleted: "- Căn cứ Điều lệ Đảng;", "- Theo đề nghị của Văn phòng Trung ương Đảng,".
_CAN_CU = regex_cache.compile(
    r"^(?:căn\s+cứ|theo\s+đề\s+nghị|xét\s+đề\s+nghị|xét\s+tờ\s+trình)(?![^\W\d_])", re.IGNORECASE
)
# kinds of item that may follow a bare unit-name heading line
_UNIT_CHILDREN = {"dash", "plus", "bullet", "letter", "star"}
BULLETS = {"dash", "plus", "bullet", "star"}
# a capital word that may open the sentence under a heading: "Nhiệm vụ chung | Ban Chỉ huy ..."
_CAPITAL_WORD = regex_cache.compile(r"(?<=\s)[A-ZĐÀ-Ỹ]")


def markers(paras: list[Paragraph]) -> list[Marker | None]:
    """Each paragraph's marker; căn cứ lines and anything before the first real item are preamble."""
    c = cues()
    out: list[Marker | None] = []
    seen_item = False
    for p in paras:
        # a table row is never an item, whatever its first cell starts with ("a) Rà soát | Quý II | ...")
        marker = parse_marker(p.text) if cells(p.text) is None else None
        if marker is not None and not seen_item:
            rest = p.text[marker.end :].strip()
            # "- Căn cứ Điều lệ Đảng;" (a bullet, or a line that ends as căn cứ lines do), not "1. Căn cứ ..., các
            # Bộ xây dựng ..." (an item that opens with its grounds)
            can_cu = _CAN_CU.match(rest) and (marker.kind in BULLETS or rest.endswith((",", ";")))
            if can_cu or (marker.kind in BULLETS and c.preamble.match(rest) and rest.endswith((",", ";"))):
                marker = None  # "- Căn cứ Điều lệ Đảng;" is a căn cứ line, not an item
        if marker is not None:
            seen_item = True
        out.append(marker)
    for i, p in enumerate(paras[:-1]):
        nxt = out[i + 1]
        if out[i] is None and nxt is not None and nxt.kind in _UNIT_CHILDREN and unit_heading(p.text):
            out[i] = Marker("unit", None, 0)
    return out


def unit_heading(text: str) -> bool:
    """A bare line naming the unit the next bullets are for: "Trung tâm Quản lý chất lượng",
    "Phòng Đào tạo và Phòng Công tác sinh viên:" (no marker, no action, no sentence end)."""
    t = clean(text).strip("*").strip()
    if not t or len(t.split()) > 14 or t.endswith((".", ";", ",")) or t[:1].islower():
        return False
    clause = lead_clause(t)
    return clause.explicit and clause.assign_only and not clause.action


def build(paras: list[Paragraph]) -> tuple[list[Paragraph], list[Item], list[Paragraph]]:
    """(preamble, items, paragraphs after the items) of a run of body paragraphs."""
    paras = split_headings(paras)
    marks = markers(paras)
    first = next((i for i, m in enumerate(marks) if m is not None), None)
    if first is None:
        return paras, [], []
    end = closing_start(paras, marks)
    first = _after_findings(paras, marks, first, end)
    return paras[:first], build_tree(paras[first:end], marks[first:end]), paras[end:]


def closing_start(paras: list[Paragraph], marks: list[Marker | None]) -> int:
    """Index of the first closing paragraph: unnumbered paragraphs after the last item, except that the
    first of them continues the last item unless it reads as a closing. Under a heading that ends the
    items ("3. Về các kiến nghị, đề xuất") every paragraph is its content up to the closing formula."""
    c = cues()
    last = max((i for i, m in enumerate(marks) if m is not None), default=-1)
    if last < 0:
        return len(paras)
    # a table after the last item belongs to it, with the line that introduces it
    rows = [i for i in range(last + 1, len(paras)) if cells(paras[i].text) is not None]
    if rows and all(cells(p.text) is not None or clean(p.text).endswith(":") for p in paras[last + 1 : rows[-1]]):
        last = rows[-1]
    start = last + 1

    def closing_formula(t: str) -> bool:
        return t.endswith("/.") or bool(c.closing_open.match(t)) or bool(c.conditional.search(t))

    marker = marks[last]
    if marker is not None and is_heading_text(paras[last].text[marker.end :]):
        while start < len(paras) and not closing_formula(clean(paras[start].text)):
            start += 1
        return start
    if start < len(paras):
        t = clean(paras[start].text)
        # the last item runs on only when it stops mid-sentence (a page break); a finished one is followed
        # by the closing ("Căn cứ kết quả thực hiện thí điểm, Bộ sẽ ...")
        finished = clean(paras[last].text).endswith((".", ";", ":", "./.", ")"))
        if not (finished or closing_formula(t) or addressee(t) is not None):
            start += 1
    return start


def is_heading_text(text: str) -> bool:
    """A short heading with no sentence end: "Về các kiến nghị, đề xuất", "Cài đặt hệ thống phần mềm"."""
    head = clean(text).strip("*").strip()
    return bool(head) and not head.endswith((".", ";", ":", ",")) and len(head.split()) <= 12


def _after_findings(paras: list[Paragraph], marks: list[Marker | None], first: int, end: int) -> int:
    """Where the items start when bullets before them only state findings: a letter lists what an inspection
    found ("- Một số Cục Thuế có tỷ lệ hoàn thành thấp ...") and then, in a paragraph of its own, introduces
    the real items ("Tổng cục Thuế yêu cầu Cục Thuế các tỉnh ... thực hiện một số giải pháp sau:"). The
    bullets before such an introduction are preamble; a numbered item before it keeps the list as it is."""
    for i in range(first, end):
        if (m := marks[i]) is not None:
            if m.kind not in BULLETS:
                return first
            continue
        found = intro(paras[i].text)
        if found is not None and found.explicit and any(m is not None for m in marks[i + 1 : end]):
            return next(j for j in range(i + 1, end) if marks[j] is not None)
    return first


def is_title(item: Item) -> bool:
    """ "II. NHIỆM VỤ VÀ GIẢI PHÁP", "1. Mục đích", "2. Công tác tuyên truyền": a heading, no action.

    A longer heading ("3. Đối tượng, phạm vi, hình thức và thời gian khảo sát") is a title too when
    it names a non-assignment section or holds no action verb at all.
    """
    head = clean(item.head)
    if head.endswith(":") and item.children and cues().heading_open.match(head):
        return True  # "1. Về tăng cường quản lý, sử dụng nhà, đất:" over a) ... b): the topic of its sub-items
    if not head or head.endswith((".", ";", ":", "./.")):
        return False
    if is_upper(head) or cues().heading_open.match(head):
        return True
    if not (item.children or item.continuation):
        return False
    n = len(head.split())
    if n <= 10 or (item.children and n <= 16 and ";" not in head):
        # "3. Xây dựng kế hoạch và tổ chức đào tạo, bồi dưỡng" over a) ... đ): a group heading (corpus NOTES,
        # cb_qd_893); a long line with its own clauses ("1. Tăng cường ...; sự quản lý, ...") is an item
        return True
    c = cues()
    lowered = head[:1].lower() + head[1:]  # the verbs are lower-case data: "Huy động chuyên gia ..." opens with one
    return n <= 20 and (bool(c.non_task_section.match(head)) or not c.stop.search(lowered))


def _title_lines(lines: list[str]) -> int:
    """How many lines at the head of a roman heading's paragraph are its title, 0 for none.

    ["I. NHIỆM VỤ TRỌNG TÂM CỦA", "CÁC ĐƠN VỊ", "Các sở, ngành thực hiện:"] → 2 (the capital lines);
    ["I. Nhiệm vụ chung", "Ban Chỉ huy Phòng, chống", "thiên tai ... tập trung thực hiện:"] → 1 (a short line
    that ends in no punctuation, then a new sentence); ["I. Sở Tài chính", "Tỉnh ..."] → 0 (it names a lead).
    """
    caps = 0
    for line in lines:
        if not is_upper(line):
            break
        caps += 1
    rest = lines[max(caps, 1)] if max(caps, 1) < len(lines) else ""
    if not rest[:1].isupper():
        return 0  # "I. Nhiệm vụ của các cơ quan" + "thuộc tỉnh": the title itself runs on
    if caps:
        return caps if caps < len(lines) else 0
    marker = parse_marker(lines[0])
    first = lines[0][marker.end :].strip() if marker else ""
    if not first or len(first.split()) > 8 or first.endswith((".", ";", ":", ",")) or lead_clause(first).explicit:
        return 0
    return 1


def _title_end(text: str, start: int) -> int:
    """Where a roman heading ends when a reader joined its line with the sentence under it (no lines left):
    "I. Nhiệm vụ chung Ban Chỉ huy ... các cấp tập trung thực hiện một số công việc sau:" → before "Ban".
    Only a short title with no punctuation, followed by a sentence that names its own lead and
    introduces the bullets; 0 when there is none."""
    if not text.rstrip().endswith(":") or len(text[start:].split()) < 12:
        return 0
    for m in _CAPITAL_WORD.finditer(text, start, start + 80):
        title = text[start : m.start()].strip()
        if not title:
            continue  # the title's own first word
        if len(title.split()) > 8 or re.search(r"[.,;:()]", title):
            return 0
        found = intro(text[m.start() :])
        if found is not None and found.explicit and not found.body_start:
            return m.start()
    return 0


def split_headings(paras: list[Paragraph]) -> list[Paragraph]:
    """A roman heading printed on its own line(s) but read into one paragraph with the sentence under it
    ("I. Nhiệm vụ chung" + "Ban Chỉ huy ... tập trung thực hiện một số công việc sau:") is split so the
    heading is a title and the sentence introduces its bullets, instead of one long item read as a task."""
    out: list[Paragraph] = []
    for p in paras:
        marker = parse_marker(p.text)
        cut = 0
        if marker is not None and marker.kind == "roman":
            if len(p.lines) >= 2 and " ".join(p.lines) == p.text:
                k = _title_lines(p.lines)
                cut = len(" ".join(p.lines[:k])) if k else 0
            else:
                cut = _title_end(p.text, marker.end)
        if not cut:
            out.append(p)
            continue
        title, rest = p.text[:cut].rstrip(), p.text[cut:].lstrip()
        out.append(replace(p, text=title, lines=[title], end=p.start + len(title)))
        out.append(replace(p, text=rest, lines=[rest], start=p.end - len(rest)))
    return out
