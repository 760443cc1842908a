"""The PDF reader's positioned lines (:func:`read_pdf_lines`, the contract of :mod:`pipeline.lines`) on the
project's own PDFs: the LibreOffice-rendered samples, the ruled task table, the corpus công văn. What is
expected comes from the sources the PDFs were rendered from (``samples/specs``, the DOCX of the table),
never from the reader's own output."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.grammar import layout as grammar_layout
from pipeline.layout import SUPERSCRIPT_DIGITS
from pipeline.lines import Line, Lines
from pipeline.normalize import normalize_text
from pipeline.readers.pdf import (
    ENGINES,
    PageWords,
    Rule,
    Word,
    build_lines,
    join_lines,
    page_words,
    read_pdf_lines,
    to_lines,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_PDFS = sorted(SAMPLES.glob("*.pdf"))
TASK_TABLE = ROOT / "tests" / "fixtures" / "pdf" / "task_table.pdf"


def spec_of(pdf: Path) -> dict[str, object]:
    spec_path = SAMPLES / "specs" / f"{pdf.stem}.json"
    if not spec_path.is_file():
        pytest.skip(f"no spec for {pdf.name}")
    spec: dict[str, object] = json.loads(spec_path.read_text(encoding="utf-8"))
    return spec


def spec_paragraph(item: str | dict[str, str]) -> str:
    """A spec body paragraph as it prints: its list number, then the text with "[^1]" as "¹"."""
    text = item if isinstance(item, str) else item["text"]
    num = None if isinstance(item, str) else item.get("num")
    text = re.sub(r"\[\^(\d+)\]", lambda m: m.group(1).translate(SUPERSCRIPT_DIGITS), text)
    return normalize_text(f"{num} {text}" if num else text)


def running_text(lines: Lines) -> str:
    """The lines that are neither table cells nor footnotes, in reading order, one space apart."""
    return join_lines([ln.text for ln in lines.lines if ln.cell is None and ln.note is None])


@pytest.fixture(scope="module", params=SAMPLE_PDFS, ids=lambda p: p.stem)
def sample(request: pytest.FixtureRequest) -> tuple[Path, Lines]:
    pdf: Path = request.param
    return pdf, read_pdf_lines(pdf)


def test_lines_are_positioned_on_their_pages(sample: tuple[Path, Lines]) -> None:
    pdf, lines = sample
    assert lines.units == "points" and lines.media_type == "application/pdf"
    assert lines.page_count == len(lines.pages) == spec_of(pdf)["pages"]
    size = {p.number: p for p in lines.pages}
    for ln in lines.lines:
        assert ln.text and ln.text == ln.text.strip() and "\n" not in ln.text
        page = size[ln.page or 0]
        assert ln.x0 is not None and ln.x1 is not None and ln.top is not None and ln.bottom is not None
        assert 0 <= ln.x0 < ln.x1 <= page.width and 0 <= ln.top < ln.bottom <= page.height, ln
        assert ln.size is not None and 6 <= ln.size <= 30
        assert not page.scanned
    # reading order: page by page, and within a page no line starts above the row before it
    assert [ln.page for ln in lines.lines] == sorted(ln.page or 0 for ln in lines.lines)


def test_header_row_is_two_lines_of_one_row(sample: tuple[Path, Lines]) -> None:
    pdf, lines = sample
    spec = spec_of(pdf)
    issuer = normalize_text(spec["issuer_lines"][0]["text"])  # type: ignore[index]
    first = next(ln for ln in lines.lines if ln.text == issuer)
    beside = [ln for ln in lines.lines if ln.row == first.row and ln is not first]
    assert [ln.text for ln in beside] in (["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["ĐẢNG CỘNG SẢN VIỆT NAM"])
    assert first.x1 is not None and beside[0].x0 is not None and first.x1 < beside[0].x0
    assert first.page == beside[0].page == 1
    # the number line and the place-and-date line stand side by side too, each its own line
    number = next(ln for ln in lines.lines if ln.text == normalize_text(" ".join(str(spec["number_line"]).split())))
    date = next(ln for ln in lines.lines if ln.text == normalize_text(" ".join(str(spec["place_date"]).split())))
    assert number.row == date.row


def test_body_paragraphs_read_through_in_order(sample: tuple[Path, Lines]) -> None:
    pdf, lines = sample
    text = running_text(lines)
    body = spec_of(pdf)["body"]
    at = 0
    for item in body:  # type: ignore[attr-defined]
        found = text.find(spec_paragraph(item), at)
        assert found >= at, spec_paragraph(item)
        at = found


def test_footnotes_are_lines_with_their_marker(sample: tuple[Path, Lines]) -> None:
    pdf, lines = sample
    notes: dict[str, list[str]] = defaultdict(list)
    for ln in lines.lines:
        if ln.note is not None:
            notes[ln.note].append(ln.text)
    expected = spec_of(pdf).get("footnotes") or {}
    assert {k: join_lines(v) for k, v in notes.items()} == {k: normalize_text(v) for k, v in expected.items()}  # type: ignore[attr-defined]


def test_page_numbers_and_rules_are_dropped(sample: tuple[Path, Lines]) -> None:
    _, lines = sample
    for ln in lines.lines:
        assert not re.fullmatch(r"[-\s\d]*", ln.text), ln
        assert "___" not in ln.text and "---" not in ln.text


def test_closing_rows_pair_noi_nhan_and_signer(sample: tuple[Path, Lines]) -> None:
    pdf, lines = sample
    spec = spec_of(pdf)
    noi_nhan = next(ln for ln in lines.lines if ln.text.startswith("Nơi nhận"))
    signer = normalize_text(spec["signer"]["lines"][0])  # type: ignore[index]
    right = [ln.text for ln in lines.lines if ln.row == noi_nhan.row and ln is not noi_nhan]
    assert right == [signer] or not right  # the signer's first line stands beside "Nơi nhận:" when it can
    names = [ln for ln in lines.lines if ln.text == normalize_text(spec["signer"]["name"])]  # type: ignore[index]
    assert names and names[-1].x0 is not None and noi_nhan.x1 is not None and names[-1].x0 > noi_nhan.x1


@pytest.mark.parametrize("pdf", SAMPLE_PDFS[:3], ids=lambda p: p.stem)
def test_engines_give_the_same_lines(pdf: Path) -> None:
    fast, slow = (read_pdf_lines(pdf, engine=e) for e in ENGINES)

    def seen(lines: Lines) -> list[tuple[str, int | None, str | None, bool | None, float | None]]:
        return [(ln.text, ln.page, ln.note, ln.bold, ln.size) for ln in lines.lines]

    assert seen(fast) == seen(slow)
    assert [ln.row for ln in fast.lines] == [ln.row for ln in slow.lines]


# --- ruled tables ------------------------------------------------------------------------------


def table_rows(lines: Lines) -> dict[tuple[int, int], dict[int, list[Line]]]:
    rows: dict[tuple[int, int], dict[int, list[Line]]] = defaultdict(lambda: defaultdict(list))
    for ln in lines.lines:
        if ln.cell is not None:
            rows[(ln.cell.table, ln.cell.row)][ln.cell.col].append(ln)
    return rows


def test_table_cells_rebuild_the_docx_rows() -> None:
    from pipeline.readers.docx import read_docx

    truth = [p.text for p in read_docx(TASK_TABLE.with_suffix(".docx")).paragraphs if " | " in p.text]
    lines = read_pdf_lines(TASK_TABLE)
    rows = table_rows(lines)
    assert {table for table, _ in rows} == {0}  # one table, though it runs onto page 2
    got = []
    for key in sorted(rows):
        cells = rows[key]
        count = {ln.cell.cols for col in cells.values() for ln in col if ln.cell}
        assert len(count) == 1
        texts = [join_lines([ln.text for ln in cells.get(c, [])]) for c in range(count.pop())]
        got.append(re.sub(r"\s+", " ", " | ".join(texts)).strip())
    assert got == truth  # the header row LibreOffice repeats on page 2 is dropped
    # row 3, split by the page break, is one row whose cells hold lines of both pages
    assert {ln.page for col in rows[(0, 3)].values() for ln in col} == {1, 2}
    # a multi-line cell: each of its lines carries the cell, with the cell's extent in the table
    head = rows[(0, 0)]
    assert [ln.text for ln in head[2]] == ["Cơ quan chủ", "trì"]
    cell = head[2][0].cell
    assert cell is not None and cell.cols == 5 and 0 < cell.x0 < cell.x1 < 1
    assert {ln.cell for ln in head[2]} == {cell}
    # the first lines of a row's cells stand side by side: one visual row
    assert len({col[0].row for col in head.values()}) == 1


def test_table_sits_between_the_paragraphs_around_it() -> None:
    lines = read_pdf_lines(TASK_TABLE)
    texts = [ln.text for ln in lines.lines]
    start = texts.index("Các nhiệm vụ cụ thể như sau:")
    assert lines.lines[start + 1].cell is not None
    end = texts.index("III. TỔ CHỨC THỰC HIỆN")
    assert all(ln.cell is not None for ln in lines.lines[start + 1 : end])


def _place(text: str, x: float, top: float, size: float = 13.0, bold: bool = False) -> list[Word]:
    words = []
    for w in text.split():
        width = 0.5 * size * len(w)
        words.append(Word(w, x, x + width, top, top + size, size, bold, False))
        x += width + 0.3 * size
    return words


def test_a_header_drawn_with_borders_is_reported_as_cells() -> None:
    """The old layout reads a ruled header as text (a zone decision); the lines report its cells and
    leave the decision to the grammar."""
    rules = [Rule(85, y, 538, y) for y in (40, 100)] + [Rule(x, 40, x, 100) for x in (85, 280, 538)]
    words = _place("ỦY BAN NHÂN DÂN", 100, 50) + _place("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 290, 50)
    words += _place("Số: 12/UBND-VP", 100, 75) + _place("Độc lập - Tự do - Hạnh phúc", 320, 70)
    words += _place("Kính gửi: Sở Nội vụ.", 200, 130)
    words += _place("Đề nghị Sở Nội vụ báo cáo trước ngày 30/6/2026 về kết quả thực hiện.", 85, 160, 13.0)
    page = PageWords(1, 595, 842, words, rules)
    lines = to_lines([page], "<ruled header>")
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for ln in lines.lines:
        if ln.cell is not None:
            cells[(ln.cell.row, ln.cell.col)].append(ln.text)
    assert cells == {
        (0, 0): ["ỦY BAN NHÂN DÂN", "Số: 12/UBND-VP"],
        (0, 1): ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
    }
    assert next(ln.text for ln in lines.lines if ln.cell is None) == "Kính gửi: Sở Nội vụ."
    layout = grammar_layout(to_lines([page], "<ruled header>"))
    assert not any(" | " in p.text for p in layout.paragraphs)  # the first landing reads it as text


def test_a_footnote_running_over_the_page_break_keeps_its_marker() -> None:
    body = "Thực hiện kế hoạch của tỉnh về chuyển đổi số năm 2026 các cơ quan báo cáo kết quả hằng quý¹"
    page1 = _place(body, 85, 100, 14.0) + _place("¹ Kế hoạch số 45/KH-UBND ngày 05/3/2026 của Ủy", 85, 780, 11.0)
    page1 += _place("ban nhân dân tỉnh về chuyển đổi số", 85, 795, 11.0)
    page2 = _place("và báo cáo trước ngày 15 hằng tháng cuối quý.", 85, 100, 14.0)
    page2 += _place("Lào Cai (hết trích dẫn).", 85, 770, 11.0)
    pages = [PageWords(1, 595, 842, page1), PageWords(2, 595, 842, page2)]
    lines = to_lines(pages, "<footnote over the break>")
    notes = [(ln.page, ln.note, ln.text) for ln in lines.lines if ln.note]
    assert notes == [
        (1, "1", "Kế hoạch số 45/KH-UBND ngày 05/3/2026 của Ủy"),
        (1, "1", "ban nhân dân tỉnh về chuyển đổi số"),
        (2, "1", "Lào Cai (hết trích dẫn)."),
    ]
    first = next(ln for ln in lines.lines if ln.note)
    assert first.x0 is not None and first.x0 > 85  # the marker "¹" is not part of the line


# --- the corpus công văn ---------------------------------------------------------------------


def test_seed003_lines(corpus: Path) -> None:
    lines = read_pdf_lines(corpus / "docs" / "seed003-pdf.pdf")
    spec = json.loads((corpus / "specs" / "seed003.json").read_text(encoding="utf-8"))
    text = running_text(lines)
    for item in spec["body"]:
        assert spec_paragraph(item) in text
    notes = [ln for ln in lines.lines if ln.note]
    assert {ln.note for ln in notes} == {"1"} and notes[0].text.startswith("Kế hoạch số 164/KH-UBND")
    assert lines.page_count == 3


# --- the real kinds of PDF (fixtures built by tests/fixtures/pdf/build_real_kinds.py) -------------

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"


def _plain_text(pdf: Path) -> str:
    """What PDFium's text page holds, the way a plain-text extractor sees the file."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_numbers_stamped_after_signing_are_read_into_their_blanks(engine: str) -> None:
    """An e-office system stamped "125" and "05" into "Số:      /STC-QLNS" and "ngày    tháng" as
    annotations: not in the text page, read from their appearance and merged where they print."""
    pdf = FIXTURES / "eoffice-stamped.pdf"
    assert "125" not in _plain_text(pdf)  # the case: the text page leaves the stamps out
    texts = [ln.text for ln in read_pdf_lines(pdf, engine=engine).lines]  # type: ignore[arg-type]
    assert "Số: 125 /STC-QLNS" in texts
    assert "Ninh Bình, ngày 05 tháng 3 năm 2026" in texts


