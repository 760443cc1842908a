"""The text reader on converter output: bold markers, items in one block, page-break debris."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import UnreadableFile, UnsupportedFormat
from pipeline.layout import Paragraph
from pipeline.readers import read
from pipeline.readers.text import layout_of_text


def paragraphs(text: str) -> list[Paragraph]:
    return layout_of_text(text).paragraphs


def test_footnote_mid_sentence_is_lifted_out_and_the_sentence_rejoined() -> None:
    text = (
        "3. Thực hiện nghiêm túc công tác tiếp công dân. Tuyệt đối không để xảy ra tình trạng chậm trễ "
        "trong việc phản\n\n¹ Kế hoạch số 164/KH-UBND ngày 17/11/2025 của Ủy ban nhân dân tỉnh.\n\n"
        "2\n\nhồi các yêu cầu giải trình.\n\n4. Thường xuyên rà soát."
    )
    paras = paragraphs(text)
    body = [p for p in paras if p.zone != "footnote"]
    notes = [p for p in paras if p.zone == "footnote"]
    assert [p.text for p in body] == [
        "3. Thực hiện nghiêm túc công tác tiếp công dân. Tuyệt đối không để xảy ra tình trạng chậm trễ "
        "trong việc phản hồi các yêu cầu giải trình.",
        "4. Thường xuyên rà soát.",
    ]
    assert [(n.note, n.text[:20]) for n in notes] == [("1", "Kế hoạch số 164/KH-U")]


def test_items_in_one_block_become_paragraphs_and_bold_markers_go() -> None:
    paras = paragraphs("**KẾ HOẠCH**\n\n1. Việc một;\n2. Việc hai\nvẫn việc hai.\na) Ý a.")
    assert [p.text for p in paras] == ["KẾ HOẠCH", "1. Việc một;", "2. Việc hai vẫn việc hai.", "a) Ý a."]
    assert paras[0].bold is True


def test_markdown_footnote_reference_becomes_superscript() -> None:
    paras = paragraphs("Thực hiện Kế hoạch[^2] của tỉnh.\n\n[^2]: Kế hoạch số 5/KH-UBND.")
    assert paras[0].text == "Thực hiện Kế hoạch² của tỉnh."
    assert (paras[1].zone, paras[1].note) == ("footnote", "2")


def test_windows_1258_and_utf16_decode(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-8-sig"):
        f = tmp_path / f"doc-{encoding}.txt"
        f.write_text("Kính gửi: Sở Y tế.\n", encoding=encoding)
        assert read(f).paragraphs[0].text == "Kính gửi: Sở Y tế."


def test_bad_inputs_name_the_file_and_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="empty"):
        read(empty)
    exe = tmp_path / "program.exe"
    exe.write_bytes(b"MZ\x90\x00")
    with pytest.raises(UnsupportedFormat, match=r"\.exe"):
        read(exe)
    with pytest.raises(UnreadableFile, match="no such file"):
        read(tmp_path / "missing.pdf")
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(UnreadableFile, match="damaged"):
        read(fake)


words = st.text(alphabet="abcdeghiklmnopqrstuvxyàáạảãâầấậẩẫăằắặẳẵđ", min_size=1, max_size=8)


@given(st.lists(st.lists(words, min_size=1, max_size=12), min_size=1, max_size=6))
def test_reflow_never_loses_a_word(blocks: list[list[str]]) -> None:
    text = "\n\n".join(" ".join(ws) + "." for ws in blocks)
    paras = paragraphs(text)
    assert " ".join(p.text for p in paras).split() == text.split()


def test_a_converters_page_break_line_is_dropped_and_the_sentence_mended() -> None:
    paras = paragraphs(
        "- Trường hợp doanh nghiệp đã nộp thuế tại nguồn, yêu cầu doanh nghiệp nộp hồ sơ để được khấu trừ thuế\n\n"
        "--- PAGE BREAK ---\n\ntheo hướng dẫn tại Thông tư số 12/2026/TT-BTC.\n\n2. Việc hai."
    )
    assert len(paras) == 2 and paras[0].text.endswith("số 12/2026/TT-BTC.")


# A copy from a document-sharing site whose PDF-to-text lost every hyphen: the tiêu ngữ reads
# "Độc lập  Tự do  Hạnh phúc" and each code is glued ("QĐUBND", "NQCP", "NĐCP"); one number carries
# a letter ("30c")
HYPHENS_LOST = """ỦY BAN NHÂN DÂN
TỈNH BÌNH AN

Số: 517/QĐUBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập  Tự do  Hạnh phúc

Tân Lập, ngày 14 tháng 6 năm 2019

