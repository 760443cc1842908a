"""The inbox's ledger: what became of each claimed file and each distinct document.

SQLite in WAL mode, kept on local disk (``data_dir/inbox-ledger.sqlite3``) because SQLite
locking is unreliable on network shares. The outcome of a file is committed before the file is
moved, and every step after it is idempotent, so a watcher killed at any point finishes the job
on restart by doing what the ledger says. Each distinct content (sha256) has one record: a
second file with the same bytes is a duplicate, across restarts too.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.sqlite import enable_wal

LEDGER_NAME = "inbox-ledger.sqlite3"
Outcome = Literal["processed", "failed", "duplicate"]


@dataclass(frozen=True)
class FileRow:
    """The committed outcome of one claimed file."""

    token: str
    name: str
    sha256: str | None
    outcome: Outcome
    dest: Path
    note: Path
    note_text: str | None


@dataclass(frozen=True)
class DocumentRow:
    """The first file that gave a record for one content (sha256)."""

    sha256: str
    token: str
    name: str
    record: Path
    source: Path
    delivered: bool
    created: str


class Ledger:
    """SQLite in WAL mode: what became of each claimed file and each distinct document.

    Its write lock (``BEGIN IMMEDIATE``) is also what serializes choosing names among watchers
    on one machine: a name is taken when a file of that stem exists or the ledger reserved it.
    """

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS files (
        token TEXT PRIMARY KEY,      -- the claim: .processing/TOKEN~NAME
        name TEXT NOT NULL,          -- the name the clerk gave the file
        sha256 TEXT,                 -- NULL when the file could not be read at all
        outcome TEXT NOT NULL,       -- processed | failed | duplicate
        stem_key TEXT NOT NULL UNIQUE, -- folder/stem reserved for the file and its note
        dest TEXT NOT NULL,          -- where the file goes
        note TEXT NOT NULL,          -- the record (.json) or the note (.error.txt / .duplicate.txt)
        note_text TEXT,              -- the note's text, to write it again after a crash
        created TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS documents (
        sha256 TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        name TEXT NOT NULL,
        record TEXT NOT NULL,
        source TEXT NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    );
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit mode: transactions are explicit, so BEGIN IMMEDIATE means what it says.
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        enable_wal(self._db)  # a second watcher starting at the same moment waits for the first
        # NORMAL in WAL mode: a commit survives a killed process (SIGKILL included) without an
        # fsync per commit, which halved the watcher's throughput. A power cut may lose the
        # last commits; files are still never lost (they move only after a commit), at worst
        # content dropped again after such a cut gets a second record.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(self.SCHEMA)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def file(self, token: str) -> FileRow | None:
        row = self._db.execute(
            "SELECT token, name, sha256, outcome, dest, note, note_text FROM files WHERE token = ?", (token,)
        ).fetchone()
        if row is None:
            return None
        return FileRow(row[0], row[1], row[2], row[3], Path(row[4]), Path(row[5]), row[6])

    def document(self, sha256: str, db: sqlite3.Connection | None = None) -> DocumentRow | None:
        row = (
            (db or self._db)
            .execute(
                "SELECT sha256, token, name, record, source, delivered, created FROM documents WHERE sha256 = ?",
                (sha256,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return DocumentRow(row[0], row[1], row[2], Path(row[3]), Path(row[4]), bool(row[5]), row[6])

    def stem_reserved(self, db: sqlite3.Connection, stem_key: str) -> bool:
        return db.execute("SELECT 1 FROM files WHERE stem_key = ?", (stem_key,)).fetchone() is not None

    def mark_delivered(self, sha256: str) -> None:
        self._db.execute("UPDATE documents SET delivered = 1 WHERE sha256 = ?", (sha256,))

    def undelivered(self) -> list[DocumentRow]:
        rows = self._db.execute("SELECT sha256 FROM documents WHERE delivered = 0").fetchall()
        return [doc for (sha,) in rows if (doc := self.document(sha)) is not None]

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT outcome, count(*) FROM files GROUP BY outcome").fetchall()
        return {outcome: n for outcome, n in rows}

    def close(self) -> None:
        self._db.close()
