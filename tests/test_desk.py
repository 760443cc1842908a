"""The clerk's desk on real records in a real store (SQLite and PostgreSQL): confirming, revisions,
the register (.xlsx read back with openpyxl, .csv), deadlines, the calendar feed (read back with
a strict RFC 5545 reader), the marks on the source, sign-in, CSRF, export-gold, annotate."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from models import Record
from pipeline import extract
from pipeline.desk import deadlines, ics, listing, register, revisions
from pipeline.desk.app import create_app
from pipeline.desk.auth import Session, Signer, hash_password, verify_password
from pipeline.desk.errors import FormInvalid
from pipeline.desk.form import form_of, parse_clerk_date, read_form, record_from_form
from pipeline.desk.gold import export_gold, gold_of
from pipeline.desk.marks import marks_of, text_blocks
from pipeline.desk.tables import STORE_INDEXES
from pipeline.desk.tables import metadata as desk_metadata
from pipeline.stages import read_and_extract
from pipeline.store import Store, sqlite_url, store_url
from tests import ical_reader
from tests.conftest import ROOT, SAMPLES
from tests.db import DbReader, database
from tests.desk_support import desk_settings, fill

TZ = "Asia/Ho_Chi_Minh"


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    names = ["cv-ubnd-tinh.pdf", "cv-ubnd-tinh.docx", "tb-deadline.pdf", "kh-tinh-uy.txt", "cv-mat.pdf"]
    return {name: extract(SAMPLES / name) for name in names}


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, DbReader]]:
    with database(request.param, tmp_path) as (url, rows), Store(url) as opened:
        yield opened, rows


def _confirm(store: Store, doc_id: str, record: Record, day: date, who: str = "thu") -> revisions.Confirmed:
    return revisions.confirm(store, doc_id, record, revisions.Registration(day, "Phòng Tổng hợp", None), who)


def _stored(store: Store, doc_id: str) -> Record:
    document = store.get_document(doc_id)
    assert document is not None
    return Record.model_validate(document.record)


def _earliest(record: Record) -> str:
    from pipeline.store.write import due_by

    return min(d for d in (due_by(t.deadline) for t in record.tasks) if d)


def _edited(record: Record, **task0: object) -> Record:
    tasks = [record.tasks[0].model_copy(update=task0), *record.tasks[1:]]
    return record.model_copy(update={"tasks": tasks})


# --- the desk's migration ---------------------------------------------------------------------


def test_the_desk_branch_builds_exactly_its_tables(store: tuple[Store, DbReader]) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    opened, _ = store
    with opened.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, parent: kind != "table" or name in desk_metadata.tables,
            },
        )
        changes = [d for d in compare_metadata(context, desk_metadata) if not _comment_only(d)]
        indexes = {ix["name"]: tuple(ix["column_names"]) for ix in sa.inspect(conn).get_indexes("documents")}
    assert changes == []
    assert {name: columns for name, (_, columns) in STORE_INDEXES.items()}.items() <= indexes.items()


def _comment_only(diff: object) -> bool:
    return isinstance(diff, list) and all(op[0] == "modify_comment" for op in diff)


# --- confirming -----------------------------------------------------------------------------------


def test_confirming_keeps_the_reading_and_numbers_the_register(
    store: tuple[Store, DbReader], records: dict[str, Record]
) -> None:
    opened, rows = store
    first = opened.upsert(records["cv-ubnd-tinh.pdf"]).document_id
    opened.upsert(records["cv-ubnd-tinh.docx"])  # the same directive as DOCX: the same document
    second = opened.upsert(records["tb-deadline.pdf"]).document_id
    today = date(2026, 3, 9)
    record = _stored(opened, first)
    corrected = _edited(record, lead=["Sở Tư pháp"], lead_agencies=[], deadline="2026-07-15")

    done = _confirm(opened, first, corrected, today, who="nguyen.van.a")
    assert (done.document_id, done.arrival_year, done.arrival_number) == (first, 2026, 1)
    assert _confirm(opened, second, _stored(opened, second), today).arrival_number == 2
    # confirming again keeps the number; the machine's reading is kept once
    again = _confirm(opened, first, corrected, today)
    assert again.arrival_number == 1
    with opened.engine.connect() as conn:
        kept = revisions.revisions_of(conn, first)
        state = revisions.state_of(conn, first)
    assert [r.kind for r in kept] == ["extracted", "confirmed", "confirmed"]
    assert kept[0].record["tasks"][0]["lead"] == ["Sở Nội vụ"]
    assert kept[1].author == "nguyen.van.a" and kept[1].record["tasks"][0]["lead"] == ["Sở Tư pháp"]
    assert state is not None and state.due_by == _earliest(corrected)  # thời hạn: the earliest deadline
    # the store now holds the correction, for every file of the document
    assert rows.rows("select count(*) from documents") == [(2,)]
    assert rows.rows("select count(*) from sources where document_id = ?", first) == [(2,)]
    assert rows.rows("select lead, deadline from tasks where document_id = ? and ordinal = '1.1'", first) == [
        ("Sở Tư pháp", "2026-07-15")
    ]
    # a number is given per year: the first document of 2027 is 1 again
    assert _confirm(opened, second, _stored(opened, second), date(2027, 1, 2)).arrival_number == 1


def test_a_file_read_after_the_confirmation_puts_the_document_back_to_check(
    store: tuple[Store, DbReader], records: dict[str, Record]
) -> None:
    opened, _ = store
    tz = __import__("zoneinfo").ZoneInfo(TZ)
    doc_id = opened.upsert(records["cv-ubnd-tinh.pdf"]).document_id
    with opened.engine.connect() as conn:
        assert [r.state for r in listing.inbox(conn, tz=tz).items] == ["new"]
    _confirm(opened, doc_id, records["cv-ubnd-tinh.pdf"], date(2026, 3, 9))
    with opened.engine.connect() as conn:
        assert [r.state for r in listing.inbox(conn, tz=tz, state="done").items] == ["done"]
    opened.upsert(records["cv-ubnd-tinh.docx"])  # the DOCX arrives a day later
    with opened.engine.connect() as conn:
        found = listing.inbox(conn, tz=tz).items
        assert [(r.state, r.stale) for r in found] == [("check", True)]
        assert listing.inbox(conn, tz=tz, state="done").total == 0
    _confirm(opened, doc_id, records["cv-ubnd-tinh.pdf"], date(2026, 3, 9))
    with opened.engine.connect() as conn:
        assert [r.kind for r in revisions.revisions_of(conn, doc_id)] == [
            "extracted",
            "confirmed",
            "extracted",
            "confirmed",
        ]
        assert listing.inbox(conn, tz=tz, state="done").total == 1


def test_correcting_the_code_moves_the_document_with_its_history(
    store: tuple[Store, DbReader], records: dict[str, Record]
) -> None:
    opened, rows = store
    doc_id = opened.upsert(records["cv-ubnd-tinh.pdf"]).document_id
    task = opened.query_tasks(document_id=doc_id).items[0]
    revisions.mark_done(opened, task.id, date(2026, 3, 20), "thu")
    record = records["cv-ubnd-tinh.pdf"].model_copy(update={"code": "126/UBND-NC", "number": "126"})
    done = _confirm(opened, doc_id, record, date(2026, 3, 9))
    assert done.moved_from == doc_id and done.document_id != doc_id
    assert opened.get_document(doc_id) is None
    moved = opened.get_document(done.document_id)
    assert moved is not None and moved.code == "126/UBND-NC"
    with opened.engine.connect() as conn:
        assert [r.kind for r in revisions.revisions_of(conn, done.document_id)] == ["extracted", "confirmed"]
        assert revisions.state_of(conn, doc_id) is None
    # the task marked done is still done under the document's new id
    new_task = opened.query_tasks(document_id=done.document_id).items[0]
    assert rows.rows("select done_on from desk_task_status where task_id = ?", new_task.id) == [("2026-03-20",)]


# --- the register ---------------------------------------------------------------------------------


def test_the_register_as_excel_and_csv(store: tuple[Store, DbReader], records: dict[str, Record]) -> None:
    opened, _ = store
    ids = [opened.upsert(records[name]).document_id for name in ("cv-ubnd-tinh.pdf", "cv-mat.pdf", "tb-deadline.pdf")]
    opened.upsert(records["cv-ubnd-tinh.docx"])
    for doc_id in ids:
        _confirm(opened, doc_id, _stored(opened, doc_id), date(2026, 3, 9))
    with opened.engine.connect() as conn:
        lines = register.entries(conn, 2026).items
    assert [e.arrival_number for e in lines] == [1, 2, 3]

    sheet = openpyxl.load_workbook(io.BytesIO(register.xlsx_bytes(lines, 2026, "Sở Nội vụ tỉnh Thái Nguyên"))).active
    assert sheet["A1"].value == "SỞ NỘI VỤ TỈNH THÁI NGUYÊN"
    assert sheet["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" and "A2:M2" in {str(r) for r in sheet.merged_cells.ranges}
    headings = [c.value for c in sheet[5]]
    assert headings[:6] == [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
    ]
    assert {
        "Số trang",
        "Mức độ khẩn, mật",
        "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết",
        "Ký nhận",
        "Ghi chú",
    } <= set(headings)
    assert [c.value for c in sheet[6]][:3] == ["(1)", "(2)", "(3)"]
    assert sheet.column_dimensions["F"].width == 48 and sheet.freeze_panes == "A7"
    body = [dict(zip(headings, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=7)]
    assert len(body) == 3  # the DOCX of 125/UBND-NC is not a fourth entry
    first = body[0]
    assert first["Ngày đến"] == datetime(2026, 3, 9) and sheet["A7"].number_format == "DD/MM/YYYY"
    assert first["Số, ký hiệu văn bản"] == "125/UBND-NC" and first["Ngày tháng văn bản"] == datetime(2026, 3, 5)
    assert first["Tên loại và trích yếu nội dung văn bản"].startswith("Công văn triển khai nhiệm vụ cải cách")
    due = date.fromisoformat(_earliest(records["cv-ubnd-tinh.pdf"]))
    assert first["Số trang"] == 2 and first["Thời hạn giải quyết"] == datetime(due.year, due.month, due.day)
    secret = next(b for b in body if b["Số, ký hiệu văn bản"] == records["cv-mat.pdf"].code)
    assert secret["Mức độ khẩn, mật"] == ", ".join(
        x for x in (records["cv-mat.pdf"].urgency, records["cv-mat.pdf"].confidentiality) if x
    )

    text = register.csv_bytes(lines)
    assert text.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert table[0][1] == "Số đến" and [r[1] for r in table[1:]] == ["1", "2", "3"]
    assert table[1][0] == "09/03/2026" and table[1][4] == "05/03/2026"


# --- deadlines ------------------------------------------------------------------------------------


def test_deadlines_by_lead_and_the_summary_per_agency(
    store: tuple[Store, DbReader], records: dict[str, Record]
) -> None:
    opened, _ = store
    doc_id = opened.upsert(records["cv-ubnd-tinh.pdf"]).document_id
    today = date(2026, 6, 27)
    with opened.engine.connect() as conn:
        led = deadlines.tasks_by_lead(conn, today, agency="Sở Nội vụ", show="all").items
    assert [(t.ordinal, t.due_by, t.due) for t in led] == [("1.1", "2026-06-30", "due3"), ("1.2", None, "none")]
    revisions.mark_done(opened, led[0].id, date(2026, 7, 2), "thu")  # late
    others = opened.query_tasks(document_id=doc_id, limit=50).items
    on_time = next(t for t in others if t.due_by and t.due_by > "2026-06-30")
    revisions.mark_done(opened, on_time.id, date(2026, 6, 28), "thu")
    with opened.engine.connect() as conn:
        summary = {s.agency: s for s in deadlines.agency_summary(conn, today)}
        overdue_later = {s.agency: s for s in deadlines.agency_summary(conn, date(2026, 10, 1))}
        still_open = deadlines.tasks_by_lead(conn, today, agency="Sở Nội vụ").items
    interior = summary["Sở Nội vụ"]
    assert (interior.total, interior.open, interior.done_late, interior.done_on_time) == (2, 1, 1, 0)
    lead_of_on_time = on_time.agencies[0].canonical or on_time.agencies[0].name
    assert summary[lead_of_on_time].done_on_time == 1
    assert [t.ordinal for t in still_open] == ["1.2"]
    assert overdue_later["Sở Nội vụ"].overdue == 0  # 1.1 is done, 1.2 has no deadline
    late = [t for t in others if t.due_by and t.due_by < "2026-10-01" and t.id not in {led[0].id, on_time.id}]
    assert sum(s.overdue for s in overdue_later.values()) == sum(len(t.lead) or 1 for t in late)


def test_the_calendar_feed_reads_back_as_rfc_5545(store: tuple[Store, DbReader], records: dict[str, Record]) -> None:
    opened, _ = store
    opened.upsert(records["cv-ubnd-tinh.pdf"])
    opened.upsert(records["tb-deadline.pdf"])
    with opened.engine.connect() as conn:
        tasks = deadlines.open_with_deadline(conn, date(2026, 3, 1))
    body = ics.calendar(tasks, now=datetime(2026, 3, 1, 8, tzinfo=UTC), base_url="http://127.0.0.1:8765/")
    calendar = ical_reader.read(body)
    assert calendar.name == "VCALENDAR" and calendar.get("VERSION") == "2.0" and calendar.get("PRODID")
    events = calendar.walk("VEVENT")
    assert len(events) == len(tasks) > 5
    assert {e.get("UID").split("@")[0] for e in events} == {t.id for t in tasks}
    for event in events:
        assert re.fullmatch(r"\d{8}T\d{6}Z", event.get("DTSTAMP"))  # required, in UTC
        assert event.params("DTSTART") == {"VALUE": "DATE"}
        start = ical_reader.parse_date(event.get("DTSTART"))
        assert ical_reader.parse_date(event.get("DTEND")) == start + timedelta(days=1)
        for alarm in event.walk("VALARM"):
            assert alarm.get("ACTION") == "DISPLAY" and ical_reader.unescape(alarm.get("DESCRIPTION"))
    first = next(e for e in events if "30/06/2026" in ical_reader.unescape(e.get("DESCRIPTION")))
    assert ical_reader.parse_date(first.get("DTSTART")) == date(2026, 6, 30)
    assert "Sở Nội vụ" in ical_reader.unescape(first.get("SUMMARY"))
    assert [ical_reader.parse_duration(a.get("TRIGGER")) for a in first.walk("VALARM")] == [
        -timedelta(days=6, hours=15),
        -timedelta(days=2, hours=15),
        -timedelta(hours=15),
    ]
    # a month-only deadline is due on the month's last day
    month = next(t for t in tasks if t.deadline and len(t.deadline) == 7)
    event = next(e for e in events if e.get("UID").startswith(month.id))
    assert ical_reader.parse_date(event.get("DTSTART")).isoformat() == month.due_by


def test_text_values_are_escaped_and_folded_without_splitting_a_letter() -> None:
    task = deadlines.DueTask(
        id="t1",
        leads=["Sở Tài chính; Kho bạc, tỉnh"],
        document_id="d1",
        code="1/UBND",
        issuer="Ủy ban nhân dân tỉnh",
        ordinal="1",
        text="Rà soát, báo cáo\nkết quả; " + "thực hiện nhiệm vụ được giao " * 8,
        deadline="2026-05",
        due_by="2026-05-31",
        due="later",
    )
    body = ics.calendar([task], now=datetime(2026, 3, 1, tzinfo=UTC), base_url="http://x/")
    assert body.count("\r\n ") >= 3  # long Vietnamese lines were folded
    event = ical_reader.read(body).walk("VEVENT")[0]
    assert "Rà soát, báo cáo\nkết quả; thực hiện" in ical_reader.unescape(event.get("DESCRIPTION"))
    assert ical_reader.split_text_list(event.get("CATEGORIES")) == ["Sở Tài chính; Kho bạc, tỉnh"]
    with pytest.raises(ValueError):
        ical_reader.unescape("a;b")  # the reader is strict: an unescaped ';' is refused


# --- the form -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "iso"),
    [("30/6/2026", "2026-06-30"), ("30-06-2026", "2026-06-30"), ("6/2026", "2026-06"), ("2026", "2026"), ("", None)],
)
def test_dates_as_clerks_type_them(typed: str, iso: str | None) -> None:
    assert parse_clerk_date(typed) == iso


def test_the_form_round_trips_and_reports_what_cannot_be_saved(records: dict[str, Record]) -> None:
    record = records["cv-ubnd-tinh.pdf"]
    form = form_of(record, arrival_date=date(2026, 3, 9), routed_to=None, note=None)
    data = {k: v for k, v in form.values.items()}
    for prefix, rows in (("ref", form.refs), ("task", form.tasks)):
        for row in rows:
            data.update({f"{prefix}-{row.index}-{k}": v for k, v in row.values.items()})
    same, arrival, _, _ = record_from_form(read_form(data, record, form), record)
    assert same.model_dump() == record.model_dump() and arrival == date(2026, 3, 9)

    data.update({"task-0-lead": "- Sở Tư pháp;\nSở Tài chính", "task-0-deadline": "15/7/2026", "task-3-delete": "1"})
    data.update(
        {"task-9-ordinal": "5", "task-9-text": "Báo cáo kết quả", "task-9-lead": "Sở Nội vụ", "task-9-from": ""}
    )
    changed, _, _, _ = record_from_form(read_form(data, record, form), record)
    assert changed.tasks[0].lead == ["Sở Tư pháp", "Sở Tài chính"] and changed.tasks[0].deadline == "2026-07-15"
    assert [a.canonical for a in changed.tasks[0].lead_agencies] == ["Sở Tư pháp", "Sở Tài chính"]
    assert changed.tasks[0].span == record.tasks[0].span  # what was not typed over is kept
    assert len(changed.tasks) == len(record.tasks) and changed.tasks[-1].ordinal == "5"

    data.update({"issued_date": "31/2/2026", "task-1-deadline": "sớm", "arrival_date": "3/2026", "urgency": "Gấp"})
    with pytest.raises(FormInvalid) as failed:
        record_from_form(read_form(data, record, form), record)
    assert set(failed.value.fields) == {"issued_date", "task-1-deadline", "arrival_date", "urgency"}
    assert "không có ngày 31/2/2026" in failed.value.fields["issued_date"]


# --- the source view ------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a reader sees in the text view: tags dropped, task labels left out, <br> a line break."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(" ")
        if (tag == "span" and ("class", "tag tag-task") in attrs) or (tag == "sup" and ("class", "fn") in attrs):
            self.skip += 1  # labels and footnote markers the view adds

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "sup") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


@pytest.mark.parametrize("name", ["cv-ubnd-tinh.docx", "kh-tinh-uy.txt", "cv-ubnd-tinh.pdf"])
def test_the_text_view_keeps_every_word_whole(name: str) -> None:
    layout, record = read_and_extract(SAMPLES / name)
    marks = marks_of(layout, record)
    shown = [p for b in text_blocks(layout, marks) for p in (*b.left, *b.right)]
    kept = [p for p in layout.paragraphs if p.zone != "outside"]
    assert len(shown) == len(kept)
    words = []
    for html in shown:
        parser = _Text()
        parser.feed(str(html))
        words += "".join(parser.parts).split()
    expected = [w for p in kept for w in p.text.split()]
    assert sorted(words) == sorted(expected)  # no word glued to another, none split
    assert "ỦYBAN" not in " ".join(words)
    # every task is marked, and the quốc hiệu is never marked as anything
    assert {m.key for m in marks if m.kind == "task"} == {f"task:{t.ordinal}" for t in record.tasks}
    national = next(p for p in layout.paragraphs if "CHỦ NGHĨA VIỆT NAM" in p.text or "ĐẢNG CỘNG SẢN" in p.text)
    assert not [m for m in marks for s in m.spans if s.start < national.end and s.end > national.start]


def test_a_pdf_shows_its_pages_with_the_boxes_of_fields_references_and_tasks() -> None:
    from pipeline.desk.cache import place_on_pages
    from pipeline.desk.marks import page_boxes

    path = SAMPLES / "cv-ubnd-tinh.pdf"
    layout, record = read_and_extract(path)
    sizes = place_on_pages(path, layout)
    boxes = page_boxes(layout, marks_of(layout, record), sizes)
    on_pages = [b for page in boxes.values() for b in page]
    assert {b.key for b in on_pages if b.kind == "task"} == {f"task:{t.ordinal}" for t in record.tasks}
    assert {b.key for b in on_pages if b.kind == "ref"} == {f"ref:{r.code}" for r in record.references if r.spans}
    code = [b for b in on_pages if b.key == "field:code"]
    assert len(code) == 1 and code[0].top < 25  # "Số: 125/UBND-NC" stands in the top quarter of page 1
    assert all(0 <= b.left <= 100 and 0 <= b.top <= 100 and b.width > 0 for b in on_pages)


# --- the application: sign-in, CSRF, who confirmed ------------------------------------------------


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def test_with_users_every_page_asks_to_sign_in_and_every_form_needs_its_token(tmp_path: Path) -> None:
    settings = desk_settings(tmp_path / "data", desk_users={"thu": hash_password("mật khẩu đúng")})
    fill(settings, ["cv-ubnd-tinh.pdf"])
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
        assert client.get("/tasks.ics").status_code == 401
        login = client.get("/login")
        assert (
            client.post("/login", data={"user": "thu", "password": "sai", "csrf": _csrf(login.text)}).status_code == 401
        )
        assert client.post("/login", data={"user": "thu", "password": "mật khẩu đúng"}).status_code == 400  # no token
        signed = client.post("/login", data={"user": "thu", "password": "mật khẩu đúng", "csrf": _csrf(login.text)})
        assert signed.status_code == 200 and "Hộp văn bản đến" in signed.text
        doc_id = re.search(r'href="/documents/([0-9a-f]+)"', signed.text).group(1)
        page = client.get(f"/documents/{doc_id}")
        form = dict(re.findall(r'<input id="f-(\w+)" name="\w+" value="([^"]*)"', page.text))
        posted = {"arrival_date": form["arrival_date"], "code": "125/UBND-NC", "issuer_name": form["issuer_name"]}
        assert client.post(f"/documents/{doc_id}/confirm", data=posted).status_code == 400  # CSRF refused
        confirmed = client.post(f"/documents/{doc_id}/confirm", data={**posted, "csrf": _csrf(page.text)})
        assert confirmed.status_code == 200 and "Đã xác nhận bởi <b>thu</b>" in confirmed.text
    with Store(store_url(settings)) as opened:  # what the post left out was kept, not erased
        kept = opened.get_document(doc_id)
        assert kept is not None and kept.subject and len(kept.record["tasks"]) == 7
        assert opened.query_tasks(document_id=doc_id, lead="Sở Nội vụ").total == 2
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        login = client.get("/login")
        client.post("/login", data={"user": "thu", "password": "mật khẩu đúng", "csrf": _csrf(login.text)})
        feed = re.search(r'href="(/tasks.ics\?token=[\w-]+)"', client.get("/tasks").text).group(1)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as stranger:
        assert stranger.get(feed).status_code == 200 and stranger.get("/tasks.ics?token=forged").status_code == 401


def test_the_desk_refuses_the_network_without_users(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "desk", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DIRECTIVES_DATA_DIR": str(tmp_path)},
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2 and "refusing to serve the desk on 0.0.0.0 without users" in done.stderr


def test_passwords_and_sessions() -> None:
    hashed = hash_password("Văn thư 2026")
    assert hashed.startswith("scrypt$16384$8$1$") and "Văn thư" not in hashed
    assert verify_password("Văn thư 2026", hashed) and not verify_password("văn thư 2026", hashed)
    assert hash_password("x") != hash_password("x")  # salted
    signer = Signer(b"k" * 32, max_age_seconds=3600)
    cookie = signer.dumps(Session("thu", "token", 1_000_000.0))
    assert signer.loads(cookie, now=1_000_100.0) == Session("thu", "token", 1_000_000.0)
    assert signer.loads(cookie, now=1_004_000.0) is None  # expired
    payload, mac = cookie.rsplit(".", 1)
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    assert signer.loads(f"{forged}.{mac}", now=1_000_100.0) is None
    assert Signer(b"other", 3600).loads(cookie, now=1_000_100.0) is None


def test_settings_refuse_a_password_written_in_clear(tmp_path: Path) -> None:
    from pipeline.settings import SettingsError, get_settings

    with pytest.raises(SettingsError, match="desk hash-password"):
        get_settings(data_dir=tmp_path, desk_users={"thu": "123456"})
    with pytest.raises(SettingsError, match="unknown time zone"):
        get_settings(data_dir=tmp_path, timezone="Hanoi")


# --- corrections become measurements --------------------------------------------------------------


def test_export_gold_writes_the_pairs_the_scorer_reads(tmp_path: Path, records: dict[str, Record]) -> None:
    with Store(sqlite_url(tmp_path / "s.sqlite3")) as opened:
        doc_id = opened.upsert(records["cv-ubnd-tinh.pdf"]).document_id
        corrected = _edited(records["cv-ubnd-tinh.pdf"], lead=["Sở Tư pháp"], lead_agencies=[])
        _confirm(opened, doc_id, corrected, date(2026, 3, 9))
        names = export_gold(opened, tmp_path / "eval")
    assert names == [f"cv-ubnd-tinh-{doc_id[:8]}"]
    gold = json.loads((tmp_path / "eval" / "gold" / f"{names[0]}.gold.json").read_text(encoding="utf-8"))
    extracted = json.loads((tmp_path / "eval" / "extracted" / f"{names[0]}.json").read_text(encoding="utf-8"))
    assert gold == gold_of(corrected) and "source" not in gold and "span" not in gold["tasks"][0]
    assert set(gold["tasks"][0]) == {"ordinal", "text", "lead", "support", "deadline", "recurrence", "report_to"}
    assert gold["tasks"][0]["lead"] == ["Sở Tư pháp"] and extracted["tasks"][0]["lead"] == ["Sở Nội vụ"]
    corpus_gold = ROOT.parent / "shared" / "corpus" / "gold" / "r001.gold.json"
    if corpus_gold.is_file():  # the same keys as the corpus's own gold records
        assert set(gold) == set(json.loads(corpus_gold.read_text(encoding="utf-8")))
    scorer = ROOT.parent / "shared" / "tools" / "score.py"
    if scorer.is_file():
        scored = subprocess.run(
            [sys.executable, str(scorer), str(tmp_path / "eval" / "gold"), str(tmp_path / "eval" / "extracted")],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        lead = re.search(r"headline: .* lead ([\d.]+)", scored.stdout)
        assert lead is not None and float(lead.group(1)) < 1.0  # the correction is counted against the reading


def test_the_export_gold_command(tmp_path: Path, records: dict[str, Record]) -> None:
    data = tmp_path / "data"
    with Store(sqlite_url(data / "directives.sqlite3")) as opened:
        doc_id = opened.upsert(records["tb-deadline.pdf"]).document_id
        _confirm(opened, doc_id, records["tb-deadline.pdf"], date(2026, 3, 9))
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "desk", "export-gold", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DIRECTIVES_DATA_DIR": str(data)},
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [f"tb-deadline-{doc_id[:8]}"]
    assert (tmp_path / "out" / "gold" / f"tb-deadline-{doc_id[:8]}.gold.json").is_file()


def test_with_every_revision_kept_no_row_is_lost_when_a_source_is_removed(
    store: tuple[Store, DbReader], records: dict[str, Record]
) -> None:
    """The desk's tables have no foreign keys to the store's: a document the store drops keeps its history."""
    opened, rows = store
    doc_id = opened.upsert(records["tb-deadline.pdf"]).document_id
    _confirm(opened, doc_id, records["tb-deadline.pdf"], date(2026, 3, 9))
    with opened.engine.begin() as conn:
        conn.execute(sa.text("delete from documents where id = :id"), {"id": doc_id})
    assert rows.rows("select count(*) from desk_revisions where document_id = ?", doc_id) == [(2,)]
