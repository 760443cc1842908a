"""Word 97-2003 (.doc), RTF and ODT files are read through LibreOffice's DOCX conversion, and give
the same header as the DOCX they were saved from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import extract
from pipeline.readers import office, sniff
from tests.conftest import SAMPLES

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")

HEADER = ["issuer", "doc_type", "code", "place", "issued_date", "subject", "recipients", "signer", "distribution"]


@pytest.fixture(scope="module")
def saved_as(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """cv-ubnd-tinh saved by LibreOffice as .doc, .rtf and .odt (one conversion run each)."""
    out = tmp_path_factory.mktemp("office")
    docx = SAMPLES / "cv-ubnd-tinh.docx"
    return {fmt: office.convert([docx], fmt, out)[0] for fmt in ("doc", "rtf", "odt")}


@pytest.mark.parametrize("fmt", ["doc", "rtf", "odt"])
def test_old_office_formats_read_like_the_docx(saved_as: dict[str, Path], fmt: str) -> None:
    path = saved_as[fmt]
    assert sniff(path) == office.MEDIA_TYPES[fmt]
    record = extract(path).model_dump()
    expected = json.loads((SAMPLES / "cv-ubnd-tinh.expected.json").read_text(encoding="utf-8"))
    assert {f: record[f] for f in HEADER} == {f: expected[f] for f in HEADER}
    assert record["source"]["media_type"] == office.MEDIA_TYPES[fmt]
    assert record["source"]["path"] == str(path)
    assert len(record["tasks"]) == len(expected["tasks"])
