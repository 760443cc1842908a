"""Read a folder of documents with a pool of processes, writing each record as it completes.

Extraction is CPU-bound pure Python, so threads would share one core under the GIL; a
process pool of ``batch_workers`` uses them all. The parent process alone writes outputs and
talks to the sinks, so a sink (a database connection, a webhook client) is opened once.

>>> from pipeline.batch import Batch, find_documents          # doctest: +SKIP
>>> batch = Batch(find_documents(Path("scans")), out_dir=Path("out"), workers=2)
>>> for item in batch:                                         # doctest: +SKIP
...     print(item.path, "ok" if item.ok else item.failure.reason)
>>> batch.report.failed                                        # doctest: +SKIP

Nothing is dropped silently: every file found is either written to ``out_dir`` or listed in
``failed.csv`` / ``errors.txt`` there (files skipped because their type is not a document are
listed in ``skipped.txt``). The pieces here (:class:`ExtractorPool`, :func:`extract_one`,
:func:`deliver`) are shared with :mod:`pipeline.inbox` and ``flows.py``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from models import Record
from pipeline.readers import suffixes

if TYPE_CHECKING:
    from pipeline.settings import Settings

log = logging.getLogger("pipeline.batch")

# Suffixes a batch picks up by default. The readers decide by content, not by name, so this
# only keeps stray files (thumbnails, expected-record JSON, spreadsheets) out of a batch; they
# are reported in ``skipped.txt``, never silently ignored.
DOCUMENT_SUFFIXES = suffixes()  # from the readers' registry: every format a reader reads

# How often one document is retried after the worker process running it died (a reader that
# segfaults on a malformed PDF, the OOM killer). Innocent documents that shared the dead pool
# succeed on the retry; the culprit fails with a clear reason instead of looping forever.
CRASH_ATTEMPTS = 3


class Sink(Protocol):
    """What :func:`pipeline.sinks.build_sinks` returns: somewhere each record is written."""

    def write(self, record: Record) -> None: ...

    def close(self) -> None: ...


def sink_name(sink: Sink) -> str:
    """A short name for logs and reports."""
    return str(getattr(sink, "name", type(sink).__name__))


# --- one document ------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """Why one document has no record, in the words each audience needs.

    ``expected`` is True for the project's own errors (a bad document: retrying will not help)
    and False for anything else (a bug, a full disk, a crashed reader). ``detail`` holds the
    traceback for the log; it is never shown to a clerk.
    """

    kind: str
    reason: str
    clerk_text: str
    expected: bool
    detail: str = ""


@dataclass(frozen=True)
class Extracted:
    """The outcome of reading one document in a worker: a record or a failure, never both."""

    path: Path
    record: Record | None
    failure: Failure | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.record is not None


def unexpected_failure(display: str, exc: BaseException, detail: str = "") -> Failure:
    """A :class:`Failure` for an exception that is not one of ours: short, bilingual, no traceback."""
    first_line = (str(exc).strip().splitlines() or [""])[0][:200]
    reason = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    clerk_text = (
        f"Tệp / File: {display}\n"
        "Lỗi: Chương trình gặp lỗi nội bộ khi đọc tệp này (không phải lỗi của văn bản). "
        "Không cần gửi lại; báo cho bộ phận kỹ thuật, chi tiết đã được ghi vào nhật ký.\n"
        f"Error: internal error while reading this file ({reason}). "
        "No need to drop it again; tell IT support, the details are in the log.\n"
    )
    return Failure(kind=type(exc).__name__, reason=reason, clerk_text=clerk_text, expected=False, detail=detail)


def extract_one(path: str | Path, display: str | None = None) -> Extracted:
    """Run :func:`pipeline.extract` on one file and catch everything into an :class:`Extracted`.

    Runs inside a worker process: exceptions are turned into plain data here because the
    project's errors do not survive pickling back to the parent (their ``__init__`` takes two
    arguments). ``display`` is the name the clerk knows the file by (the inbox renames files
    while it works on them); it replaces the working path in the clerk's text.
    """
    from pipeline.errors import DirectivesError
    from pipeline.stages import extract

    p = Path(path)
    shown = display or str(p)
    start = time.perf_counter()
    try:
        record = extract(p)
    except DirectivesError as exc:
        exc.path = shown
        failure = Failure(
            kind=type(exc).__name__,
            reason=exc.reason,
            clerk_text=exc.for_clerk(),
            expected=True,
            detail=traceback.format_exc(),
        )
        return Extracted(p, None, failure, time.perf_counter() - start)
    except Exception as exc:
        failure = unexpected_failure(shown, exc, traceback.format_exc())
        return Extracted(p, None, failure, time.perf_counter() - start)
    return Extracted(p, record, None, time.perf_counter() - start)


def _warm() -> int:
    """Import the extraction stack in a fresh worker so the first real document is not slow."""
    import pipeline.stages  # noqa: F401

    return os.getpid()


class _InlineExecutor(Executor):
    """Runs each call at once in the calling thread: ``workers=1`` without a process to feed."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        future: Future[object] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _mp_context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where it exists: workers fork from a clean process that already imported
    the extraction stack (fast to start, and no fork of a parent holding threads and locks —
    the watcher runs an observer thread and Prefect runs several). ``spawn`` elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.stages"])
        return ctx
    return multiprocessing.get_context("spawn")


