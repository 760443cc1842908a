"""Deadlines, recurrence and report recipients (extractors/deadlines.py)."""

from __future__ import annotations

import pytest

from extractors.deadlines import cell_deadline, find_deadline, find_recurrence, find_report_to


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoàn thành trước ngày 30/6/2026.", "2026-06-30"),
        ("chậm nhất ngày 15/7/2026", "2026-07-15"),
        ("chậm nhất là ngày 05 tháng 8 năm 2026", "2026-08-05"),
        ("hoàn thành trong tháng 3/2026", "2026-03"),
        ("trong tháng 9 năm 2026", "2026-09"),
        ("trước ngày 15/7", "2026-07-15"),  # no year: the document's
        ("trong quý II/2026", "2026-06-30"),  # a quarter is its last day
        ("Thời gian thực hiện: Quý IV năm 2026", "2026-12-31"),
        ("trong 6 tháng đầu năm 2026", "2026-06-30"),
        ("hoàn thành trong năm 2027.", "2027"),
        ("Kế hoạch số 22-KH/TU ngày 13/12/2025 của Ban Thường vụ", None),  # an instrument's date
        ("kế hoạch năm 2026 của tỉnh", None),  # "năm 2026" alone is no deadline
        ("số liệu tính đến ngày 31/12/2025", None),  # a data cut-off
        ("phấn đấu đến năm 2030 đạt 100%", None),  # a target year
        # the report date is the deadline only when nothing else is
        ("hoàn thành trước 30/6/2026; báo cáo kết quả trước 15/7/2026", "2026-06-30"),
        ("báo cáo UBND tỉnh (qua Sở Nội vụ) trước ngày 15/12/2026", "2026-12-15"),
        # a period's end is not the deadline when a report date is given
        ("mở đợt cao điểm từ ngày 10/02/2026 đến hết ngày 05/3/2026; báo cáo trước ngày 10/3/2026", "2026-03-10"),
        ("Kế hoạch số 43-KH/ĐU ngày 12/02/2026; xong trước ngày 01/9/2026", "2026-09-01"),
        # a range after a cue is due at its end
        ("Thời gian thực hiện: 29/6/2026 - 09/7/2026", "2026-07-09"),
        ("Thời gian: từ 10/7 đến ngày 13/7/2026", "2026-07-13"),
        ("hoàn thành trước ngày 30/6/2026 - báo cáo kết quả", "2026-06-30"),  # a dash, but no second date
        ("Tổng kết giai đoạn 2013-2015 vào năm 2015", "2015"),
        ("triển khai các nhiệm vụ từ năm 2026 đến năm 2028", "2028"),  # a period from a year: its end
        ("mục tiêu từ nay đến năm 2030", None),  # a target, no start
        ("nhiệm vụ trọng tâm từ nay đến tháng 6/2027", "2027-06"),
        ("treo cờ từ ngày 10/5/2026 đến hết ngày 14/5/2026", "2026-05-14"),
        ("định kỳ hàng năm (trước ngày 15/11) báo cáo kết quả", None),  # a yearly date recurs
        ("gửi Ủy ban nhân dân tỉnh trước ngày 30 tháng 11 hằng năm", None),
        ("Từ năm 2026 đến năm 2030 và tiếp theo", None),  # open-ended
        ("Phát huy sức mạnh tổng hợp (Quý IV/2026, Quý I/2027 và thường xuyên).", "2027-03-31"),
        ("Tổ chức bảo đảm phương tiện (năm 2026 và kiện toàn thường xuyên hàng năm).", "2026"),
        ("Thời gian: 1/2 ngày", None),  # half a day, not the 1st of February
    ],
)
def test_deadline(text: str, expected: str | None) -> None:
    assert find_deadline(text, 2026) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thường xuyên tổ chức công tác tuyên truyền", "thường xuyên"),
        ("tiếp công dân định kỳ và đột xuất.", "định kỳ và đột xuất"),
        ("định kỳ hằng quý tổng hợp, báo cáo", "định kỳ hằng quý"),
        ("định kỳ 6 tháng báo cáo Ban Thường vụ", "định kỳ 6 tháng"),
        ("tổ chức sơ kết hằng năm", "hằng năm"),
        ("báo cáo hàng tháng", "hàng tháng"),
        ("Tiếp tục quán triệt Kế hoạch số 22-KH/TU", None),
    ],
)
def test_recurrence(text: str, expected: str | None) -> None:
    assert find_recurrence(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("báo cáo UBND tỉnh (qua Sở Nội vụ) trước ngày 15/12/2026", "UBND tỉnh (qua Sở Nội vụ)"),
        (
            "kịp thời báo cáo Ủy ban nhân dân tỉnh (qua Thanh tra tỉnh tổng hợp, báo cáo) để xem xét",
            "Ủy ban nhân dân tỉnh (qua Thanh tra tỉnh)",
        ),
        ("báo cáo kết quả thực hiện về Sở Kế hoạch và Đầu tư để tổng hợp", "Sở Kế hoạch và Đầu tư"),
        ("báo cáo nhanh về Ủy ban nhân dân tỉnh khi xảy ra cháy rừng", "Ủy ban nhân dân tỉnh"),
        ("định kỳ hằng tháng báo cáo Chủ tịch Ủy ban nhân dân tỉnh kết quả thực hiện", "Chủ tịch Ủy ban nhân dân tỉnh"),
        ("gửi Sở Tài chính trước ngày 15/7/2026", "Sở Tài chính"),
        ("thực hiện chế độ báo cáo định kỳ.", None),
    ],
)
def test_report_to(text: str, expected: str | None) -> None:
    found = find_report_to(text)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Trước ngày 15/7/2026", "2026-07-15"),
        ("27/6/2026", "2026-06-27"),
        ("29/6/2026 - 09/7/2026", "2026-07-09"),
        ("10/7/2026 -\n13/7/2026", "2026-07-13"),
        ("Quý III/2026", "2026-09-30"),
        ("Tháng 9/2026", "2026-09"),
        ("Năm 2026", "2026"),
        ("Thường xuyên", None),
        ("Hằng năm", None),
        ("", None),
        ("2026 - 2027", "2027"),
        ("Tháng 11, 12/2026 và thường xuyên", "2026-12"),  # the last of a month list
        ("Ngày 26, 27/12/2026", "2026-12-27"),
        ("8h00-10h00 ngày 28/12/2026", "2026-12-28"),
        ("Chiều ngày 28/12 và cả ngày 29/12/2026", "2026-12-29"),
        ("Quý IV/2026, Quý I/2027", "2027-03-31"),
        ("Từ tháng 11/2026 trở đi", None),
        ("Sau khi có hướng dẫn của Bộ", None),
    ],
)
def test_cell_deadline(cell: str, expected: str | None) -> None:
    """A cell under "Thời gian thực hiện": the column header is the cue."""
    assert cell_deadline(cell, 2026) == expected