QUYẾT ĐỊNH
Ban hành Quy chế tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công tỉnh
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN
Căn cứ Nghị quyết số 30c/NQCP ngày 08 tháng 11 năm 2011 của Chính phủ;
Căn cứ Nghị định số 61/2018/NĐCP ngày 23 tháng 4 năm 2018 của Chính phủ;
"""


def test_a_copy_that_lost_its_hyphens_gets_them_back_in_its_codes(tmp_path: Path) -> None:
    from pipeline import extract

    path = tmp_path / "qd-517.txt"
    path.write_text(HYPHENS_LOST, encoding="utf-8")
    record = extract(path)
    assert (record.code, record.number, record.symbol) == ("517/QĐ-UBND", "517", "QĐ-UBND")
    assert [(r.code, r.issued_date) for r in record.references] == [
        ("30c/NQ-CP", "2011-11-08"),
        ("61/2018/NĐ-CP", "2018-04-23"),
    ]
    assert any("dấu gạch nối" in w for w in record.warnings)
    # a copy that kept its hyphens is read as printed, with no such warning
    kept = tmp_path / "kept.txt"
    kept.write_text(HYPHENS_LOST.replace("Độc lập  Tự do", "Độc lập - Tự do").replace("Tự do  Hạnh", "Tự do - Hạnh"))
    assert extract(kept).code == "517/QĐUBND" and not any("dấu gạch nối" in w for w in extract(kept).warnings)


# A web copy that closes each row of the header and closing tables with a pipe and opens none
CLOSING_PIPES = """ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
TỈNH BÌNH AN | Độc lập - Tự do - Hạnh phúc |
Số: 722/UBND-MT | Tân Lập, ngày 28 tháng 03 năm 2013 |
Kính gửi: Sở Tài nguyên và Môi trường
Sở Tài nguyên và Môi trường chủ trì rà soát các cơ sở gây ô nhiễm, báo cáo trước ngày 15/4/2013./.
Nơi nhận: | KT. CHỦ TỊCH |
- Như trên; | PHÓ CHỦ TỊCH |
- Lưu: VT. | Lê Văn Tám |
"""


def test_a_row_s_closing_pipe_is_no_cell_of_its_own(tmp_path: Path) -> None:
    from pipeline import extract

    path = tmp_path / "cv-722.txt"
    path.write_text(CLOSING_PIPES, encoding="utf-8")
    record = extract(path)
    assert (record.issuer.name, record.code, record.issued_date) == (
        "Ủy ban nhân dân tỉnh Bình An",
        "722/UBND-MT",
        "2013-03-28",
    )
    assert (record.signer.authority, record.signer.title, record.signer.name) == ("KT.", "Phó Chủ tịch", "Lê Văn Tám")
    assert record.distribution == ["Như trên", "Lưu: VT"]
    assert not any("|" in x for x in [*record.distribution, record.signer.title or "", record.place or ""])


# A web copy wrapped at a fixed width where the page had its own breaks: a line left on "số", an article's
# number alone on its line, and a name wrapped at its hyphen ("Sở Lao động" / "- Thương binh và Xã hội")
HARD_WRAPPED = """ỦY BAN NHÂN DÂN
TỈNH BÌNH AN

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 1528/QĐ-UBND

Tân Lập, ngày 29 tháng 4 năm 2021

QUYẾT ĐỊNH
Ban hành Kế hoạch phát triển công tác xã hội tỉnh Bình An giai đoạn 2021 - 2030

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN

