"""The store on real SQLite and real PostgreSQL: identity, sources, task rows, queries, migrations."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from models import Agency, Record, Task
from pipeline import extract
from pipeline.store import BadCursor, Store, TaskView, document_identity
from pipeline.store.migrate import current_revisions, downgrade, head_revisions, upgrade
from pipeline.store.schema import metadata
from tests import db
from tests.conftest import SAMPLES
from tests.conftest_sinks import make_record
from tests.db import DbReader


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, DbReader]]:
    with db.database(request.param, tmp_path) as found:
        yield found


@pytest.fixture(scope="module")
def pdf_and_docx() -> tuple[Record, Record]:
    """The same directive read from its PDF and from its DOCX (real files, real extraction)."""
    return extract(SAMPLES / "cv-ubnd-tinh.pdf"), extract(SAMPLES / "cv-ubnd-tinh.docx")


def test_pdf_and_docx_of_one_directive_are_one_document_with_two_sources(
    database: tuple[str, DbReader], pdf_and_docx: tuple[Record, Record]
) -> None:
    url, rows = database
    pdf, docx = pdf_and_docx
    assert pdf.source.sha256 != docx.source.sha256
    with Store(url) as store:
        first = store.upsert(pdf)
        # a new document of a new file: its one source as the store reads it back, without a re-read
        alone = store.get_document(first.document_id)
        assert alone is not None and first.sources == alone.sources and len(first.sources) == 1
        second = store.upsert(docx)
        again = store.upsert(pdf)
        assert first.created and not second.created and not again.created
        assert first.document_id == second.document_id == again.document_id
        document = store.get_document(first.document_id)
        assert again.sources == document.sources if document else False
    assert document is not None
    assert sorted(s.path for s in document.sources) == sorted(
        [str(SAMPLES / "cv-ubnd-tinh.pdf"), str(SAMPLES / "cv-ubnd-tinh.docx")]
    )
    assert {s.media_type for s in document.sources} == {pdf.source.media_type, docx.source.media_type}
    assert (document.issuer, document.code, document.issued_date) == (pdf.issuer.name, pdf.code, pdf.issued_date)
    assert rows.rows("select count(*) from documents") == [(1,)]
    assert rows.rows("select count(*) from sources") == [(2,)]
    # the tasks are counted once, not once per file
    assert rows.rows("select count(*) from tasks") == [(len(pdf.tasks),)]
    assert Record.model_validate(document.record) == pdf  # the record of the file read last


def test_text_is_stored_as_text(database: tuple[str, DbReader], pdf_and_docx: tuple[Record, Record]) -> None:
    url, rows = database
    pdf, _ = pdf_and_docx
    with Store(url) as store:
        store.upsert(pdf)
    led = [t for t in pdf.tasks if "Sở Nội vụ" in t.lead]
    assert led, "the sample has tasks led by Sở Nội vụ"
    assert rows.rows("select count(*) from tasks where lead like '%Sở Nội vụ%'") == [(len(led),)]
    assert rows.rows("select count(*) from task_agencies where role = 'lead' and name = 'Sở Nội vụ'") == [(len(led),)]
    cast = "::text" if rows.kind == "postgres" else ""
    (recipients,) = rows.rows(f"select recipients{cast} from documents")[0]
    assert "Công an tỉnh" in recipients and "\\u" not in recipients


def test_blank_identity_falls_back_to_the_file(database: tuple[str, DbReader]) -> None:
    """Two drafts with no number cannot be told to be one document: each file stays its own."""
    url, rows = database
    draft_a = make_record("du-thao-a.docx", content="draft a")
    draft_b = make_record("du-thao-b.docx", content="draft b")
    for draft in (draft_a, draft_b):
        draft.number, draft.code = None, None
    assert document_identity(draft_a) == f"sha256:{draft_a.source.sha256}"
    with Store(url) as store:
        assert store.upsert(draft_a).document_id != store.upsert(draft_b).document_id
    assert rows.rows("select count(*) from documents") == [(2,)]


def test_identity_ignores_case_and_spacing_of_issuer_and_code() -> None:
    a = make_record(content="a")
    b = make_record(content="b")
    b.issuer.name = "ỦY BAN NHÂN DÂN  TỈNH LÀO CAI"
    b.code = "100 / UBND - NC"
    assert document_identity(a) == document_identity(b)
    b.issued_date = "2025-03"
    assert document_identity(a) != document_identity(b)


def test_a_file_that_reads_differently_now_moves_to_its_new_document(database: tuple[str, DbReader]) -> None:
    url, rows = database
    before = make_record(content="one file")
    after = make_record(content="one file")
    after.code, after.number = "101/UBND-NC", "101"  # the extractor now reads the number right
    with Store(url) as store:
        old = store.upsert(before)
        new = store.upsert(after)
        assert old.document_id != new.document_id
        assert store.get_document(old.document_id) is None
    assert rows.rows("select code from documents") == [("101/UBND-NC",)]
    assert rows.rows("select count(*) from tasks") == [(len(after.tasks),)]


def _record_with_agencies() -> Record:
    record = make_record(ordinals=())
    sha = record.source.sha256
    record.tasks = [
        Task(
            id=f"{sha[:8]}-1",
            ordinal="1",
            text="Chủ trì rà soát thủ tục hành chính; hoàn thành trong tháng 3 năm 2026.",
            lead=["Sở NV"],
            lead_agencies=[Agency(name="Sở NV", canonical="Sở Nội vụ", score=0.9)],
            support=["các sở, ngành"],
            support_agencies=[Agency(name="các sở, ngành", canonical="Các sở, ban, ngành", group=True)],
            deadline="2026-03",
        ),
        Task(id=f"{sha[:8]}-2", ordinal="2", text="Báo cáo kết quả.", lead=["Công an tỉnh"], deadline="2026-06-30"),
        Task(id=f"{sha[:8]}-3", ordinal="3", text="Theo dõi thường xuyên.", lead=["Sở Nội vụ"]),
    ]
    return record


def test_tasks_by_lead_match_the_canonical_name_and_the_name_as_written(database: tuple[str, DbReader]) -> None:
    url, _ = database
    with Store(url) as store:
        store.upsert(_record_with_agencies())
        by_canonical = store.query_tasks(lead="Sở Nội vụ")
        by_written = store.query_tasks(lead="sở nv")
        assert [t.ordinal for t in by_canonical.items] == ["1", "3"] and by_canonical.total == 2
        assert [t.ordinal for t in by_written.items] == ["1"]
        first = by_canonical.items[0]
        assert first.lead == ["Sở NV"] and first.support == ["các sở, ngành"]
        assert [(a.role, a.canonical, a.group) for a in first.agencies] == [
            ("lead", "Sở Nội vụ", False),
            ("support", "Các sở, ban, ngành", True),
        ]
        assert first.document.code == "100/UBND-NC"
        assert store.query_tasks(lead="Sở Tài chính").total == 0


def test_deadlines_of_reduced_precision_are_due_at_the_end_of_their_period(database: tuple[str, DbReader]) -> None:
    url, _ = database
    with Store(url) as store:
        store.upsert(_record_with_agencies())
        # "2026-03" is due by 31 March: not yet overdue on the 15th, overdue on 1 April
        assert store.query_tasks(overdue=True, today=date(2026, 3, 15)).total == 0
        assert [t.ordinal for t in store.query_tasks(overdue=True, today=date(2026, 4, 1)).items] == ["1"]
        assert [t.due_by for t in store.query_tasks(due_before="2026-12-31").items] == ["2026-03-31", "2026-06-30"]
        assert [t.ordinal for t in store.query_tasks(q="BÁO CÁO").items] == ["2"]


def _plan(number: int, deadlines: list[str | None], leads: list[list[Agency]]) -> Record:
    """A kế hoạch numbered ``number`` whose task i has ``deadlines[i]`` and lead agencies ``leads[i]``."""
    record = make_record(f"kh-{number}.pdf", content=f"plan {number}", ordinals=())
    record.number, record.code = str(number), f"{number}/KH-UBND"
    record.tasks = [
        Task(
            id=f"{record.source.sha256[:8]}-{i}",
            ordinal=str(i + 1),
            text=f"Nhiệm vụ {i + 1} của kế hoạch {number}.",
            lead=[a.name for a in agencies],
            lead_agencies=agencies,
            deadline=deadline,
        )
        for i, (deadline, agencies) in enumerate(zip(deadlines, leads, strict=True))
    ]
    return record


NOI_VU = Agency(name="Sở Nội vụ", canonical="Sở Nội vụ")
NOI_VU_SHORT = Agency(name="Sở NV", canonical="Sở Nội vụ")
TAI_CHINH = Agency(name="Sở Tài chính", canonical="Sở Tài chính")


def _order_key(task: TaskView) -> tuple[bool, str, str, int]:
    """The order task lists promise: soonest due first, undated last, then as in the document."""
    return (task.due_by is None, task.due_by or "", task.document.id, int(task.ordinal))


def test_pages_of_tasks_follow_one_another_by_cursor(database: tuple[str, DbReader]) -> None:
    """Walking ``next`` visits every match once, in the promised order, across dated and undated."""
    url, _ = database
    rng = random.Random(3)
    dates = [None, "2026", "2026-03", "2026-03-15", "2026-03-31", "2025-12-01"]
    with Store(url) as store:
        for number in range(12):
            n = rng.randint(1, 5)
            deadlines = [rng.choice(dates) for _ in range(n)]
            leads = [rng.choice([[NOI_VU], [TAI_CHINH], [NOI_VU_SHORT, TAI_CHINH]]) for _ in range(n)]
            store.upsert(_plan(number, deadlines, leads))
        for lead in ("Sở Nội vụ", "sở tài chính", None):
            everything = store.query_tasks(lead=lead, limit=1000)
            assert everything.next is None
            assert [_order_key(t) for t in everything.items] == sorted(_order_key(t) for t in everything.items)
            walked: list[TaskView] = []
            page = store.query_tasks(lead=lead, limit=4)
            while True:
                assert page.total == everything.total and len(page.items) <= 4
                walked.extend(page.items)
                if page.next is None:
                    break
                page = store.query_tasks(lead=lead, limit=4, after=page.next)
            assert [t.id for t in walked] == [t.id for t in everything.items]
            by_offset = store.query_tasks(lead=lead, limit=4, offset=8)
            assert [t.id for t in by_offset.items] == [t.id for t in everything.items[8:12]]
        undated = [t for t in store.query_tasks(limit=1000).items if t.due_by is None]
        assert undated, "the plans have undated tasks"
        with pytest.raises(BadCursor):
            store.query_tasks(after="not-a-cursor")


def test_a_task_naming_its_lead_twice_is_listed_once(database: tuple[str, DbReader]) -> None:
    url, rows = database
    with Store(url) as store:
        store.upsert(_plan(1, ["2026-03-31"], [[NOI_VU, NOI_VU_SHORT]]))
        for lead in ("Sở Nội vụ", "sở nv"):
            found = store.query_tasks(lead=lead)
            assert found.total == 1 and [t.lead for t in found.items] == [["Sở Nội vụ", "Sở NV"]]
    # one row per task and key: the canonical key once, and each name as written
    assert sorted(rows.rows("select agency_key from task_leads")) == [("sở nv",), ("sở nội vụ",)]


def test_a_reread_moves_its_tasks_in_the_lists_by_lead(database: tuple[str, DbReader]) -> None:
    """task_leads copies each task's due date: a new deadline or a new lead shows at once."""
    url, rows = database
    with Store(url) as store:
        store.upsert(_plan(1, ["2026-09-30", None], [[NOI_VU], [NOI_VU]]))
        store.upsert(_plan(2, ["2026-06-30"], [[NOI_VU]]))
        assert [t.document.code for t in store.query_tasks(lead="Sở Nội vụ").items] == [
            "2/KH-UBND",
            "1/KH-UBND",
            "1/KH-UBND",
        ]
        # plan 1 read again: its first task now due sooner, its second led by Sở Tài chính
        store.upsert(_plan(1, ["2026-04-30", None], [[NOI_VU], [TAI_CHINH]]))
        led = store.query_tasks(lead="Sở Nội vụ")
        assert [(t.document.code, t.due_by) for t in led.items] == [
            ("1/KH-UBND", "2026-04-30"),
            ("2/KH-UBND", "2026-06-30"),
        ]
        assert [t.ordinal for t in store.query_tasks(lead="Sở Tài chính").items] == ["2"]
    assert rows.rows("select count(*) from task_leads") == [(3,)]
    assert rows.rows("select due_by from task_leads where agency_key = 'sở nội vụ' order by due_by") == [
        ("2026-04-30",),
        ("2026-06-30",),
    ]


