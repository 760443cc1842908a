"""Header, recipients, signer and distribution on tricky snippets: (document text, expected fields).

Each snippet is laid out the way a converter prints a document (header cells one after the
other, blank lines between paragraphs), then run through the whole pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.casing import normal_case, title_case
from extractors.header import parse_code, split_issuer
from tests.conftest import record_from_text

CONG_VAN = """**UBND TỈNH NINH BÌNH
SỞ TÀI CHÍNH**

**CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc**

Số : 2917 /STC-QLNS
V/v: rà soát kinh phí
chi thường xuyên năm 2026

Ninh Bình, ngày 05 tháng 3 năm 2026

Kính gửi: Sở Y tế.

Sở Tài chính đề nghị Sở Y tế rà soát và báo cáo trước ngày 30/3/2026./.

Nơi nhận:
- Như trên;
- Giám đốc, các Phó Giám đốc Sở
Tài chính;
- Lưu: VT, QLNS.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Trần Văn Bình
"""

PARTY_PLAN = """**TỈNH ỦY LÀO CAI**

*

**ĐẢNG CỘNG SẢN VIỆT NAM**

Số 33-KH/TU

Lào Cai, ngày 16 tháng 01 năm 2026

**KẾ HOẠCH**

**thực hiện Kết luận số 21-KL/TW của Ban Chấp hành Trung ương**

Thực hiện Kết luận số 21-KL/TW, Ban Thường vụ Tỉnh ủy xây dựng kế hoạch như sau:

1. Các ban đảng Tỉnh ủy quán triệt nội dung Kết luận.

Nơi nhận:
- Các ban đảng Tỉnh ủy,
- Lưu Văn phòng Tỉnh ủy.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ

Lê Thị Thu Hà
"""

URGENT = """**ỦY BAN NHÂN DÂN
THÀNH PHỐ HÀ NỘI**

**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc**

Số:      /UBND-KT

Hà Nội, ngày   tháng 3 năm 2026

HOẢ TỐC

MẬT

**QUYẾT ĐỊNH**

**Về việc phê duyệt phương án ứng phó bão số 3**

**CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI**

Căn cứ Luật Tổ chức chính quyền địa phương;

QUYẾT ĐỊNH:

Điều 1. Phê duyệt phương án kèm theo Quyết định này.

Nơi nhận:
- Như Điều 3;
- Lưu: VT, KT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Nguyễn Văn An
"""

RECIPIENTS_INLINE = """**BỘ NỘI VỤ**

**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc**

Số: 05/BNV-VP
V/v báo cáo số liệu

Hà Nội, ngày 09 tháng 02 năm 2026

Kính gửi: - Ủy ban nhân dân tỉnh Ninh Thuận; - Bộ Giáo dục và Đào tạo.

Bộ Nội vụ đề nghị các cơ quan báo cáo số liệu./.

TL. BỘ TRƯỞNG
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG

Phạm Minh Châu
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            CONG_VAN,
            {
                "issuer": {"name": "Sở Tài chính", "parent": "UBND tỉnh Ninh Bình"},
                "doc_type": "Công văn",
                "number": "2917",
                "symbol": "STC-QLNS",
                "code": "2917/STC-QLNS",
                "place": "Ninh Bình",
                "issued_date": "2026-03-05",
                "subject": "rà soát kinh phí chi thường xuyên năm 2026",
                "recipients": ["Sở Y tế"],
                "distribution": ["Như trên", "Giám đốc, các Phó Giám đốc Sở Tài chính", "Lưu: VT, QLNS"],
                "signer": {"name": "Trần Văn Bình", "title": "Phó Giám đốc", "authority": "KT."},
            },
        ),
        (
            PARTY_PLAN,
            {
                "issuer": {"name": "Tỉnh ủy Lào Cai", "parent": None},
                "doc_type": "Kế hoạch",
                "number": "33",
                "symbol": "KH/TU",
                "code": "33-KH/TU",
                "issued_date": "2026-01-16",
                "subject": "thực hiện Kết luận số 21-KL/TW của Ban Chấp hành Trung ương",
                "recipients": [],
                "distribution": ["Các ban đảng Tỉnh ủy", "Lưu Văn phòng Tỉnh ủy"],
                "signer": {"name": "Lê Thị Thu Hà", "title": "Phó Bí thư", "authority": "TM."},
            },
        ),
        (
            URGENT,
            {
                "issuer": {"name": "Ủy ban nhân dân thành phố Hà Nội", "parent": None},
                "doc_type": "Quyết định",
                "number": None,
                "code": "/UBND-KT",
                "place": "Hà Nội",
                "issued_date": "2026-03",
                "subject": "Về việc phê duyệt phương án ứng phó bão số 3",
                "urgency": "Hỏa tốc",
                "confidentiality": "Mật",
                "distribution": ["Như Điều 3", "Lưu: VT, KT"],
                "signer": {"name": "Nguyễn Văn An", "title": "Chủ tịch", "authority": "TM."},
            },
        ),
        (
            RECIPIENTS_INLINE,
            {
                "issuer": {"name": "Bộ Nội vụ", "parent": None},
                "code": "05/BNV-VP",
                "recipients": ["Ủy ban nhân dân tỉnh Ninh Thuận", "Bộ Giáo dục và Đào tạo"],
                "signer": {"name": "Phạm Minh Châu", "title": "Phó Chánh Văn phòng", "authority": "KT."},
            },
        ),
    ],
    ids=["cong-van-two-level", "party-plan", "urgent-decision", "recipients-inline"],
)
def test_header_fields(text: str, expected: dict[str, object]) -> None:
    record = record_from_text(text).model_dump()
    for field, value in expected.items():
        assert record[field] == value, field


def test_blank_number_and_partial_date_are_warned() -> None:
    warnings = " ".join(record_from_text(URGENT).warnings)
    assert "Số văn bản để trống" in warnings
    assert "2026-03" in warnings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("125/UBND-KT", ("125", "UBND-KT", "125/UBND-KT")),
        ("   /UBND-NC", (None, "UBND-NC", "/UBND-NC")),
        ("33-KH/TU", ("33", "KH/TU", "33-KH/TU")),
        ("  -KH/TU", (None, "KH/TU", "-KH/TU")),
        ("15/2026/QĐ-UBND", ("15", "QĐ-UBND", "15/2026/QĐ-UBND")),
        ("2917 /SGDĐT-VP", ("2917", "SGDĐT-VP", "2917/SGDĐT-VP")),
        ("Á$3/KH-DCT", (None, "KH-DCT", "/KH-DCT")),
        ("l2-KH/TU", (None, "KH/TU", "-KH/TU")),
    ],
)
def test_parse_code(raw: str, expected: tuple[str | None, str, str]) -> None:
    assert parse_code(raw)[:3] == expected


