"""Shared fixtures: where the samples and the shared corpus are, and a way to run the pipeline
on a text snippet."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from models import Record, Source
from pipeline import extract_layout
from pipeline.normalize import normalize_text
from pipeline.readers.text import layout_of_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus beside the repo; tests that need it skip on a user's clone."""
    if not (CORPUS / "gold").is_dir():
        pytest.skip("the shared corpus (../shared/corpus) is not present")
    return CORPUS


def record_from_text(text: str) -> Record:
    """Run every extractor on a text snippet laid out as a converter would print it."""
    norm = normalize_text(text)
    layout = layout_of_text(norm, "<snippet>")
    sha = hashlib.sha256(norm.encode()).hexdigest()
    return extract_layout(layout, Source(path="<snippet>", sha256=sha, media_type="text/plain"))