Căn cứ Quyết định số
112/QĐ-TTg ngày 22/01/2021 của Thủ tướng Chính phủ ban hành Chương trình phát
triển công tác xã hội giai đoạn 2021 - 2030;
Xét đề nghị của Giám đốc Sở Lao động
- Thương binh và Xã hội tại Tờ trình số 92/TTr-SLĐTBXH ngày 06/4/2021.
QUYẾT ĐỊNH:
Điều 1.
Ban hành kèm theo Quyết định này Kế hoạch phát triển công tác xã hội tỉnh Bình An giai đoạn 2021 - 2030.
Điều 2.
Giao Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với các cơ quan, đơn vị liên quan tổ chức triển
khai, tổng hợp kết quả báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2021.
"""


def test_hard_wrapped_lines_of_a_web_copy_are_joined_where_a_sentence_goes_on(tmp_path: Path) -> None:
    from pipeline import extract

    path = tmp_path / "qd-1528.txt"
    path.write_text(HARD_WRAPPED, encoding="utf-8")
    record = extract(path)
    assert [r.code for r in record.references] == ["112/QĐ-TTg", "92/TTr-SLĐTBXH"]
    assert [(t.ordinal, t.lead, t.support) for t in record.tasks] == [
        ("2", ["Sở Lao động - Thương binh và Xã hội"], ["các cơ quan, đơn vị liên quan"])
    ]


def test_a_line_ending_on_an_office_goes_on_with_its_body() -> None:
    """A web copy cut its lines wherever the page's spans ended ("... của Chánh Văn phòng" / "Ủy ban nhân dân
    tỉnh,"): one sentence wrapped; the reference's issuer is the whole office, not "Chánh Văn phòng". The fixture is
    the opening of a real Quyết định (UBND tỉnh Sơn La, 2862/QĐ-UBND of 2018) as a legal-database page prints it."""
    from pipeline import extract

    record = extract(Path(__file__).parent / "fixtures" / "text" / "qd-2862-2018-son-la-head.txt")
    issuers = {r.code: r.issuer for r in record.references}
    assert issuers["42/TTr-VPUB"] == "Chánh Văn phòng Ủy ban nhân dân tỉnh"


# A copy with three slips of its own: "V/v" on a line and its colon on the next, a blank "……………" left where an
# addressee was to be typed, and two Nơi nhận entries run onto one line ("(để b/c);- CVP")
SLIPS = """BỘ TÀI CHÍNH
TỔNG CỤC THUẾ

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 2728/TCT-DNL
V/v
: Thực hiện quy định về hóa đơn.

Hà Nội, ngày 25 tháng 7 năm 2014

Kính gửi:
- Cục Thuế tỉnh Bình An;
- ……………

Cục Thuế tỉnh Bình An hướng dẫn doanh nghiệp thực hiện, báo cáo Tổng cục Thuế trước ngày 30/8/2014./.

Nơi nhận:
- Như trên;
- Vụ Pháp chế (để b/c);- Vụ Chính sách (để biết);
- Lưu: VT, DNL.

KT. TỔNG CỤC TRƯỞNG
PHÓ TỔNG CỤC TRƯỞNG

Cao Anh Tuấn
"""


def test_a_copy_s_slips_the_colon_of_v_v_a_blank_addressee_and_run_on_entries(tmp_path: Path) -> None:
    from pipeline import extract

    path = tmp_path / "cv-2728.txt"
    path.write_text(SLIPS, encoding="utf-8")
    record = extract(path)
    assert record.subject == "Thực hiện quy định về hóa đơn."
    assert record.recipients == ["Cục Thuế tỉnh Bình An"]
    assert record.distribution == ["Như trên", "Vụ Pháp chế (để b/c)", "Vụ Chính sách (để biết)", "Lưu: VT, DNL"]
    assert (record.signer.authority, record.signer.title, record.signer.name) == (
        "KT.",
        "Phó Tổng Cục trưởng",  # as the casing data writes the title (extractors/data/casing.json)
        "Cao Anh Tuấn",
    )


def test_the_addressees_line_run_into_the_body_s_first_sentence_is_kept_apart(tmp_path: Path) -> None:
    from pipeline import extract

    text = (
        "BỘ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập – Tự do – Hạnh phúc\n|\n"
        "Số: 2294/LĐTBXH-BVCSTE V/v: Thực hiện Quyết định số 19/2004/QĐ-TTg\n|\nHà Nội, ngày 01 tháng 07 năm 2008\n|\n"
        "Kính gửi: Sở Lao động – Thương binh và Xã hội các tỉnh, thành phố\n"
        "Thực hiện Quyết định số 19/2004/QĐ-TTg ngày 12/02/2004 của Thủ tướng Chính phủ, Bộ Lao động – Thương binh "
        "và Xã hội đề nghị Sở Lao động – Thương binh và Xã hội các tỉnh, thành phố báo cáo kết quả trước ngày "
        "30/11/2008.\n"
    )
    path = tmp_path / "cv-2294.txt"
    path.write_text(text, encoding="utf-8")
    record = extract(path)
    assert record.recipients == ["Sở Lao động – Thương binh và Xã hội các tỉnh, thành phố"]
    assert [(t.lead, t.deadline) for t in record.tasks] == [
        (["Sở Lao động – Thương binh và Xã hội các tỉnh, thành phố"], "2008-11-30")
    ]


def test_a_copy_whose_vietnamese_letters_became_question_marks_is_refused_with_the_reason(tmp_path: Path) -> None:
    """A .doc saved as text in a Windows code page: every Vietnamese letter is a "?". The clerk is told so, not
    "no official header found"; a document that merely asks questions is read."""
    from pipeline.errors import UnreadableFile
    from pipeline.readers.text import read_text

    garbled = tmp_path / "cv-garbled.txt"
    garbled.write_text(
        "B? Y T?\nC?NG H?A X? H?I CH? NGH?A VI?T NAM\n?c l?p - T? do - H?nh ph?c\nS?: 21/BYT-DP\n"
        "H? N?i, ng?y 26 th?ng 04 n?m 2022\nK?nh g?i: ?y ban nh?n d?n c?c t?nh, th?nh ph?.\n"
        "Hi?n nay, d?ch ? ???c ki?m so?t tr?n ph?m vi to?n qu?c.\n",
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFile, match="letters were lost"):
        read_text(garbled)
    asking = tmp_path / "cv-asking.txt"
    asking.write_text(
        "BỘ Y TẾ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 21/BYT-DP\n"
        "Hà Nội, ngày 26 tháng 04 năm 2022\n" + "Đơn vị đã triển khai chưa? Kết quả ra sao? " * 15 + "\n",
        encoding="utf-8",
    )
    assert read_text(asking).paragraphs


def test_tone_marks_left_loose_by_a_converter_are_dropped_with_a_warning(tmp_path: Path) -> None:
    """A PDF-to-text copy put the marks after the words they belonged to ("thiêt hai ̀ ̣ ̣"): they are dropped from
    the text (no field carries them) and the clerk is told the words may lack their marks."""
    copy = tmp_path / "cv-loose-marks.txt"
    copy.write_text(
        "UBND TỈNH BÌNH AN\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nSố: 29/SGDĐT-VP\nTân Lập, ngày 05 tháng 11 năm 2010\n"
        "V/v báo cáo nhanh tinh hình thiêt hai \u0300 \u0323 \u0323 do lũ lụt\n"
        "Kính gửi: Ủy ban nhân dân tỉnh.\nTheo báo cáo cua cac đơn vi \u0309 \u0301 \u0323, Sở báo cáo như sau.\n",
        encoding="utf-8",
    )
    layout = read(copy)
    assert not any("\u0300" <= c <= "\u036f" for c in layout.text)
    assert "V/v báo cáo nhanh tinh hình thiêt hai do lũ lụt" in layout.text
    assert any("tách dấu" in w for w in layout.warnings)


# A web copy of a plan's table: a sub-item's number left at the end of its parent's heading ("... lao động 1.1."),
# or alone on its line ("1.2."), each with its text on the next line, or inside its parent's line with its text
# after it ("2. Giải quyết ... 2.1. Rà soát ...").
_NUMBERS_APART = """ỦY BAN NHÂN DÂN
TỈNH BÌNH AN
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 12/KH-UBND