@pytest.mark.parametrize(
    ("lines", "name", "parent"),
    [
        (["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"], "Ủy ban nhân dân tỉnh Lào Cai", None),
        (["UỶ BAN NHÂN DÂN", "TỈNH LÀO CAI"], "Ủy ban nhân dân tỉnh Lào Cai", None),
        (["BỘ NỘI VỤ", "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC"], "Cục Văn thư và Lưu trữ Nhà nước", "Bộ Nội vụ"),
        (
            ["UBND TỈNH NINH THUẬN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"],
            "Sở Giáo dục và Đào tạo",
            "UBND tỉnh Ninh Thuận",
        ),
        (["SỞ NÔNG NGHIỆP VÀ", "MÔI TRƯỜNG"], "Sở Nông nghiệp và Môi trường", None),
        (["TỈNH ỦY LÀO CAI", "BAN TUYÊN GIÁO VÀ DÂN VẬN"], "Ban Tuyên giáo và Dân vận", "Tỉnh ủy Lào Cai"),
        # a copy ran the two levels onto one line; "&" joins a name's components as "và" does
        (["UBND HUYỆN TÂN LẬP PHÒNG GIÁO DỤC & ĐÀO TẠO"], "Phòng Giáo dục & Đào tạo", "UBND huyện Tân Lập"),
        # "THƯỜNG TRỰC" opens the name under it; a library is a unit of its university
        (["THƯỜNG TRỰC", "HĐND - UBND TỈNH BÌNH AN"], "Thường trực HĐND - UBND tỉnh Bình An", None),
        (["ỦY BAN THƯỜNG VỤ", "QUỐC HỘI"], "Ủy ban Thường vụ Quốc hội", None),
        (
            ["TRƯỜNG ĐẠI HỌC KINH TẾ", "TP. HỒ CHÍ MINH", "THƯ VIỆN"],
            "Thư viện",
            "Trường Đại học Kinh tế TP. Hồ Chí Minh",
        ),
    ],
)
def test_split_issuer(lines: list[str], name: str, parent: str | None) -> None:
    issuer = split_issuer(lines)
    assert (issuer.name, issuer.parent) == (name, parent)


