"""Old and other office formats (Word 97-2003 .doc, RTF, OpenDocument .odt), read by having
LibreOffice convert them to DOCX first; also the one place that calls LibreOffice, for the
sample and fixture builders too.

Offices still receive .doc files from units that never moved on from Word 2003; refusing them
would push clerks into converting by hand, so they are converted here (about 1–2 s a file).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import UnreadableFile
from pipeline.layout import Layout
from pipeline.lines import Lines

MEDIA_TYPES = {
    "doc": "application/msword",
    "rtf": "application/rtf",
    "odt": "application/vnd.oasis.opendocument.text",
}


class LibreOfficeMissing(UnreadableFile):
    """LibreOffice is needed for this kind of file and is not installed."""

    reason_vi = "Máy chưa cài LibreOffice nên không đọc được tệp Word cũ (.doc), RTF hoặc ODT"
    advice_vi = "Báo quản trị hệ thống cài LibreOffice, hoặc lưu tệp dưới dạng DOCX hay PDF rồi gửi lại."
    advice_en = "Ask the administrator to install LibreOffice, or save the file as DOCX or PDF and drop it again."


def soffice() -> str | None:
    """The LibreOffice binary, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(paths: Sequence[Path], target: str, outdir: Path, timeout: float = 180) -> list[Path]:
    """Convert ``paths`` with LibreOffice to ``target`` ("docx", "pdf", "doc", ...) into ``outdir``.

    Each call uses a private profile, so parallel conversions (a batch, a test run, a watcher)
    never wait on one another's lock. Returns the converted files, in the order of ``paths``.
    """
    binary = soffice()
    if binary is None:
        raise LibreOfficeMissing(paths[0] if paths else "", "LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="directives-lo-") as profile:
        cmd = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *(str(p) for p in paths),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnreadableFile(paths[0], f"LibreOffice took longer than {timeout:.0f} s to convert it") from exc
    extension = target.split(":", 1)[0]
    return [outdir / f"{p.stem}.{extension}" for p in paths]


def read_office_lines(path: Path, media_type: str) -> Lines:
    """Read a .doc / .rtf / .odt file through its DOCX conversion."""
    from pipeline.readers.docx import read_docx_lines

    with tempfile.TemporaryDirectory(prefix="directives-doc-") as tmp:
        (converted,) = convert([path], "docx:MS Word 2007 XML", Path(tmp))
        if not converted.is_file():
            raise UnreadableFile(path, "LibreOffice could not open it (the file may be damaged)")
        lines = read_docx_lines(converted)
    lines.path = str(path)
    lines.media_type = media_type
    return lines


def read_office(path: Path, media_type: str) -> Layout:
    """Read a .doc / .rtf / .odt file into a zoned :class:`Layout` (its lines through the document grammar)."""
    from pipeline.grammar import layout

    return layout(read_office_lines(path, media_type))