def test_documents_by_code_issuer_date_and_words(database: tuple[str, DbReader]) -> None:
    url, _ = database
    older = make_record("cu.pdf", content="older", subject="kiểm tra công tác cải cách hành chính")
    older.issued_date = "2025-11-20"
    with Store(url) as store:
        store.upsert(make_record())
        store.upsert(older)
        assert store.query_documents().total == 2
        assert [d.issued_date for d in store.query_documents(issuer="ủy ban nhân dân tỉnh lào cai").items] == [
            "2026-03",
            "2025-11-20",
        ]
        assert [d.issued_date for d in store.query_documents(date_from="2026-01-01").items] == ["2026-03"]
        assert [d.issued_date for d in store.query_documents(date_to="2025-12-31").items] == ["2025-11-20"]
        assert [d.issued_date for d in store.query_documents(q="CẢI CÁCH").items] == ["2025-11-20"]
        assert store.query_documents(code="100/UBND-NC", limit=1).items[0].issued_date == "2026-03"
        assert store.query_documents(q="50%_").total == 0  # LIKE wildcards are taken literally


def test_concurrent_writers_of_one_document_leave_one_document(database: tuple[str, DbReader]) -> None:
    url, rows = database
    copies = [make_record(f"copy-{i}.pdf", content=f"copy {i}") for i in range(8)]
    with Store(url) as store, ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(lambda r: store.upsert(r).document_id, copies))
    assert len(ids) == 1
    assert rows.rows("select count(*) from documents") == [(1,)]
    assert rows.rows("select count(*) from sources") == [(8,)]
    assert rows.rows("select count(*) from tasks") == [(3,)]


