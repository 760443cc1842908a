"""Dates as documents write them → ISO 8601, reduced precision for blanks."""

from __future__ import annotations

import pytest

from extractors.dates import find_dates, iso, parse_date, parse_long


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lào Cai, ngày 06 tháng 01 năm 2026", "2026-01-06"),
        ("Hà Nội, ngày   tháng 3 năm 2026", "2026-03"),
        ("Lào Cai, ngày     tháng     năm 2026", "2026"),
        ("Hà Nội, ngày … tháng … năm 2026", "2026"),
        # a handwritten day that OCR turned into a smudge: only month and year are known
        ("Thành phố Hồ Chí Minh, ngày khỗ tháng 6 năm 2026", "2026-06"),
        ("ngày 31 tháng 2 năm 2026", None),  # not a real date
        ("không có ngày tháng", None),
    ],
)
def test_parse_long(text: str, expected: str | None) -> None:
    found = parse_long(text)
    assert (found.iso if found else None) == expected


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("Kế hoạch số 22-KH/TU ngày 13/12/2025 của", None, ["2025-12-13"]),
        ("trước ngày 30/6/2026 và chậm nhất 15-7-2026", None, ["2026-06-30", "2026-07-15"]),
        ("trước ngày 15/7", 2026, ["2026-07-15"]),
        ("trước ngày 15/7", None, []),  # no year to give it
        ("hoàn thành trong tháng 9/2026", None, ["2026-09"]),
        ("trong tháng 03 năm 2026", None, ["2026-03"]),
        ("Nghị định số 30/2020/NĐ-CP", 2026, []),  # a code is not a date
        ("ngày 05 tháng 3 năm 2026 và ngày 13/12/2025", None, ["2026-03-05", "2025-12-13"]),
    ],
)
def test_find_dates(text: str, year: int | None, expected: list[str]) -> None:
    assert [d.iso for d in find_dates(text, year)] == expected


def test_spans_point_at_the_date() -> None:
    text = "trước ngày 30/6/2026."
    (found,) = find_dates(text)
    assert text[found.start : found.end] == "30/6/2026"
    assert parse_date(text) == "2026-06-30"


def test_iso_reduced_precision() -> None:
    assert (iso(2026, 3, None), iso(2026), iso(None, 3, 5), iso(2026, 13)) == ("2026-03", "2026", None, None)
