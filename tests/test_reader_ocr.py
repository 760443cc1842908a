"""The OCR reader on a real scan: page 1 of a Kế hoạch of Trường Đại học Công Thương
TP.HCM (under Bộ Công Thương), read through the same entry point as any PDF.

What is asserted is what a person sees on the page image (the two-column header, the type
name, four "Căn cứ" paragraphs, the two numbered sections), compared with a fuzzy score
because the point of the warning is that OCR gets some diacritics wrong."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz

from pipeline.errors import NoText
from pipeline.layout import Layout
from pipeline.lines import Lines
from pipeline.readers.ocr import read_scanned_pdf
from pipeline.readers.pdf import read_pdf


@pytest.fixture(scope="module")
def scan(corpus: Path) -> Path:
    path = corpus / "docs" / "kh753-scan.pdf"
    if not path.is_file():
        pytest.skip("kh753-scan.pdf is not in the corpus")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    return path


@pytest.fixture(scope="module")
def page1(scan: Path) -> Layout:
    return read_pdf(scan, max_pages=1)  # the PDF entry point sees no text layer and runs OCR


def best(texts: list[str], wanted: str) -> float:
    return max((fuzz.ratio(t.upper(), wanted.upper()) for t in texts), default=0.0)


def test_scan_goes_to_ocr_with_a_warning(page1: Layout) -> None:
    assert page1.pages == 1
    assert "OCR" in page1.warnings[0] and "đối chiếu với bản giấy" in page1.warnings[0]
    # the number (753) and the day (23) are written by hand: left blank with a warning, not misread
    assert page1.warnings[1:] == [
        "Chữ viết tay ở số văn bản (number), ngày (day) không đọc được chắc chắn nên để trống; hãy đọc trên bản "
        "giấy. (Handwriting in the header's number, day could not be read reliably and is left blank: read it off "
        "the paper.)"
    ]


def test_header_columns(page1: Layout) -> None:
    left = [p.text for p in page1.zone("header_left")]
    right = [p.text for p in page1.zone("header_right")]
    assert best(left, "BỘ CÔNG THƯƠNG") >= 85
    assert best(left, "TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG") >= 80
    assert best(left, "THÀNH PHỐ HỒ CHÍ MINH") >= 80
    assert any(t.startswith("Số") and "KH-DCT" in t for t in left)
    assert best(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") >= 90
    assert best(right, "Độc lập - Tự do - Hạnh phúc") >= 90
    assert any("tháng 6 năm 2026" in t for t in right)
    # nothing of the right column leaked into the left one, and the other way round
    assert not any("CỘNG" in t.upper() and "HÒA" in t.upper() for t in left)
    assert not any("THƯƠNG" in t for t in right)


def test_body_paragraphs(page1: Layout) -> None:
    body = [p.text for p in page1.zone("body")]
    assert body[0] == "KẾ HOẠCH"
    assert body[1].startswith("Khảo sát, xác định chỉ số hài lòng") and body[1].endswith("năm 2026")
    assert sum(t.startswith("Căn cứ") for t in body) == 4  # four căn cứ, each one paragraph
    assert any(t == "1. Mục đích" for t in body)
    assert any(t == "2. Yêu cầu thực hiện" for t in body)
    # a wrapped bullet comes back as one paragraph: "... đúng / phương pháp chọn mẫu ..."
    assert any("đúng phạm vi, đúng phương pháp chọn mẫu" in t for t in body)


def test_missing_tesseract_is_no_text(scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(NoText, match="tesseract is not installed"):
        read_scanned_pdf(scan, max_pages=1)


def test_missing_vietnamese_model_is_no_text(scan: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a tessdata folder with no models
    with pytest.raises(NoText, match="Vietnamese model is missing"):
        read_scanned_pdf(scan, max_pages=1)


# --- ruled tables on a scan ----------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TASK_TABLE = FIXTURES / "pdf" / "task_table.pdf"
TASK_TABLE_SCAN = FIXTURES / "ocr" / "task_table-scan.pdf"  # built by tests/fixtures/ocr/build_scan.py


def _rows(layout: Layout) -> list[str]:
    return [p.text for p in layout.paragraphs if p.zone == "body" and " | " in p.text]


def _grid_image(skew: float = 0.0) -> np.ndarray:
    """A white A4 page at 300 dpi with a 4-column ruled table (rules 4 px thick, one broken by
    a toner gap), some text-like strokes and a short rule under a header line."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    xs, ys = (300, 420, 1300, 1700, 2200), (1000, 1150, 1400, 1650)
    for y in ys:
        draw.line((xs[0], y, xs[-1], y), fill=30, width=4)
    for x in xs:
        draw.line((x, ys[0], x, ys[-1]), fill=30, width=4)
    draw.rectangle((800, 1395, 812, 1405), fill=255)  # a gap in the third rule
    draw.line((500, 300, 900, 300), fill=30, width=3)  # under the issuer: a rule, not a table
    for k in range(40):  # letters: short strokes, dense but never long
        draw.line((460 + 20 * k, 1200, 460 + 20 * k, 1240), fill=20, width=5)
        draw.line((460 + 20 * k, 1240, 470 + 20 * k, 1240), fill=20, width=5)
    return np.asarray(image.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255))


