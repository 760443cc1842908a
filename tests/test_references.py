"""References: tables of (text, expected references) from real citation forms, and the corpus."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from extractors import references
from models import Reference
from pipeline.layout import Layout, Paragraph


@dataclass
class Cited:
    references: list[Reference]


def _run(body: list[str], footnotes: list[str] = (), code: str | None = None, subject: str | None = None) -> Cited:  # type: ignore[assignment]
    paras = [Paragraph(t, zone="body") for t in body]
    paras += [Paragraph(t, zone="footnote", note=str(i + 1)) for i, t in enumerate(footnotes)]
    layout = Layout(path="t.txt", media_type="text/plain", paragraphs=paras).finalize()
    record = Cited(references.extract(layout, subject=subject, own_code=code))
    # every span points at a citation in the text
    for ref in record.references:
        for span in ref.spans:
            assert layout.text[span.start : span.end].strip()
    return record


def _rows(record: Cited) -> list[tuple[str | None, str, str | None, str | None, int]]:
    return [(r.doc_type, r.code, r.issued_date, r.issuer, r.mentions) for r in record.references]


# (body paragraphs, expected (doc_type, code, issued_date, issuer, mentions))
TABLE = [
    # a standard by its number keeps the space of its name; a quy chuẩn is one too
    (
        ["Phông chữ theo Tiêu chuẩn TCVN 6909:2001 và Quy chuẩn QCVN 102:2016/BTTTT về cấu trúc gói tin."],
        [("Tiêu chuẩn", "TCVN 6909:2001", None, None, 1), ("Quy chuẩn", "QCVN 102:2016/BTTTT", None, None, 1)],
    ),
    # a typist's en dash for the hyphen, spaced; a Party office's lower-case tail on the code
    (
        [
            "Hướng dẫn này thay thế Hướng dẫn số 08 –HD/BTCTU ngày 16/8/2017 và Công văn số 2587-CV/VPTW/nb, "
            "ngày 25/5/2010 của Văn phòng Trung ương Đảng."
        ],
        [
            ("Hướng dẫn", "08-HD/BTCTU", "2017-08-16", None, 1),
            ("Công văn", "2587-CV/VPTW/nb", "2010-05-25", "Văn phòng Trung ương Đảng", 1),
        ],
    ),
    # state, full form with issuer cut before "về"
    (
        ["Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;"],
        [("Nghị định", "30/2020/NĐ-CP", "2020-03-05", "Chính phủ", 1)],
    ),
    # comma before ngày; issuer "Thủ tướng" as written
    (
        ["Quyết định số 30/2006/QĐ-TTg, ngày 06/02/2006 của Thủ tướng Chính phủ về việc ban hành Quy chế"],
        [("Quyết định", "30/2006/QĐ-TTg", "2006-02-06", "Thủ tướng Chính phủ", 1)],
    ),
    # long date form
    (
        ["Bãi bỏ Quyết định số 1567/2009/QĐ-UBND ngày 01 tháng 6 năm 2009 của Ủy ban nhân dân tỉnh Hà Giang."],
        [("Quyết định", "1567/2009/QĐ-UBND", "2009-06-01", "Ủy ban nhân dân tỉnh Hà Giang", 1)],
    ),
    # without "số"; Thông tư; Party codes
    (
        ["Thực hiện Thông tư 01/2011/TT-BNV của Bộ Nội vụ, Chỉ thị 53-CT/TW và Quy định 66-QĐ/TW."],
        [
            ("Thông tư", "01/2011/TT-BNV", None, "Bộ Nội vụ", 1),
            ("Chỉ thị", "53-CT/TW", None, None, 1),
            ("Quy định", "66-QĐ/TW", None, None, 1),
        ],
    ),
    # full then short re-mention (same code, no date) is one reference, two mentions
    (
        [
            "Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII;",
            "Tiếp tục quán triệt Kết luận số 21-KL/TW.",
        ],
        [("Kết luận", "21-KL/TW", "2021-10-25", "Ban Chấp hành Trung ương Đảng khóa XIII", 2)],
    ),
    # the same Party code from two issuers with two dates is two instruments
    (
        [
            "Kế hoạch số 33-KH/TU ngày 16/01/2026 của Ban Thường vụ Tỉnh ủy Lào Cai; "
            "Kế hoạch số 33-KH/TU ngày 02/3/2021 của Ban Thường vụ Tỉnh ủy Yên Bái."
        ],
        [
            ("Kế hoạch", "33-KH/TU", "2026-01-16", "Ban Thường vụ Tỉnh ủy Lào Cai", 1),
            ("Kế hoạch", "33-KH/TU", "2021-03-02", "Ban Thường vụ Tỉnh ủy Yên Bái", 1),
        ],
    ),
    # alias: the definition, then two uses of the short name
    (
        [
            "Thực hiện Kế hoạch số 164/KH-UBND ngày 17/11/2025 của Ủy ban nhân dân tỉnh về triển khai "
            "trách nhiệm giải trình (sau đây gọi tắt là Kế hoạch 164).",
            "Các sở tổ chức thực hiện Kế hoạch 164; báo cáo kết quả thực hiện Kế hoạch 164 trước ngày 30/6/2026.",
        ],
        [("Kế hoạch", "164/KH-UBND", "2025-11-17", "Ủy ban nhân dân tỉnh", 3)],
    ),
    # an alias that is not a type + number
    (
        [
            "Chương trình số 12/CTr-UBND ngày 05/01/2026 của UBND tỉnh (sau đây viết tắt là “Chương trình”) "
            "được triển khai.",
            "Giao Sở Nội vụ theo dõi Chương trình.",
        ],
        [("Chương trình", "12/CTr-UBND", "2026-01-05", "UBND tỉnh", 2)],
    ),
    # a law by name only is not a reference; a law with its number is
    (
        ["Căn cứ Luật Tổ chức chính quyền địa phương; Luật Cán bộ, công chức số 80/2025/QH15;"],
        [("Luật", "80/2025/QH15", None, None, 1)],
    ),
    # Công văn with issuer cut at ";" and "Ủy ban nhân dân tỉnh về triển khai" cut at "về"
    (
        ["Công văn số 100/UBND-NC ngày 06/01/2026 của Ủy ban nhân dân tỉnh về triển khai thực hiện;"],
        [("Công văn", "100/UBND-NC", "2026-01-06", "Ủy ban nhân dân tỉnh", 1)],
    ),
    # a liên tịch act keeps both issuers; upper-case subject line still cites
    (
        ["Thông tư liên tịch số 02/2011/TTLT-VPCP-BNV ngày 10/01/2011 của Văn phòng Chính phủ và Bộ Nội vụ"],
        [("Thông tư liên tịch", "02/2011/TTLT-VPCP-BNV", "2011-01-10", "Văn phòng Chính phủ và Bộ Nội vụ", 1)],
    ),
    (
        ["V/V TRIỂN KHAI KẾ HOẠCH SỐ 22-KH/TU CỦA BAN THƯỜNG VỤ TỈNH ỦY"],
        [("Kế hoạch", "22-KH/TU", None, "BAN THƯỜNG VỤ TỈNH ỦY", 1)],
    ),
    # the type once, then its numbers: "các Nghị định của Chính phủ: số ...; số ..." (issuer from the head)
    (
        [
            "Căn cứ các Nghị định của Chính phủ: số 12/2019/NĐ-CP ngày 30/6/2019 quy định về quản lý nợ; "
            "số 13/2019/NĐ-CP ngày 30/6/2019 về nghiệp vụ; số 40/2021/NĐ-CP ngày 25/5/2021 về vốn vay;"
        ],
        [
            ("Nghị định", "12/2019/NĐ-CP", "2019-06-30", "Chính phủ", 1),
            ("Nghị định", "13/2019/NĐ-CP", "2019-06-30", "Chính phủ", 1),
            ("Nghị định", "40/2021/NĐ-CP", "2021-05-25", "Chính phủ", 1),
        ],
    ),
    # ", số ..." after a full citation is one more act of its type; a typed citation starts its own
    (
        [
            "Căn cứ Thông tư số 7/2020/TT-BTC ngày 02/3/2020, số 9/2020/TT-BTC ngày 05/3/2020; "
            "Tờ trình số 5/TTr-STC ngày 01/4/2020."
        ],
        [
            ("Thông tư", "7/2020/TT-BTC", "2020-03-02", None, 1),
            ("Thông tư", "9/2020/TT-BTC", "2020-03-05", None, 1),
            ("Tờ trình", "5/TTr-STC", "2020-04-01", None, 1),
        ],
    ),
    # an office before a known body belongs to the issuer; "và PTNT" is the old ministry's short form
    (
        [
            "Thực hiện Chỉ thị số 800/CT-BNN ngày 25/10/2019 của Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn về "
            "phòng, chống hạn; Thông tư số 05/2008/TT-BNN ngày 14/01/2008 của Bộ Nông nghiệp và PTNT hướng dẫn."
        ],
        [
            ("Chỉ thị", "800/CT-BNN", "2019-10-25", "Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn", 1),
            ("Thông tư", "05/2008/TT-BNN", "2008-01-14", "Bộ Nông nghiệp và PTNT", 1),
        ],
    ),
    # "Khóa XVII" (capital K) after an HĐND is part of the issuer, as "khóa XIII" after a Party body
    (
        ["Căn cứ Nghị quyết số 34/NQ-HĐND ngày 15/12/2016 của HĐND tỉnh Khóa XVII, kỳ họp thứ 3 về quy hoạch;"],
        [("Nghị quyết", "34/NQ-HĐND", "2016-12-15", "HĐND tỉnh Khóa XVII", 1)],
    ),
    # type names of more than one word
    (
        ["Thực hiện Chương trình hành động số 08-CTr/TU ngày 12/01/2026 của Ban Thường vụ Tỉnh ủy về chuyển đổi số;"],
        [("Chương trình hành động", "08-CTr/TU", "2026-01-12", "Ban Thường vụ Tỉnh ủy", 1)],
    ),
    (
        [
            "Căn cứ Kế hoạch hành động số 15/KH-UBND ngày 03/02/2026 của UBND tỉnh; Thông báo kết luận số "
            "45-TB/TU ngày 10/02/2026 của Thường trực Tỉnh ủy;"
        ],
        [
            ("Kế hoạch hành động", "15/KH-UBND", "2026-02-03", "UBND tỉnh", 1),
            ("Thông báo kết luận", "45-TB/TU", "2026-02-10", "Thường trực Tỉnh ủy", 1),
        ],
    ),
    # a quy chế phối hợp, like a liên tịch act, has two issuers
    (
        ["Thực hiện Quy chế phối hợp số 02/QCPH-STC-SXD ngày 07/01/2026 của Sở Tài chính và Sở Xây dựng;"],
        [("Quy chế phối hợp", "02/QCPH-STC-SXD", "2026-01-07", "Sở Tài chính và Sở Xây dựng", 1)],
    ),
    # OCR: a code cut at the line end (the reader joins the lines with a space), marks lost on the type or "số"
    (
        [
            "Căn cứ Nghị quyết số 01/NQ- CP ngày 08/01/2026 của Chính phủ; Thông bao số 12/TB-UBND ngày "
            "09/01/2026 của UBND tỉnh; Công văn sô 345/UBND-KT ngày 11/01/2026 của UBND tỉnh;"
        ],
        [
            ("Nghị quyết", "01/NQ-CP", "2026-01-08", "Chính phủ", 1),
            ("Thông báo", "12/TB-UBND", "2026-01-09", "UBND tỉnh", 1),
            ("Công văn", "345/UBND-KT", "2026-01-11", "UBND tỉnh", 1),
        ],
    ),
    # a word or two naming the kind of the type before "số"
    (
        [
            "Xét Tờ trình số 136/TTr-UBND ngày 20/11/2019 của Ủy ban nhân dân tỉnh; Báo cáo thẩm tra số 45/BCTT-KTNS "
            "ngày 05/12/2019 của Ban Kinh tế - Ngân sách; Văn bản thẩm định số 312/STP-KSTT ngày 08/4/2014 của Sở "
            "Tư pháp."
        ],
        [
            ("Tờ trình", "136/TTr-UBND", "2019-11-20", "Ủy ban nhân dân tỉnh", 1),
            ("Báo cáo", "45/BCTT-KTNS", "2019-12-05", "Ban Kinh tế - Ngân sách", 1),
            ("Văn bản", "312/STP-KSTT", "2014-04-08", "Sở Tư pháp", 1),
        ],
    ),
    # who issued it and when, written before the act as the clause's subject
    (
        [
            "Ngày 21/04/2015, Thủ tướng Chính phủ đã ban hành Chỉ thị số 06/CT-TTg về tăng cường chỉ đạo. Sở Giáo "
            "dục và Đào tạo đã ban hành Công văn số 2062/SGDĐT-KHTC ngày 15/7/2022 hướng dẫn thu học phí."
        ],
        [
            ("Chỉ thị", "06/CT-TTg", "2015-04-21", "Thủ tướng Chính phủ", 1),
            ("Công văn", "2062/SGDĐT-KHTC", "2022-07-15", "Sở Giáo dục và Đào tạo", 1),
        ],
    ),
    # a date alone, or a number that is not a code, is not a reference
    (["Báo cáo trước ngày 13/12/2025 theo Kế hoạch năm 2026 và Kế hoạch 45."], []),
]


@pytest.mark.parametrize(("body", "expected"), TABLE)
def test_references(body: list[str], expected: list[tuple[str, str, str | None, str | None, int]]) -> None:
    assert _rows(_run(body)) == expected


def test_footnote_reference_and_short_form_in_body() -> None:
    record = _run(
        ["Thực hiện nghiêm túc các văn bản về công vụ¹ và Kế hoạch số 164/KH-UBND."],
        footnotes=["Kế hoạch số 164/KH-UBND ngày 17/11/2025 của Ủy ban nhân dân tỉnh."],
    )
    assert _rows(record) == [("Kế hoạch", "164/KH-UBND", "2025-11-17", "Ủy ban nhân dân tỉnh", 2)]


def test_own_number_is_not_a_reference() -> None:
    record = _run(
        ["Kế hoạch số 33-KH/TU này thay thế Kế hoạch số 12-KH/TU ngày 01/02/2025 của Tỉnh ủy."],
        code="33-KH/TU",
    )
    assert [r.code for r in record.references] == ["12-KH/TU"]


def test_subject_line_citation_counts() -> None:
    layout = Layout(
        path="t.txt",
        media_type="text/plain",
        paragraphs=[
            Paragraph(
                "Số: /UBND-NC\nV/v tiếp tục triển khai thực hiện\nChỉ thị số 53-CT/TW\ncủa Bộ Chính trị",
                zone="header_left",
            ),
            Paragraph("Để triển khai thực hiện Chỉ thị số 53-CT/TW đi vào thực chất", zone="body"),
        ],
    ).finalize()
    record = Cited(references.extract(layout, own_code="/UBND-NC"))
    assert _rows(record) == [("Chỉ thị", "53-CT/TW", None, "Bộ Chính trị", 2)]


def test_alias_of_something_else_is_not_a_reference_alias() -> None:
    """ "(sau đây gọi là Tổ công tác)" defines a working group, not the Tờ trình cited before it."""
    record = _run(
        [
            "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 95/TTr-SNV ngày 02/3/2026.",
            "Điều 1. Thành lập Tổ công tác rà soát văn bản (sau đây gọi là Tổ công tác), gồm: ...",
            "Điều 2. Tổ công tác có nhiệm vụ rà soát.",
        ]
    )
    assert _rows(record) == [("Tờ trình", "95/TTr-SNV", "2026-03-02", "Giám đốc Sở Nội vụ", 1)]
    assert record.references[0].aliases == []


def test_issuer_written_before_the_act() -> None:
    """ "Xét đề nghị của X tại Tờ trình số ..." names the Tờ trình's issuer before it."""
    record = _run(
        [
            "Xét đề nghị của Ủy ban nhân dân xã Tân An tại Tờ trình số 12/TTr-UBND ngày 03/4/2026 và đề nghị của "
            "Giám đốc Sở Nội vụ tại Tờ trình số 40/TTr-SNV ngày 05/4/2026.",
        ]
    )
    assert [(r.code, r.issuer) for r in record.references] == [
        ("12/TTr-UBND", "Ủy ban nhân dân xã Tân An"),
        ("40/TTr-SNV", "Giám đốc Sở Nội vụ"),
    ]