@pytest.mark.parametrize(
    ("caps", "normal"),
    [
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
        ("ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH", "Đảng ủy Ủy ban nhân dân tỉnh"),
        ("Sở Tài chính", "Sở Tài chính"),
        # a school's and an education office's own names, which no unit word ("xã") announces
        ("TRƯỜNG TH TÂN THÀNH", "Trường TH Tân Thành"),
        ("TRƯỜNG MẦM NON HOA SEN", "Trường Mầm non Hoa Sen"),
        ("PHÒNG GD & ĐT TÂN LẬP", "Phòng GD & ĐT Tân Lập"),
        ("TRƯỜNG TIỂU HỌC XÃ TÂN AN", "Trường Tiểu học xã Tân An"),
        ("ỦY BAN THƯỜNG VỤ QUỐC HỘI", "Ủy ban Thường vụ Quốc hội"),
        # bodies whose names keep their capitals inside another's; a word without a vowel is an abbreviation
        ("CỤC HẢI QUAN TỈNH AN GIANG", "Cục Hải quan tỉnh An Giang"),
        ("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "Tổng Liên đoàn Lao động Việt Nam"),
        ("LIÊN ĐOÀN LAO ĐỘNG TỈNH KON TUM", "Liên đoàn Lao động tỉnh Kon Tum"),
        ("KHO BẠC NHÀ NƯỚC TỈNH BÌNH AN", "Kho bạc Nhà nước tỉnh Bình An"),
        ("BAN QLDA ĐẦU TƯ XÂY DỰNG", "Ban QLDA đầu tư xây dựng"),
    ],
)
def test_normal_case(caps: str, normal: str) -> None:
    assert normal_case(caps) == normal


@pytest.mark.parametrize(
    ("caps", "normal"),
    [
        ("PHÓ CHỦ TỊCH", "Phó Chủ tịch"),
        ("CHÁNH VĂN PHÒNG", "Chánh Văn phòng"),
        ("HIỆU TRƯỞNG", "Hiệu trưởng"),
    ],
)
def test_title_case(caps: str, normal: str) -> None:
    assert title_case(caps) == normal


def test_recipient_list_stops_at_the_last_addressee_even_without_a_blank_line() -> None:
    # a PDF reader may hand the list and the first body lines over as one run of lines
    from extractors.recipients import recipient_lines
    from pipeline.layout import Layout, Paragraph

    lines = [
        "Kính gửi:",
        "- Các sở, ban, ngành thuộc UBND tỉnh;",
        "- Ủy ban nhân dân các xã,",
        "phường.",
        "Thực hiện Kế hoạch số 22-KH/TU ngày 13/12/2025 của Ban Thường vụ Tỉnh ủy,",
        "Ủy ban nhân dân tỉnh yêu cầu:",
    ]
    layout = Layout("<t>", "text/plain", [Paragraph(text=" ".join(lines), lines=lines, zone="body")])
    assert recipient_lines(layout) == [
        "Các sở, ban, ngành thuộc UBND tỉnh;",
        "Ủy ban nhân dân các xã, phường.",
    ]


def test_issuer_lines_after_ocr_are_mended() -> None:
    # what tesseract made of "BỘ CÔNG THƯƠNG / TRƯỜNG ĐẠI HỌC ..." on a real scan
    issuer = split_issuer(["BÔ CÔNG THƯƠNG", "TRƯỜN G ĐẠI HỌC KINH TẾ", "THÀNH PHỐ HỒ CHÍ MINH"], scanned=True)
    assert issuer.parent == "Bộ Công Thương"
    assert issuer.name == "Trường Đại học Kinh tế thành phố Hồ Chí Minh"
    # on born-digital text nothing is guessed
    assert split_issuer(["BÔ CÔNG THƯƠNG"]).name == "Bô Công Thương"


def test_scanned_issuer_drops_the_rule_under_it_read_as_letters() -> None:
    """OCR reads the short rule under the issuer's name as a word of its own line ("te"): no part of a name
    in capitals. On clean text such a line is kept (it is what the document says)."""
    lines = ["UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "te"]
    assert split_issuer(lines, scanned=True).name == "Sở Nội vụ"
    assert (split_issuer(lines, scanned=True).parent or "").endswith("tỉnh Lâm Đồng")
    assert split_issuer(lines).name != "Sở Nội vụ"


def test_ocr_issuer_takes_the_spelling_the_body_uses() -> None:
    body = "Trường Đại học Công Thương Thành phố Hồ Chí Minh ban hành Kế hoạch khảo sát như sau:"
    issuer = split_issuer(["BÔ CÔNG THƯƠNG", "TRƯỜN G ĐẠI HỌC CON G THƯƠNG", "THÀNH PHÓ HÒ CHÍ MINH"], True, body)
    assert issuer.name == "Trường Đại học Công Thương Thành phố Hồ Chí Minh"
    assert issuer.parent == "Bộ Công Thương"


def test_a_text_without_any_header_is_refused_with_a_reason() -> None:
    from pipeline.errors import NotAnOfficialDocument

    with pytest.raises(NotAnOfficialDocument, match="no official header"):
        record_from_text("Meeting notes\n\nWe discussed the budget for next year.\n")


def test_place_and_date_wrapped_in_a_narrow_cell() -> None:
    text = CONG_VAN.replace("Ninh Bình, ngày 05 tháng 3 năm 2026", "Ninh Bình, ngày 05 tháng 3\nnăm 2026")
    record = record_from_text(text)
    assert (record.place, record.issued_date) == ("Ninh Bình", "2026-03-05")


@pytest.mark.parametrize(
    ("block", "signer"),
    [
        ("GIÁM ĐỐC\n\nĐại tá Nguyễn Văn Hùng", {"name": "Nguyễn Văn Hùng", "title": "Giám đốc", "authority": None}),
        (
            "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG\n\n(Đã ký)\n\nPGS.TS. Lê Thị Mai",
            {"name": "Lê Thị Mai", "title": "Phó Hiệu trưởng", "authority": "KT."},
        ),
        (
            "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\n\nTrần Văn Bình",
            {"name": "Trần Văn Bình", "title": "Chánh Văn phòng", "authority": "TL."},
        ),
        ("Q. GIÁM ĐỐC\n\nHoàng Thị Lan", {"name": "Hoàng Thị Lan", "title": "Giám đốc", "authority": "Q."}),
    ],
    ids=["rank", "degree-and-signature-note", "by-order", "acting"],
)
def test_signer_forms(block: str, signer: dict[str, str | None]) -> None:
    text = CONG_VAN.replace("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nTrần Văn Bình", block)
    assert record_from_text(text).signer.model_dump() == signer


def test_ve_viec_and_party_cong_van_without_prefix() -> None:
    text = CONG_VAN.replace("V/v: rà soát kinh phí", "Về việc rà soát kinh phí")
    assert record_from_text(text).subject == "rà soát kinh phí chi thường xuyên năm 2026"
    party = PARTY_PLAN.replace("Số 33-KH/TU", "Số 59-CV/TU\nChế độ hội nghị và công tác phí").replace(
        "**KẾ HOẠCH**\n\n**thực hiện Kết luận số 21-KL/TW của Ban Chấp hành Trung ương**\n\n", ""
    )
    record = record_from_text(party)
    assert (record.code, record.doc_type, record.subject) == ("59-CV/TU", "Công văn", "Chế độ hội nghị và công tác phí")


# forms seen in real copies: web pages, OCR of old typescripts, converters that join a row's two cells
SIDE_BY_SIDE = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH BÌNH AN Độc Lập - Tự Do - Hạnh Phúc

Số: 212/UBND-VX Tân Lập, ngày 6 tháng 4 năm 2021

V/v tổ chức ngày hội văn hóa

Kính gửi: Sở Văn hóa và Thể thao.

Ủy ban nhân dân tỉnh giao Sở Văn hóa và Thể thao tổ chức ngày hội./.

Nơi nhận:
- Như trên;
- Lưu: VT, VX.

CHỦ TỊCH

Lê Văn Tám
"""

OLD_TYPESCRIPT = """**ỦY BAN NHÂN DÂN
XÃ HÒA MỸ**

\\*\\*\\*

Số : *17* DN-UBND

*"Vv hỗ trợ sửa chữa
nhà văn hóa ấp"*

**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc.**

*Hòa Mỹ, ngày 14 tháng 5 năm 2012*

**Kính gửi:** Ủy ban nhân dân huyện Tân Lập

Ủy ban nhân dân xã đề nghị huyện xem xét hỗ trợ./.

**Nơi nhận:**

- - Như trên;
- - Lưu.

**TM.UBND XÃ HÒA MỸ
CHỦ TỊCH**

**TRẦN VĂN AN**
"""

TYPED_TYPESCRIPT = """UBND TỈNH BÌNH AN
SỞ NÔNG NGHIỆP VÀ
PHÁT TRIỂN NÔNG THÔN

CỘNG HÒA XàHỘI CHỦ NGHĨA VIỆT NAM
Độc lập  Tự do  Hạnh phúc

Số: 57 /QĐ-LĐTBXH

Tân Lập, ngày 20 tháng 02 năm 2006

Số hồ sơ: 57

### QUYẾT ĐỊNH

V/v trợ cấp một lần

### GIÁM ĐỐC SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN

Căn cứ Nghị định số 28/CP ngày 29 tháng 4 năm 1995 của Chính phủ;
"""

CAPS_SUBJECT = """BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

------- Độc lập - Tự do - Hạnh phúc

Số: 12/2019/TT-BTC ---------------

Hà Nội, ngày 28 tháng 12 năm 2019

THÔNG TƯ
SỬA ĐỔI MỘT SỐ ĐIỀU CỦA THÔNG TƯ SỐ 14/2013/TT-BTC
VỀ DỰ TRỮ QUỐC GIA
Thi hành Nghị định số 94/2013/NĐ-CP ngày 21 tháng 8 năm 2013 của Chính phủ;
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SIDE_BY_SIDE,
            {
                "issuer": "Ủy ban nhân dân tỉnh Bình An",
                "code": "212/UBND-VX",
                "place": "Tân Lập",
                "issued_date": "2021-04-06",
                "subject": "tổ chức ngày hội văn hóa",
                "signer": ("Lê Văn Tám", "Chủ tịch", None),
            },
        ),
        (
            OLD_TYPESCRIPT,
            {
                "issuer": "Ủy ban nhân dân xã Hòa Mỹ",
                "code": "17DN-UBND",
                "place": "Hòa Mỹ",
                "issued_date": "2012-05-14",
                "subject": "hỗ trợ sửa chữa nhà văn hóa ấp",
                "signer": ("TRẦN VĂN AN", "Chủ tịch", "TM."),
            },
        ),
        (
            TYPED_TYPESCRIPT,
            {
                "issuer": "Sở Nông nghiệp và Phát triển nông thôn",
                "code": "57/QĐ-LĐTBXH",
                "place": "Tân Lập",
                "issued_date": "2006-02-20",
                "subject": "trợ cấp một lần",
                "signer": (None, None, None),
            },
        ),
        (
            CAPS_SUBJECT,
            {
                "issuer": "Bộ Tài chính",
                "code": "12/2019/TT-BTC",
                "place": "Hà Nội",
                "issued_date": "2019-12-28",
                "subject": "SỬA ĐỔI MỘT SỐ ĐIỀU CỦA THÔNG TƯ SỐ 14/2013/TT-BTC VỀ DỰ TRỮ QUỐC GIA",
                "signer": (None, None, None),
            },
        ),
    ],
    ids=["cells-one-space-apart", "ocr-typescript-italics-and-lost-slash", "vv-under-type-name", "caps-subject"],
)
def test_real_copy_forms(text: str, expected: dict[str, object]) -> None:
    record = record_from_text(text)
    assert {
        "issuer": record.issuer.name,
        "code": record.code,
        "place": record.place,
        "issued_date": record.issued_date,
        "subject": record.subject,
        "signer": (record.signer.name, record.signer.title, record.signer.authority),
    } == expected


