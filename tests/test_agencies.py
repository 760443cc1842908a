"""Agency gazetteer: canonical names, enumeration splitting, mention spans (tables of real snippets)."""

from __future__ import annotations

import pytest

from extractors.agencies import canonical, find_agencies, split_agencies

# (as written, expected canonical, expected group)
CANONICAL = [
    ("Sở Nội vụ", "Sở Nội vụ", False),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh", False),
    ("UBND tỉnh Lào Cai", "Ủy ban nhân dân tỉnh Lào Cai", False),
    ("Ủy ban nhân dân thành phố Hà Nội", "Ủy ban nhân dân thành phố Hà Nội", False),
    ("Thành ủy Cần Thơ", "Thành ủy Cần Thơ", False),
    ("Sở NN&MT", "Sở Nông nghiệp và Môi trường", False),
    ("BCH quân sự tỉnh", "Bộ Chỉ huy quân sự tỉnh", False),
    ("BTV Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", False),
    ("Ban Thường vụ Tỉnh ủy Lào Cai", "Ban Thường vụ Tỉnh ủy Lào Cai", False),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo", False),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ", False),
    ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", False),
    ("TT Tỉnh ủy", "Thường trực Tỉnh ủy", False),
    ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch", False),
    ("Sở Nội vụ tỉnh Lào Cai", "Sở Nội vụ tỉnh Lào Cai", False),
    ("Đảng ủy Ủy ban nhân dân tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh", False),
    ("UBND xã Bản Lầu", "Ủy ban nhân dân xã Bản Lầu", False),
    ("- Công an tỉnh;", "Công an tỉnh", False),
    # OCR damage: "0" for "o", lost and wrong tone marks, one wrong letter
    ("S0 Nôi vu", "Sở Nội vụ", False),
    ("Bô Chi huy quân sư tinh", "Bộ Chỉ huy quân sự tỉnh", False),
    ("Sở Kboa học và Công nghệ", "Sở Khoa học và Công nghệ", False),
    ("Ủy ban nhân dân tỉnh Hà Giang", "Ủy ban nhân dân tỉnh Hà Giang", False),  # a former province
    # groups
    ("các sở, ban, ngành", "Các sở, ban, ngành", True),
    ("Ủy ban nhân dân các xã, phường", "Ủy ban nhân dân các xã, phường", True),
    ("các cơ quan, đơn vị liên quan", "Các cơ quan, đơn vị liên quan", True),
    ("các cơ quan, đơn vị và địa phương", "Các cơ quan, đơn vị và địa phương", True),
    # a head word decides: "Sở" is never a "Bộ", a near miss is not a match
    ("Bộ Nội vụ", "Bộ Nội vụ", False),
    ("Sở Ngoại vụ", "Sở Ngoại vụ", False),
    ("Sở Tư pháp", "Sở Tư pháp", False),
    ("Công ty Cổ phần Xây lắp số 3", None, False),
    ("Sở Nội", None, False),
    # an official's title before a body: the body's name is canonical, the title stays in the name as written
    ("Giám đốc Sở Nội vụ", "Sở Nội vụ", False),
    ("Giám đốc Công an tỉnh", "Công an tỉnh", False),
    ("Thủ trưởng các cơ quan, đơn vị liên quan", "Các cơ quan, đơn vị liên quan", True),
]


@pytest.mark.parametrize(("written", "expected", "group"), CANONICAL)
def test_canonical(written: str, expected: str | None, group: bool) -> None:
    agency = canonical(written)
    assert agency.canonical == expected
    assert agency.group is group
    assert agency.name == written.strip("-; ")
    assert (agency.score is None) == (expected is None)