def test_an_issuer_that_has_the_act_and_one_that_issued_two() -> None:
    """ "Bộ Y tế có Công văn số ..." and "ngày 16/8/2018 Bộ ... đã có Công văn số ..." name the issuer before the
    act (a clause that merely "có" one does not); two acts of one type joined under one "của X" are both X's."""
    record = _run(
        [
            "Bộ Y tế có Công văn số 627/BYT-BH ngày 27/01/2021 về việc hướng dẫn thực hiện Luật Bảo hiểm y tế.",
            "Tại 06 địa phương, ngày 16/8/2018 Bộ Lao động - Thương binh và Xã hội đã có Công văn số 3395/LĐTBXH-KHTC "
            "gửi Tổng công ty Bưu điện Việt Nam.",
            "Trường hợp đơn vị có Công văn số 55/SYT-NVY thì gửi kèm hồ sơ.",
            "Khắc phục tồn tại đã chỉ ra tại Công văn số 4216/UBND-NC ngày 02/12/2021 và Công văn số 4478/UBND-NC "
            "ngày 18/11/2022 của Chủ tịch UBND tỉnh; Luật Thanh tra số 11/2022/QH15, Nghị định số 43/2023/NĐ-CP của "
            "Chính phủ.",
        ]
    )
    assert {r.code: r.issuer for r in record.references} == {
        "627/BYT-BH": "Bộ Y tế",
        "3395/LĐTBXH-KHTC": "Bộ Lao động - Thương binh và Xã hội",
        "55/SYT-NVY": None,
        "4216/UBND-NC": "Chủ tịch UBND tỉnh",
        "4478/UBND-NC": "Chủ tịch UBND tỉnh",
        "11/2022/QH15": None,
        "43/2023/NĐ-CP": "Chính phủ",
    }
    assert next(r for r in record.references if r.code == "3395/LĐTBXH-KHTC").issued_date == "2018-08-16"