# a web page's notes above the document, and a converter that left no blank line after the header
WEB_NOTES = """Quyết định 31/QĐ-UBND năm 2020 phê duyệt danh mục dự án của tỉnh Bình An giai đoạn 2020 - 2025 và sau
Số hiệu: 31/QĐ-UBND Loại văn bản: Quyết định
Nơi ban hành: Tỉnh Bình An Người ký: Lê Văn Tám

• Hiệu lực: Còn hiệu lực
• Ngày có hiệu lực: 01/02/2020
ỦY BAN NHÂN DÂN
TỈNH BÌNH AN
Số: 31/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tân Lập, ngày 20 tháng 01 năm 2020
QUYẾT ĐỊNH
Về việc phê duyệt danh mục dự án
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
"""

PARTY_RUN_ON = """ĐẢNG BỘ TỈNH BÌNH AN
HUYỆN ỦY TÂN LẬP
ĐẢNG CỘNG SẢN VIỆT NAM
*
Số 45-KL/HU
Tân Lập, ngày 13 tháng 5 năm 2022
KẾT LUẬN
của Ban Thường vụ Huyện ủy về công tác cán bộ
Ban Thường vụ Huyện ủy họp ngày 26/4/2022 đã thảo luận và kết luận:
"""


def test_header_after_web_notes_and_in_a_run_on_block() -> None:
    record = record_from_text(WEB_NOTES)
    assert (record.issuer.name, record.code, record.place, record.doc_type, record.subject) == (
        "Ủy ban nhân dân tỉnh Bình An",
        "31/QĐ-UBND",
        "Tân Lập",
        "Quyết định",
        "Về việc phê duyệt danh mục dự án",
    )
    record = record_from_text(PARTY_RUN_ON)
    assert (record.issuer.name, record.issuer.parent, record.code, record.issued_date, record.doc_type) == (
        "Huyện ủy Tân Lập",
        "Đảng bộ tỉnh Bình An",
        "45-KL/HU",
        "2022-05-13",
        "Kết luận",
    )


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Kính gửi: Sở Tài chính;\nSở Nội vụ.", ["Sở Tài chính", "Sở Nội vụ"]),
        ("Kính gửi: Ủy ban nhân dân tỉnh\nBộ Tài chính", ["Ủy ban nhân dân tỉnh", "Bộ Tài chính"]),
        ("Kính gửi:\nSở Tài chính;\nSở Nội vụ;\nCông an tỉnh.", ["Sở Tài chính", "Sở Nội vụ", "Công an tỉnh"]),
        (
            "Kính gửi: Ủy ban nhân dân các huyện, thị xã,\nthành phố trong tỉnh.",
            ["Ủy ban nhân dân các huyện, thị xã, thành phố trong tỉnh"],
        ),
        ("Kính gửi: Sở Y tế", ["Sở Y tế"]),  # no full stop, and the body follows
    ],
    ids=["after-semicolon", "aligned-no-dash", "one-per-line", "wrapped-group", "no-full-stop"],
)
def test_recipients_without_dashes(block: str, expected: list[str]) -> None:
    assert record_from_text(CONG_VAN.replace("Kính gửi: Sở Y tế.", block)).recipients == expected


def test_the_header_right_column_after_kinh_gui_is_no_recipient() -> None:
    """A PDF's text copied column by column puts the tiêu ngữ and the place and date after the left column's
    "Kính gửi:" (a real Bộ's công văn): they are the header's, and the addressees are the dashed lines under them."""
    from extractors.recipients import recipient_lines
    from pipeline.layout import Layout, Paragraph

    lines = [
        "Kính gửi:",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 02 tháng 8 năm 2019",
        "- Các sở giáo dục và đào tạo;",
        "- Các trường trung học phổ thông trực thuộc.",
    ]
    paras = [Paragraph(text=ln, lines=[ln], zone="body") for ln in lines]
    assert recipient_lines(Layout("<t>", "text/plain", paras)) == [
        "Các sở giáo dục và đào tạo;",
        "Các trường trung học phổ thông trực thuộc.",
    ]


def test_an_ocr_header_run_into_one_block_is_still_a_header() -> None:
    """OCR joined the two header cells and the body's first lines into one long block; a short line holding
    the quốc hiệu beside the issuer keeps it a header, and "Noi nhận" (its mark lost) opens the closing."""
    rec = record_from_text(
        "BỘ TAI CHÍNH CONG HOA XÃ HOI CHU NGHIA VIỆT NAM\n"
        "TONG CUC THUE Độc lập - Tự do - Hanh phúc\n"
        "Số: 512/TCT-HTQT Hà Nội, ngày 15 tháng 10 năm 2026\n"
        "V/v khai thác thông tin do cơ quan thuế nước ngoài cung cấp ở các địa bàn biên giới phía Bắc\n\n"
        "Kính gửi: Cục Thuế tỉnh Tân An.\n\n"
        "Tổng cục Thuế đề nghị Cục Thuế triển khai thực hiện:\n\n"
        "1. Xác minh, đối chiếu tình hình kê khai thuế của các đối tượng theo danh sách gửi kèm.\n\n"
        "Noi nhận:\n- Như trên;\n- Lưu: VT, HTQT.\n\nKT. TỔNG CỤC TRƯỞNG\nPHÓ TỔNG CỤC TRƯỞNG\n\nTrần Văn Bình\n"
    )
    assert rec.code == "512/TCT-HTQT"
    assert [t.text[:10] for t in rec.tasks] == ["Xác minh, "]
    assert rec.distribution == ["Như trên", "Lưu: VT, HTQT"]


_DECISION = """**ỦY BAN NHÂN DÂN
TỈNH ĐẮK NÔNG**

**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc**

Số: 12/QĐ-UBND

Đắk Nông, ngày 05 tháng 3 năm 2026

**QUYẾT ĐỊNH**

**{title}**

**CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG**

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

**QUYẾT ĐỊNH:**

Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.

Nơi nhận:
- Lưu: VT.

CHỦ TỊCH

Nguyễn Văn An
"""


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        # a capital line that reads like the thẩm quyền goes on after "CỦA"; the real one stops it
        (
            "VỀ VIỆC BAN HÀNH QUY CHẾ LÀM VIỆC CỦA\nỦY BAN NHÂN DÂN\nTỈNH ĐẮK NÔNG",
            "VỀ VIỆC BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG",
        ),
        # a quoted title at the end keeps its closing mark; quotes around the whole trích yếu go
        (
            "Về việc phê duyệt Đề án “Phát triển du lịch bền vững”",
            "Về việc phê duyệt Đề án “Phát triển du lịch bền vững”",
        ),
        ('"Phê duyệt Đề án phát triển du lịch"', "Phê duyệt Đề án phát triển du lịch"),
    ],
)
def test_trich_yeu_under_the_type_name(title: str, subject: str) -> None:
    assert record_from_text(_DECISION.format(title=title)).subject == subject


