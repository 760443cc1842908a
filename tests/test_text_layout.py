"""The text reader on *layout text*: the page as it looks (``pdftotext -layout``, a copy from a PDF
viewer, a web copy whose header rows are tab- or pipe-separated).

Each sample's PDF is turned into layout text here, by pdftotext itself, and must give the header
fields its expected record (written from the generator's spec) says; references and tasks are scored
by the shared scorer against the same records and must match what the Markdown-like text form scores.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import extract
from pipeline.layout import Layout
from pipeline.readers.text import CELL_SEP, is_layout_text, layout_of_text, read_text
from tests.conftest import ROOT, SAMPLES
from tests.test_forms_agree import HEADER, NAMES

SCORER = ROOT.parent / "shared" / "tools" / "score.py"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


@cache
def layout_text(name: str) -> str:
    """``pdftotext -layout`` of the sample's PDF, as a user's converter would write it."""
    pdf = SAMPLES / f"{name}.pdf"
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout


@cache
def layout_dir(tmp_root: Path) -> Path:
    out = tmp_root / "layout"
    out.mkdir(exist_ok=True)
    for name in NAMES:
        (out / f"{name}.txt").write_text(layout_text(name), encoding="utf-8")
    return out


def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return data


def read_layout(text: str, tmp_path: Path) -> Layout:
    f = tmp_path / "doc.txt"
    f.write_text(text, encoding="utf-8")
    return read_text(f)


@needs_pdftotext
@pytest.mark.parametrize("name", NAMES)
def test_layout_text_of_each_sample_gives_the_expected_header(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    text = layout_text(name)
    assert is_layout_text(text)
    f = layout_dir(tmp_path_factory.getbasetemp()) / f"{name}.txt"
    record = extract(f).model_dump()
    assert {k: record[k] for k in HEADER} == {k: expected(name)[k] for k in HEADER}


def test_markdown_like_samples_are_not_taken_for_layout_text() -> None:
    for name in NAMES:
        assert not is_layout_text((SAMPLES / f"{name}.txt").read_text(encoding="utf-8")), name


def score(forms: dict[str, Path], tmp: Path) -> dict[str, Any]:
    """Run the shared scorer on {sample name: file to extract} against the expected records."""
    gold, pred = tmp / "gold", tmp / "pred"
    gold.mkdir()
    pred.mkdir()
    for name, path in forms.items():
        (gold / f"{name}.gold.json").write_text(json.dumps(expected(name), ensure_ascii=False), encoding="utf-8")
        record = extract(path).model_dump(mode="json")
        (pred / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = tmp / "score.json"
    subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(pred), "--json", str(out)], check=True, capture_output=True
    )
    figures: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return figures


@needs_pdftotext
@pytest.mark.skipif(not SCORER.is_file(), reason="the shared scorer (../shared/tools/score.py) is not present")
def test_references_and_tasks_score_as_the_markdown_text_form(tmp_path_factory: pytest.TempPathFactory) -> None:
    layout_files = layout_dir(tmp_path_factory.getbasetemp())
    got = score({n: layout_files / f"{n}.txt" for n in NAMES}, tmp_path_factory.mktemp("layout-score"))
    markdown = score({n: SAMPLES / f"{n}.txt" for n in NAMES}, tmp_path_factory.mktemp("markdown-score"))
    for figure in ("references_prf", "tasks_prf", "task_lead_f1", "task_deadline_accuracy", "lists_f1"):
        assert got[figure] == markdown[figure], figure


@needs_pdftotext
def test_page_foot_footnote_is_lifted_and_its_marker_made_superscript(tmp_path: Path) -> None:
    # cv-ubnd-tinh: "... của tỉnh 1; định kỳ ..." and "1 Quyết định số 2150/QĐ-UBND ..." at the page 1 foot,
    # then "2" on top of page 2 and a sentence running on: "chia sẻ dữ" / "liệu với Cổng Dịch vụ công"
    layout = read_layout(layout_text("cv-ubnd-tinh"), tmp_path)
    notes = layout.footnotes
    assert list(notes) == ["1"]
    assert notes["1"].text.startswith("Quyết định số 2150/QĐ-UBND ngày 30/12/2025")
    assert notes["1"].text.endswith("trên địa bàn tỉnh Thái Nguyên.")
    body = [p.text for p in layout.zone("body")]
    assert any("cải cách hành chính của tỉnh¹; định kỳ hằng quý" in t for t in body)
    item2 = next(t for t in body if t.startswith("2. Sở Khoa học"))
    assert "chia sẻ dữ liệu với Cổng Dịch vụ công quốc gia" in item2
    assert item2.endswith("hoàn thành trong tháng 9/2026.")
    assert "2" not in body  # the page number


@needs_pdftotext
def test_cells_are_written_left_then_right_and_paragraphs_reflowed(tmp_path: Path) -> None:
    layout = read_layout(layout_text("cv-two-level"), tmp_path)
    assert [ln for p in layout.zone("header_left") for ln in p.lines][:2] == ["UBND TỈNH NINH BÌNH", "SỞ TÀI CHÍNH"]
    assert [ln for p in layout.zone("header_right") for ln in p.lines] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ninh Bình, ngày tháng 3 năm 2026",
    ]
    body = [p.text for p in layout.zone("body")]
    assert body[:4] == [
        "Kính gửi:",
        "- Các sở, ban, ngành tỉnh;",
        "- Ủy ban nhân dân các xã, phường.",
        "Căn cứ Thông tư số 56/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính hướng dẫn xây dựng dự toán ngân "
        "sách nhà nước năm 2026 và kế hoạch tài chính - ngân sách nhà nước 03 năm, Sở Tài chính đề nghị các "
        "cơ quan, đơn vị, địa phương thực hiện một số nội dung sau:",
    ]
    assert [ln for p in layout.zone("closing_right") for ln in p.lines] == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Phạm Quang Huy",
    ]
    assert layout.zone("closing_left")[-1].text == "- Lưu: VT, QLNS."


@needs_pdftotext
def test_code_broken_at_its_hyphen_is_rejoined(tmp_path: Path) -> None:
    # tb-deadline wraps "Quyết định số 1874/QĐ-" / "UBND, ngày 25/12/2025"
    layout = read_layout(layout_text("tb-deadline"), tmp_path)
    assert "Quyết định số 1874/QĐ-UBND, ngày 25/12/2025" in layout.text


WEB_BODY = """
Kính gửi: Sở Y tế.

