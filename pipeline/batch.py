"""Read a folder of documents with a pool of processes, writing each record as it completes.

Extraction is CPU-bound pure Python, so threads would share one core under the GIL; the worker
pool (:mod:`pipeline.workers`) of ``batch_workers`` processes uses them all, each document under
the time and memory limits. The parent process alone writes outputs and talks to the sinks, so a
sink (a database connection, a webhook client) is opened once.

>>> from pipeline.batch import Batch, find_documents          # doctest: +SKIP
>>> batch = run_batch(Path("scans"), out_dir=Path("out"), workers=2)
>>> for item in batch:                                         # doctest: +SKIP
...     print(item.path, item.status, item.failure and item.failure.reason)
>>> batch.report.failed                                        # doctest: +SKIP

Nothing is dropped silently: every file found is written to ``out_dir``, or listed in
``failed.csv`` / ``errors.txt`` there (with its reason), or in ``duplicates.csv`` (the same bytes
as a file read earlier in the batch: read once), or, when the batch was interrupted, in
``failed.csv`` as ``not_done``. Files skipped because their type is not a document are listed in
``skipped.txt``. Any error about one document (its name, its encoding, the disk while writing its
record) is that document's failure; the others go on.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from models import Record
from pipeline.filenames import fit
from pipeline.inputs import DOCUMENT_SUFFIXES, irregular_reason, is_temporary_name
from pipeline.sinks.base import Sink, atomic_write_text
from pipeline.sinks.delivery import DeliveryError, deliver, flush_all, pending
from pipeline.workers import Extracted, Failure, WorkerPool, unexpected_failure

if TYPE_CHECKING:
    from pipeline.limits import Limits
    from pipeline.settings import Settings

log = logging.getLogger("pipeline.batch")

Status = Literal["ok", "failed", "duplicate", "not_done"]


def load_sinks(settings: Settings) -> list[Sink]:
    """The sinks the settings switch on (:func:`pipeline.sinks.build_sinks`)."""
    from pipeline.sinks import build_sinks

    return list(build_sinks(settings))


def record_json(record: Record) -> str:
    """The record as clerks and the scorer read it: UTF-8, Vietnamese unescaped, indented."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


# --- files ------------------------------------------------------------------------------


class Found(NamedTuple):
    """What :func:`find_documents` found: documents to read, files that are not documents, and
    entries refused with a reason (a symbolic link, a folder named like a document)."""

    documents: list[Path]
    skipped: list[Path]
    refused: list[tuple[Path, str]]


def find_documents(folder: Path, *, recursive: bool = False, all_files: bool = False) -> Found:
    """The documents in ``folder`` (sorted, so runs are reproducible), the files skipped, the entries refused.

    Temporary and hidden files are left out entirely (they are not documents anyone dropped);
    files with a non-document suffix are skipped unless ``all_files``. Symbolic links are never
    followed (:mod:`pipeline.inputs`): one named like a document, or pointing at a folder in a
    recursive run, is refused with its reason, as is a folder named like a document.
    """
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    documents: list[Path] = []
    skipped: list[Path] = []
    refused: list[tuple[Path, str]] = []
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as exc:
            refused.append((here, f"cannot list the folder ({exc.strerror or exc})"))
            continue
        for entry in entries:
            if is_temporary_name(entry.name):
                continue
            path = Path(entry.path)
            document_like = all_files or path.suffix.lower() in DOCUMENT_SUFFIXES
            try:
                if entry.is_symlink():
                    points_to_folder = path.is_dir()
                    if document_like or (recursive and points_to_folder):
                        refused.append((path, irregular_reason(path) or "a symbolic link"))
                    else:
                        skipped.append(path)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if recursive:
                        stack.append(path)
                    elif path.suffix.lower() in DOCUMENT_SUFFIXES:
                        refused.append((path, "a folder, not a file"))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    if document_like:
                        refused.append((path, irregular_reason(path) or "not a regular file"))
                    continue
            except OSError as exc:
                refused.append((path, f"cannot look at it ({exc.strerror or exc})"))
                continue
            (documents if document_like else skipped).append(path)
    return Found(sorted(documents), sorted(skipped), sorted(refused))


