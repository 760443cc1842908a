"""The PDF, DOCX and text of each sample give the same header fields, and they are the fields the
sample's expected record (written from the generator's spec, not by this code) says."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline import extract
from tests.conftest import SAMPLES

HEADER = [
    "issuer", "doc_type", "number", "symbol", "code", "place", "issued_date", "subject",
    "urgency", "confidentiality", "recipients", "signer", "distribution",
]  # fmt: skip
FORMS = ["txt", "docx", "pdf"]
NAMES = sorted(p.name[: -len(".expected.json")] for p in SAMPLES.glob("*.expected.json"))


@cache
def header_of(path: Path) -> dict[str, Any]:
    record = extract(path).model_dump()
    return {field: record[field] for field in HEADER}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", NAMES)
def test_sample_header_matches_expected(name: str, form: str) -> None:
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    got = header_of(SAMPLES / f"{name}.{form}")
    assert got == {field: expected[field] for field in HEADER}


@pytest.mark.parametrize("name", NAMES)
def test_pdf_docx_and_text_agree(name: str) -> None:
    headers = [header_of(SAMPLES / f"{name}.{form}") for form in FORMS]
    assert headers[0] == headers[1] == headers[2]


# --- the shared corpus: real documents as found, and each rendered to DOCX and PDF -----------------------

CORPUS_FIELDS = ["issuer", "doc_type", "number", "code", "place", "issued_date", "subject", "signer"]


def _corpus_names() -> list[str]:
    from tests.conftest import CORPUS

    docs = CORPUS / "docs"
    if not docs.is_dir():
        return []
    return sorted(
        p.stem[: -len("-docx")] for p in docs.glob("*-docx.docx") if (docs / f"{p.stem[:-5]}-pdf.pdf").exists()
    )


def _ocr_text(name: str) -> bool:
    """Was the text form made by OCR (SOURCES.tsv's form column)? OCR misreads letters a rendering does not."""
    from tests.conftest import CORPUS

    for line in (CORPUS / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if cells and cells[0] == name:
            return "OCR" in (cells[8] if len(cells) > 8 else "")
    return False


def _fold(header: dict[str, Any]) -> dict[str, Any]:
    """Compared as the scorer compares (case, spacing and tone placement folded)."""
    import sys

    from tests.conftest import CORPUS

    sys.path.insert(0, str(CORPUS.parent / "tools"))
    import score  # the shared scorer

    def fold(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fold(v) for k, v in value.items() if k != "parent"}
        return score.norm(value)

    return {k: fold(v) for k, v in header.items()}


@pytest.mark.skipif(not _corpus_names(), reason="the shared corpus (../shared/corpus) is not present")
@pytest.mark.parametrize("name", _corpus_names())
def test_corpus_forms_agree(name: str) -> None:
    from tests.conftest import CORPUS

    docs = CORPUS / "docs"

    def header(path: Path) -> dict[str, Any]:
        record = extract(path).model_dump()
        return _fold({field: record[field] for field in CORPUS_FIELDS})

    docx, pdf = header(docs / f"{name}-docx.docx"), header(docs / f"{name}-pdf.pdf")
    assert docx == pdf
    text = docs / f"{name}.txt"
    if text.exists() and not _ocr_text(name):
        assert header(text) == docx