# A web copy of a plan: the site's loading notes above it, a stray rule, and the whole trích yếu in
# capitals on one line longer than any sentence of running text; the plan it implements is cited
# there in capitals ("19/CT-TTG") and in the body as issued ("19/CT-TTg").
WEB_PLAN = """Thư viện văn bản
Đang tải văn bản, xin chờ trong giây lát...

ỦY BAN NHÂN DÂN
TỈNH BÌNH AN
-------
-

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 208/KH-UBND

Tân Lập, ngày 09 tháng 3 năm 2023

KẾ HOẠCH

TRIỂN KHAI CHỈ THỊ SỐ 19/CT-TTG NGÀY 16 THÁNG 7 NĂM 2021 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ VIỆC PHÁT ĐỘNG \
PHONG TRÀO THI ĐUA HOÀN THÀNH CÁC MỤC TIÊU PHÁT TRIỂN KINH TẾ - XÃ HỘI VÀ BẢO ĐẢM QUỐC PHÒNG - AN NINH \
TRÊN ĐỊA BÀN TỈNH BÌNH AN GIAI ĐOẠN 2023 - 2025 VÀ NHỮNG NĂM TIẾP THEO

Thực hiện Chỉ thị số 19/CT-TTg ngày 16/7/2021 của Thủ tướng Chính phủ, Ủy ban nhân dân tỉnh ban hành \
Kế hoạch như sau:

1. Sở Nội vụ chủ trì tổ chức phát động phong trào thi đua trước ngày 30/4/2023.
"""


def test_a_web_copy_s_one_line_trich_yeu_in_capitals() -> None:
    record = record_from_text(WEB_PLAN)
    assert (record.doc_type, record.code, record.issued_date) == ("Kế hoạch", "208/KH-UBND", "2023-03-09")
    assert record.subject is not None and len(record.subject) > 250
    assert record.subject.startswith("TRIỂN KHAI CHỈ THỊ SỐ 19/CT-TTG")
    assert record.subject.endswith("GIAI ĐOẠN 2023 - 2025 VÀ NHỮNG NĂM TIẾP THEO")
    # the code as issued, not as the capitals of the trích yếu print it; one reference, two mentions
    assert [(r.code, r.mentions) for r in record.references] == [("19/CT-TTg", 2)]


# A Party conclusion read from a scan: the title's letters came apart and lost a mark ("K ÉT LUẬN"),
# the trích yếu runs over three lines in capitals and lower case, and no thẩm quyền line follows
PARTY_OCR_TITLE = """TỈNH ỦY BÌNH AN
ĐẢNG CỘNG SẢN VIỆT NAM
*
Số 212-KL/TU
Tân Lập, ngày 13 tháng 5 năm 2022

K ÉT LUẬN
HỘI NGHỊ LẦN THỨ TÁM
BAN CHẤP HÀNH ĐẢNG BỘ TỈNH (KHÓA XVI)
về phát triển hạ tầng giao thông đến năm 2030

Hội nghị lần thứ tám Ban Chấp hành Đảng bộ tỉnh họp ngày 26/4/2022 đã thảo luận và kết luận:

1. Ban cán sự đảng Ủy ban nhân dân tỉnh lãnh đạo xây dựng kế hoạch thực hiện trong năm 2022.
"""


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [("K ÉT LUẬN", "Kết luận"), ("K Ế T  L U Ậ N", "Kết luận"), ("KET LUAN", "Kết luận"), ("", "Kết luận")],
    ids=["letters-apart-and-a-lost-mark", "spaced-letters", "no-marks", "no-title-the-code-names-it"],
)
def test_a_party_document_s_type_from_a_damaged_title_or_its_code(title: str, doc_type: str) -> None:
    record = record_from_text(PARTY_OCR_TITLE.replace("K ÉT LUẬN", title))
    assert (record.issuer.name, record.code, record.doc_type) == ("Tỉnh ủy Bình An", "212-KL/TU", doc_type)
    if title:
        assert record.subject == (
            "HỘI NGHỊ LẦN THỨ TÁM BAN CHẤP HÀNH ĐẢNG BỘ TỈNH (KHÓA XVI) về phát triển hạ tầng giao thông đến năm 2030"
        )


# A preview page's text: the site's own line, then the document as item "1." of its list, its header cells
# each on a line; and the same document copied onto one line, header, addressees and body together
NUMBERED_PREVIEW = """Xem trước

  1. UBND TỈNH BÌNH AN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Độc lập - Tự do - Hạnh phúc
Số : 2917 /SGDĐT-VP
Tân Lập, ngày 05 tháng 11 năm 2010
V/v báo cáo nhanh tình hình thiệt hại do lũ lụt
Kính gửi: Ủy ban nhân dân tỉnh Bình An.
Sở Giáo dục và Đào tạo báo cáo như sau.
"""

ONE_LINE = (
    "UBND TỈNH BÌNH AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc "
    "Số : 2917 /SGDĐT-VP Tân Lập, ngày 05 tháng 11 năm 2010 V/v báo cáo nhanh tình hình thiệt hại do lũ lụt "
    "Kính gửi: - Ủy ban nhân dân tỉnh Bình An; - Bộ Giáo dục và Đào tạo. Vừa qua, tỉnh Bình An bị ảnh hưởng "
    "của không khí lạnh tăng cường mạnh, gây mưa lớn và lũ lụt trên toàn bộ địa bàn tỉnh. " * 2
)


def test_a_header_under_a_page_s_list_number_or_on_one_line_is_read() -> None:
    numbered = record_from_text(NUMBERED_PREVIEW)
    assert (numbered.issuer.name, numbered.issuer.parent) == ("Sở Giáo dục và Đào tạo", "UBND tỉnh Bình An")
    assert (numbered.code, numbered.issued_date, numbered.subject) == (
        "2917/SGDĐT-VP",
        "2010-11-05",
        "báo cáo nhanh tình hình thiệt hại do lũ lụt",
    )
    one_line = record_from_text(ONE_LINE)
    assert (one_line.code, one_line.place, one_line.issued_date) == ("2917/SGDĐT-VP", "Tân Lập", "2010-11-05")
    assert one_line.subject == "báo cáo nhanh tình hình thiệt hại do lũ lụt"
    assert one_line.recipients[:2] == ["Ủy ban nhân dân tỉnh Bình An", "Bộ Giáo dục và Đào tạo"]


