"""A batch in chunks, for workers on other machines (``directives batch DIR --pool NAME``).

The folder's documents are found, de-duplicated and named exactly as a local batch does
(:mod:`pipeline.batch`), then cut into chunks of ``chunk_size``. Each chunk is one run of the
``process-chunk`` deployment (``flows.process_chunk``), taken by whichever worker of the pool is
free; the worker reads its documents with the library :class:`~pipeline.batch.Batch` (worker
processes, limits, sinks with their outbox) and writes, into the batch's output folder:

* each record, under the name the whole batch chose (``NAME.json``, as a local batch);
* ``.chunks/chunk-0001.jsonl``: one line per document once its record is written and delivered
  (or its failure known), flushed to disk before the next document is reported;
* ``.chunks/chunk-0001.alive``: rewritten every few seconds while the chunk runs (its worker's
  name and the time), so the machine that started the batch sees a worker that died.

A chunk run again (its worker died; it failed) skips the documents its outcome file already
lists, and what it does again is idempotent: a record file is replaced whole, and the sinks
upsert by sha256. The machine that started the batch then assembles the same report a local
batch writes (``summary.json``, ``failed.csv``, ...) from the outcome files.

Paths: a worker must see the documents and the output folder. When the folder is inside the
``shared_dir`` setting (where this machine mounts the share every machine has), chunks carry paths
relative to it and each worker resolves them under its own ``shared_dir``; otherwise they carry
absolute paths, which every worker must see at the same place. A worker that cannot see them
fails the chunk at once, saying which paths and what to set (:class:`WorkerCannotSee`).

Nothing here imports Prefect: ``flows.py`` runs the chunks; this module plans, runs one on a
worker, and reads the outcomes back.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.batch import Batch, BatchItem, BatchReport, error_kind, load_sinks
from pipeline.errors import ChunkLost, WorkerCannotSee
from pipeline.sinks.delivery import DeliveryError, pending
from pipeline.workers import Failure

if TYPE_CHECKING:
    from pipeline.settings import Settings

CHUNKS_DIR = ".chunks"
"""The folder, inside a batch's output folder, that holds each chunk's outcome and heartbeat."""

HEARTBEAT_SECONDS = 5.0
"""How often a running chunk rewrites its ``.alive`` file."""

WORKER_NAME_ENV = "DIRECTIVES_WORKER_NAME"
"""Set by ``directives worker`` to its worker's name; a chunk reports it as the worker that ran it."""


def worker_name() -> str:
    """This worker's name: ``directives worker --name`` when it set one, else host and process."""
    return os.environ.get(WORKER_NAME_ENV) or f"{socket.gethostname()}:{os.getppid()}"


# --- planning (the machine that starts the batch) ---------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One flow run's share of a batch: paths as workers see them and the record name of each."""

    index: int
    paths: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"chunk-{self.index:04d}"


def path_for_workers(path: Path, shared_dir: Path | None) -> str:
    """``path`` as a worker resolves it: relative to the shared folder when inside it, else absolute."""
    absolute = path.absolute()
    if shared_dir is not None:
        shared = shared_dir.absolute()
        if absolute.is_relative_to(shared):
            return absolute.relative_to(shared).as_posix()
    return str(absolute)


def resolve_on_worker(path: str, shared_dir: Path | None) -> Path:
    """Where this worker finds a path a chunk carries (the inverse of :func:`path_for_workers`)."""
    given = Path(path)
    if given.is_absolute():
        return given
    if shared_dir is None:
        raise WorkerCannotSee(
            path,
            "the batch sent a path relative to its shared folder, but this worker has no shared_dir setting: "
            "set DIRECTIVES_SHARED_DIR to where this machine mounts the shared folder",
        )
    return shared_dir / given


def plan(documents: Sequence[Path], names: dict[Path, Path], size: int, shared_dir: Path | None) -> list[Chunk]:
    """Cut ``documents`` into chunks of ``size``, in order, each path as workers will resolve it."""
    chunks: list[Chunk] = []
    for start in range(0, len(documents), size):
        part = documents[start : start + size]
        chunks.append(
            Chunk(
                index=len(chunks) + 1,
                paths=tuple(path_for_workers(p, shared_dir) for p in part),
                names=tuple(names[p].as_posix() for p in part),
            )
        )
    return chunks


