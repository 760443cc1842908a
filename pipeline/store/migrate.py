"""Bring a database to the store's current schema with the Alembic migrations shipped in the package.

    >>> from pipeline.store.migrate import upgrade          # doctest: +SKIP
    >>> upgrade(engine)                                      # idempotent: a no-op at head

Every process that opens the store calls :func:`upgrade`; when several start at once (the
watcher, a batch, the API) they take turns on a lock — PostgreSQL's advisory lock, or a lock
file beside an SQLite database — so a migration runs once. New migrations go in
``pipeline/store/migrations/versions/`` (``alembic -c pipeline/store/alembic.ini revision -m ...``).

The chain may have several heads: the store's own migrations, and branches that add the tables
of another part of the project on top of the store's (the clerk's desk: branch label ``desk``,
``desk_0001`` on top of ``0001``). :func:`upgrade` goes to every head ("heads"), so branches
written at the same time never collide over one revision id.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# any constant: it only has to be the same in every process migrating this store
_PG_LOCK_KEY = 0x76_6E_64_69_72  # "vndir"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revisions() -> frozenset[str]:
    """The revisions the code expects the database to be at: one per branch of the chain."""
    heads = frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())
    assert heads, "no migrations shipped"
    return heads


def current_revisions(connection: Connection) -> frozenset[str]:
    """The revisions the database is at (one per branch), empty for a database the store never touched."""
    return frozenset(MigrationContext.configure(connection).get_current_heads())


@contextlib.contextmanager
def _migration_lock(engine: Engine, connection: Connection) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        connection.execute(sa.text("select pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(sa.text("select pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    from pipeline.sinks.base import file_lock

    with file_lock(Path(database)):
        yield


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Migrate the database behind ``engine`` to ``revision`` (default: the latest of every branch)."""
    with engine.connect() as probe:
        if revision == "heads" and current_revisions(probe) == head_revisions():
            return  # the usual case: nothing to do, no lock taken
    with engine.connect() as connection:
        with _migration_lock(engine, connection):
            connection.commit()  # the lock query opened a transaction; migrations bring their own
            command.upgrade(alembic_config(connection), revision)
            connection.commit()


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate back to ``revision`` ("base" drops every table the store made)."""
    with engine.connect() as connection:
        with _migration_lock(engine, connection):
            connection.commit()
            command.downgrade(alembic_config(connection), revision)
            connection.commit()


def import_legacy(engine: Engine) -> int:
    """Re-read the records of a pre-store database (tables ``*_v0``, see migration 0001) into the
    store, then drop those tables; returns how many records were moved."""
    from models import Record
    from pipeline.store.write import upsert_record

    if "documents_v0" not in sa.inspect(engine).get_table_names():
        return 0
    moved = 0
    with engine.connect() as connection:
        with _migration_lock(engine, connection):
            connection.commit()
            with connection.begin():
                if "documents_v0" not in sa.inspect(connection).get_table_names():
                    return 0  # another process moved them while we waited for the lock
                for (data,) in connection.execute(sa.text("select record from documents_v0")):
                    record = Record.model_validate_json(data) if isinstance(data, str) else Record.model_validate(data)
                    upsert_record(connection, record)
                    moved += 1
                for name in ("tasks_v0", "doc_references_v0", "documents_v0"):
                    connection.execute(sa.text(f"drop table if exists {name}"))
    return moved