def output_names(paths: Sequence[Path], root: Path | None) -> dict[Path, Path]:
    """Where each document's record goes, relative to the output folder.

    ``NAME.json`` for ``NAME.pdf`` (what ``shared/tools/score.py`` reads), keeping subfolders
    of a recursive run. Files sharing a stem in one folder (``NAME.pdf`` and ``NAME.docx``) get
    ``NAME.pdf.json`` and ``NAME.docx.json``, so names never depend on which worker finished
    first; any remaining clash gets `` (2)``. A name too long for the file system is shortened
    (:func:`pipeline.filenames.fit`).
    """
    ordered = sorted(paths)

    def folder_of(path: Path) -> Path:
        return path.relative_to(root).parent if root is not None and path.is_relative_to(root) else Path()

    stems: dict[tuple[Path, str], int] = {}
    for path in ordered:
        key = (folder_of(path), path.stem)
        stems[key] = stems.get(key, 0) + 1
    taken: set[Path] = set()
    names: dict[Path, Path] = {}
    for path in ordered:
        base = folder_of(path)
        stem = path.stem if stems[(base, path.stem)] == 1 else path.name
        candidate = base / fit(stem, ".json", room=8)
        n = 2
        while candidate in taken:
            candidate = base / fit(stem, f" ({n}).json")
            n += 1
        taken.add(candidate)
        names[path] = candidate
    return names


def first_of_each_content(paths: Sequence[Path]) -> tuple[list[Path], dict[Path, tuple[Path, str]]]:
    """The files to read — the first of each content (sha256) — and, for every other file, the
    first one with its bytes and their sha256. A file that cannot be hashed is kept to read: its
    reader says why it cannot be read."""
    from pipeline.stages import sha256_of

    first: dict[str, Path] = {}
    to_read: list[Path] = []
    duplicates: dict[Path, tuple[Path, str]] = {}
    for path in paths:
        try:
            sha = sha256_of(path)
        except OSError:
            to_read.append(path)
            continue
        if sha in first:
            duplicates[path] = (first[sha], sha)
        else:
            first[sha] = path
            to_read.append(path)
    return to_read, duplicates


def error_kind(error: BaseException) -> str:
    """The name a report gives an error: its class, or the class it had where it was raised
    (an error read back from a worker on another machine carries it as ``kind``)."""
    return str(getattr(error, "kind", None) or type(error).__name__)


def clerk_note(display: str, error: type, reason: str) -> Failure:
    """A :class:`Failure` for one of the project's errors found outside a reader."""
    err = error(display, reason)
    return Failure(error.__name__, reason, err.for_clerk(), expected=True)


# --- the batch --------------------------------------------------------------------------


@dataclass
class BatchItem:
    """One document's outcome, yielded as soon as it is known."""

    path: Path
    record: Record | None
    failure: Failure | None
    seconds: float
    record_path: Path | None = None
    delivery_errors: list[DeliveryError] = field(default_factory=list)
    duplicate_of: Path | None = None
    sha256: str | None = None
    not_done: bool = False
    # where a failure happened ("extract", "write"); None: told by whether there is a record
    stage: str | None = None

    @property
    def status(self) -> Status:
        if self.not_done:
            return "not_done"
        if self.duplicate_of is not None:
            return "duplicate"
        # a record in hand, or (an item read back from a worker's outcome) a record written
        has_record = self.record is not None or self.record_path is not None
        return "ok" if has_record and self.failure is None and not self.delivery_errors else "failed"

    @property
    def failed_stage(self) -> str:
        """Where the failure happened: ``extract`` (no record) or ``write`` (a record, not saved)."""
        return self.stage or ("write" if self.record is not None else "extract")

    @property
    def ok(self) -> bool:
        """Done and nothing to fix: a record written and delivered, or a duplicate of one."""
        return self.status in ("ok", "duplicate")