Thực hiện Công văn số 845/BYT-DP ngày 02/3/2026 của Bộ Y tế, Ủy ban nhân dân tỉnh có ý kiến như sau:

1. Giao Sở Y tế chủ trì, phối hợp với các xã tổ chức chiến dịch diệt lăng quăng, báo cáo trước ngày 20/3/2026.

Đề nghị Sở Y tế khẩn trương triển khai thực hiện./.
"""


def web_copy(sep: str) -> str:
    header = [
        ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["TỈNH KHÁNH HÒA", "Độc lập - Tự do - Hạnh phúc"],
        ["Số: 1307/UBND-VX", "Khánh Hòa, ngày 09 tháng 3 năm 2026"],
        ["V/v phòng, chống dịch sốt xuất huyết", ""],
    ]
    closing = [
        ["Nơi nhận:", "KT. CHỦ TỊCH"],
        ["- Như trên;", "PHÓ CHỦ TỊCH"],
        ["- Lưu: VT, VX.", ""],
        ["", "Trần Hòa Nam"],
    ]

    def rows(cells: list[list[str]]) -> str:
        return "\n".join(sep.join(row).rstrip(" |\t") if row[0] else sep + row[1] for row in cells)

    return rows(header) + "\n" + WEB_BODY + "\n" + rows(closing) + "\n"


@pytest.mark.parametrize("sep", ["\t", " | "], ids=["tab", "pipe"])
def test_web_copy_with_separated_header_and_closing_rows(sep: str, tmp_path: Path) -> None:
    f = tmp_path / "web.txt"
    f.write_text(web_copy(sep), encoding="utf-8")
    record = extract(f)
    assert (record.issuer.name, record.code, record.place, record.issued_date) == (
        "Ủy ban nhân dân tỉnh Khánh Hòa",
        "1307/UBND-VX",
        "Khánh Hòa",
        "2026-03-09",
    )
    assert record.subject == "phòng, chống dịch sốt xuất huyết"
    assert (record.signer.name, record.signer.title, record.signer.authority) == ("Trần Hòa Nam", "Phó Chủ tịch", "KT.")
    assert record.recipients == ["Sở Y tế"]
    assert record.distribution == ["Như trên", "Lưu: VT, VX"]
    assert len(record.tasks) == 1 and record.tasks[0].deadline == "2026-03-20"


def test_markdown_table_header_row() -> None:
    text = (
        "| ỦY BAN NHÂN DÂN<br>TỈNH X | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|---|---|\n"
        "| SỞ Y TẾ | Độc lập - Tự do - Hạnh phúc |\n| Số: 5/SYT-NV | X, ngày 01 tháng 02 năm 2026 |\n\nKính gửi: A."
    )
    layout = layout_of_text(text)
    assert [ln for p in layout.zone("header_left") for ln in p.lines] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH X",
        "SỞ Y TẾ",
        "Số: 5/SYT-NV",
    ]
    assert [ln for p in layout.zone("header_right") for ln in p.lines] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "X, ngày 01 tháng 02 năm 2026",
    ]


def test_tab_kept_through_normalization_only_for_layout_text(tmp_path: Path) -> None:
    # a tab inside a Markdown-like paragraph stays a space, as before
    f = tmp_path / "plain.txt"
    f.write_text("Kính gửi:\tSở Y tế.\n", encoding="utf-8")
    assert read_text(f).paragraphs[0].text == "Kính gửi: Sở Y tế."
    assert CELL_SEP not in read_text(f).text


PAGE = "     {first}\n{rest}\n"


def test_running_heads_and_page_numbers_go_and_an_unmarked_foot_number_never_splits_a_sentence() -> None:
    line = "Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị thực hiện nghiêm các nội dung sau đây và"
    pages = [
        # page 1: a numbered foot line whose marker is nowhere above it, then "- 1 -"
        f"{line}\n{line}\n     Việc một chưa xong vì còn đang\n\n1 Ghi chú không có dấu ở thân trang.\n       - 1 -",
        # pages 2 and 3: a running head, a page number under it or a "Trang 2" foot
        "          Công văn 125/UBND-NC\n                 2\nxét tiếp trong tháng.\n     Việc hai./.\n\n   Trang 2",
        "          Công văn 125/UBND-NC\n     Việc ba trên trang ba./.",
    ]
    layout = layout_of_text("\f".join(pages))
    assert [p.text for p in layout.zone("body")] == [
        f"{line} {line}",
        "Việc một chưa xong vì còn đang xét tiếp trong tháng.",
        "Việc hai./.",
        "Việc ba trên trang ba./.",
    ]
    # the numbered page foot is a footnote whose marker the page lost: kept, apart from the sentence
    assert [(p.note, p.text) for p in layout.zone("footnote")] == [("1", "Ghi chú không có dấu ở thân trang.")]


def test_counting_words_are_no_footnote_markers() -> None:
    page = (
        "     Thực hiện Kế hoạch số 5 ngày 1 tháng 1 năm 2026 của tỉnh về việc kiểm tra và\n"
        "đánh giá theo Điều 1 và theo hướng dẫn của Bộ 1.\n\n"
        "1 Hướng dẫn số 7/HD-BNV.\n"
    )
    paras = layout_of_text(page + "\f" + "     Hết./.").paragraphs
    assert paras[0].text.endswith("theo Điều 1 và theo hướng dẫn của Bộ¹.")
    assert "ngày 1 tháng 1 năm" in paras[0].text
    assert (paras[-1].zone, paras[-1].note, paras[-1].text) == ("footnote", "1", "Hướng dẫn số 7/HD-BNV.")


words = st.text(alphabet="abcdeghiklmnopqrstuvxyàáạảãâầấậẩẫăằắặẳẵđ", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(words, min_size=1, max_size=40), min_size=1, max_size=8), st.integers(1, 5))
def test_layout_reflow_never_loses_or_reorders_a_word(paragraphs: list[list[str]], page_every: int) -> None:
    # hard-wrapped at 70 columns, first lines indented, a form feed every few paragraphs
    # each paragraph opens with its own word: the same line atop two pages is a running head, by definition
    wrapped = [
        textwrap.fill(f"mở{'a' * i} " + " ".join(ws) + ".", 70, initial_indent="     ")
        for i, ws in enumerate(paragraphs)
    ]
    chunks = ["\n".join(wrapped[i : i + page_every]) for i in range(0, len(wrapped), page_every)]
    text = "\f".join(chunks) if len(chunks) > 1 else chunks[0] + "\f"
    paras = layout_of_text(text).paragraphs
    assert " ".join(p.text for p in paras).split() == " ".join(wrapped).split()


def test_unindented_layout_splits_at_titles_in_capitals_and_short_sentence_ends() -> None:
    # pdftotext without -layout: no indentation, a form feed, lines wrapped at one width
    wide = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư và"
    text = f"Kính gửi: Sở Nội vụ.\nỦY BAN NHÂN DÂN TỈNH NGHỆ AN\n{wide}\nlưu trữ;\n"
    text += "Theo đề nghị của Sở Nội vụ.\nQUYẾT ĐỊNH:\n\f"
    assert [p.text for p in layout_of_text(text).paragraphs] == [
        "Kính gửi: Sở Nội vụ.",
        "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN",
        f"{wide} lưu trữ;",
        "Theo đề nghị của Sở Nội vụ.",
        "QUYẾT ĐỊNH:",
    ]


# a web table copied as text: each cell's lines as the page source broke them, "|" alone between cells
FLAT_TABLE = """ỦY
BAN NHÂN DÂN
TỈNH BÌNH AN
-------
|
CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
|
Số:
21/2024/QĐ-UBND
|
Tân
Lập, ngày 05 tháng 3
năm 2024
|
QUYẾT ĐỊNH
BAN HÀNH QUY CHẾ QUẢN LÝ CÁC CÔNG TRÌNH
THỦY LỢI TRÊN ĐỊA BÀN TỈNH BÌNH AN
ỦY BAN NHÂN DÂN TỈNH BÌNH AN
Căn cứ Luật Tổ chức chính quyền địa
phương ngày 19 tháng 6 năm 2015;
Theo đề nghị của Giám đốc Sở Nông nghiệp,
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý các công trình thủy lợi.
Điều 2. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 2;
- Lưu: VT, KT.
|
TM.
ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Tám
|
"""


def test_web_table_flattened_to_lines_gives_header_closing_and_caps_subject(tmp_path: Path) -> None:
    f = tmp_path / "flat.txt"
    f.write_text(FLAT_TABLE, encoding="utf-8")
    record = extract(f)
    assert (record.issuer.name, record.code, record.place, record.issued_date, record.doc_type) == (
        "Ủy ban nhân dân tỉnh Bình An",
        "21/2024/QĐ-UBND",
        "Tân Lập",
        "2024-03-05",
        "Quyết định",
    )
    # the trích yếu in capitals runs over two lines and stops at the thẩm quyền line
    assert record.subject == "BAN HÀNH QUY CHẾ QUẢN LÝ CÁC CÔNG TRÌNH THỦY LỢI TRÊN ĐỊA BÀN TỈNH BÌNH AN"
    assert (record.signer.name, record.signer.title, record.signer.authority) == ("Lê Văn Tám", "Phó Chủ tịch", "KT.")
    assert record.distribution == ["Như Điều 2", "Lưu: VT, KT"]
