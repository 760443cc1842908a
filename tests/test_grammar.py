"""The document grammar on the forms real copies take: each case a snippet the team wrote in the shape a
real document arrived in (web copies, converter and OCR text), and what the record must say."""

from __future__ import annotations

import pytest

from pipeline.grammar.rows import _signer_pieces
from pipeline.layout import Layout, Paragraph, Zone
from pipeline.lines import Line
from pipeline.readers.text import layout_of_text
from tests.conftest import record_from_text

# a thuvienphapluat page saved as text: the site's title glued to the issuer, the cells of each header row joined
# with one space, "Kính gửi" glued after the date, the last addressee run into the body, Nơi nhận and the
# signature each on one line
WEB_COPY = """Công văn 412/SYT-NVY năm 2024 hướng dẫn tiêm chủng do Sở Y tế tỉnh Bình An ban hành. SỞ Y TẾ TỈNH BÌNH AN --------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------
Số: 412/SYT-NVY V/v hướng dẫn tiêm chủng mở rộng năm 2024
Bình An, ngày 12 tháng 3 năm 2024 Kính gửi:
- Trung tâm Kiểm soát bệnh tật tỉnh;
- Các bệnh viện trong tỉnh. Thực hiện Kế hoạch số 35/KH-UBND ngày 02/02/2024 của UBND tỉnh, Sở Y tế hướng dẫn như sau:
1. Trung tâm Kiểm soát bệnh tật tỉnh tổ chức tiêm chủng đúng lịch, báo cáo trước ngày 30/6/2024.
2. Các bệnh viện phối hợp thực hiện./.
Nơi nhận: - Như trên; - UBND tỉnh (b/c); - Lưu: VT, NVY.
KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Nguyễn Thị Lan
"""


def test_a_web_copy_with_its_cells_joined_on_few_lines() -> None:
    record = record_from_text(WEB_COPY)
    assert (record.issuer.name, record.code, record.place, record.issued_date, record.subject) == (
        "Sở Y tế tỉnh Bình An",
        "412/SYT-NVY",
        "Bình An",
        "2024-03-12",
        "hướng dẫn tiêm chủng mở rộng năm 2024",
    )
    assert record.recipients == ["Trung tâm Kiểm soát bệnh tật tỉnh", "Các bệnh viện trong tỉnh"]
    assert record.distribution == ["Như trên", "UBND tỉnh (b/c)", "Lưu: VT, NVY"]
    assert (record.signer.name, record.signer.title, record.signer.authority) == (
        "Nguyễn Thị Lan",
        "Phó Giám đốc",
        "KT.",
    )
    assert [r.code for r in record.references] == ["35/KH-UBND"]  # the site's title cites nothing
    layout = layout_of_text(WEB_COPY)
    assert [p.text for p in layout.zone("outside")] == [
        "Công văn 412/SYT-NVY năm 2024 hướng dẫn tiêm chủng do Sở Y tế tỉnh Bình An ban hành."
    ]


# a crawler that prints the page's title before every chunk, the header on one line, the title run into the
# trích yếu in capitals and that into the thẩm quyền line
CRAWLED = """Quyết định 88/QĐ-UBND năm 2021. ỦY BAN NHÂN DÂN TỈNH BÌNH AN Số: 88/QĐ-UBND Bình An, ngày 04 tháng 5 năm 2021 QUYẾT ĐỊNH V/V BAN HÀNH KẾ HOẠCH “PHÒNG, CHỐNG THIÊN TAI NĂM 2021” ỦY BAN NHÂN DÂN TỈNH BÌNH AN
Căn cứ Luật Phòng, chống thiên tai ngày 19 tháng 6 năm 2013;
QUYẾT ĐỊNH:
Quyết định 88/QĐ-UBND năm 2021. Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống thiên tai năm 2021.
Quyết định 88/QĐ-UBND năm 2021. Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.
"""


def test_a_crawled_copy_with_the_header_on_one_line() -> None:
    record = record_from_text(CRAWLED)
    assert (record.issuer.name, record.code, record.place, record.issued_date, record.doc_type) == (
        "Ủy ban nhân dân tỉnh Bình An",
        "88/QĐ-UBND",
        "Bình An",
        "2021-05-04",
        "Quyết định",
    )
    assert record.subject == "BAN HÀNH KẾ HOẠCH “PHÒNG, CHỐNG THIÊN TAI NĂM 2021”"
    body = [p.text for p in layout_of_text(CRAWLED).zone("body")]
    assert "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống thiên tai năm 2021." in body