@dataclass
class BatchReport:
    """What happened to every file of a batch."""

    total: int = 0
    ok: int = 0
    failed: list[BatchItem] = field(default_factory=list)
    duplicates: list[BatchItem] = field(default_factory=list)
    not_done: list[BatchItem] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    seconds: float = 0.0
    interrupted: str | None = None  # the signal that stopped the batch ("SIGTERM"), None when it ran to the end
    delivery_pending: dict[str, int] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        done = self.total - len(self.not_done)
        return done / self.seconds if self.seconds > 0 else 0.0

    def add(self, item: BatchItem) -> None:
        self.total += 1
        status = item.status
        if status == "ok":
            self.ok += 1
        elif status == "duplicate":
            self.duplicates.append(item)
        elif status == "not_done":
            self.not_done.append(item)
        else:
            self.failed.append(item)

    def summary(self) -> dict[str, object]:
        return {
            "total": self.total,
            "ok": self.ok,
            "failed": len(self.failed),
            "duplicates": len(self.duplicates),
            "not_done": len(self.not_done),
            "skipped": len(self.skipped),
            "interrupted": self.interrupted,
            "delivery_pending": self.delivery_pending,
            "seconds": round(self.seconds, 3),
            "docs_per_second": round(self.docs_per_second, 2),
        }

    def write(self, out_dir: Path) -> list[Path]:
        """Write ``summary.json`` always, and ``failed.csv``, ``errors.txt``, ``duplicates.csv``,
        ``skipped.txt`` when there is something to list; stale lists from an earlier run into the
        same folder are removed."""
        out_dir.mkdir(parents=True, exist_ok=True)
        written = [out_dir / "summary.json"]
        atomic_write_text(out_dir / "summary.json", json.dumps(self.summary(), ensure_ascii=False, indent=2) + "\n")
        for name in ("failed.csv", "errors.txt", "skipped.txt", "duplicates.csv"):
            (out_dir / name).unlink(missing_ok=True)
        if self.failed or self.not_done:
            atomic_write_text(out_dir / "failed.csv", "\ufeff" + self._failed_csv())
            atomic_write_text(out_dir / "errors.txt", self._errors_txt())
            written += [out_dir / "failed.csv", out_dir / "errors.txt"]
        if self.duplicates:
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(["path", "same_as", "sha256"])
            for item in self.duplicates:
                writer.writerow([item.path, item.duplicate_of, item.sha256 or ""])
            atomic_write_text(out_dir / "duplicates.csv", "\ufeff" + buf.getvalue())
            written.append(out_dir / "duplicates.csv")
        if self.skipped:
            atomic_write_text(out_dir / "skipped.txt", "".join(f"{p}\n" for p in self.skipped))
            written.append(out_dir / "skipped.txt")
        return written

    def _failed_csv(self) -> str:
        # BOM (added by the caller) so Excel, which clerks open CSVs with, reads the Vietnamese correctly.
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["path", "stage", "kind", "reason", "record"])
        for item in self.failed:
            if item.failure is not None:
                writer.writerow(
                    [item.path, item.failed_stage, item.failure.kind, item.failure.reason, item.record_path or ""]
                )
            for err in item.delivery_errors:
                writer.writerow(
                    [item.path, f"sink:{err.sink}", error_kind(err.cause), str(err.cause), item.record_path or ""]
                )
        for item in self.not_done:
            why = self.interrupted or "interrupted"
            reason = f"the batch was stopped ({why}) before this file was read; run the batch again"
            writer.writerow([item.path, "not_done", "Interrupted", reason, ""])
        return buf.getvalue()

    def _errors_txt(self) -> str:
        out = io.StringIO()
        for item in self.failed:
            if item.failure is not None:
                out.write(item.failure.clerk_text)
                if not item.failure.expected and item.failure.detail:
                    out.write(item.failure.detail.rstrip() + "\n")
            for err in item.delivery_errors:
                out.write(
                    f"Tệp / File: {item.path}\nError: record written to {item.record_path} but not delivered to {err}\n"
                )
            out.write("\n")
        for item in self.not_done:
            out.write(
                f"Tệp / File: {item.path}\n"
                "Chưa xử lý: lượt chạy bị dừng trước khi đọc tệp này; chạy lại lượt xử lý.\n"
                "Not done: the batch was stopped before this file was read; run the batch again.\n\n"
            )
        return out.getvalue()


