"""edXML export: the message of a real document, read back field by field; the export command."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from pipeline import extract
from pipeline.edxml import NS, Organ, document_type_code, edxml_message, read_edxml
from tests.conftest import ROOT, SAMPLES
from tests.conftest_sinks import make_record

ORGAN_IDS = {"Ủy ban nhân dân tỉnh Khánh Hòa": "000.00.00.H34", "Sở Y tế": "000.00.14.H34"}


def test_every_header_field_reads_back_from_the_record() -> None:
    record = extract(SAMPLES / "cv-khan.pdf")
    message = edxml_message(record, ORGAN_IDS, now=datetime(2026, 3, 10, 8, 30, tzinfo=UTC))
    header = read_edxml(message.xml)
    assert header == message.header
    assert header.sender == Organ("000.00.00.H34", "Ủy ban nhân dân tỉnh Khánh Hòa", "")
    assert (
        header.receivers == [Organ("000.00.14.H34", "Sở Y tế")] == [Organ(ORGAN_IDS[r], r) for r in record.recipients]
    )
    assert (header.code_number, header.code_notation) == ("1307", "UBND-VX") == (record.number, record.symbol)
    assert (header.place, header.promulgation_date) == ("Khánh Hòa", "2026/03/09")
    assert (header.type, header.type_name) == (2, "Công văn")
    assert header.subject == record.subject == "triển khai biện pháp cấp bách phòng, chống dịch sốt xuất huyết"
    assert (header.competence, header.position, header.full_name) == (
        record.signer.authority,
        record.signer.title,
        record.signer.name,
    )
    assert header.full_name and header.position
    assert header.priority == 1  # Khẩn
    assert header.steering_type == 1  # it assigns tasks
    assert header.due_date == "2026/03/20"  # the earliest task deadline
    assert header.to_places == record.distribution
    assert header.page_amount == 1
    assert header.document_id == "000.00.00.H34,2026/03/09,1307/UBND-VX"
    assert message.warnings == []

    root = etree.fromstring(message.xml)
    assert root.tag == f"{{{NS}}}edXML"
    stamp = root.find(f".//{{{NS}}}TraceHeader/{{{NS}}}Timestamp")
    assert stamp is not None and stamp.text == "2026/03/10 08:30:00"
    encoded = root.find(f"{{{NS}}}AttachmentEncoded/{{{NS}}}Attachment/{{{NS}}}ContentTransferEncoded")
    assert encoded is not None and encoded.text is not None
    assert base64.b64decode(encoded.text) == (SAMPLES / "cv-khan.pdf").read_bytes()
    assert header.attachments == ["cv-khan.pdf"]


def test_gaps_are_warned_about_not_invented() -> None:
    record = make_record()  # issued "2026-03": no day; no organ ids configured; the file is not on disk
    message = edxml_message(record)
    header = read_edxml(message.xml)
    assert header.promulgation_date == "" and header.sender.organ_id == ""
    assert header.document_id == ",,100/UBND-NC"
    assert header.priority == 3  # Hỏa tốc
    assert header.attachments == []
    assert len(message.warnings) == 3
    assert all(" / " in w for w in message.warnings)  # Vietnamese, then English


@pytest.mark.parametrize(
    ("code", "expected"),
    [("12/2024/QĐ-UBND", 1), ("125/UBND-NC", 2), ("33-KH/TU", 2), (None, 2)],
)
def test_document_type_code(code: str | None, expected: int) -> None:
    record = make_record()
    record.code = code
    assert document_type_code(record) == expected


def test_export_command_writes_one_message_per_file(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("không phải văn bản", encoding="utf-8")
    out = tmp_path / "edxml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "export",
            "edxml",
            str(SAMPLES / "cv-ubnd-tinh.pdf"),
            str(bad),
            str(SAMPLES / "kh-tinh-uy.docx"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env={**os.environ, "DIRECTIVES_EDXML_ORGAN_IDS": '{"Ủy ban nhân dân tỉnh Thái Nguyên": "000.00.00.H55"}'},
    )
    assert done.returncode == 1  # one file failed, the others were written
    assert sorted(p.name for p in out.iterdir()) == ["cv-ubnd-tinh.edxml", "kh-tinh-uy.edxml"]
    assert f"directives: {bad}: " in done.stderr
    first = read_edxml((out / "cv-ubnd-tinh.edxml").read_bytes())
    assert first.document_id == "000.00.00.H55,2026/03/05,125/UBND-NC"
    party = read_edxml((out / "kh-tinh-uy.edxml").read_bytes())
    record = extract(SAMPLES / "kh-tinh-uy.docx")
    assert (party.code_number, party.code_notation, party.sender.name) == (
        record.number,
        record.symbol,
        record.issuer.name,
    )