# --- migrations ---------------------------------------------------------------------------------


def test_migrations_build_exactly_the_schema_the_code_declares(database: tuple[str, DbReader]) -> None:
    url, _ = database
    with Store(url) as store, store.engine.connect() as conn:
        # other branches of the chain (the desk's tables) are checked by their own tests
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": _store_tables_only})
        diff = compare_metadata(context, metadata)
        # column comments document the code; the migrations do not copy them into the database
        changes = [d for d in diff if not (isinstance(d, list) and all(op[0] == "modify_comment" for op in d))]
        assert changes == []
        assert current_revisions(conn) == head_revisions()


def _store_tables_only(name: str | None, kind: str, parent: object) -> bool:
    if kind == "index":  # the desk's branch indexes two columns of documents for its pages
        return not (name or "").startswith("ix_desk_")
    return kind != "table" or name in metadata.tables


def test_migrations_go_down_and_up_again(database: tuple[str, DbReader]) -> None:
    url, rows = database
    with Store(url) as store:
        store.upsert(make_record())
        downgrade(store.engine, "base")
        assert set(sa.inspect(store.engine).get_table_names()) <= {"alembic_version"}
        upgrade(store.engine)
        upgrade(store.engine)  # at head: nothing to do
        assert store.query_documents().total == 0
        store.upsert(make_record())
    assert rows.rows("select count(*) from tasks") == [(3,)]