class ExtractorPool:
    """A process pool running :func:`extract_one`, rebuilt when a worker dies.

    Thread-safe: the Prefect batch flow submits from many task threads at once. With
    ``workers=1`` documents are read in the calling thread, with no process to start.
    """

    def __init__(self, workers: int, *, warm: bool = True) -> None:
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        self._generation = 0
        self._executor: Executor = self._start(warm)

    def _start(self, warm: bool) -> Executor:
        if self.workers == 1:
            return _InlineExecutor()
        executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp_context())
        if warm:
            for _ in range(self.workers):
                executor.submit(_warm)
        return executor

    @property
    def generation(self) -> int:
        """Bumped at each rebuild, so callers can tell whether a crash was already handled."""
        return self._generation

    def submit(self, path: Path, display: str | None = None) -> Future[Extracted]:
        """Queue one document; the future never raises except :class:`BrokenProcessPool`."""
        with self._lock:
            return self._executor.submit(extract_one, str(path), display)

    def restart(self, seen_generation: int) -> None:
        """Replace a broken pool, once per breakage however many callers noticed it."""
        with self._lock:
            if seen_generation != self._generation:
                return
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._generation += 1
            self._executor = self._start(warm=True)
            log.warning("a reader process died; the pool was restarted (generation %d)", self._generation)

    def extract(self, path: Path, display: str | None = None) -> Extracted:
        """Read one document in the pool and wait for it, retrying if the worker process died."""
        for attempt in range(1, CRASH_ATTEMPTS + 1):
            generation = self.generation
            try:
                return self.submit(path, display).result()
            except BrokenProcessPool as exc:
                self.restart(generation)
                if attempt == CRASH_ATTEMPTS:
                    return crashed(path, display, exc)
        raise AssertionError("unreachable")

    def close(self, *, cancel: bool = False) -> None:
        with self._lock:
            self._executor.shutdown(wait=not cancel, cancel_futures=cancel)

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close(cancel=exc_info[0] is not None)


def crashed(path: Path, display: str | None, exc: BaseException) -> Extracted:
    """The outcome for a document whose reader process died on every attempt."""
    shown = display or str(path)
    failure = Failure(
        kind="ReaderCrashed",
        reason="the reader process crashed on this file",
        clerk_text=(
            f"Tệp / File: {shown}\n"
            "Lỗi: Chương trình đọc tệp bị dừng đột ngột khi mở tệp này (tệp có thể bị hỏng). "
            "Mở thử tệp trên máy, lưu lại bản mới rồi gửi lại; nếu vẫn lỗi, báo bộ phận kỹ thuật.\n"
            "Error: the reader process crashed on this file (it may be damaged). "
            "Open it on a computer, save a fresh copy and drop it again; "
            "if it fails again, tell IT support.\n"
        ),
        expected=False,
        detail=repr(exc),
    )
    return Extracted(path, None, failure, 0.0)


# --- sinks ------------------------------------------------------------------------------


class DeliveryError(Exception):
    """A record could not be written to one of the sinks after retries (transient: try again later)."""

    def __init__(self, sink: str, cause: BaseException) -> None:
        self.sink = sink
        self.cause = cause
        super().__init__(f"sink {sink}: {type(cause).__name__}: {cause}")