Tân Lập, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
Triển khai công tác quan hệ lao động

I. NỘI DUNG
1. Tăng cường sự lãnh đạo của cấp ủy về quan hệ lao động 1.1.
Tổ chức tuyên truyền, phổ biến Chỉ thị về quan hệ lao động.
- Cơ quan thực hiện: Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp.
1.2.
Xây dựng kế hoạch tuyên truyền pháp luật về lao động.
- Cơ quan thực hiện: Ủy ban nhân dân các huyện chủ trì, phối hợp với Ban Quản lý Khu kinh tế tỉnh.
2. Giải quyết tốt tranh chấp lao động 2.1. Rà soát các thiết chế hòa giải lao động.
- Cơ quan thực hiện: Sở Tư pháp chủ trì, phối hợp với Công an tỉnh.

Nơi nhận:
- Như trên;- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Trần Văn Bình
"""


def test_item_numbers_left_apart_from_their_text_go_back_to_it(tmp_path: Path) -> None:
    from pipeline import extract

    path = tmp_path / "kh-numbers-apart.txt"
    path.write_text(_NUMBERS_APART, encoding="utf-8")
    record = extract(path)
    tasks = {t.ordinal: t for t in record.tasks}
    assert tasks["1.1.1"].text.startswith("Tổ chức tuyên truyền")
    assert (tasks["1.1.1"].lead, tasks["1.1.1"].support) == (["Sở Nội vụ"], ["Sở Tư pháp"])
    assert tasks["1.1.2"].text.startswith("Xây dựng kế hoạch")
    assert tasks["1.1.2"].support == ["Ban Quản lý Khu kinh tế tỉnh"]
    assert tasks["1.2.1"].text.startswith("Rà soát các thiết chế")
    assert (tasks["1.2.1"].lead, tasks["1.2.1"].support) == (["Sở Tư pháp"], ["Công an tỉnh"])
    # the run-on Nơi nhận entries were split, which is no hyphen restored: no warning says so
    assert record.distribution == ["Như trên", "Lưu: VT"]
    assert not any("gạch nối" in w for w in record.warnings)
