"""The sample fixtures agree with their specs: every form exists, says what the spec says, and
the expected records are well-formed records.

These test the generator's outputs (``samples/make_samples.py``), not the extractors.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from models.record import Record, task_id

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
sys.path.insert(0, str(SAMPLES))

import make_samples as ms  # noqa: E402

SPECS = {p.stem: ms.load_spec(p) for p in sorted((SAMPLES / "specs").glob("*.json"))}
NAMES = sorted(SPECS)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def flat(text: str) -> str:
    return ms.flat(text)


def test_every_expected_record_has_a_spec_and_every_spec_its_four_files() -> None:
    expected = {p.name.removesuffix(".expected.json") for p in SAMPLES.glob("*.expected.json")}
    assert expected == set(NAMES)
    for name in NAMES:
        for suffix in (".docx", ".pdf", ".txt", ".expected.json"):
            assert (SAMPLES / f"{name}{suffix}").is_file(), f"{name}{suffix} missing: run make_samples.py"


def test_the_required_forms_are_covered() -> None:
    assert any(s["pages"] >= 2 and s.get("footnotes") for s in SPECS.values())
    assert any(s.get("word_numbering") for s in SPECS.values())
    assert any(s.get("party") for s in SPECS.values())
    assert any((s.get("marks") or {}).get("urgency") for s in SPECS.values())


@pytest.mark.parametrize("name", NAMES)
def test_expected_record_is_what_the_spec_gives(name: str) -> None:
    on_disk = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert on_disk == ms.expected_record(SPECS[name])


@pytest.mark.parametrize("name", NAMES)
def test_expected_record_validates_as_a_record(name: str) -> None:
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    sha = "0" * 64
    data["source"] = {"path": f"{name}.docx", "sha256": sha, "media_type": "application/pdf"}
    for task in data["tasks"]:
        task["id"] = task_id(sha, task["ordinal"])
    record = Record.model_validate(data)
    assert record.schema_version == "1"
    assert record.code and record.symbol and record.issuer.name
    assert record.signer.name and record.signer.title
    assert record.distribution and record.distribution[-1].startswith("Lưu")


@pytest.mark.parametrize("name", NAMES)
def test_pdf_has_the_expected_pages_and_every_body_paragraph(name: str) -> None:
    spec = SPECS[name]
    pages = ms.pdf_text(SAMPLES / f"{name}.pdf")
    assert len(pages) == spec["pages"]
    # page numbers (from page 2) and footnote texts stand between the halves of a broken paragraph
    kept = [pages[0]] + ["\n".join(p.splitlines()[1:]) if p.strip() else p for p in pages[1:]]
    text = flat("\n".join(kept))
    for note_id, note in (spec.get("footnotes") or {}).items():
        assert note_id + flat(note) in text
        text = text.replace(note_id + flat(note), "")
    for block in spec["body"]:
        # a footnote's reference mark prints as its plain number
        printed = ms.FOOTNOTE_MARK.sub(lambda m: m.group(1), block["text"])
        assert flat(printed) in text, f"not in the PDF: {block['text'][:60]}"
    assert flat(spec["place_date"]) in flat(pages[0])
    assert flat(spec["signer"]["name"]) in flat(pages[-1])


@pytest.mark.parametrize("name", NAMES)
def test_text_has_every_body_paragraph_and_footnotes_where_they_fell(name: str) -> None:
    spec = SPECS[name]
    txt = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    notes = spec.get("footnotes") or {}
    blocks = txt.split("\n\n")
    for note_id in notes:
        mark = note_id.translate(ms.SUPERSCRIPT)
        assert sum(b.startswith(f"{mark} ") for b in blocks) == 1
    without_notes = "\n\n".join(b for b in blocks if not re.match(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+ ", b))
    for block in spec["body"]:
        assert flat(ms.with_superscripts(block["text"])) in flat(without_notes)
    assert ms.squeeze(spec["number_line"]) in txt
    for line in spec["issuer_lines"]:
        assert line["text"] in txt


def test_a_footnote_falls_mid_sentence_in_some_text() -> None:
    """Like the real seed003.txt: the footnote stands between two halves of one sentence."""
    found = False
    for name in NAMES:
        blocks = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8").split("\n\n")
        for before, note in itertools.pairwise(blocks):
            if re.match(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+ ", note) and not before.rstrip().endswith((".", ":", ";")):
                found = True
    assert found


@pytest.mark.parametrize("name", NAMES)
def test_docx_footnotes_and_numbering_are_real_word_parts(name: str) -> None:
    spec = SPECS[name]
    with zipfile.ZipFile(SAMPLES / f"{name}.docx") as z:
        names = set(z.namelist())
        document = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
        notes = spec.get("footnotes") or {}
        if notes:
            assert "word/footnotes.xml" in names
            assert "relationships/footnotes" in rels
            assert "wordprocessingml.footnotes+xml" in types
            footnotes = z.read("word/footnotes.xml").decode("utf-8")
            for note_id in notes:
                assert f'w:footnoteReference w:id="{note_id}"' in document
                assert f'w:footnote w:id="{note_id}"' in footnotes
        else:
            assert "footnoteReference" not in document
        if spec.get("word_numbering"):
            assert 'w:numId w:val="90"' in document
            # the generated labels are not typed into the text
            assert not re.search(r"<w:t[^>]*>(1\.|a\)) ", document)


@pytest.mark.parametrize("name", NAMES)
def test_docx_is_deterministic(name: str) -> None:
    built = ms.build_docx(SPECS[name])
    assert built == ms.build_docx(SPECS[name])
    assert built == (SAMPLES / f"{name}.docx").read_bytes(), "stale DOCX: run make_samples.py"


def test_reference_mentions_are_counted_from_the_text() -> None:
    text = "Kế hoạch số 164/KH-UBND (sau đây gọi tắt là Kế hoạch 164) ... Kế hoạch 164; Kế hoạch 1640"
    ref = {"code": "164/KH-UBND", "aliases": ["Kế hoạch 164"]}
    assert ms.count_mentions(ref, text) == 2
    assert ms.parse_place_date("Ninh Bình, ngày    tháng 3 năm 2026") == ("Ninh Bình", "2026-03")
    assert ms.parse_place_date("Lào Cai, ngày  tháng  năm 2026") == ("Lào Cai", "2026")
    assert ms.parse_code("Số:      /STC-QLNS", party=False) == (None, "STC-QLNS", "/STC-QLNS")
    assert ms.parse_code("Số 33-KH/TU", party=True) == ("33", "KH/TU", "33-KH/TU")
