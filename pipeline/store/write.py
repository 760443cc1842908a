"""Writing a record into the store: one transaction per record, idempotent.

The document row is upserted by identity, the file by its sha256 (as a source of that document),
the references replaced, the tasks upserted by their store id (so columns other stages add to
``tasks``, such as a clerk's "done", survive a re-read) and the tasks the new record no longer has
deleted; each task's agencies and its ``task_leads`` rows (which copy its due date and place) are
written anew with it, so the copies never lag their task. A file whose re-read gives another
identity (the extractor improved) moves to the new document; the old one goes when no file is
left carrying it.

A file read again into the very record the store holds for it (a scheduled sweep of an archive, the
same upload sent twice) touches only its document's and its own timestamps: its references, tasks
and agencies are what they were. So a change to how those rows derive from a record (``_task_rows``,
``_reference_rows``, ``fold``) needs a migration that rewrites them; re-reading the files will not.
"""

from __future__ import annotations

import calendar
import functools
import json
import logging
import weakref
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from models import Agency, Record, Task
from pipeline.store.identity import document_id, document_identity, fold, store_task_id
from pipeline.store.schema import doc_references, documents, sources, task_agencies, task_leads, tasks
from pipeline.store.views import SourceView, Stored

log = logging.getLogger(__name__)

JOIN = "; "  # between names in tasks.lead / tasks.support: agency names hold commas themselves


def due_by(deadline: str | None) -> str | None:
    """The last day a deadline allows: "2026-03" → "2026-03-31", "2026" → "2026-12-31".

    >>> due_by("2026-02"), due_by("2026-06-30"), due_by(None)
    ('2026-02-28', '2026-06-30', None)
    """
    if not deadline:
        return None
    parts = deadline.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return f"{year:04d}-12-31"
        month = int(parts[1])
        if len(parts) == 2:
            return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    except (ValueError, calendar.IllegalMonthError):
        return None
    return deadline