def test_the_task_leads_migration_goes_down_and_up_with_the_tasks_kept(database: tuple[str, DbReader]) -> None:
    """0002 alone (``0002@-1``: other branches, such as the desk's, stay) drops task_leads; going up
    again rebuilds it from task_agencies, and the lists by lead are the same as before."""
    url, rows = database
    with Store(url) as store:
        store.upsert(_record_with_agencies())
        store.upsert(_plan(7, ["2026-05-31", None, "2026-02"], [[NOI_VU, NOI_VU_SHORT], [TAI_CHINH], [NOI_VU]]))
        before = {lead: store.query_tasks(lead=lead).model_dump() for lead in ("Sở Nội vụ", "sở nv", "Công an tỉnh")}
        leads_before = sorted(rows.rows("select task_id, agency_key, due_by, document_id, position from task_leads"))
        downgrade(store.engine, "0002@-1")
        with store.engine.connect() as conn:
            assert "0002" not in current_revisions(conn)
            assert "task_leads" not in sa.inspect(conn).get_table_names()
            assert "ix_tasks_due_by" in {ix["name"] for ix in sa.inspect(conn).get_indexes("tasks")}
        upgrade(store.engine)
        assert sorted(rows.rows("select task_id, agency_key, due_by, document_id, position from task_leads")) == (
            leads_before
        )
        assert {lead: store.query_tasks(lead=lead).model_dump() for lead in before} == before
        assert before["Sở Nội vụ"]["total"] == 4