def test_stamped_number_and_date_reach_the_record() -> None:
    from pipeline import extract

    record = extract(FIXTURES / "eoffice-stamped.pdf")
    assert (record.number, record.symbol, record.issued_date) == ("125", "STC-QLNS", "2026-03-05")


@pytest.mark.parametrize("engine", ENGINES)
def test_letters_from_a_fallback_font_stay_in_their_words(engine: str) -> None:
    from docx import Document

    pdf = FIXTURES / "fallback-font.pdf"
    fonts = {w.font.split("+")[-1] for p in page_words(pdf) for w in p.words if w.font}
    assert any(f.startswith("DejaVu") for f in fonts) and any(f.startswith("Liberation") for f in fonts)
    lines = read_pdf_lines(pdf, engine=engine)  # type: ignore[arg-type]
    source = [p.text for p in Document(str(pdf.with_suffix(".docx"))).paragraphs]
    assert " ".join(ln.text for ln in lines.lines) == normalize_text(" ".join(source))
    assert lines.lines[0].text == "BẢO HIỂM XÃ HỘI VIỆT NAM"


def test_signature_notes_and_gazette_heads_are_page_furniture() -> None:
    from pipeline.readers.pdf.furniture import drop_page_furniture

    words = _place("Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 22, 4, 6.0)
    words += _place("Cơ quan: VĂN PHÒNG CHÍNH PHỦ", 22, 11, 6.0)
    words += _place("Ngày ký: 2026-06-02 08:06:33 +07:00", 22, 18, 6.0)
    words += _place("CÔNG BÁO/Số 302/Ngày 02-06-2026", 205, 30, 12.0) + _place("44", 525, 30, 12.0)
    words += _place("THỦ TƯỚNG CHÍNH PHỦ", 106, 71) + _place("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 71)
    words += _place("Cơ quan: Sở Nội vụ chủ trì, phối hợp với các sở, ngành.", 85, 400)
    page = PageWords(1, 595, 842, words)
    kept = drop_page_furniture(build_lines(page), page)
    assert [ln.text for ln in kept] == [
        "THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Cơ quan: Sở Nội vụ chủ trì, phối hợp với các sở, ngành.",  # a lone "Cơ quan:" is text
    ]


def test_hanoi_e_office_copy(corpus: Path) -> None:
    texts = [ln.text for ln in read_pdf_lines(corpus / "docs" / "hanoi_tb_453_flag.pdf").lines]
    assert "Số: 453 /TB-UBND" in texts
    assert "Hà Nội, ngày 29 tháng 4 năm 2026" in texts


def test_gazette_reprint_with_text_body(corpus: Path) -> None:
    lines = read_pdf_lines(corpus / "docs" / "cb_qd_892_ttg.pdf")
    assert not lines.scanned
    assert not any("CÔNG BÁO" in ln.text or ln.text.startswith(("Ký bởi", "Ngày ký")) for ln in lines.lines)
    first = lines.lines[:2]
    assert [ln.text for ln in first] == ["THỦ TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert first[0].row == first[1].row
    assert not any(re.fullmatch(r"\d{2,3}", ln.text) for ln in lines.lines)  # the gazette's page numbers