def test_a_lost_u_of_uy_ban_and_a_reference_s_issuer_in_the_trich_yeu_s_capitals() -> None:
    damaged = WEB_PLAN.replace("ỦY BAN NHÂN DÂN\nTỈNH BÌNH AN", "Y BAN NHÂN DÂN\nTỈNH BÌNH AN")
    record = record_from_text(damaged)
    assert record.issuer.name == "Ủy ban nhân dân tỉnh Bình An"
    # the trích yếu says "CỦA THỦ TƯỚNG CHÍNH PHỦ", the body "của Thủ tướng Chính phủ"
    assert [(r.code, r.issuer) for r in record.references] == [("19/CT-TTg", "Thủ tướng Chính phủ")]


def test_a_party_code_whose_u_came_out_as_u_horn_is_still_cited() -> None:
    text = PARTY_OCR_TITLE.replace(
        "1. Ban cán sự đảng",
        "Sau 10 năm thực hiện Nghị quyết 13-NQ/TƯ của Tỉnh ủy (khóa XIV), hạ tầng phát triển.\n\n1. Ban cán sự đảng",
    )
    assert [(r.code, r.issuer) for r in record_from_text(text).references] == [("13-NQ/TƯ", "Tỉnh ủy")]


@pytest.mark.parametrize(
    ("lines", "name", "parent"),
    [
        (
            ["BAN TỔ CHỨC", "ĐẠI HỘI ĐẠI BIỂU", "CÁC DÂN TỘC THIỂU SỐ VIỆT NAM", "TIỂU BAN THI ĐUA – KHEN THƯỞNG"],
            "Tiểu ban thi đua – khen thưởng",  # the body, when there is one, gives its capitals back
            "Ban Tổ chức đại hội đại biểu các dân tộc thiểu số Việt Nam",
        ),
        (
            ["BẢO HIỂM XÃ HỘI VIỆT NAM", "BẢO HIỂM XÃ HỘI TỈNH BÌNH AN"],
            "Bảo hiểm xã hội tỉnh Bình An",
            "Bảo hiểm xã hội Việt Nam",
        ),
        (["UBND TỈNH BÌNH AN", "TỔ CÔNG TÁC"], "Tổ công tác", "UBND tỉnh Bình An"),
    ],
    ids=["sub-committee", "social-insurance", "working-group"],
)
def test_more_kinds_of_body_open_a_level_of_the_issuer(lines: list[str], name: str, parent: str) -> None:
    issuer = split_issuer(lines)
    assert (issuer.name, issuer.parent) == (name, parent)


def test_a_draft_s_blank_number_and_day_on_lines_of_their_own() -> None:
    """A web copy of a draft keeps each blank's words on a line of its own ("Số:" / "/TTr-VPCP", "Hà Nội, ngày" /
    "tháng" / "năm 2016"): the code without its number and the year alone are read, not an issuer of all of them."""
    record = record_from_text(
        "VĂN PHÒNG CHÍNH PHỦ\nSố:\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "/TTr-VPCP\n\nHà Nội, ngày\n\ntháng\n\nnăm 2016\n\nDỰ THẢO\n\n"
        "TỜ TRÌNH\nVề dự thảo Nghị định ban hành Quy chế làm việc của Chính phủ (sửa đổi)\n\n"
        "Kính gửi: Chính phủ.\n\n"
        "Văn phòng Chính phủ kính trình Chính phủ dự thảo Nghị định ban hành Quy chế làm việc của Chính phủ.\n"
    )
    assert (record.issuer.name, record.number, record.code, record.place, record.issued_date) == (
        "Văn phòng Chính phủ",
        None,
        "/TTr-VPCP",
        "Hà Nội",
        "2016",
    )


def test_a_header_whose_two_columns_a_copy_interleaved_on_one_line() -> None:
    """A web copy runs the rows of both columns into one line: the issuer's second line follows the quốc hiệu
    ("... CHỦ NGHĨA VIỆT NAM SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập ..."); it is the issuer, under its parent."""
    record = record_from_text(
        "UBND TỈNH NINH THUẬN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc "
        "Số: 2917/SGDĐT-VP Phan Rang-Tháp Chàm, ngày 05 tháng 11 năm 2010 V/v báo cáo nhanh tình hình thiệt hại do "
        "lũ lụt. Kính gửi: - Ủy ban nhân dân tỉnh Ninh Thuận; - Bộ Giáo dục và Đào tạo. Vừa qua, tỉnh Ninh Thuận bị "
        "ảnh hưởng của không khí lạnh. Sở Giáo dục và Đào tạo đề nghị các phòng giáo dục báo cáo thiệt hại trước "
        "ngày 10/11/2010.\n"
    )
    assert (record.issuer.name, record.issuer.parent, record.code) == (
        "Sở Giáo dục và Đào tạo",
        "UBND tỉnh Ninh Thuận",
        "2917/SGDĐT-VP",
    )


# A trích yếu longer than any the length guard expects (a quyết định listing the acts it keeps in force),
# its last line a paragraph of its own (OCR's paragraphs break where a scan's line spacing varies): it hangs
# on an open bracket and "bởi", so it goes on to the thẩm quyền line.
_LONG_SUBJECT = """BỘ XÂY DỰNG

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 45/QĐ-BXD

Hà Nội, ngày 12 tháng 02 năm 2026

QUYẾT ĐỊNH

Về việc công bố văn bản quy định chi tiết thi hành Nghị định số 16/2022/NĐ-CP ngày 28 tháng 01 năm 2022 \
của Chính phủ quy định xử phạt vi phạm hành chính về xây dựng (được sửa đổi, bổ sung bởi Nghị định số \
24/2024/NĐ-CP) và Nghị định số 15/2021/NĐ-CP ngày 03 tháng 3 năm 2021 của Chính phủ quy định chi tiết \
một số nội dung về quản lý dự án đầu tư xây dựng (được sửa đổi, bổ sung bởi Nghị định số 35/2023/NĐ-CP \
và Nghị định số 175/2024/NĐ-CP, được bãi bỏ một phần bởi Nghị định số 140/2025/NĐ-CP và bởi

Nghị định số 144/2025/NĐ-CP) tiếp tục có hiệu lực toàn bộ

BỘ TRƯỞNG BỘ XÂY DỰNG

Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15;

QUYẾT ĐỊNH:

Điều 1. Công bố kèm theo Quyết định này Danh mục văn bản tiếp tục có hiệu lực.

Nơi nhận:
- Lưu: VT.

BỘ TRƯỞNG

Trần Hồng Minh
"""


def test_a_long_trich_yeu_left_hanging_goes_on_to_its_end() -> None:
    subject = record_from_text(_LONG_SUBJECT).subject
    assert subject is not None and len(subject) > 450
    assert subject.startswith("Về việc công bố văn bản")
    assert subject.endswith("Nghị định số 144/2025/NĐ-CP) tiếp tục có hiệu lực toàn bộ")