@pytest.mark.parametrize("skew", [0.0, 0.8])
def test_page_rules_find_the_table_borders_and_nothing_in_the_text(skew: float) -> None:
    from pipeline.readers.ocr import page_rules
    from pipeline.readers.pdf import grids

    rules = page_rules(_grid_image(skew), 300)
    pt = 72 / 300
    horizontal = sorted(r.top for r in rules if r.horizontal)
    vertical = sorted(r.x0 for r in rules if not r.horizontal)
    assert len(horizontal) == 5 and len(vertical) == 5  # the broken rule is one rule
    assert horizontal[0] == pytest.approx(300 * pt, abs=3)
    assert vertical == pytest.approx([x * pt for x in (300, 420, 1300, 1700, 2200)], abs=3)
    (grid,) = grids(rules)
    assert grid.cols == pytest.approx([x * pt for x in (300, 420, 1300, 1700, 2200)], abs=3)
    assert grid.rows == pytest.approx([y * pt for y in (1000, 1150, 1400, 1650)], abs=3 + 9 * skew)


def test_page_without_rules_costs_little() -> None:
    import time

    from pipeline.readers.ocr import page_rules

    blank = np.full((3508, 2480), 255, np.uint8)
    start = time.perf_counter()
    assert page_rules(blank, 300) == []
    assert time.perf_counter() - start < 1.0  # about 0.1 s; OCR of the page takes seconds


@pytest.fixture(scope="module")
def scanned_table() -> Layout:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    return read_pdf(TASK_TABLE_SCAN)


def test_scanned_ruled_table_reads_as_the_born_digital_one(scanned_table: Layout) -> None:
    truth = _rows(read_pdf(TASK_TABLE))
    got = _rows(scanned_table)
    assert scanned_table.scanned
    # the header row once (its repetition on page 2 dropped, though that page sits a few points
    # off), and the row split by the page break joined back: 9 rows as in the born-digital PDF
    assert len(got) == len(truth) == 9
    assert got[0] == truth[0]
    for ours, theirs in zip(got, truth, strict=True):
        assert ours.count(" | ") == theirs.count(" | ")
        assert fuzz.ratio(ours, theirs) >= 85, (ours, theirs)
    assert sum(fuzz.ratio(a, b) >= 97 for a, b in zip(got, truth, strict=True)) >= 7


def test_scanned_ruled_table_gives_one_task_per_row(scanned_table: Layout) -> None:
    from pipeline import extract

    truth = [t for t in extract(TASK_TABLE).tasks if t.ordinal.startswith("2.")]
    got = [t for t in extract(TASK_TABLE_SCAN).tasks if t.ordinal.startswith("2.")]
    assert [t.ordinal for t in got] == [t.ordinal for t in truth]  # one task per row, 8 rows
    same_lead = sum(
        len(a.lead) == len(b.lead) and all(fuzz.ratio(x, y) >= 85 for x, y in zip(a.lead, b.lead, strict=True))
        for a, b in zip(got, truth, strict=True)
    )
    assert same_lead == 8
    assert sum(a.deadline == b.deadline for a, b in zip(got, truth, strict=True)) >= 6


def test_scanned_table_as_lines_keeps_one_table_of_cells() -> None:
    """The positioned lines of the scan: every page marked as OCR'd, no weights (OCR has none), the
    table's cells as lines with their cell, one table over the page break, as on the born-digital PDF."""
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    from pipeline.readers.pdf import read_pdf_lines

    lines = read_pdf_lines(TASK_TABLE_SCAN)
    truth = read_pdf_lines(TASK_TABLE)
    assert lines.scanned and all(p.scanned for p in lines.pages) and lines.warnings
    assert {ln.bold for ln in lines.lines} == {None}

    def rows(of: Lines) -> set[tuple[int, int]]:
        return {(ln.cell.table, ln.cell.row) for ln in of.lines if ln.cell is not None}

    assert rows(lines) == rows(truth) == {(0, r) for r in range(9)}
    split = {ln.page for ln in lines.lines if ln.cell is not None and ln.cell.row == 3}
    assert split == {1, 2}


