"""The readers' registry: one entry per format, and every list of formats derives from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import batch
from pipeline.errors import UnsupportedFormat
from pipeline.readers import READERS, formats, read, read_lines, sniff, suffixes


def test_the_batch_and_the_clerks_message_list_what_the_readers_read() -> None:
    listed = {s for r in READERS for s in r.suffixes}
    assert batch.DOCUMENT_SUFFIXES == suffixes() == listed
    assert {".pdf", ".docx", ".doc", ".odt", ".rtf", ".htm", ".html", ".txt", ".md"} <= listed
    message = UnsupportedFormat("x.exe", "unsupported").for_clerk()
    for reader in READERS:
        assert reader.label in message
    assert formats() in message


def test_an_unknown_format_names_what_is_read(tmp_path: Path) -> None:
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ\x90\x00" * 10)
    with pytest.raises(UnsupportedFormat, match=r"\.exe.*PDF, DOCX"):
        sniff(exe)


# Word's "Save as Web Page": a header table, paragraphs with Word's classes and styles, a signature table
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8"><title>cv</title>
<style>p.MsoNormal {margin:0cm}</style></head><body lang=VI>
<table class=MsoTableGrid border=0><tr>
 <td width=250><p class=MsoNormal align=center><b>ỦY BAN NHÂN DÂN<br>TỈNH BÌNH AN</b></p>
  <p class=MsoNormal align=center>Số: 88/UBND-VX</p>
  <p class=MsoNormal align=center>V/v tổ chức ngày hội đọc sách</p></td>
 <td width=350><p class=MsoNormal align=center><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p>
  <p class=MsoNormal align=center><b>Độc lập - Tự do - Hạnh phúc</b></p>
  <p class=MsoNormal align=right><i>Bình An, ngày 02 tháng 4 năm 2026</i></p></td></tr></table>
<p class=MsoNormal>Kính gửi: Sở Văn hóa và Thể thao.</p>
<p class=MsoNormal style='text-align:justify'>Ủy ban nhân dân tỉnh giao Sở Văn hóa và Thể thao tổ chức
ngày hội đọc sách, báo cáo kết quả trước ngày 30/4/2026./.</p>
<table border=0><tr><td><p><b><i>Nơi nhận:</i></b><br>- Như trên;<br>- Lưu: VT, VX.</p></td>
<td><p align=center><b>TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH</b></p><p align=center><b>Lê Văn Tám</b></p></td></tr></table>
<script>var x = "not text";</script>
</body></html>"""


def test_word_saved_as_web_page(tmp_path: Path) -> None:
    page = tmp_path / "cv.htm"
    page.write_text(WORD_HTML, encoding="utf-8")
    assert sniff(page) == "text/html"
    lines = read_lines(page)
    assert all("not text" not in ln.text for ln in lines.lines)
    cells = {(ln.cell.table, ln.cell.col) for ln in lines.lines if ln.cell is not None}
    assert cells == {(1, 0), (1, 1), (2, 0), (2, 1)}
    layout = read(page)
    assert [ln for p in layout.zone("header_left") for ln in p.lines] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH BÌNH AN",
        "Số: 88/UBND-VX",
        "V/v tổ chức ngày hội đọc sách",
    ]
    assert [ln for p in layout.zone("closing_left") for ln in p.lines] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VX."]
    from pipeline import extract

    record = extract(page)
    assert (record.issuer.name, record.code, record.issued_date, record.signer.name) == (
        "Ủy ban nhân dân tỉnh Bình An",
        "88/UBND-VX",
        "2026-04-02",
        "Lê Văn Tám",
    )
    assert record.recipients == ["Sở Văn hóa và Thể thao"]
    assert [t.deadline for t in record.tasks] == ["2026-04-30"]