SPLIT = [
    ("Sở Tài chính, Sở Nội vụ và Công an tỉnh", ["Sở Tài chính", "Sở Nội vụ", "Công an tỉnh"]),
    ("Công an tỉnh, Bộ Chỉ huy quân sự tỉnh", ["Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh"]),
    ("Công an tỉnh, Bộ Chỉ huy quân sự tỉnh;", ["Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh"]),
    ("các sở, ban, ngành", ["các sở, ban, ngành"]),
    ("Các sở, ban, ngành thuộc UBND tỉnh", ["Các sở, ban, ngành thuộc UBND tỉnh"]),
    ("Các Sở, Ban, ngành tỉnh", ["Các Sở, Ban, ngành tỉnh"]),
    ("Ủy ban nhân dân các xã, phường", ["Ủy ban nhân dân các xã, phường"]),
    ("các cơ quan, đơn vị và địa phương", ["các cơ quan, đơn vị và địa phương"]),
    ("Sở Văn hóa, Thể thao và Du lịch, Sở Y tế", ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"]),
    ("Sở Khoa học và Công nghệ và Sở Công Thương", ["Sở Khoa học và Công nghệ", "Sở Công Thương"]),
    ("Các sở, ban, ngành và UBND các xã, phường", ["Các sở, ban, ngành", "UBND các xã, phường"]),
    ("Sở Nội vụ và các cơ quan, đơn vị có liên quan", ["Sở Nội vụ", "các cơ quan, đơn vị có liên quan"]),
    ("UBND tỉnh, Thường trực HĐND tỉnh", ["UBND tỉnh", "Thường trực HĐND tỉnh"]),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]),
    ("Bộ Lao động - Thương binh và Xã hội", ["Bộ Lao động - Thương binh và Xã hội"]),
    # officials' titles always open a new name; ";" always ends one
    (
        "Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nội vụ và Chủ tịch UBND các xã",
        ["Chánh Văn phòng UBND tỉnh", "Giám đốc Sở Nội vụ", "Chủ tịch UBND các xã"],
    ),
    (
        "Chánh Văn phòng UBND tỉnh; Giám đốc các sở: Nội vụ, Tư pháp; Chủ tịch UBND các xã, phường",
        ["Chánh Văn phòng UBND tỉnh", "Giám đốc các sở: Nội vụ, Tư pháp", "Chủ tịch UBND các xã, phường"],
    ),
    ("Hiệu trưởng, Trưởng các khoa, phòng, trung tâm", ["Hiệu trưởng", "Trưởng các khoa, phòng, trung tâm"]),
    ("Bộ trưởng Bộ Nội vụ và Thủ trưởng các cơ quan", ["Bộ trưởng Bộ Nội vụ", "Thủ trưởng các cơ quan"]),
    ("Chánh Văn phòng Tỉnh ủy, Trưởng Ban Tổ chức Tỉnh ủy", ["Chánh Văn phòng Tỉnh ủy", "Trưởng Ban Tổ chức Tỉnh ủy"]),
    ("Trung tâm QLCL; các khoa", ["Trung tâm QLCL", "các khoa"]),
    # a lower-case "trưởng" is inside a name, not a new official
    ("Văn phòng Bộ trưởng", ["Văn phòng Bộ trưởng"]),
    # a lower-case noun after a comma qualifies the same group; a capital after a group noun opens a name
    ("các văn phòng tỉnh ủy, thành ủy", ["các văn phòng tỉnh ủy, thành ủy"]),
    (
        "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
        ["Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
    ),
    ("Các bộ, cơ quan ngang bộ, địa phương", ["Các bộ, cơ quan ngang bộ, địa phương"]),
    ("Ban Chỉ đạo các quân khu, Ban Chỉ đạo các tỉnh", ["Ban Chỉ đạo các quân khu", "Ban Chỉ đạo các tỉnh"]),
    ("Các Sở, Ban, ngành", ["Các Sở, Ban, ngành"]),
    # "các cấp" closing a pair joined by "và" is both at every level: one name; after a comma, or without it, a cut
    ("Mặt trận Tổ quốc tỉnh và Hội Nông dân các cấp", ["Mặt trận Tổ quốc tỉnh và Hội Nông dân các cấp"]),
    ("Sở Tài chính và Ủy ban nhân dân các huyện", ["Sở Tài chính", "Ủy ban nhân dân các huyện"]),
    ("Công an tỉnh, Hội Nông dân các cấp", ["Công an tỉnh", "Hội Nông dân các cấp"]),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT)
def test_split_agencies(text: str, expected: list[str]) -> None:
    assert split_agencies(text) == expected


FIND = [
    (
        "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và các cơ quan, đơn vị liên quan tham mưu UBND tỉnh",
        ["Sở Nội vụ", "Sở Tài chính", "các cơ quan, đơn vị liên quan", "UBND tỉnh"],
    ),
    (
        "Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị và địa phương tập trung thực hiện",
        ["Ủy ban nhân dân tỉnh", "các cơ quan, đơn vị và địa phương"],
    ),
    (
        "kịp thời báo cáo Ủy ban nhân dân tỉnh (qua Thanh tra tỉnh tổng hợp, báo cáo)",
        ["Ủy ban nhân dân tỉnh", "Thanh tra tỉnh"],
    ),
    ("của Ban Thường vụ Tỉnh ủy Lào Cai; Kế hoạch", ["Ban Thường vụ Tỉnh ủy Lào Cai"]),
    ("Giao UBND xã Bản Lầu chủ trì", ["UBND xã Bản Lầu"]),
    # an unknown body with a known head, cut before its verb
    ("Trung tâm Y tế khu vực Bắc Hà chủ trì", ["Trung tâm Y tế khu vực Bắc Hà"]),
    ("Thực hiện nghiêm túc công tác tiếp công dân định kỳ", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND)
def test_find_agencies(text: str, expected: list[str]) -> None:
    found = find_agencies(text)
    assert [name for _, _, name in found] == expected
    for start, end, name in found:
        assert text[start:end] == name
