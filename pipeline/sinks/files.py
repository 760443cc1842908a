"""File sinks: one JSON file per document, and task tables as JSON Lines or CSV for Excel.

The task tables are keyed by document (``sha256``): writing a document that is already in the
file replaces all of its lines, so re-running a document neither duplicates its tasks nor keeps
a task the new record dropped. Task ids are derived from the sha256 and the ordinal, so keying by
document covers the "no duplicate task id" rule too.

How: each sink remembers which documents the file holds (read once, then only the bytes other
processes appended since). A new document is *appended* (cheap, the usual case); a document
already present makes the sink *rewrite* the file atomically without its old lines. A
cross-process lock file (``tasks.jsonl.lock``) serialises the watcher and batch runs. If a crash
left a half-written last line, it is cut off on the next open (its document is re-run anyway,
because the input file only leaves the inbox after every sink succeeded).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import unicodedata
from abc import abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from models import Record
from pipeline.filenames import fit
from pipeline.sinks.base import SinkBase, SinkError, atomic_write_bytes, file_lock, task_fields

# Characters Windows shares and Excel refuse in file names (clerks open records from SMB shares).
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_MAX_STEM = 80  # characters
SHORT_SHA = 12


def record_filename(record: Record) -> str:
    """``<source stem>-<first 12 hex of sha256>.json``, e.g. ``CV 100-UBND-NC-3fa2b9c01d4e.json``.

    The stem keeps the clerk's recognisable name; the hash keeps two different documents that
    were both called ``cong-van.pdf`` apart.
    """
    stem = unicodedata.normalize("NFC", Path(record.source.path).stem)
    stem = _UNSAFE_NAME.sub("_", stem).strip(" .") or "document"
    # 80 characters, and never more bytes than a name may have (Vietnamese letters take 2-3 each)
    return fit(stem[:_MAX_STEM], f"-{record.source.sha256[:SHORT_SHA]}.json")


def record_json(record: Record) -> str:
    """The record as the contract prints it: UTF-8 text, Vietnamese unescaped, indented."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


class JsonSink(SinkBase):
    """One JSON file per document in ``json_dir``, replaced atomically on every write."""

    name = "json"

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SinkError(
                self.name, str(self.directory), f"cannot create the folder ({exc.strerror})", _DISK_ADVICE
            ) from exc

    def path_for(self, record: Record) -> Path:
        """Where :meth:`write` puts this record."""
        return self.directory / record_filename(record)

    def write(self, record: Record) -> None:
        target = self.path_for(record)
        with self._lock:
            try:
                atomic_write_bytes(target, record_json(record).encode("utf-8"))
                # The same document dropped again under another name: keep only the newest file,
                # so one document is one file.
                for old in self.directory.glob(f"*-{record.source.sha256[:SHORT_SHA]}.json"):
                    if old != target:
                        old.unlink(missing_ok=True)
            except OSError as exc:
                raise SinkError(self.name, str(target), f"cannot write ({exc.strerror})", _DISK_ADVICE) from exc


_DISK_ADVICE = "Check the disk has space and the service account may write there"

TASK_COLUMNS: tuple[str, ...] = (
    # the document each task belongs to
    "sha256",
    "source_path",
    "issuer",
    "doc_type",
    "code",
    "issued_date",
    "subject",
    # the task itself, named as in the record
    "id",
    "ordinal",
    "text",
    "lead",
    "support",
    "deadline",
    "recurrence",
    "report_to",
)


def task_rows(record: Record) -> list[dict[str, Any]]:
    """One flat row per task, carrying its document's fields beside the task's own."""
    document = {
        "sha256": record.source.sha256,
        "source_path": record.source.path,
        "issuer": record.issuer.name,
        "doc_type": record.doc_type,
        "code": record.code,
        "issued_date": record.issued_date,
        "subject": record.subject,
    }
    return [{**document, **task_fields(task)} for task in record.tasks]