# --- one chunk (on a worker) ------------------------------------------------------------


def outcome_path(out_dir: Path, chunk_id: str) -> Path:
    return out_dir / CHUNKS_DIR / f"{chunk_id}.jsonl"


def heartbeat_path(out_dir: Path, chunk_id: str) -> Path:
    return out_dir / CHUNKS_DIR / f"{chunk_id}.alive"


def outcome_of(item: BatchItem, name: str, worker: str) -> dict[str, Any]:
    """One document's outcome as a chunk writes it (what :func:`item_of` reads back)."""
    return {
        "name": name,
        "status": item.status,
        "record": item.record_path is not None,
        "stage": item.failed_stage if item.failure is not None else None,
        "failure": asdict(item.failure) if item.failure is not None else None,
        "delivery_errors": [
            {"sink": err.sink, "kind": error_kind(err.cause), "message": str(err.cause)} for err in item.delivery_errors
        ],
        "duplicate_of": str(item.duplicate_of) if item.duplicate_of is not None else None,
        "sha256": item.sha256 or (item.record.source.sha256 if item.record is not None else None),
        "seconds": round(item.seconds, 3),
        "worker": worker,
    }


class RemoteError(Exception):
    """An error raised on a worker, read back from its outcome with the name of its class."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def item_of(path: Path, out_dir: Path, outcome: dict[str, Any]) -> BatchItem:
    """The :class:`BatchItem` of a document a worker read, from its outcome line."""
    failure = Failure(**outcome["failure"]) if outcome.get("failure") else None
    record_path = out_dir / outcome["name"] if outcome.get("record") else None
    item = BatchItem(path, None, failure, float(outcome.get("seconds") or 0.0), record_path=record_path)
    item.stage = outcome.get("stage")
    item.sha256 = outcome.get("sha256")
    item.delivery_errors = [
        DeliveryError(err["sink"], RemoteError(err["kind"], err["message"]))
        for err in outcome.get("delivery_errors", [])
    ]
    return item


def read_outcomes(out_dir: Path, chunk_id: str) -> dict[str, dict[str, Any]]:
    """The outcomes a chunk has written so far, by record name (a later line wins: a re-run's)."""
    path = outcome_path(out_dir, chunk_id)
    found: dict[str, dict[str, Any]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return found
    for line in text.splitlines():
        try:
            outcome = json.loads(line)
        except json.JSONDecodeError:
            continue  # the last line of a run killed while writing it
        if isinstance(outcome, dict) and "name" in outcome:
            found[outcome["name"]] = outcome
    return found


class Heartbeat:
    """Rewrite ``path`` every ``every`` seconds while a chunk runs (a daemon thread)."""

    def __init__(self, path: Path, text: str, every: float = HEARTBEAT_SECONDS) -> None:
        self.path = path
        self.text = text
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {path.name}", daemon=True)

    def _beat(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(f"{self.text} {time.time():.3f}\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self._beat()
            except OSError:
                pass  # a share briefly away: the next beat tries again

    def __enter__(self) -> Heartbeat:
        self._beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 1)


@dataclass
class ChunkResult:
    """What one run of a chunk did (the flow run's return value)."""

    chunk: str
    worker: str
    read: int
    skipped_done: int
    ok: int
    failed: int
    not_done: int
    delivery_pending: dict[str, int]
    seconds: float


def run_chunk(
    chunk_id: str,
    paths: Sequence[str],
    names: Sequence[str],
    out_dir: str,
    settings: Settings,
    *,
    use_sinks: bool = True,
    workers: int | None = None,
    stop: threading.Event | None = None,
) -> ChunkResult:
    """Read a chunk's documents on this worker, writing records and one outcome line per document.

    Documents the chunk's outcome file already lists (an earlier run of it did them) are not read
    again. Raises :class:`WorkerCannotSee` before reading anything when this worker cannot see
    the output folder or any of the documents.
    """
    from pipeline.limits import Limits

    if len(paths) != len(names):
        raise ValueError(f"{chunk_id}: {len(paths)} paths but {len(names)} names")
    start = time.perf_counter()
    worker = worker_name()
    out = resolve_on_worker(out_dir, settings.shared_dir)
    if not out.is_dir():
        raise WorkerCannotSee(
            str(out),
            f"worker {worker} cannot see the batch's output folder; every worker must mount the same shared "
            "folder (see shared_dir in the README)",
        )
    resolved = [resolve_on_worker(p, settings.shared_dir) for p in paths]
    missing = [str(p) for p in resolved if not p.exists()]
    if missing:
        raise WorkerCannotSee(
            missing[0],
            f"worker {worker} cannot see {len(missing)} of the {len(paths)} documents of {chunk_id} "
            f"(the first: {missing[0]}); every worker must mount the folder of the batch"
            + (f" at {settings.shared_dir} (shared_dir)" if settings.shared_dir else " at the same path"),
        )
    (out / CHUNKS_DIR).mkdir(exist_ok=True)
    done = read_outcomes(out, chunk_id)
    todo = [(p, Path(n)) for p, n in zip(resolved, names, strict=True) if n not in done]
    sinks = load_sinks(settings) if use_sinks else []
    counts = {"ok": 0, "failed": 0, "not_done": 0}
    waiting: dict[str, int] = {}
    with Heartbeat(heartbeat_path(out, chunk_id), worker):
        try:
            batch = Batch(
                [p for p, _ in todo],
                workers=workers or settings.batch_workers,
                out_dir=out,
                sinks=sinks,
                names=dict(todo),
                limits=Limits.from_settings(settings),
                grace=settings.stop_grace_seconds,
            )
            by_path = dict(todo)
            with outcome_path(out, chunk_id).open("a", encoding="utf-8") as log:
                for item in _until(batch, stop):
                    if item.status == "not_done":
                        counts["not_done"] += 1
                        continue  # not an outcome: the next run of the chunk reads it
                    status = "ok" if item.status in ("ok", "duplicate") else "failed"
                    counts[status] += 1
                    log.write(json.dumps(outcome_of(item, by_path[item.path].as_posix(), worker), ensure_ascii=False))
                    log.write("\n")
                    log.flush()
                    os.fsync(log.fileno())
            counts["not_done"] += len(batch.report.not_done) - counts["not_done"]
            waiting = pending(sinks)
        finally:
            for sink in sinks:
                sink.close()
    return ChunkResult(
        chunk=chunk_id,
        worker=worker,
        read=len(todo),
        skipped_done=len(paths) - len(todo),
        ok=counts["ok"],
        failed=counts["failed"],
        not_done=counts["not_done"],
        delivery_pending=waiting,
        seconds=round(time.perf_counter() - start, 3),
    )


def _until(batch: Batch, stop: threading.Event | None) -> Iterator[BatchItem]:
    """The batch's items; when ``stop`` is set (the flow run is being stopped), the batch stops."""
    if stop is None:
        yield from batch
        return

    def stop_when_asked() -> None:
        stop.wait()
        batch.stop("stopped")

    threading.Thread(target=stop_when_asked, daemon=True).start()
    yield from batch


# --- the report (the machine that started the batch) ------------------------------------


def assemble(
    report: BatchReport,
    chunks: Sequence[Chunk],
    originals: dict[str, Path],
    out_dir: Path,
    lost: dict[str, str],
) -> BatchReport:
    """Add every chunk's documents to ``report``, as the local batch would have reported them.

    ``originals`` maps each record name to the path as the batch found it (what the report
    names); ``lost`` maps a chunk that ran out of attempts to why: its documents without an
    outcome are failed with that reason.
    """
    from pipeline.batch import clerk_note

    for chunk in chunks:
        outcomes = read_outcomes(out_dir, chunk.id)
        for name in chunk.names:
            path = originals[name]
            outcome = outcomes.get(name)
            if outcome is not None:
                report.add(item_of(path, out_dir, outcome))
            elif chunk.id in lost:
                report.add(BatchItem(path, None, clerk_note(str(path), ChunkLost, lost[chunk.id]), 0.0))
            else:  # the batch was stopped before a worker read it
                report.add(BatchItem(path, None, None, 0.0, not_done=True))
    return report
