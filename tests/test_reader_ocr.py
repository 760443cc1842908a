"""The OCR reader on a real scan: page 1 of a Kế hoạch of Trường Đại học Công Thương
TP.HCM (under Bộ Công Thương), read through the same entry point as any PDF.

What is asserted is what a person sees on the page image (the two-column header, the type
name, four "Căn cứ" paragraphs, the two numbered sections), compared with a fuzzy score
because the point of the warning is that OCR gets some diacritics wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from pipeline.errors import NoText
from pipeline.layout import Layout
from pipeline.readers.ocr import read_scanned_pdf
from pipeline.readers.pdf import read_pdf


@pytest.fixture(scope="module")
def scan(corpus: Path) -> Path:
    path = corpus / "unlabelled" / "kh753-scan.pdf"
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
    assert len(page1.warnings) == 1
    assert "OCR" in page1.warnings[0] and "đối chiếu với bản giấy" in page1.warnings[0]


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