# OCR of a scan: the header's two columns merged per line, specks, the day glued to "ngày", noise after the
# number, the trích yếu in brackets
OCR_TEXT = """ĐẠI HỌC QUỐC GIA HÀ NỘI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

. TRƯỜNG ĐẠI HỌC Độc lập - Tự do - Hạnh phúc
CÔNG NGHỆ

Bình An, ngày22tháng 01 năm 2013
Số: 07/TB-BGH á — .

THÔNG BÁO
(V/v Tăng cường giám sát trong phòng thi)

Hiện nay nhà trường đề nghị các đơn vị thực hiện các nội dung sau đây:

1. Phòng Đào tạo tổ chức giám sát phòng thi.

KT. HIỆU TRƯỞNG
PHÓ HIỆU TRƯỞNG

Trần Văn Minh
"""


def test_ocr_text_with_merged_columns_and_specks() -> None:
    record = record_from_text(OCR_TEXT)
    assert (record.issuer.name, record.issuer.parent) == ("Trường Đại học Công nghệ", "Đại học Quốc gia Hà Nội")
    assert (record.code, record.place, record.issued_date) == ("07/TB-BGH", "Bình An", "2013-01-22")
    assert (record.doc_type, record.subject) == ("Thông báo", "Tăng cường giám sát trong phòng thi")


# a Hướng dẫn on thể thức quotes the parts of a document as examples: none of them is its own closing
GUIDANCE = """BAN CHẤP HÀNH TRUNG ƯƠNG
VĂN PHÒNG

ĐẢNG CỘNG SẢN VIỆT NAM

Số 12-HD/VPTW

Hà Nội, ngày 03 tháng 4 năm 2024

HƯỚNG DẪN
thể thức văn bản của Đảng

Nơi nhận văn bản xác định những cơ quan, tổ chức nhận văn bản để báo cáo, để thực hiện.

Ví dụ:

Nơi nhận:
- Các huyện ủy,
- Lưu Văn phòng Tỉnh ủy.

T/M BAN THƯỜNG VỤ
BÍ THƯ
(chữ ký)
Họ và tên

Văn phòng các tỉnh ủy thực hiện thống nhất hướng dẫn này./.

Nơi nhận:
- Các tỉnh ủy, thành ủy,
- Lưu Văn phòng Trung ương Đảng.

K/T CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG

Lê Văn Hòa
"""


def test_examples_quoted_in_a_guidance_are_not_its_closing() -> None:
    record = record_from_text(GUIDANCE)
    assert record.distribution == ["Các tỉnh ủy, thành ủy", "Lưu Văn phòng Trung ương Đảng"]
    assert (record.signer.name, record.signer.title, record.signer.authority) == (
        "Lê Văn Hòa",
        "Phó Chánh Văn phòng",
        "KT.",
    )
    assert record.recipients == []


def test_an_issuer_cell_the_converter_dropped_comes_from_the_thẩm_quyền_line() -> None:
    text = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: /QĐ-UBND

Bình An, ngày tháng 9 năm 2025

