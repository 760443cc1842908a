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
