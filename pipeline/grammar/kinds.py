"""What a line of an official document is, by its words alone (the text cues of the grammar).

Every test here reads the cue phrases of :mod:`extractors.patterns` (the one module of language data);
the grammar's steps ask these questions whatever the reader, and add geometry where there is some.

>>> is_header_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), is_header_text("Căn cứ Luật Tổ chức chính phủ")
(True, False)
>>> opens_body("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;")
True
"""

from __future__ import annotations

import re

from extractors import patterns
from pipeline.normalize import strip_accents


def is_national(text: str) -> bool:
    """Quốc hiệu, tiêu ngữ or the Party's title: the right-hand header cell's first lines."""
    return patterns.is_national_title(text)


def is_place_date(text: str) -> bool:
    """ "Lào Cai, ngày 05 tháng 3 năm 2026" (or its start, wrapped before "năm")."""
    return bool(patterns.PLACE_DATE.search(text) or patterns.PLACE_DATE_START.match(text))


def is_number(text: str) -> bool:
    """ "Số: 125/UBND-KT", "Số 33-KH/TU", "Số:      /UBND-NC"."""
    return bool(patterns.NUMBER_LINE.match(text)) or bool(re.match(r"^Số\s*:\s*$", text))


def is_subject(text: str) -> bool:
    """ "V/v tiếp tục triển khai ...", "Về việc ..."."""
    return bool(patterns.SUBJECT_LINE.match(text))


def is_kinh_gui(text: str) -> bool:
    return bool(patterns.KINH_GUI.match(text))


def is_noi_nhan(text: str) -> bool:
    """ "Nơi nhận:", "Nơi nhận", "- Nơi nhận:", OCR's "Noi nhận:", "Nơi nhận - Như trên;"."""
    return bool(patterns.NOI_NHAN_HEAD.match(text))


def is_authority(text: str) -> bool:
    """The signer's quyền hạn line: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "T/M BAN THƯỜNG VỤ"."""
    return bool(patterns.AUTHORITY_LINE.match(text))


def is_type_title(text: str) -> bool:
    """A document's name alone, in capitals: "KẾ HOẠCH", "QUYẾT ĐỊNH", "THÔNG BÁO"."""
    return patterns.is_type_line(text.strip().strip("*").strip())


def is_mark(text: str) -> bool:
    """Độ khẩn or độ mật alone on a line: "KHẨN", "HỎA TỐC", "MẬT"."""
    return bool(patterns.URGENCY.match(text.strip()) or patterns.CONFIDENTIALITY.match(text.strip()))


def is_rule(text: str) -> bool:
    return bool(patterns.RULE_LINE.match(text))


def is_caps(text: str) -> bool:
    return patterns.is_caps(text)


def is_org_line(text: str) -> bool:
    """A short line that opens an organisation's name ("SỞ TÀI CHÍNH", "Ủy ban nhân dân tỉnh")."""
    return len(text) <= 90 and ":" not in text and patterns.starts_org_name(text)


def is_header_text(text: str) -> bool:
    """A run that can only be in the header table: quốc hiệu, the number, the place and date, "V/v"."""
    return is_national(text) or is_number(text) or is_place_date(text) or is_subject(text)


def is_header_like(text: str) -> bool:
    """A run a header cell may hold: a name in capitals, "Số: ...", a mark, the place and date, "V/v ..."."""
    caps = is_caps(text) and len(text) <= 90
    return caps or is_org_line(text) or is_header_text(text) or is_mark(text)


def opens_body(text: str) -> bool:
    """Running text that opens the body: "Căn cứ ...", "Thực hiện ...", a numbered item, a long sentence."""
    if is_header_text(text):
        return False
    if patterns.BODY_OPENING.match(text):
        return True
    if is_national(text) and len(text) <= 90:
        return False
    return len(text) > 160 or bool(patterns.NUMBERED_ITEM.match(text))


def ends_sentence(text: str) -> bool:
    return bool(patterns.SENTENCE_END.search(text))


def is_item(text: str) -> bool:
    return bool(patterns.ITEM_START.match(text))


def key(text: str) -> str:
    """Lower case without diacritics or repeated spaces, for cue words however typed."""
    return re.sub(r"\s+", " ", strip_accents(text)).strip().lower()