@pytest.fixture(scope="module")
def timetable(scan: Path) -> list[str]:
    return _rows(read_pdf(scan))


def test_kh753_timetable_rows(timetable: list[str]) -> None:
    """Mục 6 (Tiến độ thực hiện) on pages 3-4: a header row and five rows, each "TT | Nội dung
    công việc | Thời gian thực hiện | Đơn vị chủ trì/phối hợp"."""
    start = next(i for i, row in enumerate(timetable) if "Nội dung công việc" in row)
    header, rows = timetable[start], timetable[start + 1 :]
    assert best([header], "TT | Nội dung công việc | Thời gian thực hiện | Đơn vị chủ trì/phối hợp") >= 90
    assert len(rows) == 5  # the header repeated on page 4 is dropped
    assert all(row.count("|") == 3 for row in rows)  # four cells (an unread TT leaves the first empty)
    dates = ["27/6/2026", "30/6/2026", "29/6/2026", "13/7/2026", "15/7/2026"]
    for row, date in zip(rows, dates, strict=True):
        assert date in row
    assert "Trung tâm QLCL" in rows[-1] and "15/7/2026" in rows[-1]
    assert best(rows, "Chọn mẫu ngẫu nhiên, chuẩn bị tài khoản/đường dẫn và hướng dẫn khảo sát") >= 60


# --- portal scans and Công báo reprints (fixtures built by tests/fixtures/pdf/build_real_kinds.py) ---


def _needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")