LEGACY_DDL = """
create table documents (sha256 varchar(64) primary key, path text not null, issuer text, code text,
    issued_date varchar(10), record {json} not null);
create index ix_documents_issuer_code_date on documents (issuer, code, issued_date);
create table doc_references (sha256 varchar(64) not null references documents (sha256), code text not null,
    mentions integer not null, primary key (sha256, code));
create table tasks (id varchar(64) primary key, sha256 varchar(64) not null references documents (sha256),
    ordinal text not null, text text not null, lead {json} not null);
create index ix_tasks_sha256 on tasks (sha256);
"""


def test_a_database_the_old_sinks_wrote_is_carried_over(database: tuple[str, DbReader]) -> None:
    """Before the store, the SQL sinks keyed documents by sha256 and kept the whole record as JSON."""
    url, rows = database
    kind = "jsonb" if rows.kind == "postgres" else "json"
    rows.execute(LEGACY_DDL.format(json=kind))
    pdf_copy, docx_copy = make_record("a.pdf", content="pdf"), make_record("a.docx", content="docx")
    for record in (pdf_copy, docx_copy):
        body = json.dumps(record.model_dump(mode="json")).replace("'", "''")
        rows.execute(
            f"insert into documents values ('{record.source.sha256}', '{record.source.path}', "
            f"'{record.issuer.name}', '{record.code}', '{record.issued_date}', '{body}')"
        )
    with Store(url) as store:
        found = store.query_documents()
        assert found.total == 1  # the PDF and the DOCX the old schema kept apart are one document now
        document = store.get_document(found.items[0].id)
        assert document is not None and len(document.sources) == 2
    tables = {name for (name,) in rows.rows(_TABLES[rows.kind])}
    assert not {"documents_v0", "tasks_v0", "doc_references_v0"} & tables
    assert rows.rows("select count(*) from tasks where lead like '%Sở Nội vụ%'") == [(2,)]


_TABLES = {
    "sqlite": "select name from sqlite_master where type = 'table'",
    "postgres": "select tablename from pg_tables where schemaname = 'public'",
}


def test_the_same_file_read_into_the_same_record_moves_only_the_timestamps(
    database: tuple[str, DbReader], pdf_and_docx: tuple[Record, Record]
) -> None:
    """A sweep that reads a stored file again into the record the store holds leaves its rows as they were and
    says when it was seen; the same file read into another record (the extractor improved) is written anew."""
    url, rows = database
    pdf, _ = pdf_and_docx
    counts = (
        "select (select count(*) from tasks), (select count(*) from task_agencies), "
        "(select count(*) from doc_references)"
    )
    times = (
        "select d.created_at, d.updated_at, s.first_seen, s.last_seen "
        "from documents d join sources s on d.id = s.document_id"
    )
    with Store(url) as store:
        first = store.upsert(pdf)
        before = rows.rows(counts)
        stamps = rows.rows(times)
        again = store.upsert(pdf)
        assert (again.document_id, again.created) == (first.document_id, False)
        assert [s.sha256 for s in again.sources] == [pdf.source.sha256]
        assert rows.rows(counts) == before
        # not written again: a mark left on a task's row by hand is still there (a rewrite would drop it)
        rows.execute("update tasks set search_key = 'marked' where position = 0")
        store.upsert(pdf)
        assert rows.rows("select search_key from tasks where position = 0") == [("marked",)]
        ((created, updated, first_seen, last_seen),) = rows.rows(times)
        assert (created, first_seen) == stamps[0][::2] and updated > stamps[0][1] and last_seen > stamps[0][3]
        fewer = pdf.model_copy(update={"tasks": pdf.tasks[:1]})
        store.upsert(fewer)
        assert rows.rows("select count(*) from tasks") == [(1,)]
        document = store.get_document(first.document_id)
        assert document is not None and Record.model_validate(document.record) == fewer