def test_a_code_printed_with_two_dates_is_one_reference_with_the_date_most_mentions_give() -> None:
    record = _run(
        [
            "Căn cứ Nghị quyết số 59-NQ/TW ngày 24 tháng 01 năm 2025 của Bộ Chính trị về hội nhập quốc tế;",
            "Thực hiện Nghị quyết số 59-NQ/TW ngày 24/01/2025 của Bộ Chính trị, các bộ triển khai ...",
            "1. Quán triệt Nghị quyết số 59-NQ/TW ngày 24 tháng 01 năm 2024 của Bộ Chính trị.",  # the copy's typo
        ]
    )
    assert _rows(record) == [("Nghị quyết", "59-NQ/TW", "2025-01-24", "Bộ Chính trị", 3)]


def test_one_committee_named_short_and_long_is_one_issuer() -> None:
    record = _run(
        [
            "Thực hiện Kế hoạch số 22-KH/TU ngày 13/12/2025 của Ban Thường vụ Tỉnh ủy Lào Cai về chuyển đổi số;",
            "triển khai Kế hoạch số 22-KH/TU ngày 13/12/2025 của Ban Thường vụ Tỉnh ủy.",
        ]
    )
    assert _rows(record) == [("Kế hoạch", "22-KH/TU", "2025-12-13", "Ban Thường vụ Tỉnh ủy Lào Cai", 2)]