def deliver(
    record: Record,
    sinks: Sequence[Sink],
    *,
    attempts: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> list[DeliveryError]:
    """Write ``record`` to every sink, retrying each a few times; return the sinks that still failed.

    One sink failing does not stop the others: the database should not miss a record because
    the webhook receiver is down. Sinks are expected to be idempotent per document (sha256),
    since a retry may follow a write that did land before its connection dropped.
    """
    errors: list[DeliveryError] = []
    for sink in sinks:
        for attempt in range(1, attempts + 1):
            try:
                sink.write(record)
                break
            except Exception as exc:
                name = sink_name(sink)
                if attempt == attempts:
                    log.error("sink %s failed for %s after %d attempts: %s", name, record.source.path, attempt, exc)
                    errors.append(DeliveryError(name, exc))
                else:
                    log.warning("sink %s failed for %s (attempt %d): %s", name, record.source.path, attempt, exc)
                    sleep(backoff * 2 ** (attempt - 1))
    return errors


def load_sinks(settings: Settings) -> list[Sink]:
    """The sinks the settings switch on (:func:`pipeline.sinks.build_sinks`)."""
    from pipeline.sinks import build_sinks

    return list(build_sinks(settings))


# --- files ------------------------------------------------------------------------------


def is_temporary_name(name: str) -> bool:
    """Names of files that are not finished documents: Office lock files ("~$Công văn.docx"),
    browser and copy partials ("x.pdf.part", ".crdownload", ".tmp"), editor backups ("x~"),
    dotfiles (".DS_Store", "._x.pdf" from macOS) and Windows thumbnails."""
    lower = name.lower()
    return (
        lower.startswith((".", "~$", "~"))
        or lower.endswith((".part", ".partial", ".crdownload", ".tmp", ".temp", ".download", "~"))
        or lower in {"thumbs.db", "desktop.ini"}
    )


def write_json_atomic(path: Path, text: str) -> None:
    """Write ``text`` so a reader (or a crash) never sees half a file: temp file, fsync, rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def record_json(record: Record) -> str:
    """The record as clerks and the scorer read it: UTF-8, Vietnamese unescaped, indented."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def find_documents(folder: Path, *, recursive: bool = False, all_files: bool = False) -> tuple[list[Path], list[Path]]:
    """The documents in ``folder`` (sorted, so runs are reproducible) and the files skipped.

    Temporary and hidden files are left out entirely (they are not documents anyone dropped);
    files with a non-document suffix are returned as skipped unless ``all_files``.
    """
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    candidates = folder.rglob("*") if recursive else folder.iterdir()
    documents: list[Path] = []
    skipped: list[Path] = []
    for path in candidates:
        rel_parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel_parts) or not path.is_file():
            continue
        if is_temporary_name(path.name):
            continue
        if all_files or path.suffix.lower() in DOCUMENT_SUFFIXES:
            documents.append(path)
        else:
            skipped.append(path)
    return sorted(documents), sorted(skipped)


