"""The record's classes: dataclasses that dump as pydantic would and validate through pydantic.

Records are built without validation while a document is read (``models/record.py`` says why), so
these check that what the extractors build is a valid record, and that the plain-Python dump is
byte for byte what pydantic's serializer writes for the same record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from models import Agency, Record, Reference, Source, Span, Task
from pipeline import extract

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".txt", ".pdf", ".docx"})
ADAPTER: TypeAdapter[Record] = TypeAdapter(Record)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_extracted_record_validates_and_dumps_as_pydantic_does(path: Path) -> None:
    record = extract(path)
    again = Record.model_validate(record.model_dump(mode="json"))
    assert again == record  # nothing the extractors built is coerced or refused by the checks
    assert record.model_dump_json() == ADAPTER.dump_json(record).decode("utf-8")
    assert record.model_dump_json(indent=2) == ADAPTER.dump_json(record, indent=2).decode("utf-8")
    assert record.model_dump(mode="json") == ADAPTER.dump_python(record, mode="json")
    assert Record.model_validate_json(record.model_dump_json()) == record


def test_the_json_keeps_vietnamese_letters_as_written() -> None:
    record = Record(source=Source(path="a.txt", sha256="0" * 64, media_type="text/plain"), subject="Sở Nội vụ")
    assert '"subject":"Sở Nội vụ"' in record.model_dump_json()
    assert '"subject": "Sở Nội vụ"' in record.model_dump_json(indent=2)


def test_validation_refuses_what_the_contract_refuses() -> None:
    source = {"path": "a.txt", "sha256": "0" * 64, "media_type": "text/plain"}
    with pytest.raises(ValidationError, match="urgency"):
        Record.model_validate({"source": source, "urgency": "Gấp"})
    with pytest.raises(ValidationError, match="Unexpected keyword argument"):
        Record.model_validate({"source": source, "lead": "Sở Nội vụ"})
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Reference.model_validate({"code": "1/QĐ-UBND", "spans": [{"start": -1, "end": 3}]})
    with pytest.raises(ValueError, match="≥ 0"):
        Span(start=-1, end=3)
    with pytest.raises(TypeError):
        Agency(name="Sở Nội vụ", lead=True)  # type: ignore[call-arg]


def test_copy_replaces_fields_and_leaves_the_original() -> None:
    task = Task(id="1", ordinal="1", text="Báo cáo", lead=["Sở Nội vụ"])
    copy = task.model_copy(update={"lead": ["Sở Tài chính"]})
    assert copy.lead == ["Sở Tài chính"] and task.lead == ["Sở Nội vụ"] and copy.text == task.text


def test_the_schema_is_generated_from_the_classes() -> None:
    schema = Record.model_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"source"}
    span = schema["$defs"]["Span"]["properties"]["start"]
    assert span == {"minimum": 0, "title": "Start", "type": "integer"}
    assert json.loads(json.dumps(schema)) == schema