QUYẾT ĐỊNH
Về việc công bố danh mục thủ tục hành chính

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;
"""
    record = record_from_text(text)
    assert record.issuer.name == "Ủy ban nhân dân tỉnh Bình An"


def test_the_issuer_is_spelled_as_the_body_spells_it_where_only_the_marks_differ() -> None:
    text = WEB_COPY.replace("SỞ Y TẾ TỈNH BÌNH AN", "SỞ Y TÊ TỈNH BÌNH AN").replace(
        "Sở Y tế hướng dẫn", "Sở Y tế tỉnh Bình An hướng dẫn"
    )
    assert record_from_text(text).issuer.name == "Sở Y tế tỉnh Bình An"


@pytest.mark.parametrize(
    ("line", "pieces"),
    [
        (
            "KT. TỔNG GIÁM ĐỐC PHÓ TỔNG GIÁM ĐỐC Phạm Lương Sơn",
            ["KT. TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "Phạm Lương Sơn"],
        ),
        ("TRƯỞNG BAN PHÓ THỦ TƯỚNG Nguyễn Thiện Nhân", ["TRƯỞNG BAN", "PHÓ THỦ TƯỚNG", "Nguyễn Thiện Nhân"]),
        ("BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng", ["BỘ TRƯỞNG, CHỦ NHIỆM", "Mai Tiến Dũng"]),  # one title
        ("PGS.TS. Lê Thị Mai", ["PGS.TS. Lê Thị Mai"]),  # a degree, not a title
    ],
)
def test_a_signature_printed_on_one_line(line: str, pieces: list[str]) -> None:
    assert _signer_pieces(line) == pieces


def test_a_bar_in_ocr_text_is_no_cell() -> None:
    text = "Số: 15/STTTT-CNTT Phú Thọ, ngày | tháng 12 năm 2011\n" * 1
    layout = layout_of_text(text + "\n" + "Kính gửi: Các đơn vị trực thuộc sở.\n")
    assert not any(p.cells for p in layout.paragraphs)


def test_a_line_cut_at_a_cue_keeps_its_share_of_the_width() -> None:
    from pipeline.grammar.rows import split_joined

    line = Line("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", page=1, x0=0.0, x1=480.0, top=10, bottom=20)
    left, right = split_joined(line)
    assert (left.text, right.text) == ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert left.x1 is not None and right.x0 is not None and left.x1 <= right.x0


def _scanned(paragraphs: list[tuple[Zone, str]]) -> Layout:
    layout = Layout("scan.pdf", "application/pdf", [Paragraph(t, zone=z) for z, t in paragraphs])
    layout.scanned = True
    return layout.finalize()


def test_ocr_specks_and_family_names_in_a_scans_signature() -> None:
    from extractors import signer

    found = signer.extract(
        _scanned(
            [
                ("closing_right", "KT. CHỦ TỊCH"),
                ("closing_right", "PHÓ CHỦ TỊCHy]"),
                ("closing_right", "„"),
                ("closing_right", "Nguyên Thị Bích Hợp"),
            ]
        )
    ).signer
    assert (found.name, found.title, found.authority) == ("Nguyễn Thị Bích Hợp", "Phó Chủ tịch", "KT.")


def test_a_nơi_nhận_note_in_brackets_and_a_dash_ocr_read_long() -> None:
    from extractors import distribution

    layout = _scanned(
        [
            ("closing_left", "Nơi nhận:"),
            ("closing_left", "- Cơ quan Báo&PT, TH Thành phố;"),
            ("closing_left", "(để đưa tin)"),
            ("closing_left", "`"),
            ("closing_left", "— Lưu: VT, NN."),
        ]
    )
    assert distribution.extract(layout) == ["Cơ quan Báo&PT, TH Thành phố (để đưa tin)", "Lưu: VT, NN"]


def test_a_nơi_nhận_entry_wrapped_after_a_comma_keeps_it() -> None:
    from extractors import distribution

    layout = _scanned(
        [
            ("closing_left", "Nơi nhận:"),
            ("closing_left", "- Các Sở, ban, ngành,"),
            ("closing_left", "đoàn thể;"),
            ("closing_left", "- Ủy ban nhân dân các xã, phường"),
            ("closing_left", "trong tỉnh;"),
            ("closing_left", "- Lưu: VT."),
        ]
    )
    assert distribution.extract(layout) == [
        "Các Sở, ban, ngành, đoàn thể",
        "Ủy ban nhân dân các xã, phường trong tỉnh",
        "Lưu: VT",
    ]


def test_a_blank_date_is_taken_from_the_appendix_naming_the_document() -> None:
    text = """BỘ TÀI CHÍNH

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: /QĐ-BTC

Hà Nội, ngày tháng

QUYẾT ĐỊNH
Về việc công bố danh mục văn bản

Điều 1. Công bố kèm theo Quyết định này Danh mục văn bản./.

DANH MỤC VĂN BẢN (Kèm theo Quyết định số /QĐ-BTC ngày 21/01/2026 của Bộ Tài chính)
"""
    record = record_from_text(text)
    assert (record.place, record.issued_date) == ("Hà Nội", "2026-01-21")
    assert any("phụ lục" in w for w in record.warnings)


def test_a_table_a_converter_flattened_to_one_cell_per_line() -> None:
    text = "III. KẾ HOẠCH CỤ THỂ\nSTT\nNgày\nCông việc\n1\n24/03/2014\nPhòng Đào tạo gửi danh sách.\n2\n31/03/2014\nKhoa nhận hồ sơ.\n"
    rows = [p.cells for p in layout_of_text(text).zone("body") if p.cells]
    assert rows == [
        ["STT", "Ngày", "Công việc"],
        ["1", "24/03/2014", "Phòng Đào tạo gửi danh sách."],
        ["2", "31/03/2014", "Khoa nhận hồ sơ."],
    ]


def test_a_crawlers_chunk_prefix_with_the_attached_documents_name() -> None:
    text = CRAWLED + (
        "Quyết định 88/QĐ-UBND năm 2021. KẾ HOẠCH PHÒNG, CHỐNG THIÊN TAI. I. MỤC ĐÍCH\n"
        "Quyết định 88/QĐ-UBND năm 2021. KẾ HOẠCH PHÒNG, CHỐNG THIÊN TAI. II. NHIỆM VỤ\n"
    )
    body = [p.text for p in layout_of_text(text).zone("body")]
    assert "I. MỤC ĐÍCH" in body and "II. NHIỆM VỤ" in body
