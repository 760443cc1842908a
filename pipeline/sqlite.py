"""SQLite connections the project opens itself: the store's engine and the inbox's ledger."""

from __future__ import annotations

import sqlite3
import time
from typing import Any


def enable_wal(dbapi_connection: Any, seconds: float = 60.0) -> None:
    """``PRAGMA journal_mode=WAL`` on an SQLite connection, waiting for other processes that open the same
    new file at the same moment (two watchers started together): SQLite answers "database is locked" at
    once there, without its busy timeout, while the other one switches the file to WAL."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