def output_names(paths: Sequence[Path], root: Path | None) -> dict[Path, Path]:
    """Where each document's record goes, relative to the output folder.

    ``NAME.json`` for ``NAME.pdf`` (what ``shared/tools/score.py`` reads), keeping subfolders
    of a recursive run. Files sharing a stem in one folder (``NAME.pdf`` and ``NAME.docx``) get
    ``NAME.pdf.json`` and ``NAME.docx.json``, so names never depend on which worker finished
    first; any remaining clash gets `` (2)``.
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
        candidate = base / f"{stem}.json"
        n = 2
        while candidate in taken:
            candidate = base / f"{stem} ({n}).json"
            n += 1
        taken.add(candidate)
        names[path] = candidate
    return names


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

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.delivery_errors


@dataclass
class BatchReport:
    """What happened to every file of a batch."""

    total: int = 0
    ok: int = 0
    failed: list[BatchItem] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    seconds: float = 0.0

    @property
    def docs_per_second(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0

    def add(self, item: BatchItem) -> None:
        self.total += 1
        if item.ok:
            self.ok += 1
        else:
            self.failed.append(item)

    def write(self, out_dir: Path) -> list[Path]:
        """Write ``summary.json`` always, and ``failed.csv``, ``errors.txt``, ``skipped.txt`` when
        there is something to list; stale lists from an earlier run into the same folder are removed."""
        out_dir.mkdir(parents=True, exist_ok=True)
        written = [out_dir / "summary.json"]
        summary = {
            "total": self.total,
            "ok": self.ok,
            "failed": len(self.failed),
            "skipped": len(self.skipped),
            "seconds": round(self.seconds, 3),
            "docs_per_second": round(self.docs_per_second, 2),
        }
        write_json_atomic(out_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
        for name in ("failed.csv", "errors.txt", "skipped.txt"):
            (out_dir / name).unlink(missing_ok=True)
        if self.failed:
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(["path", "stage", "kind", "reason", "record"])
            for item in self.failed:
                if item.failure is not None:
                    writer.writerow([item.path, "extract", item.failure.kind, item.failure.reason, ""])
                for err in item.delivery_errors:
                    writer.writerow(
                        [
                            item.path,
                            f"sink:{err.sink}",
                            type(err.cause).__name__,
                            str(err.cause),
                            item.record_path or "",
                        ]
                    )
            # BOM so Excel, which clerks open CSVs with, reads the Vietnamese correctly.
            (out_dir / "failed.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
            with (out_dir / "errors.txt").open("w", encoding="utf-8") as fh:
                for item in self.failed:
                    if item.failure is not None:
                        fh.write(item.failure.clerk_text)
                        if not item.failure.expected and item.failure.detail:
                            fh.write(item.failure.detail.rstrip() + "\n")
                    for err in item.delivery_errors:
                        fh.write(
                            f"Tệp / File: {item.path}\nError: record written to {item.record_path} "
                            f"but not delivered to {err}\n"
                        )
                    fh.write("\n")
            written += [out_dir / "failed.csv", out_dir / "errors.txt"]
        if self.skipped:
            (out_dir / "skipped.txt").write_text("".join(f"{p}\n" for p in self.skipped), encoding="utf-8")
            written.append(out_dir / "skipped.txt")
        return written


class Batch:
    """Iterate to run: yields a :class:`BatchItem` per document as it completes.

    Records go to ``out_dir`` (when given) and to ``sinks``, both from this process. At the end
    of the iteration (or when it is abandoned) the pool is shut down and, with ``out_dir``, the
    report is written there. Re-running into the same ``out_dir`` replaces its records.
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
        pool: ExtractorPool | None = None,
    ) -> None:
        self.paths = list(paths)
        self.workers = workers
        self.out_dir = out_dir
        self.sinks = list(sinks)
        self.root = root
        self.report = BatchReport(skipped=list(skipped))
        self._pool = pool
        self._names = output_names(self.paths, root)

    def __len__(self) -> int:
        return len(self.paths)

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
            target.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomic(target, record_json(extracted.record))
            item.record_path = target
        item.delivery_errors = deliver(extracted.record, self.sinks)
        return item

    def __iter__(self) -> Iterator[BatchItem]:
        start = time.perf_counter()
        own_pool = self._pool is None
        pool = self._pool or ExtractorPool(self.workers)
        attempts: dict[Path, int] = {}
        # A bounded window of futures: a 100,000-file batch neither queues 100,000 futures nor
        # holds their records; results are written and dropped as they arrive.
        window = max(4, pool.workers * 4)
        pending = iter(self.paths)
        in_flight: dict[Future[Extracted], tuple[Path, int]] = {}
        try:

            def top_up() -> None:
                while len(in_flight) < window:
                    path = next(pending, None)
                    if path is None:
                        return
                    in_flight[pool.submit(path)] = (path, pool.generation)

            top_up()
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    path, generation = in_flight.pop(future)
                    try:
                        extracted = future.result()
                    except BrokenProcessPool as exc:
                        pool.restart(generation)
                        attempts[path] = attempts.get(path, 0) + 1
                        if attempts[path] < CRASH_ATTEMPTS:
                            in_flight[pool.submit(path)] = (path, pool.generation)
                            continue
                        extracted = crashed(path, None, exc)
                    item = self._finish(extracted)
                    self.report.add(item)
                    yield item
                top_up()
        finally:
            if own_pool:
                pool.close(cancel=bool(in_flight))
            self.report.seconds = time.perf_counter() - start
            if self.out_dir is not None:
                self.report.write(self.out_dir)


def run_batch(
    folder: Path,
    *,
    out_dir: Path | None,
    workers: int,
    sinks: Sequence[Sink] = (),
    recursive: bool = False,
    all_files: bool = False,
) -> Batch:
    """A :class:`Batch` over the documents of ``folder`` (iterate it to run)."""
    documents, skipped = find_documents(folder, recursive=recursive, all_files=all_files)
    return Batch(documents, workers=workers, out_dir=out_dir, sinks=sinks, root=folder, skipped=skipped)
