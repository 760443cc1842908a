"""Limits on what one document may cost, on real files made to pass them: a zip bomb DOCX, a
package of many parts, a zip that lies about its sizes, a PDF with too many pages, a long text."""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

import pytest

from pipeline import limits
from pipeline.errors import TooLarge, UnreadableFile
from pipeline.limits import MB, Limits
from pipeline.readers import read
from pipeline.settings import get_settings
from tests.conftest import SAMPLES

DOCX = SAMPLES / "cv-khan.docx"


def bomb(path: Path, inflated: int, part: str = "word/document.xml") -> Path:
    """``DOCX`` with ``part`` inflated to ``inflated`` bytes of valid-looking XML (deflate packs it ~1000:1)."""
    with zipfile.ZipFile(DOCX) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info, zin.read(info))
                continue
            head, _, _ = zin.read(info).partition(b"<w:body>")
            with zout.open(part, "w", force_zip64=True) as fh:
                fh.write(head + b"<w:body>")
                chunk = b"<w:p><w:r><w:t>" + b"A" * MB + b"</w:t></w:r></w:p>"
                for _ in range(inflated // len(chunk) + 1):
                    fh.write(chunk)
                fh.write(b"</w:body></w:document>")
    return path


def test_zip_bomb_docx_is_refused_naming_the_part_and_the_setting(tmp_path: Path) -> None:
    path = bomb(tmp_path / "bomb.docx", 200 * MB)
    assert path.stat().st_size < 1 * MB
    with pytest.raises(TooLarge, match=r"word/document\.xml.*64 MB.*max_part_mb"):
        read(path)


def test_a_package_of_many_parts_each_under_the_part_limit_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(DOCX) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for n in range(6):
            zout.writestr(f"word/media/image{n}.png", b"\x00" * (900 * 1024))
    small = Limits(max_part_bytes=1 * MB, max_package_bytes=3 * MB)
    with limits.use(small), pytest.raises(TooLarge, match="max_package_mb"):
        read(path)
    assert read(path).paragraphs  # within the default limits it reads


def test_a_zip_that_lies_about_a_size_is_damaged_not_a_memory_blowup(tmp_path: Path) -> None:
    path = bomb(tmp_path / "liar.docx", 20 * MB)
    data = bytearray(path.read_bytes())
    # the central directory says word/document.xml holds 1 KB (offset 24: uncompressed size)
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        (name_length,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + name_length] == b"word/document.xml":
            struct.pack_into("<I", data, at + 24, 1024)
        at += 4
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="damaged"):
        read(path)


def test_pdf_with_more_pages_than_the_limit_is_refused(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(6):
        pdf.new_page(595, 842)
    path = tmp_path / "pages.pdf"
    pdf.save(str(path))
    pdf.close()
    with limits.use(Limits(max_pages=5)), pytest.raises(TooLarge, match=r"6 pages.*max_pages"):
        read(path)


def test_text_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes((SAMPLES / "cv-khan.txt").read_bytes() * 50)
    with limits.use(Limits(max_text_bytes=64 * 1024)), pytest.raises(TooLarge, match="max_text_mb"):
        read(path)


def test_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTIVES_MAX_PART_MB", "1.5")
    monkeypatch.setenv("DIRECTIVES_DOCUMENT_SECONDS", "30")
    got = Limits.from_settings(get_settings())
    assert got.max_part_bytes == int(1.5 * MB) and got.document_seconds == 30
    assert Limits() == Limits.from_settings(get_settings(max_part_mb=64, document_seconds=900))


@pytest.fixture
def no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder without directives.toml and an environment without DIRECTIVES_* variables."""
    for name in list(os.environ):
        if name.upper().startswith("DIRECTIVES_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_without_settings_the_limits_are_the_settings_defaults(no_settings: Path) -> None:
    assert not limits.settings_given()
    assert Limits.from_settings(get_settings()) == limits.DEFAULTS


def test_settings_given_looks_where_the_settings_do(no_settings: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import settings

    assert (limits._SETTINGS_ENV, limits._SETTINGS_FILE) == (settings.SETTINGS_ENV, settings.DEFAULT_SETTINGS_FILE)
    fields = {f"DIRECTIVES_{name.upper()}" for name in settings.Settings.model_fields}
    assert not limits._NOT_SETTINGS & fields
    monkeypatch.setenv("DIRECTIVES_PDF_ENGINE", "pdfplumber")  # no setting
    monkeypatch.setenv("DIRECTIVES_REGEX_CACHE", "off")
    assert not limits.settings_given()
    with monkeypatch.context() as m:
        m.setenv("directives_max_pages", "3")  # the settings read their variables in any case
        assert limits.settings_given()
    with monkeypatch.context() as m:
        m.setenv("DIRECTIVES_WEBHOOK__TIMEOUT", "3")  # a nested key, or a setting added later
        assert limits.settings_given()
    with monkeypatch.context() as m:
        m.setenv("DIRECTIVES_SETTINGS", str(no_settings / "elsewhere.toml"))
        assert limits.settings_given()
    (no_settings / "directives.toml").write_text("max_pages = 3\n", encoding="utf-8")
    assert limits.settings_given()
    assert Limits.from_settings(get_settings()).max_pages == 3