class _TaskTableSink(SinkBase):
    """A task table file keyed by document sha256; subclasses choose the encoding."""

    terminator: ClassVar[bytes]
    preamble: ClassVar[bytes] = b""  # written once at the top of a new file (BOM, header row)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._known: set[str] = set()  # documents the file holds, as far as we have read it
        self._offset = 0  # bytes of the file already read into _known
        self._inode: tuple[int, int] | None = None  # to notice another process replaced the file
        try:
            with self._lock, file_lock(self.path):
                self._refresh()
        except OSError as exc:
            raise SinkError(self.name, str(self.path), f"cannot open ({exc.strerror})", _DISK_ADVICE) from exc

    @abstractmethod
    def _encode(self, rows: list[dict[str, Any]]) -> bytes:
        """Rows as bytes to append, without the preamble."""

    @abstractmethod
    def _decode(self, data: bytes) -> list[dict[str, Any]]:
        """Rows from bytes that hold whole rows, without the preamble."""

    def write(self, record: Record) -> None:
        rows = task_rows(record)
        sha = record.source.sha256
        with self._lock:
            try:
                with file_lock(self.path):
                    self._refresh()
                    if sha in self._known:
                        self._rewrite(sha, rows)
                    elif rows:
                        self._append(rows)
                    if rows:
                        self._known.add(sha)
                    else:
                        self._known.discard(sha)
            except OSError as exc:
                raise SinkError(self.name, str(self.path), f"cannot write ({exc.strerror})", _DISK_ADVICE) from exc

    def read_rows(self) -> list[dict[str, Any]]:
        """Every row in the file (for tests and small tools; the file may be large)."""
        with self._lock, file_lock(self.path):
            if not self.path.exists():
                return []
            return self._decode(self.path.read_bytes()[len(self.preamble) :])

    # -- internals: always called with both locks held ------------------------------------

    def _refresh(self) -> None:
        """Bring ``_known`` up to date with the file, reading only what was appended since last time."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._known, self._offset, self._inode = set(), 0, None
            return
        inode = (st.st_dev, st.st_ino)
        if inode != self._inode or st.st_size < self._offset:
            self._known, self._offset, self._inode = set(), 0, inode  # replaced: read it all again
        if st.st_size == self._offset:
            return
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        start = 0
        if self._offset == 0:
            if not data.startswith(self.preamble):
                raise SinkError(
                    self.name,
                    str(self.path),
                    "the file does not start the way this sink writes it (another program edited it?)",
                    "Move the file aside; the next run starts a fresh one",
                )
            start = len(self.preamble)
        last = data.rfind(self.terminator, start)
        end = last + len(self.terminator) if last >= 0 else start
        if end < len(data):
            # A crash cut the last row short: drop the fragment so the next append starts clean.
            os.truncate(self.path, self._offset + end)
        self._known.update(row["sha256"] for row in self._decode(data[start:end]))
        self._offset += end

    def _append(self, rows: list[dict[str, Any]]) -> None:
        data = self._encode(rows)
        if self._offset == 0:
            data = self.preamble + data
        # One write() call with O_APPEND: concurrent appenders never interleave inside it.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        st = self.path.stat()
        self._inode, self._offset = (st.st_dev, st.st_ino), st.st_size

    def _rewrite(self, sha: str, rows: list[dict[str, Any]]) -> None:
        kept = [row for row in self._decode(self.path.read_bytes()[len(self.preamble) :]) if row["sha256"] != sha]
        atomic_write_bytes(self.path, self.preamble + self._encode(kept + rows))
        st = self.path.stat()
        self._inode, self._offset = (st.st_dev, st.st_ino), st.st_size


class JsonlSink(_TaskTableSink):
    """``tasks.jsonl``: one JSON object per task per line, UTF-8, lists kept as JSON arrays."""

    name = "jsonl"
    terminator = b"\n"

    def _encode(self, rows: list[dict[str, Any]]) -> bytes:
        # ensure_ascii=False keeps Vietnamese readable; JSON escapes any newline inside a value,
        # so one line is always exactly one task.
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")

    def _decode(self, data: bytes) -> list[dict[str, Any]]:
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


LIST_SEPARATOR = "; "


class CsvSink(_TaskTableSink):
    """``tasks.csv`` for Excel: UTF-8 with BOM (or Excel shows "Sá»Ÿ" for "Sở"), CRLF, every cell quoted
    when needed, lead/support joined with ``"; "``.
    """

    name = "csv"
    terminator = b"\r\n"
    preamble = "\ufeff".encode() + (",".join(TASK_COLUMNS) + "\r\n").encode("utf-8")

    def _encode(self, rows: list[dict[str, Any]]) -> bytes:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=TASK_COLUMNS, lineterminator="\r\n")
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
        return buffer.getvalue().encode("utf-8")

    def _decode(self, data: bytes) -> list[dict[str, Any]]:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""), fieldnames=TASK_COLUMNS)
        return [dict(row) for row in reader]


def _cell(value: Any) -> str:
    """A CSV cell: lists joined, None empty, and no bare CR (so CRLF only ever ends a row)."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n")