def test_a_ministry_named_by_its_head_is_one_issuer() -> None:
    """ "của Bộ Lao động ..." in the căn cứ and "của Bộ trưởng Bộ Lao động ..." further on: one act."""
    record = _run(
        [
            "Căn cứ Thông tư số 07/2021/TT-BLĐTBXH ngày 18/7/2021 của Bộ Lao động - Thương binh và Xã hội;",
            "theo Thông tư số 07/2021/TT-BLĐTBXH ngày 18/7/2021 của Bộ trưởng Bộ Lao động - Thương binh và Xã hội.",
        ]
    )
    assert [(code, mentions) for _, code, _, _, mentions in _rows(record)] == [("07/2021/TT-BLĐTBXH", 2)]


def test_ocr_misreadings_inside_a_code_are_read_past_on_a_scan() -> None:
    text = "Căn cứ Luật số 97⁄2015/QHI3 và Luật số 112/2025%QH15;"
    layout = Layout(path="t.pdf", media_type="application/pdf", paragraphs=[Paragraph(text, zone="body")])
    layout.scanned = True
    layout.finalize()
    assert [r.code for r in references.extract(layout)] == ["97/2015/QH13", "112/2025/QH15"]
    layout.scanned = False  # born-digital text is taken as printed
    assert not {"97/2015/QH13", "112/2025/QH15"} & {r.code for r in references.extract(layout)}


def test_a_speck_ocr_put_between_the_type_and_so_is_passed_over() -> None:
    """``tt_37_bca_vehicle.pdf``'s italic "Luật số 97/2015/QH13" as OCR reads it: a colon after the type."""
    text = "Căn cứ Luật Giao thông đường thủy nội địa được sửa đổi bởi Luật: số 97/2015/QH13, Luật. số 35/2018/QH14;"
    layout = Layout(path="t.pdf", media_type="application/pdf", paragraphs=[Paragraph(text, zone="body")])
    layout.scanned = True
    layout.finalize()
    found = {r.code: r.doc_type for r in references.extract(layout)}
    assert found == {"97/2015/QH13": "Luật", "35/2018/QH14": "Luật"}
