"""Opening the store's database: SQLite (embedded, the default) or PostgreSQL, by URL.

JSON columns are written by orjson, letters as written: SQLAlchemy's default (``json.dumps``)
escapes every Vietnamese letter ("S\\u1edf N\\u1ed9i v\\u1ee5"), which no hand-written query can
match. orjson also writes a record (a dataclass) in one pass of C, half the time of dumping it to
dicts and then to text, on every write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipeline.sqlite import enable_wal


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{Path(path).expanduser()}"


def _json_dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # what orjson refuses (keys that are not text, say): the standard library's way
        return json.dumps(value, ensure_ascii=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the watcher, a batch and the API write in
    # turn while readers keep reading.
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    enable_wal(dbapi_connection)


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` with the store's JSON encoding, SQLite pragmas and pool settings."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # timeout: wait for another process's write instead of failing with "database is locked".
        engine = sa.create_engine(
            parsed,
            connect_args={"timeout": 30, "check_same_thread": False},
            json_serializer=_json_dumps,
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL")
    return sa.create_engine(parsed, pool_pre_ping=True, json_serializer=_json_dumps)


def safe_url(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    return sa.make_url(url).render_as_string(hide_password=True)