class Batch:
    """Iterate to run: yields a :class:`BatchItem` per document as it completes.

    Records go to ``out_dir`` (when given) and to ``sinks``, both from this process. At the end
    of the iteration (or when it is abandoned or stopped) the pool is shut down, what the sinks'
    outboxes hold is tried once more, and, with ``out_dir``, the report is written there.
    Re-running into the same ``out_dir`` replaces its records.

    :meth:`stop` (from a signal handler) ends the batch early: no new document starts; those
    being read get ``grace`` seconds to finish, then their readers are stopped and they are
    reported ``not_done`` with every document not yet started.
    """

    def __init__(
        self,
        paths: Iterable[Path],
        *,
        workers: int,
        out_dir: Path | None = None,
        sinks: Sequence[Sink] = (),
        root: Path | None = None,
        skipped: Sequence[Path] = (),
        refused: Sequence[tuple[Path, str]] = (),
        pool: WorkerPool | None = None,
        limits: Limits | None = None,
        grace: float = 20.0,
        names: Mapping[Path, Path] | None = None,
    ) -> None:
        self.paths = list(paths)
        self.refused = list(refused)
        self.workers = workers
        self.out_dir = out_dir
        self.sinks = list(sinks)
        self.root = root
        self.limits = limits
        self.grace = grace
        self.report = BatchReport(skipped=list(skipped))
        self._pool = pool
        # a chunk of a larger batch is given the names the whole batch chose (pipeline.chunks)
        self._names = dict(names) if names is not None else output_names(self.paths, root)
        self._stop = threading.Event()
        self._abort = threading.Event()

    def __len__(self) -> int:
        return len(self.paths) + len(self.refused)

    def stop(self, reason: str = "interrupted", *, abort: bool = False) -> None:
        """Stop early (safe from a signal handler); ``abort`` stops the documents being read at once."""
        if self.report.interrupted is None:
            self.report.interrupted = reason
        self._stop.set()
        if abort:
            self._abort.set()

    # -- one document -------------------------------------------------------------------

    def _admit(self, path: Path, seen: dict[str, Path]) -> BatchItem | None:
        """Hash ``path`` before it is read: None when it should be read, else its outcome now
        (a duplicate of a file already in this batch, or a file that cannot be read at all)."""
        from pipeline.errors import UnreadableFile
        from pipeline.stages import sha256_of

        try:
            sha = sha256_of(path)
        except OSError as exc:
            failure = clerk_note(str(path), UnreadableFile, f"cannot read the file ({exc.strerror or exc})")
            return BatchItem(path, None, failure, 0.0)
        first = seen.get(sha)
        if first is not None:
            log.info("duplicate %s: same content as %s", path, first)
            return BatchItem(path, None, None, 0.0, duplicate_of=first, sha256=sha)
        seen[sha] = path
        return None

    def _finish(self, extracted: Extracted) -> BatchItem:
        item = BatchItem(extracted.path, extracted.record, extracted.failure, extracted.seconds)
        if extracted.record is None:
            assert extracted.failure is not None
            log.info("failed %s: %s", extracted.path, extracted.failure.reason)
            if extracted.failure.detail and not extracted.failure.expected:
                log.error("unexpected failure on %s\n%s", extracted.path, extracted.failure.detail)
            return item
        if self.out_dir is not None:
            target = self.out_dir / self._names[extracted.path]
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_text(target, record_json(extracted.record))
                item.record_path = target
            except OSError as exc:
                log.error("cannot write the record of %s to %s: %s", extracted.path, target, exc)
                cause = OSError(f"cannot write {target}: {exc.strerror}")
                item.failure = unexpected_failure(str(extracted.path), cause)
        # the sinks get the record even when its file could not be written: nothing is lost
        item.delivery_errors = deliver(extracted.record, self.sinks)
        return item

    def _settle(self, future: Future[Extracted], path: Path) -> BatchItem:
        try:
            return self._finish(future.result())
        except Exception as exc:  # a bug while handling one document is that document's failure
            log.exception("error while finishing %s", path)
            return BatchItem(path, None, unexpected_failure(str(path), exc), 0.0)

    # -- the run ------------------------------------------------------------------------

    def __iter__(self) -> Iterator[BatchItem]:
        from pipeline.errors import NotARegularFile

        start = time.perf_counter()
        own_pool = self._pool is None
        pool = self._pool or WorkerPool(self.workers, self.limits)
        seen: dict[str, Path] = {}
        # A bounded window of futures: a 100,000-file batch neither queues 100,000 futures nor
        # holds their records; results are written and dropped as they arrive.
        window = max(4, pool.workers * 4)
        pending_paths = iter(self.paths)
        in_flight: dict[Future[Extracted], Path] = {}
        stop_deadline: float | None = None
        try:
            for path, reason in self.refused:
                item = BatchItem(path, None, clerk_note(str(path), NotARegularFile, reason), 0.0)
                self.report.add(item)
                yield item
            while True:
                while len(in_flight) < window and not self._stop.is_set():
                    next_path = next(pending_paths, None)
                    if next_path is None:
                        break
                    early = self._admit(next_path, seen)
                    if early is not None:
                        self.report.add(early)
                        yield early
                        continue
                    in_flight[pool.submit(next_path)] = next_path
                if not in_flight:
                    break
                done, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    path = in_flight.pop(future)
                    if future.cancelled():
                        continue
                    item = self._settle(future, path)
                    self.report.add(item)
                    yield item
                if self._stop.is_set():
                    now = time.monotonic()
                    stop_deadline = stop_deadline or now + self.grace
                    if self._abort.is_set() or now >= stop_deadline:
                        break
        finally:
            stopped = self._stop.is_set()
            if own_pool:
                pool.close(cancel=stopped or bool(in_flight))
            for path in [*in_flight.values(), *pending_paths]:
                item = BatchItem(path, None, None, 0.0, not_done=True)
                self.report.add(item)
            flush_all(self.sinks, force=True)
            self.report.delivery_pending = pending(self.sinks)
            self.report.seconds = time.perf_counter() - start
            if self.out_dir is not None:
                try:
                    self.report.write(self.out_dir)
                except OSError:
                    log.exception("cannot write the batch report to %s", self.out_dir)


def run_batch(
    folder: Path,
    *,
    out_dir: Path | None,
    workers: int,
    sinks: Sequence[Sink] = (),
    recursive: bool = False,
    all_files: bool = False,
    limits: Limits | None = None,
    grace: float = 20.0,
) -> Batch:
    """A :class:`Batch` over the documents of ``folder`` (iterate it to run)."""
    found = find_documents(folder, recursive=recursive, all_files=all_files)
    return Batch(
        found.documents,
        workers=workers,
        out_dir=out_dir,
        sinks=sinks,
        root=folder,
        skipped=found.skipped,
        refused=found.refused,
        limits=limits,
        grace=grace,
    )