# The Youth Union's layout (its heading "ĐOÀN TNCS HỒ CHÍ MINH" right of the committee, as the Party's title is), as
# pdftotext -layout gives it, the ký hiệu printed with spaces round its hyphen
_YOUTH_UNION_PLAN = """TỈNH ĐOÀN BÌNH AN                                                    ĐOÀN TNCS HỒ CHÍ MINH
        ***

   Số: 48 - KH/TĐTN-TNNT                                                  Bình An, ngày 10 tháng 3 năm 2026

KẾ HOẠCH
Tổ chức Tháng Thanh niên năm 2026

Thực hiện Chương trình công tác Đoàn năm 2026, Ban Thường vụ Tỉnh Đoàn ban hành Kế hoạch như sau:

1. Các cơ sở Đoàn tổ chức ra quân Tháng Thanh niên trước ngày 05/3/2026.

                                                                 TM. BAN THƯỜNG VỤ TỈNH ĐOÀN
                                                                          PHÓ BÍ THƯ

                                                                         Lê Văn Tâm
"""

# ... and the same kind of document in a copy that lost every line break
_YOUTH_UNION_RUN_ON = (
    "BAN CHẤP HÀNH TỈNH ĐOÀN BÌNH AN***Số: 12-QĐ/TĐTN-VPĐOÀN TNCS HỒ CHÍ MINH Bình An, ngày 05 tháng 01 năm 2026 "
    "QUYẾT ĐỊNHVề việc ban hành Quy chế làm việc của Ban Chấp hành Tỉnh Đoàn--------- BAN THƯỜNG VỤ TỈNH ĐOÀN "
    "BÌNH AN- Căn cứ Điều lệ Đoàn TNCS Hồ Chí Minh; QUYẾT ĐỊNH Điều 1. Ban hành kèm theo Quyết định này "
    "Quy chế làm việc."
)


def test_a_youth_union_header_is_read_like_a_party_one() -> None:
    record = record_from_text(_YOUTH_UNION_PLAN)
    assert (record.code, record.number, record.place, record.issued_date) == (
        "48-KH/TĐTN-TNNT",
        "48",
        "Bình An",
        "2026-03-10",
    )
    assert record.issuer.name is not None and record.issuer.name.lower() == "tỉnh đoàn bình an"
    assert (record.doc_type, record.subject) == ("Kế hoạch", "Tổ chức Tháng Thanh niên năm 2026")


def test_a_youth_union_document_run_onto_one_line() -> None:
    record = record_from_text(_YOUTH_UNION_RUN_ON)
    assert (record.code, record.place, record.issued_date, record.doc_type) == (
        "12-QĐ/TĐTN-VP",
        "Bình An",
        "2026-01-05",
        "Quyết định",
    )
    assert record.subject is not None
    assert record.subject.startswith("Về việc ban hành Quy chế làm việc của Ban Chấp hành Tỉnh Đoàn")


_WEB_COPY_CV = """ỦY BAN NHÂN DÂN
TỈNH BÌNH AN
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 301/UBND-NC
V/v rà soát vị trí việc làm năm 2026

Tân Lập, ngày 02 tháng 4 năm 2026

Kínhgửi: Sở Nội vụ.

Ủy ban nhân dân tỉnh giao Sở Nội vụ rà soát vị trí việc làm, báo cáo trước ngày 20/4/2026.

Nơinhận:
- Như trên;
- Lưu: VT, NC.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Văn Hùng
"""


def test_kinh_gui_and_noi_nhan_glued_by_a_copy() -> None:
    record = record_from_text(_WEB_COPY_CV)
    assert record.subject == "rà soát vị trí việc làm năm 2026"
    assert record.recipients == ["Sở Nội vụ"]
    assert record.distribution == ["Như trên", "Lưu: VT, NC"]


_LOST_SECOND_LINE = """ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
Số: 77/QĐ-UBND | Tân Lập, ngày 09 tháng 3 năm 2026 |
QUYẾT ĐỊNH
{title}
{authority}
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2025;
QUYẾT ĐỊNH:
Điều 1. Phê duyệt Kế hoạch kèm theo Quyết định này.
"""


def test_an_issuer_that_lost_its_second_line_is_completed_from_the_authority_line() -> None:
    """A table export dropped "TỈNH BÌNH AN" under "ỦY BAN NHÂN DÂN": the thẩm quyền line names the body whole; with
    no such line the issuer stays as printed, with a warning. The thẩm quyền line broken after its first word by
    the copy ("ỦY" / "BAN NHÂN DÂN TỈNH BÌNH AN") is not part of the trích yếu, and a last line of years is."""
    title = "VỀ VIỆC PHÊ DUYỆT KẾ HOẠCH PHÁT TRIỂN\nNGÀNH NÔNG NGHIỆP TỈNH BÌNH AN\nGIAI ĐOẠN\n2026-2030"
    record = record_from_text(_LOST_SECOND_LINE.format(title=title, authority="ỦY\nBAN NHÂN DÂN TỈNH BÌNH AN"))
    assert record.issuer.name == "Ủy ban nhân dân tỉnh Bình An"
    assert record.subject == "VỀ VIỆC PHÊ DUYỆT KẾ HOẠCH PHÁT TRIỂN NGÀNH NÔNG NGHIỆP TỈNH BÌNH AN GIAI ĐOẠN 2026-2030"
    bare = record_from_text(_LOST_SECOND_LINE.format(title=title, authority=""))
    assert bare.issuer.name == "Ủy ban nhân dân"
    assert any("thiếu địa danh" in w for w in bare.warnings)


@pytest.mark.parametrize(
    ("title", "doc_type", "subject"),
    [
        ("HƯỚNG DẪN VỀ THỂ THỨC VĂN BẢN", "Hướng dẫn", "VỀ THỂ THỨC VĂN BẢN"),
        (
            "BÁO CÁO KẾT QUẢ KHẢO SÁT\nVề việc đánh giá chất lượng dịch vụ năm 2025",
            "Báo cáo",
            "KẾT QUẢ KHẢO SÁT Về việc đánh giá chất lượng dịch vụ năm 2025",
        ),
    ],
)
def test_type_and_trich_yeu_on_one_line(title: str, doc_type: str, subject: str) -> None:
    text = (
        "SỞ Y TẾ BÌNH AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "Số: 15/BC-SYT | Tân Lập, ngày 09 tháng 3 năm 2026 |\n"
        f"{title}\n\n1. Kết quả chung: các đơn vị đạt yêu cầu.\n"
    )
    record = record_from_text(text)
    assert (record.doc_type, record.subject) == (doc_type, subject)


# A web copy whose table cells are left as "|" lines, wrapped at 80 columns: a Nơi nhận entry that fills the
# line, and the authority line broken in its narrow cell ("TM. ỦY BAN NHÂN" / "DÂN")
_LONG_ENTRY = Path(__file__).parent / "fixtures" / "text" / "qd-web-cells-closing.txt"