@functools.cache
def _upsert_statement(table: sa.Table, key: tuple[str, ...], keep: tuple[str, ...]) -> sa.TextClause:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` every column but ``key`` and ``keep``, with typed parameters.

    Text rather than the dialects' ``insert(table).on_conflict_do_update(...)``: SQLAlchemy 2.0
    never caches the compiled form of those (their class says ``inherit_cache = False``), so each
    execution compiled it again, 0.3-0.7 ms a statement and three a record. A text statement is
    compiled once and found in the engine's cache after that; its parameters keep their column
    types (JSON written unescaped, timestamps as SQLite stores them). SQLite (3.24+) and
    PostgreSQL read the same syntax::

        INSERT INTO "sources" ("sha256", ...) VALUES (:sha256, ...)
        ON CONFLICT ("sha256") DO UPDATE SET "document_id" = excluded."document_id", ...
    """
    names = [c.name for c in table.columns]
    updated = [n for n in names if n not in key and n not in keep]

    def quoted(columns: Sequence[str]) -> str:
        return ", ".join(f'"{n}"' for n in columns)

    sets = ", ".join(f'"{n}" = excluded."{n}"' for n in updated)
    values = ", ".join(f":{n}" for n in names)
    sql = (
        f'INSERT INTO "{table.name}" ({quoted(names)}) VALUES ({values}) '
        f"ON CONFLICT ({quoted(key)}) DO UPDATE SET {sets}"
    )
    return sa.text(sql).bindparams(*(sa.bindparam(c.name, type_=c.type) for c in table.columns))


class _Prepared(NamedTuple):
    """A statement compiled once for one dialect, run straight on the driver's cursor."""

    sql: str
    order: tuple[str, ...] | None  # the parameters' order for a positional paramstyle (SQLite's ``?``)
    defaults: dict[str, Any]  # values the statement binds itself (a LIMIT)
    processors: dict[str, Callable[[Any], Any]]  # the columns' own conversions (JSON, timestamps on SQLite)

    def parameters(self, values: dict[str, Any]) -> Any:
        merged = {**self.defaults, **values} if self.defaults else dict(values)
        for name, process in self.processors.items():
            merged[name] = process(merged[name])
        return merged if self.order is None else tuple(merged[name] for name in self.order)


_prepared: weakref.WeakKeyDictionary[Dialect, dict[Any, _Prepared | None]] = weakref.WeakKeyDictionary()


def _prepare(dialect: Dialect, statement: sa.Executable, keys: tuple[str, ...] | None) -> _Prepared | None:
    """``statement`` compiled for ``dialect`` with its bind processors, once; None when it needs
    SQLAlchemy at execution (a parameter rendered then)."""
    cache = _prepared.setdefault(dialect, {})
    key = (statement, keys)
    if key not in cache:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)  # type: ignore[attr-defined]
        if "POSTCOMPILE" in compiled.string:
            cache[key] = None
        else:
            binds = compiled.binds
            processors = {}
            for name, bind in binds.items():
                process = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if process is not None:
                    processors[name] = process
            cache[key] = _Prepared(
                compiled.string,
                tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None,
                {name: bind.effective_value for name, bind in binds.items() if not bind.required},
                processors,
            )
    return cache[key]


def _run(conn: Connection, statement: sa.Executable, params: dict[str, Any] | Sequence[dict[str, Any]]) -> Any:
    """Execute ``statement`` on the driver's cursor: the same SQL and parameters SQLAlchemy would send,
    without its per-execution work (about 40 µs a statement warm, several times that cold, and a
    write is a dozen statements); a list of parameter sets is one ``executemany``. Returns the cursor."""
    if isinstance(params, dict):
        prepared = _prepare(conn.dialect, statement, None)
        if prepared is None:
            return conn.execute(statement, params)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(prepared.sql, prepared.parameters(params))
        return cursor
    many = list(params)
    prepared = _prepare(conn.dialect, statement, tuple(many[0]) if isinstance(statement, sa.Insert) else None)
    if prepared is None:
        return conn.execute(statement, many)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.executemany(prepared.sql, [prepared.parameters(p) for p in many])
    return cursor


def _upsert(
    conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], key: Sequence[str], keep: Sequence[str] = ()
) -> None:
    if rows:
        # a list of parameter sets: one statement, the driver's executemany
        _run(conn, _upsert_statement(table, tuple(key), tuple(keep)), list(rows))


# The other statements of a write, built once with bound parameters so the engine's cache has them.
_DOC: sa.BindParameter[str] = sa.bindparam("doc_id")
# whether the document is stored already, and which document the file belonged to until now
_STATE = sa.select(
    sa.select(documents.c.id).where(documents.c.id == _DOC).scalar_subquery().label("existing"),
    sa.select(sources.c.document_id).where(sources.c.sha256 == sa.bindparam("sha")).scalar_subquery().label("previous"),
    sa.select(documents.c.record).where(documents.c.id == _DOC).scalar_subquery().label("stored"),
)
_TOUCH_DOCUMENT = sa.update(documents).where(documents.c.id == _DOC).values(updated_at=sa.bindparam("now"))
# PostgreSQL: writers of one document take turns, from here to their commit. Without it, the first
# two writers of a new document (its PDF and DOCX uploaded at once) race past ON CONFLICT (id) into
# the unique index on identity, and one fails. SQLite writers take turns on the database, but its
# driver begins a transaction (and takes the write lock) only at the first write: the state read
# before it could be stale, and two writers of one new document would both see it absent and skip
# clearing what the other wrote. So the write lock is taken first there (BEGIN IMMEDIATE).
_TAKE_TURNS = sa.select(sa.func.pg_advisory_xact_lock(sa.bindparam("key", type_=sa.BigInteger)))
_ANY_SOURCE = sa.select(sources.c.sha256).where(sources.c.document_id == _DOC).limit(1)
_TASKS_OF = sa.select(tasks.c.id).where(tasks.c.document_id == _DOC).scalar_subquery()
_DELETE_REFERENCES = sa.delete(doc_references).where(doc_references.c.document_id == _DOC)
_DELETE_AGENCIES = sa.delete(task_agencies).where(task_agencies.c.task_id.in_(_TASKS_OF))
_DELETE_LEADS = sa.delete(task_leads).where(task_leads.c.task_id.in_(_TASKS_OF))
_DELETE_TASKS = sa.delete(tasks).where(tasks.c.document_id == _DOC)
_DELETE_SOURCES = sa.delete(sources).where(sources.c.document_id == _DOC)
_DELETE_DOCUMENT = sa.delete(documents).where(documents.c.id == _DOC)
_INSERT_REFERENCES = sa.insert(doc_references)
_INSERT_AGENCIES = sa.insert(task_agencies)
_INSERT_LEADS = sa.insert(task_leads)


@functools.lru_cache(maxsize=256)
def _delete_other_tasks(kept: int) -> sa.Delete:
    """The tasks of the document but the ``kept`` ones (``:kept_0`` ...): one statement per count, each
    compiled once (an expanding IN is rendered anew at every execution)."""
    if not kept:
        return _DELETE_TASKS
    return sa.delete(tasks).where(
        tasks.c.document_id == _DOC, tasks.c.id.not_in([sa.bindparam(f"kept_{i}") for i in range(kept)])
    )


def _document_row(record: Record, doc_id: str, identity: str, now: datetime) -> dict[str, Any]:
    searchable = " ".join(x for x in (record.doc_type, record.code, record.issuer.name, record.subject) if x)
    return {
        "id": doc_id,
        "identity": identity,
        "issuer": record.issuer.name,
        "parent": record.issuer.parent,
        "doc_type": record.doc_type,
        "number": record.number,
        "symbol": record.symbol,
        "code": record.code,
        "place": record.place,
        "issued_date": record.issued_date,
        "subject": record.subject,
        "urgency": record.urgency,
        "confidentiality": record.confidentiality,
        "signer_name": record.signer.name,
        "signer_title": record.signer.title,
        "signer_authority": record.signer.authority,
        "recipients": list(record.recipients),
        "distribution": list(record.distribution),
        "warnings": list(record.warnings),
        "record": record,  # the JSON column's serializer (orjson) writes the dataclass as model_dump_json does
        "record_sha256": record.source.sha256,
        "issuer_key": fold(record.issuer.name) if record.issuer.name else None,
        "search_key": fold(searchable),
        "created_at": now,
        "updated_at": now,
    }


def _agencies(names: list[str], found: list[Agency]) -> list[Agency]:
    """The task's agencies with their canonical names; names the record lists without one get none."""
    if found:
        return found
    return [Agency(name=name) for name in names]


class TaskRows(NamedTuple):
    """The rows of a record's tasks: ``tasks``, ``task_agencies`` and ``task_leads``."""

    tasks: list[dict[str, Any]]
    agencies: list[dict[str, Any]]
    leads: list[dict[str, Any]]


def _task_rows(doc_id: str, record_tasks: list[Task]) -> TaskRows:
    rows = TaskRows([], [], [])
    seen: dict[str, int] = {}
    for position, task in enumerate(record_tasks):
        seen[task.ordinal] = seen.get(task.ordinal, 0) + 1
        tid = store_task_id(doc_id, task.ordinal, seen[task.ordinal])
        due = due_by(task.deadline)
        rows.tasks.append(
            {
                "id": tid,
                "document_id": doc_id,
                "position": position,
                "ordinal": task.ordinal,
                "text": task.text,
                "lead": JOIN.join(task.lead),
                "support": JOIN.join(task.support),
                "deadline": task.deadline,
                "due_by": due,
                "recurrence": task.recurrence,
                "report_to": task.report_to,
                "search_key": fold(" ".join([task.text, *task.lead, *task.support])),
            }
        )
        lead_keys: dict[str, None] = {}  # ordered, each key once: "Sở NV" and "Sở Nội vụ" share one
        for role, names, found in (
            ("lead", task.lead, task.lead_agencies),
            ("support", task.support, task.support_agencies),
        ):
            for i, agency in enumerate(_agencies(names, found)):
                name_key = fold(agency.name)
                canonical_key = fold(agency.canonical) if agency.canonical else None
                rows.agencies.append(
                    {
                        "task_id": tid,
                        "role": role,
                        "position": i,
                        "name": agency.name,
                        "canonical": agency.canonical,
                        "is_group": agency.group,
                        "name_key": name_key,
                        "canonical_key": canonical_key,
                    }
                )
                if role == "lead":
                    lead_keys.update(dict.fromkeys(k for k in (canonical_key, name_key) if k))
        rows.leads.extend(
            {"task_id": tid, "agency_key": key, "due_by": due, "document_id": doc_id, "position": position}
            for key in lead_keys
        )
    return rows


def _reference_rows(doc_id: str, record: Record) -> list[dict[str, Any]]:
    """One row per cited code; a code listed twice adds its mentions (a duplicate would abort the write)."""
    rows: dict[str, dict[str, Any]] = {}
    for ref in record.references:
        if ref.code in rows:
            rows[ref.code]["mentions"] += ref.mentions
            continue
        rows[ref.code] = {
            "document_id": doc_id,
            "code": ref.code,
            "doc_type": ref.doc_type,
            "issued_date": ref.issued_date,
            "issuer": ref.issuer,
            "mentions": ref.mentions,
        }
    return list(rows.values())


def upsert_record(conn: Connection, record: Record, *, now: datetime | None = None) -> Stored:
    """Store ``record`` on ``conn`` (inside the caller's transaction); see the module docstring."""
    now = now or datetime.now(UTC)
    identity = document_identity(record)
    doc_id = document_id(identity)
    sha = record.source.sha256

    if conn.dialect.name == "postgresql":
        _run(conn, _TAKE_TURNS, {"key": int(doc_id[:15], 16)})  # 60 bits of the id: a bigint
    elif conn.dialect.name == "sqlite":
        driver = conn.connection.dbapi_connection
        if driver is not None and not driver.in_transaction:  # the caller may have begun writing already
            driver.execute("BEGIN IMMEDIATE")
    existing, previous, stored = _run(conn, _STATE, {"doc_id": doc_id, "sha": sha}).fetchone()
    existed = existing is not None
    # the same file read into the record the store holds: only the timestamps move (see the module docstring)
    unchanged = existed and previous == doc_id and _same_record(stored, record)

    if unchanged:
        _run(conn, _TOUCH_DOCUMENT, {"doc_id": doc_id, "now": now})
    else:
        _upsert(conn, documents, [_document_row(record, doc_id, identity, now)], key=["id"], keep=["created_at"])
    _upsert(
        conn,
        sources,
        [
            {
                "sha256": sha,
                "document_id": doc_id,
                "path": record.source.path,
                "media_type": record.source.media_type,
                "pages": record.source.pages,
                "first_seen": now,
                "last_seen": now,
            }
        ],
        key=["sha256"],
        keep=["first_seen"],
    )
    if previous is not None and previous != doc_id:
        if _run(conn, _ANY_SOURCE, {"doc_id": previous}).fetchone() is None:
            log.info("document %s has no source left (its file now reads as %s): removed", previous, doc_id)
            _delete_document(conn, previous)

    if unchanged:
        return Stored(document_id=doc_id, created=False)
    rows = _task_rows(doc_id, record.tasks)
    # A document new to the store has no rows under it yet: nothing to delete (four statements
    # fewer on the common path, each 0.1-0.3 ms on a machine woken from idle).
    if existed:
        this_document = {"doc_id": doc_id}
        _run(conn, _DELETE_REFERENCES, this_document)
        _run(conn, _DELETE_AGENCIES, this_document)
        _run(conn, _DELETE_LEADS, this_document)
        kept = {f"kept_{i}": row["id"] for i, row in enumerate(rows.tasks)}
        _run(conn, _delete_other_tasks(len(kept)), {**this_document, **kept})
    refs = _reference_rows(doc_id, record)
    if refs:
        _run(conn, _INSERT_REFERENCES, refs)
    _upsert(conn, tasks, rows.tasks, key=["id"])
    if rows.agencies:
        _run(conn, _INSERT_AGENCIES, rows.agencies)
    if rows.leads:
        _run(conn, _INSERT_LEADS, rows.leads)
    if not existed and previous is None:
        # a new document whose one file is new too: its sources are known without reading them back
        only = SourceView(
            sha256=sha,
            path=record.source.path,
            media_type=record.source.media_type,
            pages=record.source.pages,
            first_seen=now,
            last_seen=now,
        )
        return Stored(document_id=doc_id, created=True, sources=[only])
    return Stored(document_id=doc_id, created=not existed)


def _same_record(stored: Any, record: Record) -> bool:
    """Whether the record column's value (text on SQLite, already parsed on PostgreSQL) is ``record``."""
    if stored is None:
        return False
    if isinstance(stored, (str, bytes)):
        try:
            stored = json.loads(stored)
        except ValueError:
            return False
    return bool(stored == record.model_dump())


def _delete_document(conn: Connection, doc_id: str) -> None:
    """Remove a document and everything under it (explicitly: SQLite may run without foreign keys)."""
    for statement in (_DELETE_AGENCIES, _DELETE_LEADS, _DELETE_TASKS, _DELETE_REFERENCES, _DELETE_SOURCES):
        _run(conn, statement, {"doc_id": doc_id})
    _run(conn, _DELETE_DOCUMENT, {"doc_id": doc_id})
