"""File and database sinks, read back with independent readers (json, csv, sqlite3, psycopg)."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models import Record
from pipeline.settings import Settings
from pipeline.sinks import (
    CsvSink,
    JsonlSink,
    JsonSink,
    MultiSink,
    SinkError,
    SqlSink,
    build_sinks,
    open_sinks,
)
from tests import db
from tests.conftest_sinks import make_record
from tests.db import DbReader

# --- json ------------------------------------------------------------------------------------


def test_json_one_file_per_document_readable_and_replaced(tmp_path: Path) -> None:
    sink = JsonSink(tmp_path / "records")
    first = make_record()
    same_name_other_doc = make_record(content="another document, same file name")
    with sink:
        sink.write(first)
        sink.write(same_name_other_doc)
        sink.write(first)  # again: replaced, not duplicated

    files = sorted((tmp_path / "records").iterdir())
    assert [f.name for f in files] == sorted(
        [
            f"Công văn 100-UBND-NC-{first.source.sha256[:12]}.json",
            f"Công văn 100-UBND-NC-{same_name_other_doc.source.sha256[:12]}.json",
        ]
    )
    text = (tmp_path / "records" / f"Công văn 100-UBND-NC-{first.source.sha256[:12]}.json").read_text("utf-8")
    assert "Ủy ban nhân dân tỉnh Lào Cai" in text  # ensure_ascii=False: readable in any editor
    assert text.startswith("{\n  ")  # indented
    assert Record.model_validate(json.loads(text)) == first


def test_json_same_document_renamed_keeps_one_file(tmp_path: Path) -> None:
    with JsonSink(tmp_path) as sink:
        sink.write(make_record("a.pdf"))
        sink.write(make_record('b: "bản sửa"?.pdf'))
    assert [p.name for p in tmp_path.glob("*.json")] == [f"b_ _bản sửa_-{make_record().source.sha256[:12]}.json"]
    assert not list(tmp_path.glob(".*.tmp"))  # no temp files left behind


# --- jsonl and csv -----------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_jsonl_task_lines_carry_document_fields(tmp_path: Path) -> None:
    path = tmp_path / "tasks.jsonl"
    record = make_record()
    with JsonlSink(path) as sink:
        sink.write(record)
    rows = read_jsonl(path)
    assert [r["ordinal"] for r in rows] == ["1", "2.1", "2.2"]
    assert {r["id"] for r in rows} == {t.id for t in record.tasks}
    first = rows[0]
    assert first["sha256"] == record.source.sha256
    assert first["source_path"] == "/srv/inbox/Công văn 100-UBND-NC.pdf"
    assert first["issuer"] == "Ủy ban nhân dân tỉnh Lào Cai"
    assert (first["code"], first["issued_date"]) == ("100/UBND-NC", "2026-03")
    assert first["subject"] == record.subject
    assert first["lead"] == ["Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh"]
    assert first["text"].endswith("đánh giá\nkết quả")  # newline escaped inside one line


@pytest.mark.parametrize(("sink_cls", "reader"), [(JsonlSink, read_jsonl), (CsvSink, read_csv)])
def test_task_tables_never_duplicate_and_drop_removed_tasks(
    tmp_path: Path, sink_cls: type[JsonlSink] | type[CsvSink], reader: Any
) -> None:
    path = tmp_path / "out"
    a, b = make_record(), make_record("khac.pdf", content="khác", ordinals=("1",))
    with sink_cls(path) as sink:
        sink.write(a)
        sink.write(b)
        sink.write(a)  # same again: no new lines
    assert sorted(r["id"] for r in reader(path)) == sorted([t.id for t in a.tasks] + [b.tasks[0].id])

    # A later run reads the document differently: task 2.2 is gone, a subject changed.
    changed = make_record(ordinals=("1", "2.1"), subject="đã sửa trích yếu")
    with sink_cls(path) as sink:  # a fresh process: learns what the file holds from the file
        sink.write(changed)
    rows = reader(path)
    assert sorted(r["id"] for r in rows) == sorted([t.id for t in changed.tasks] + [b.tasks[0].id])
    assert {r["subject"] for r in rows if r["sha256"] == a.source.sha256} == {"đã sửa trích yếu"}

    # A document whose new record has no tasks leaves no lines behind.
    with sink_cls(path) as sink:
        sink.write(make_record(ordinals=()))
    assert [r["sha256"] for r in reader(path)] == [b.source.sha256]


def test_task_tables_see_appends_from_another_process(tmp_path: Path) -> None:
    path = tmp_path / "tasks.jsonl"
    a, b = make_record(), make_record("b.pdf", content="b")
    watcher, batch = JsonlSink(path), JsonlSink(path)  # two writers, as the watcher and a batch run
    watcher.write(a)
    batch.write(b)
    watcher.write(b)  # the watcher must notice the batch already wrote b, and replace it
    batch.write(a)
    rows = read_jsonl(path)
    assert len(rows) == len(a.tasks) + len(b.tasks)
    assert len({r["id"] for r in rows}) == len(rows)


def test_task_table_cuts_a_line_torn_by_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "tasks.jsonl"
    with JsonlSink(path) as sink:
        sink.write(make_record())
    with path.open("ab") as fh:
        fh.write('{"sha256": "dead", "text": "Nhiệm vụ bị cắ'.encode())  # power cut mid-line
    with JsonlSink(path) as sink:
        sink.write(make_record("b.pdf", content="b", ordinals=("1",)))
    rows = read_jsonl(path)  # every line parses again
    assert len(rows) == 4 and "dead" not in {r["sha256"] for r in rows}


def test_csv_opens_in_excel_with_vietnamese_intact(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    record = make_record()
    with CsvSink(path) as sink:
        sink.write(record)
        sink.write(make_record("b.pdf", content="b", ordinals=("3",)))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 only with it
    assert raw.count(b"\xef\xbb\xbf") == 1  # not repeated on append
    assert raw.endswith(b"\r\n")
    assert b"\r\n" in raw and b"\r\r\n" not in raw
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    assert header.startswith("sha256,source_path,issuer")

    rows = read_csv(path)
    assert len(rows) == 4
    row = rows[0]
    assert row["issuer"] == "Ủy ban nhân dân tỉnh Lào Cai"
    assert row["lead"] == "Công an tỉnh; Bộ Chỉ huy quân sự tỉnh"
    assert row["support"] == "các cơ quan, đơn vị liên quan"  # comma inside a quoted cell
    assert row["text"] == record.tasks[0].text  # quotes, semicolons and a newline survive
    assert row["deadline"] == "" and rows[1]["deadline"] == "2026-06-30"


def test_task_table_refuses_a_file_it_did_not_write(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    with pytest.raises(SinkError, match="does not start the way"):
        CsvSink(path)


# --- sqlite and postgres (the store's own behaviour is tested in test_store.py) -----------------


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, DbReader]]:
    with db.database(request.param, tmp_path) as found:
        yield found


def test_database_upsert_twice_gives_one_row_each(database: tuple[str, DbReader]) -> None:
    url, db = database
    record = make_record()
    with SqlSink(url) as sink:
        sink.write(record)
        sink.write(record)
    with SqlSink(url) as sink:  # reopening does not recreate or duplicate anything
        sink.write(record)

    docs = db.rows("select id, issuer, code, issued_date, subject, urgency, recipients, record from documents")
    assert len(docs) == 1
    doc_id, issuer, code, issued, subject, urgency, recipients, full = docs[0]
    assert (issuer, code, issued, urgency) == ("Ủy ban nhân dân tỉnh Lào Cai", "100/UBND-NC", "2026-03", "Hỏa tốc")
    assert subject == record.subject
    assert _json(recipients) == ["Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh"]
    assert Record.model_validate(_json(full)) == record
    assert db.rows("select sha256, document_id from sources") == [(record.source.sha256, doc_id)]

    refs = db.rows("select code, doc_type, issued_date, issuer, mentions from doc_references order by code")
    assert refs == [
        ("33-KH/TU", "Kế hoạch", "2026-01-16", None, 1),
        ("53-CT/TW", "Chỉ thị", None, "Bộ Chính trị", 2),
    ]
    task_rows = db.rows("select ordinal, lead, deadline, document_id from tasks order by position")
    assert [r[0] for r in task_rows] == [t.ordinal for t in record.tasks]
    assert task_rows[1][1:3] == ("Sở Nội vụ", "2026-06-30")
    assert {r[3] for r in task_rows} == {doc_id}


def test_database_text_is_text_so_hand_written_queries_match(database: tuple[str, DbReader]) -> None:
    url, db = database
    with SqlSink(url) as sink:
        sink.write(make_record())
    assert db.rows("select ordinal from tasks where lead like '%Sở Nội vụ%' order by ordinal") == [("2.1",), ("2.2",)]
    assert db.rows(
        "select count(*) from documents where recipients::text like '%Công an tỉnh%'"
        if db.kind == "postgres"
        else "select count(*) from documents where recipients like '%Công an tỉnh%'"
    ) == [(1,)]


def test_database_changed_record_updates_and_removes(database: tuple[str, DbReader]) -> None:
    url, db = database
    other = make_record("other.pdf", content="other", ordinals=("1",), subject="khác")
    other.issued_date = "2025-01-02"  # another document: the identity differs
    with SqlSink(url) as sink:
        sink.write(make_record())
        sink.write(other)
        created = db.rows(
            "select created_at from documents where code = ? and issued_date = ?", "100/UBND-NC", "2026-03"
        )
        changed = make_record(ordinals=("1", "2.1"), subject="trích yếu mới")
        changed.references = changed.references[:1]
        sink.write(changed)

    mine = "issued_date = '2026-03'"
    assert db.rows(f"select subject from documents where {mine}") == [("trích yếu mới",)]
    assert db.rows(f"select created_at from documents where {mine}") == created  # kept on update
    assert db.rows("select count(*) from documents") == [(2,)]
    assert db.rows(
        f"select ordinal from tasks where document_id = (select id from documents where {mine}) order by ordinal"
    ) == [("1",), ("2.1",)]
    assert db.rows(f"select code from doc_references where document_id = (select id from documents where {mine})") == [
        ("53-CT/TW",)
    ]
    # The other document is untouched.
    theirs = "(select id from documents where issued_date = '2025-01-02')"
    assert db.rows(f"select count(*) from tasks where document_id = {theirs}") == [(1,)]
    assert db.rows(f"select count(*) from doc_references where document_id = {theirs}") == [(2,)]


def test_database_record_that_lost_all_tasks_keeps_none(database: tuple[str, DbReader]) -> None:
    url, db = database
    with SqlSink(url) as sink:
        sink.write(make_record())
        emptied = make_record(ordinals=())
        emptied.references = []
        sink.write(emptied)
    assert db.rows("select count(*) from tasks") == [(0,)]
    assert db.rows("select count(*) from task_agencies") == [(0,)]
    assert db.rows("select count(*) from doc_references") == [(0,)]
    assert db.rows("select count(*) from documents") == [(1,)]


def test_database_code_is_not_unique(database: tuple[str, DbReader]) -> None:
    """Party numbering restarts each term: two documents may share a code, told apart by their date."""
    url, db = database
    term1 = make_record("nhiem-ky-1.pdf", content="term 1")
    term1.issued_date = "2020-05-04"
    term2 = make_record("nhiem-ky-2.pdf", content="term 2")
    with SqlSink(url) as sink:
        sink.write(term1)
        sink.write(term2)
    assert db.rows("select count(*) from documents where code = ?", "100/UBND-NC") == [(2,)]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # sqlite: text; postgres: jsonb


def test_unreachable_database_is_an_actionable_error(tmp_path: Path) -> None:
    with pytest.raises(SinkError, match=r"postgres sink .*127\.0\.0\.1:1.*Check the server is up") as err:
        SqlSink("postgresql+psycopg://someone:hunter2@127.0.0.1:1/nowhere?connect_timeout=2")
    assert "hunter2" not in str(err.value)


# --- assembling sinks from settings -----------------------------------------------------------


def test_build_sinks_from_settings_writes_everywhere(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, sinks=["json", "jsonl", "csv", "sqlite"])
    record = make_record()
    with open_sinks(settings) as sinks:
        assert [s.name for s in sinks.sinks] == ["json", "jsonl", "csv", "sqlite"]
        sinks.write(record)
    assert len(list((tmp_path / "records").glob("*.json"))) == 1
    assert len(read_jsonl(tmp_path / "tasks.jsonl")) == 3
    assert len(read_csv(tmp_path / "tasks.csv")) == 3
    with sqlite3.connect(tmp_path / "directives.sqlite3") as conn:
        assert conn.execute("select count(*) from tasks").fetchone() == (3,)


def test_one_failing_sink_does_not_stop_the_others(tmp_path: Path) -> None:
    blocked = tmp_path / "share"
    jsonl = JsonlSink(blocked / "tasks.jsonl")
    json_sink = JsonSink(tmp_path / "records")
    # The share the jsonl file lived on is gone and something else took its name (works as root too,
    # unlike a read-only folder).
    shutil.rmtree(blocked)
    blocked.write_text("not a folder", encoding="utf-8")
    with MultiSink([jsonl, json_sink]) as sinks, pytest.raises(SinkError, match=r"jsonl sink .*cannot write"):
        sinks.write(make_record())
    assert len(list((tmp_path / "records").glob("*.json"))) == 1  # the JSON file was still written


def test_build_sinks_closes_opened_ones_when_one_fails(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, sinks=["json", "csv"])
    (tmp_path / "tasks.csv").write_text("not ours\r\n", encoding="utf-8")
    with pytest.raises(SinkError, match="csv sink"):
        build_sinks(settings)