def test_a_long_noi_nhan_entry_and_an_authority_line_broken_in_a_narrow_cell() -> None:
    """The entry that fills its line stays in the Nơi nhận list (it does not end the closing), and
    "TM. ỦY BAN NHÂN" / "DÂN" is one authority line, not a title "Dân Chủ tịch"."""
    record = record_from_text(_LONG_ENTRY.read_text(encoding="utf-8"))
    assert record.distribution[-3:] == [
        "VP UBND tỉnh: LĐ, CV các khối, TH-CB",
        "Báo Bình An, Đài PT-TH tỉnh, phân xã TTXVN tại Bình An, Công báo tỉnh, Cổng thông tin điện tử tỉnh",
        "Lưu: VT, TH",
    ]
    assert (record.signer.name, record.signer.title, record.signer.authority) == ("Trần Văn Bình", "Chủ tịch", "TM.")


def test_number_after_the_type_and_ve_with_a_colon() -> None:
    """The Quốc hội's "Nghị quyết số: 653/2019/UBTVQH14" under the issuer, and a công văn's "Về: ..." for "V/v"; a
    converter's inline tags ("<i>V/v ...</i>") and the stars run onto the place are not part of any field."""
    record = record_from_text(
        "ỦY BAN THƯỜNG VỤ\nQUỐC HỘI\n--------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Nghị quyết số: 45/2026/UBTVQH15\n\nHà Nội, ngày 12 tháng 01 năm 2026\n\nNGHỊ QUYẾT\n"
        "VỀ VIỆC THÀNH LẬP THỊ TRẤN TÂN LẬP\n\nỦY BAN THƯỜNG VỤ QUỐC HỘI\n\nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ "
        "nghĩa Việt Nam;\n\nQUYẾT NGHỊ:\n\nĐiều 1. Thành lập thị trấn Tân Lập.\n"
    )
    assert (record.issuer.name, record.code, record.number) == ("Ủy ban Thường vụ Quốc hội", "45/2026/UBTVQH15", "45")
    assert not any(r.code == "45/2026/UBTVQH15" for r in record.references)
    letter = record_from_text(
        "UỶ BAN NHÂN DÂN\nTỈNH BÌNH AN\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n*****\n\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập – Tự do – Hạnh phúc\n\nSố: 286/GDĐT-KT\n<i>Về: tham gia ý kiến về dự thảo Quy chế thi.</i>\n\n"
        "*** Tân Lập, ngày 13 tháng 8 năm 2025\n\nKính gửi: Hiệu trưởng các trường trung học phổ thông.\n\n"
        "Sở Giáo dục và Đào tạo đề nghị các trường góp ý dự thảo, gửi về Sở trước ngày 30/8/2025.\n"
    )
    assert (letter.subject, letter.place) == ("tham gia ý kiến về dự thảo Quy chế thi.", "Tân Lập")
    assert letter.recipients == ["Hiệu trưởng các trường trung học phổ thông"]


def test_a_body_that_lost_its_marks_does_not_respell_the_header() -> None:
    """The header's name is respelled from the body only by a spelling with as many marks: a copy whose body lost
    its marks ("Sở Giao duc và Đao tao", its loose marks dropped) leaves "Sở Giáo dục và Đào tạo" as printed."""
    from extractors.header import respell_from

    assert respell_from("Sở Giáo dục và Đào tạo", "Sở Giao duc và Đao tao báo cáo") == "Sở Giáo dục và Đào tạo"
    body = "Nay Trường Đại học Công Thương Thành phố Hồ Chí Minh ban hành"
    assert respell_from("Trường Đại học Cong thương thành phó hò chí minh", body) == (
        "Trường Đại học Công Thương Thành phố Hồ Chí Minh"
    )


def test_a_whole_web_copy_on_one_line_with_its_signature_glued() -> None:
    """A forum copy that lost every line break: the Nơi nhận list runs on into the signature, the copy's "(đã ký)"
    stands between title and name, and the authority line is glued to the title under it ("...TỈNH ĐOÀNBÍ THƯ
    THƯỜNG TRỰC"); the number is spaced ("12 - QĐ/TĐTN-VP")."""
    record = record_from_text(
        "BAN CHẤP HÀNH ĐOÀN TỈNH BÌNH AN***Số: 12 - QĐ/TĐTN-VPĐOÀN TNCS HỒ CHÍ MINH Tân Lập, ngày 05 tháng 3 năm 2026 "
        "QUYẾT ĐỊNHVề việc thành lập Ban Tổ chức Giải chạy Vì sức khỏe thanh niên--------- BAN THƯỜNG VỤ TỈNH ĐOÀN "
        "BÌNH AN- Căn cứ Điều lệ Đoàn TNCS Hồ Chí Minh; QUYẾT ĐỊNH Điều 1. Thành lập Ban Tổ chức Giải chạy. "
        "Điều 2. Quyết định này có hiệu lực từ ngày ký. Văn phòng Tỉnh đoàn và các cơ sở đoàn căn cứ Quyết định "
        "thi hành./. Nơi nhận: - Như điều 2; - Lưu VP, VT. TM. BAN THƯỜNG VỤ TỈNH ĐOÀNBÍ THƯ THƯỜNG TRỰC (đã ký) "
        "Lê Văn Tâm\n"
    )
    assert (record.code, record.place, record.issued_date) == ("12-QĐ/TĐTN-VP", "Tân Lập", "2026-03-05")
    signer = record.signer
    assert (signer.name, signer.title, signer.authority) == ("Lê Văn Tâm", "Bí thư Thường trực", "TM.")
    assert record.distribution == ["Như điều 2", "Lưu VP, VT"]


def test_a_title_glued_to_the_name_and_a_dash_typed_in_the_code() -> None:
    """ "CHÁNH VĂN PHÒNGThái Hữu Bình": the line break between title and name lost; "2865/GDĐT –KT&KĐCL" is the code
    2865/GDĐT-KT&KĐCL; an abbreviation the casing list does not hold ("GSQL": no vowel, no Vietnamese word) keeps its
    capitals."""
    record = record_from_text(
        "TỔNG CỤC HẢI QUAN\nCỤC GSQL VỀ HẢI QUAN\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n\nSố: 2865/GSQL –KT&KĐCL\nV/v hướng dẫn thủ tục.\n\n"
        "Hà Nội, ngày 05 tháng 3 năm 2026\n\nKính gửi: Cục Hải quan các tỉnh, thành phố.\n\n"
        "Cục đề nghị các đơn vị thực hiện đúng hướng dẫn.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
        "TL. CỤC TRƯỞNG\nCHÁNH VĂN PHÒNGThái Hữu Bình\n"
    )
    assert (record.issuer.name, record.code) == ("Cục GSQL về Hải quan", "2865/GSQL-KT&KĐCL")
    signer = record.signer
    assert (signer.name, signer.title, signer.authority) == ("Thái Hữu Bình", "Chánh Văn phòng", "TL.")