def _text_page(pdf: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


@pytest.fixture(scope="module")
def portal_scan() -> Lines:
    _needs_tesseract()
    from pipeline.readers.pdf import read_pdf_lines

    return read_pdf_lines(FIXTURES / "ocr" / "portal-scan.pdf")


def test_portal_scan_is_read_by_ocr_without_its_signature_note(portal_scan: Lines) -> None:
    assert portal_scan.scanned and [p.scanned for p in portal_scan.pages] == [True]
    texts = [ln.text for ln in portal_scan.lines]
    for note in ("Người ký", "Email", "Cơ quan", "Thời gian ký", "CỔNG THÔNG TIN"):
        assert not any(note in t for t in texts), note
    assert texts[:2] == ["UBND TỈNH NINH BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]


def test_received_stamp_is_reported_and_kept_out_of_the_lines(portal_scan: Lines) -> None:
    from models.record import Received

    assert portal_scan.received == Received(number="1234", date="2026-05-05", time="09:30")
    texts = " ".join(ln.text for ln in portal_scan.lines)
    assert "1234" not in texts and "Giờ" not in texts and "9h30" not in texts and "05/5/2026" not in texts


def test_handwritten_number_and_day_are_read_in_their_blanks(portal_scan: Lines) -> None:
    """Written in blue into "Số:      /STC-QLNS" and "ngày    tháng 3": read again over the blank, the
    pen's ink isolated, and kept because the readings agree."""
    texts = [ln.text.replace(" ", "") for ln in portal_scan.lines[:8]]
    assert "Số:125/STC-QLNS" in texts
    assert "NinhBình,ngày05tháng3năm2026" in texts
    assert not any("viết tay" in w for w in portal_scan.warnings)


def test_portal_scan_record() -> None:
    _needs_tesseract()
    from pipeline import extract

    record = extract(FIXTURES / "ocr" / "portal-scan.pdf")
    assert (record.number, record.issued_date) == ("125", "2026-03-05")
    assert record.received is not None and record.received.number == "1234"


def test_gazette_reprint_with_image_bodies() -> None:
    """Running heads, page numbers and the "Ký bởi: CÔNG BÁO" note are text; the body is an image (OCR),
    and on page 2 the signer's block is text beside the image of Nơi nhận."""
    _needs_tesseract()
    from pipeline.readers.pdf import read_pdf_lines

    pdf = FIXTURES / "pdf" / "gazette-reprint.pdf"
    assert "CÔNG BÁO/Số 302" in _text_page(pdf) and "QUYẾT ĐỊNH" not in _text_page(pdf)
    lines = read_pdf_lines(pdf)
    assert [p.scanned for p in lines.pages] == [True, True]
    texts = [ln.text for ln in lines.lines]
    assert not any(
        "CÔNG BÁO" in t or t.startswith(("Ký bởi", "Ngày ký", "Cơ quan")) or t in ("44", "45") for t in texts
    )
    assert "QUYẾT ĐỊNH" in texts and any(t.startswith("Nơi nhận") for t in texts)
    signer = [ln for ln in lines.lines if ln.page == 2 and ln.bold]
    assert [ln.text for ln in signer] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Thành"]  # the text layer's


@pytest.mark.parametrize("name", ["nq_115_ba_vi", "cb_qd_109_btc", "tt_37_bca_vehicle"])
def test_real_handwritten_numbers_are_never_misread(corpus: Path, name: str) -> None:
    """Tesseract reads these handwritten numbers as "445", "409", "3ƒ": the number is left blank with a
    warning instead. Whatever is read must be the number on the paper."""
    _needs_tesseract()
    from pipeline.readers.pdf import read_pdf_lines

    gold = json.loads((corpus / "gold" / f"{name}.gold.json").read_text(encoding="utf-8"))
    lines = read_pdf_lines(corpus / "docs" / f"{name}.pdf", max_pages=1)
    assert lines.scanned
    number_line = next(ln.text for ln in lines.lines if ln.text.startswith("Số") and "/" in ln.text)
    digits = re.match(r"Số\s*:?\s*(\d*)", number_line)
    assert digits is not None and digits.group(1) in ("", gold["number"]), number_line
    if not digits.group(1):
        assert any("viết tay" in w and "number" in w for w in lines.warnings)
    texts = [ln.text for ln in lines.lines]
    assert not any(t.startswith(("Người ký", "Ký bởi", "Thời gian ký", "Ngày ký")) or "CÔNG BÁO/" in t for t in texts)


def test_a_d_bar_read_as_more_letters_is_one_letter_again() -> None:
    """Tesseract's hOCR for "Công văn số 3395/LĐTBXH-KHTC" in a dense bold code: the bar of the Đ read
    as two more (one of them the look-alike Latin eth, Ð). Three in a row are one again; two stay (the
    National Assembly delegation, ĐĐBQH)."""
    from pipeline.readers.ocr import words_from_hocr

    hocr = (
        "<span class='ocr_line' id='line_1_1' title=\"bbox 100 200 1400 250; baseline 0.001 -10; "
        'x_size 45; x_descenders 10">'
        "<span class='ocrx_word' id='word_1_1' title='bbox 100 205 300 245; x_wconf 91'>3395/LĐÐĐTBXH-KHTC</span> "
        "<span class='ocrx_word' id='word_1_2' title='bbox 320 205 500 245; x_wconf 90'>12/ĐĐBQH-VP</span>"
        "</span>"
    )
    assert [w.text for w in words_from_hocr(hocr, 72 / 300)] == ["3395/LĐTBXH-KHTC", "12/ĐĐBQH-VP"]


def test_a_code_read_at_no_confidence_is_kept_and_a_speck_is_not() -> None:
    """Tesseract's hOCR for an italic "Căn cứ Luật ... số 23/2004/QH11" (``tt_37_bca_vehicle.pdf``): the code read
    right, at confidence 0 (its dictionary holds no codes), beside specks at the same confidence."""
    from pipeline.readers.ocr import words_from_hocr

    hocr = (
        "<span class='ocr_line' id='line_1_1' title=\"bbox 100 200 1400 250; baseline 0.001 -10; "
        'x_size 45; x_descenders 10">'
        "<span class='ocrx_word' id='word_1_1' title='bbox 100 205 200 245; x_wconf 92'>Luật</span> "
        "<span class='ocrx_word' id='word_1_2' title='bbox 210 205 260 245; x_wconf 90'>số</span> "
        "<span class='ocrx_word' id='word_1_3' title='bbox 270 205 520 245; x_wconf 0'>23/2004/QH11</span> "
        "<span class='ocrx_word' id='word_1_4' title='bbox 530 205 560 245; x_wconf 4'>ii</span> "
        "<span class='ocrx_word' id='word_1_5' title='bbox 570 205 600 245; x_wconf 0'>1/</span> "
        "<span class='ocrx_word' id='word_1_6' title='bbox 610 205 860 245; x_wconf 6'>(48/2014QHI13,</span>"
        "</span>"
    )
    assert [w.text for w in words_from_hocr(hocr, 72 / 300)] == ["Luật", "số", "23/2004/QH11", "(48/2014QHI13,"]


def test_a_code_split_at_its_hyphen_and_a_capital_slip_are_mended() -> None:
    """A justified line's gap after a code's hyphen, read as a space ("306/2025/NĐ- CP)", cb_qd_109_btc.pdf),
    and a word's last letter read as a capital ("sỐ"); a hyphen before a word that is no ký hiệu stays."""
    from pipeline.readers.ocr import words_from_hocr

    def word(i: int, x: int, text: str) -> str:
        return f"<span class='ocrx_word' id='word_1_{i}' title='bbox {x} 205 {x + 90} 245; x_wconf 90'>{text}</span> "

    hocr = (
        "<span class='ocr_line' id='line_1_1' title=\"bbox 100 200 1400 250; baseline 0.001 -10; "
        'x_size 45; x_descenders 10">'
        + word(1, 100, "số")
        + word(2, 200, "306/2025/NĐ-")
        + word(3, 300, "CP)")
        + word(4, 400, "và")
        + word(5, 500, "sỐ")
        + word(6, 600, "12/KH-")
        + word(7, 700, "Sở")
        + "</span>"
        "<span class='ocr_line' id='line_1_2' title=\"bbox 100 260 1400 310; baseline 0.001 -10; "
        'x_size 45; x_descenders 10">' + word(8, 100, "UBND") + "</span>"
    )
    words = words_from_hocr(hocr, 72 / 300)
    assert [w.text for w in words] == ["số", "306/2025/NĐ-CP)", "và", "số", "12/KH-", "Sở", "UBND"]
    assert words[1].x1 == pytest.approx(390 * 72 / 300)


def _line_image(text: str, size: int = 42) -> np.ndarray:
    """A strip of page at 300 dpi holding ``text`` in a serif face, as a scan of print gives it."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", size)
    image = Image.new("L", (2480, 160), 255)
    ImageDraw.Draw(image).text((360, 50), text, font=font, fill=0)
    return np.asarray(image)


def _hocr(words: list[tuple[str, int, int, int, int, int]]) -> str:
    spans = "".join(
        f"<span class='ocrx_word' id='word_1_{k}' title='bbox {x0} {y0} {x1} {y1}; x_wconf {c}'>{t}</span> "
        for k, (t, x0, y0, x1, y1, c) in enumerate(words)
    )
    return (
        "<p class='ocr_par'><span class='ocr_line' id='line_1_1' title=\"bbox 300 40 2400 120; baseline 0 -20; "
        f'x_size 40; x_descenders 10">{spans}</span>\n</p>'
    )


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_a_weak_run_in_the_left_column_is_read_again_alone() -> None:
    """ "- Như trên;" read as a speck beside the signer's bold title (tesseract's page mode took the row as one
    line) is read again on its own and replaces the speck; a run tesseract was sure of, or one in the right half
    (the signature's column, where a seal's ring reads as words), is left as it was."""
    import pytesseract

    from pipeline.readers.ocr import words_from_hocr
    from pipeline.readers.reread import reread_weak_runs

    gray = _line_image("- Như trên;")
    weak = _hocr([("7", 362, 80, 378, 86, 41), ("nh", 480, 60, 620, 105, 3), ("PHÓ", 1600, 55, 1720, 105, 92)])
    words = [w.text for w in words_from_hocr(reread_weak_runs(pytesseract, gray, weak, "vie", 300), 72 / 300)]
    assert words[:3] == ["-", "Như", "trên;"] and words[-1] == "PHÓ"
    sure = _hocr([("Như", 380, 60, 470, 105, 91)])
    assert reread_weak_runs(pytesseract, gray, sure, "vie", 300) == sure
    right = _hocr([("nh", 1500, 60, 1640, 105, 3)])
    assert reread_weak_runs(pytesseract, gray, right, "vie", 300) == right


def test_a_speck_read_as_a_grave_accent_is_no_word() -> None:
    """ "`" or "~" alone is a speck, however sure tesseract is of it; a lone "-" or ";" is still text."""
    from pipeline.readers.ocr import words_from_hocr

    hocr = _hocr([("-", 360, 80, 378, 86, 90), ("Như", 392, 60, 470, 105, 95), ("`", 700, 60, 712, 70, 88)])
    assert [w.text for w in words_from_hocr(hocr, 72 / 300)] == ["-", "Như"]
