"""Item markers and the item tree (extractors/numbering.py)."""

from __future__ import annotations

import pytest

from extractors.numbering import build_tree, parse_marker, roman_value
from pipeline.layout import Paragraph


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", "roman", 1),
        ("II- NHIỆM VỤ", "roman", 2),
        ("1. Tiếp tục quán triệt", "decimal", 1),
        ("2- Các ban đảng", "decimal", 2),
        ("1.2. Tổ chức hội nghị", "multi", 2),
        ("a) Tham mưu", "letter", 1),
        ("đ) Sở Y tế:", "letter", 5),
        ("g) Sở Xây dựng", "letter", 7),
        ("- Tổ chức học tập", "dash", None),
        ("+ Hoàn thành kết nối", "plus", None),
        ("• Rà soát", "bullet", None),
        ("— Bước 1: Phòng Đào tạo", "dash", None),
        ("~ Các đơn vị, cá nhân", "dash", None),  # OCR's reading of a dash
        ("Điều 3. Chánh Văn phòng", "dieu", 3),
        ("**Điều 1.** Thành lập", "dieu", 1),
        ("Phần II. TỔ CHỨC THỰC HIỆN", "phan", 2),
        ("Mục 1. Quy định chung", "muc", 1),
        ("Khoản 2. Sở Tài chính", "khoan", 2),
        ("A. MỤC ĐÍCH, YÊU CẦU", "part", 1),  # the capital-letter parts of a plan
        ("C. MỘT SỐ NỘI DUNG TRỌNG TÂM", "part", 3),
        ("(1) Công tác tham mưu ngày càng bài bản", "paren", 1),
        ("(b) Bồi dưỡng cơ bản", "paren_letter", 2),
        ("* Lưu ý: các vụ lộ, mất bí mật", "star", None),
        ("f) Cung cấp thông tin", "letter", 7),  # a Latin list's "f)" after "e)"
    ],
)
def test_marker(text: str, kind: str, number: int | None) -> None:
    m = parse_marker(text)
    assert m is not None
    assert (m.kind, m.number) == (kind, number)


@pytest.mark.parametrize(
    "text",
    [
        "Mục đích của kế hoạch",  # "Mục" without a number
        "V/v tiếp tục triển khai",  # the subject line, not Roman V
        "30/6/2026 là hạn cuối",  # a date
        "Ủy ban nhân dân tỉnh yêu cầu",
        "2026 là năm",
        "~5 ngày làm việc",  # an approximate figure, not a bullet
        "A. Nguyễn Văn Bình",  # an initial, not a part of a plan
        "**Thời gian**",  # bold, not a star bullet
    ],
)
def test_not_a_marker(text: str) -> None:
    assert parse_marker(text) is None


def test_roman_values() -> None:
    assert [roman_value(s) for s in ("I", "IV", "IX", "XIV", "IIII", "VV")] == [1, 4, 9, 14, None, None]


def _tree(lines: list[str]) -> dict[str, str]:
    paras = [Paragraph(t, zone="body") for t in lines]
    roots = build_tree(paras, [parse_marker(t) for t in lines])
    return {item.ordinal: item.head for root in roots for item in root.walk()}


def test_nested_sections_items_letters_bullets() -> None:
    got = _tree(
        [
            "I. MỤC ĐÍCH",
            "1. Mục đích",
            "II. NHIỆM VỤ",
            "1. Tuyên truyền",
            "a) Tổ chức hội nghị",
            "- Cấp tỉnh",
            "+ Trực tuyến",
            "- Cấp xã",
            "b) Phát hành tài liệu",
            "2. Kiểm tra",
            "III. TỔ CHỨC THỰC HIỆN",
        ]
    )
    assert got == {
        "1": "I. MỤC ĐÍCH"[3:],
        "1.1": "Mục đích",
        "2": "NHIỆM VỤ",
        "2.1": "Tuyên truyền",
        "2.1.1": "Tổ chức hội nghị",
        "2.1.1.1": "Cấp tỉnh",
        "2.1.1.1.1": "Trực tuyến",
        "2.1.1.2": "Cấp xã",
        "2.1.2": "Phát hành tài liệu",
        "2.2": "Kiểm tra",
        "3": "TỔ CHỨC THỰC HIỆN",
    }


def test_second_bullet_under_item_two_is_2_2() -> None:
    got = _tree(["1. Một", "2. Hai", "- đầu", "- thứ hai"])
    assert got["2.2"] == "thứ hai"


def test_multi_level_numbers_nest_under_their_item() -> None:
    got = _tree(["1. Tuyên truyền", "1.1. Hội nghị", "1.2. Tài liệu", "2. Kiểm tra"])
    assert set(got) == {"1", "1.1", "1.2", "2"}


def test_unnumbered_paragraph_continues_the_item() -> None:
    paras = [Paragraph(t, zone="body") for t in ["1. Sở Nội vụ", "Chủ trì tham mưu.", "2. Sở Tài chính"]]
    roots = build_tree(paras, [parse_marker(p.text) for p in paras])
    assert [p.text for p in roots[0].continuation] == ["Chủ trì tham mưu."]


def test_a_printed_number_after_bullets_closes_them() -> None:
    # "5.1." after the "-" steps of item 4 is not a sub-item of the last step, and the bullets
    # under it are its own ("Phân công trách nhiệm" with unit sub-sections).
    got = _tree(
        [
            "4. Nội dung và quy trình thực hiện",
            "- Bước 1: Phòng Đào tạo cung cấp danh sách.",
            "- Bước 2: Trung tâm chọn mẫu.",
            "a) Trung tâm Quản lý chất lượng",
            "- Tổng hợp kết quả.",
            "- Báo cáo Ban Giám hiệu.",
            "b) Phòng Đào tạo",
            "- Cung cấp dữ liệu.",
        ]
    )
    # a printed number that another kind of sibling already holds counts on from the last one,
    # so ordinals (and the task ids made from them) stay unique
    assert got == {
        "4": "Nội dung và quy trình thực hiện",
        "4.1": "Bước 1: Phòng Đào tạo cung cấp danh sách.",
        "4.2": "Bước 2: Trung tâm chọn mẫu.",
        "4.3": "Trung tâm Quản lý chất lượng",
        "4.3.1": "Tổng hợp kết quả.",
        "4.3.2": "Báo cáo Ban Giám hiệu.",
        "4.4": "Phòng Đào tạo",
        "4.4.1": "Cung cấp dữ liệu.",
    }


def test_parts_hold_roman_sections() -> None:
    texts = ["A. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "B. NỘI DUNG, NHIỆM VỤ", "I. CÔNG TÁC QUÁN TRIỆT", "1. Nội dung"]
    paras = [Paragraph(t) for t in texts]
    roots = build_tree(paras, [parse_marker(t) for t in texts])
    assert [(r.ordinal, [c.ordinal for c in r.walk()]) for r in roots] == [
        ("1", ["1", "1.1"]),
        ("2", ["2", "2.1", "2.1.1"]),
    ]
