"""OCR's slips of a mark, mended by phrase (extractors/ocr_marks.py), on text and on a scan the team made."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import ocr_marks
from extractors.ocr_marks import mend
from pipeline.normalize import strip_accents

PHRASES = ocr_marks.phrases()


@pytest.mark.parametrize(("phrase", "slip"), PHRASES, ids=[p for p, _ in PHRASES])
def test_each_phrase_mends_the_slip_written_beside_it(phrase: str, slip: str) -> None:
    assert slip != phrase and strip_accents(slip).lower() == strip_accents(phrase).lower()
    assert mend(slip) == phrase
    assert mend(slip.upper()) == phrase.upper()  # the case OCR read is kept
    assert mend(f"Về việc {slip} năm 2026.") == f"Về việc {phrase} năm 2026."


def test_no_two_phrases_share_their_unmarked_letters() -> None:
    keys = [strip_accents(p).lower() for p, _ in PHRASES]
    assert len(keys) == len(set(keys))


def test_only_whole_phrases_change_and_other_words_stay_as_read() -> None:
    assert mend("bổ sung") == "bổ sung"
    assert mend("bỗ sungx và thỉ trường") == "bỗ sungx và thỉ trường"  # not a whole phrase; not in the list
    assert mend("phải sinh hoạt") == "phải sinh hoạt"
    # letters that run across two words of another phrase, or spell another word: left as printed
    for printed in ("phổ biến pháp luật", "điều chỉnh phù hợp", "chương trình đào tạo của khóa học", "mỗi trường"):
        assert mend(printed) == printed
    assert mend("Sửa   đối,\nbỗ sung") == "Sửa   đổi,\nbổ sung"  # spacing and line breaks kept
    assert mend("") == ""


SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "cv-khan.txt"


@pytest.mark.parametrize("scanned", [True, False])
def test_a_scans_subject_and_issuer_get_their_marks_back_and_print_keeps_what_it_prints(
    tmp_path: Path, scanned: bool
) -> None:
    from extractors import header
    from pipeline.readers import read

    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace(
        "V/v triển khai biện pháp cấp bách\nphòng, chống dịch sốt xuất huyết",
        "V/v sửa đối, bỗ sung\nkế hoạch kiếm định phương tiện",
    )
    text = text.replace("TỈNH KHÁNH HÒA", "TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG THÀNH PHÓ HỒ CHÍ MINH")
    path = tmp_path / "cv.txt"
    path.write_text(text, encoding="utf-8")
    layout = read(path)
    layout.scanned = scanned  # as the OCR reader marks a layout it read
    found = header.extract(layout)
    if scanned:
        assert found.subject == "sửa đổi, bổ sung kế hoạch kiểm định phương tiện"
        assert (found.issuer.name or "").lower() == "trường đại học công thương thành phố hồ chí minh"
    else:
        assert found.subject == "sửa đối, bỗ sung kế hoạch kiếm định phương tiện"
