"""The record shown in its source: every span the record stores lands on the text it names."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from pipeline.annotate import SPANS_KEY, review_doc
from pipeline.stages import read_and_extract
from tests.conftest import SAMPLES


def test_record_spans_and_pipeline_spans_mark_the_source_text() -> None:
    layout, record = read_and_extract(SAMPLES / "cv-ubnd-tinh.pdf")
    doc = review_doc(layout, record)
    assert doc.text == layout.text
    spans = doc.spans[SPANS_KEY]
    refs = Counter(s.label_ for s in spans if s.label_.startswith("REF "))
    assert refs == Counter({f"REF {r.code}": len(r.spans) for r in record.references})
    for s in spans:
        if s.label_.startswith("REF "):
            # a mention's text holds the number of what it cites ("Kế hoạch số 164/KH-UBND"),
            # or is an alias defined for it ("Kế hoạch 164")
            ref = next(r for r in record.references if s.label_ == f"REF {r.code}")
            assert ref.code.split("/")[0].split("-")[0] in s.text or any(a in s.text for a in ref.aliases)
    tasks = [s for s in spans if s.label_.startswith("TASK ")]
    assert len(tasks) == len(record.tasks)
    first = record.tasks[0]
    assert first.text[:30] in tasks[0].text
    # the spaCy pipeline's own finds, on underthesea's words
    agencies = {s.text for s in spans if s.label_ == "AGENCY"}
    assert "Sở Nội vụ" in agencies
    assert any(s.label_ == "DEADLINE" and "30/6/2026" in s.text for s in spans)


def test_annotate_command_writes_a_page(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "annotate", str(SAMPLES / "kh-tinh-uy.txt"), "--html", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") or "<html" in page[:200].lower()
    assert "REF 21-KL/TW" in page and "TASK " in page
