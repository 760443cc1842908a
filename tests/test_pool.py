"""A batch over a Prefect work pool: a real server on PostgreSQL, two real process workers, 200 documents.

``directives deploy`` registers prefect.yaml's deployments on the server, two ``directives worker``
processes take the chunks, ``directives batch DIR --pool`` waits for them and writes the report.
Checked against a local batch of the same folder: the same summary, failures and records, every
document read once and stored once; then again with one worker killed (kill -9 of it and every
process under it, as when its machine dies) in the middle of a chunk.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.db import DbReader, fresh_postgres
from tests.prefect_pool import PrefectServer, directives, kill_tree, start_worker, stop_worker
from tests.test_inbox import SAMPLE_FILES, make_variant

pytestmark = pytest.mark.skipif(not SAMPLE_FILES, reason="samples/ has no documents yet")

DOCUMENTS = 200
CHUNK = 20


@pytest.fixture(scope="module")
def server() -> Iterator[PrefectServer]:
    try:
        with PrefectServer() as running:
            yield running
    except OSError as exc:  # PostgreSQL not reachable: tests.db decides skip (outside CI) or fail
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 distinct documents (every sample, made distinct without changing what it says), one
    damaged file and one byte-for-byte copy."""
    docs = tmp_path_factory.mktemp("pool") / "docs"
    docs.mkdir()
    for n in range(DOCUMENTS):
        src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
        make_variant(src, docs / f"doc{n:03d}{src.suffix}", n)
    (docs / "hỏng.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    shutil.copyfile(docs / "doc007.pdf", docs / "doc007 - bản sao.pdf")
    return docs


@pytest.fixture(scope="module")
def local(folder: Path) -> Path:
    """The same folder through a local batch (no sinks): the report the pool batch must equal."""
    out = folder.parent / "local"
    done = directives("batch", str(folder), "--out", str(out), "--no-sinks", env=_plain_env(folder), cwd=folder.parent)
    assert done.returncode == 1, done.stderr  # 1: the damaged file failed
    return out


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[str, DbReader]]:
    with fresh_postgres("directives_pool") as url:
        yield url, DbReader("postgres", url.replace("+psycopg", ""))


def _plain_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIRECTIVES_", "PREFECT_"))}
    env.update(DIRECTIVES_DATA_DIR=str(folder.parent / "data-local"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return env


@pytest.fixture(scope="module")
def pool(server: PrefectServer, folder: Path, store: tuple[str, DbReader]) -> Iterator[tuple[dict[str, str], Path]]:
    """The deployments on the server and a working directory for the workers (their data_dir)."""
    work = folder.parent / "work"
    work.mkdir()
    env = server.env(
        DIRECTIVES_DATA_DIR=str(work / "data"),
        DIRECTIVES_SINKS="json,postgres",
        DIRECTIVES_POSTGRES_URL=store[0],
        DIRECTIVES_BATCH_WORKERS="1",
        DIRECTIVES_CHUNK_STALE_SECONDS="10",
    )
    deployed = directives("deploy", env=env, cwd=work, timeout=300)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    yield env, work


def _report(out: Path) -> tuple[dict[str, object], list[list[str]], dict[str, str]]:
    """What a batch reported: the summary without its timings, failed.csv's rows, the records."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for timing in ("seconds", "docs_per_second"):
        summary.pop(timing)
    with (out / "failed.csv").open(encoding="utf-8-sig") as fh:
        failed = sorted(csv.reader(fh))
    records = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.json") if p.name != "summary.json"}
    return summary, failed, records


def _outcome_lines(out: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in (out / ".chunks").glob("chunk-*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            name = json.loads(line)["name"]
            counts[name] = counts.get(name, 0) + 1
    return counts


def _check_store(reader: DbReader, records: dict[str, str]) -> None:
    """Every document stored once: a source row per file read, its document's tasks once."""
    docs = [json.loads(text) for text in records.values()]
    assert reader.rows("select count(*) from sources")[0][0] == len(docs)
    by_identity: dict[tuple[object, ...], int] = {}
    for doc in docs:
        by_identity[(doc["issuer"]["name"], doc["code"], doc["issued_date"])] = len(doc["tasks"])
    assert reader.rows("select count(*) from documents")[0][0] == len(by_identity)
    assert reader.rows("select count(*) from tasks")[0][0] == sum(by_identity.values())


def test_a_batch_over_two_workers_reads_every_document_once_and_reports_as_a_local_batch(
    pool: tuple[dict[str, str], Path], folder: Path, local: Path, store: tuple[str, DbReader]
) -> None:
    env, work = pool
    workers = [start_worker(name, env, work) for name in ("worker-a", "worker-b")]
    try:
        out = folder.parent / "pool-out"
        done = directives(
            "batch", str(folder), "--pool", "directives", "--chunk", str(CHUNK), "--out", str(out), env=env, cwd=work
        )
        assert done.returncode == 1, done.stderr  # the damaged file
    finally:
        for worker in workers:
            stop_worker(worker)
    assert _report(out) == _report(local)
    summary, _, records = _report(out)
    assert summary["ok"] == DOCUMENTS and summary["duplicates"] == 1 and summary["failed"] == 1
    # read exactly once: one outcome line per document, none run again
    assert set(_outcome_lines(out).values()) == {1} and len(_outcome_lines(out)) == DOCUMENTS + 1
    chunks = json.loads((out / ".chunks" / "chunks.json").read_text(encoding="utf-8"))
    assert len(chunks) == (DOCUMENTS + 1 + CHUNK - 1) // CHUNK
    assert all(c["state"] == "COMPLETED" and c["attempts"] == 1 for c in chunks)
    assert {w for c in chunks for w in c["workers"]} == {"worker-a", "worker-b"}  # both took chunks
    _check_store(store[1], records)


def test_a_worker_killed_in_the_middle_of_a_chunk_loses_nothing_and_doubles_nothing(
    pool: tuple[dict[str, str], Path], folder: Path, local: Path, store: tuple[str, DbReader]
) -> None:
    import subprocess

    env, work = pool
    out = folder.parent / "pool-out-killed"
    victim, survivor = start_worker("worker-c", env, work), start_worker("worker-d", env, work)
    command = ["batch", str(folder), "--pool", "directives", "--chunk", str(CHUNK), "--out", str(out)]
    batch = subprocess.Popen(
        [str(Path(sys.executable).parent / "directives"), *command],
        env=env,
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # wait until the victim is in the middle of a chunk: its heartbeat there, and a document done
        deadline, killed_in = time.monotonic() + 300, None
        while killed_in is None and time.monotonic() < deadline and batch.poll() is None:
            for beat in (out / ".chunks").glob("chunk-*.alive"):
                outcomes = beat.with_suffix(".jsonl")
                if beat.read_text(encoding="utf-8").startswith("worker-c ") and outcomes.exists():
                    lines = outcomes.read_text(encoding="utf-8").splitlines()
                    if 0 < len(lines) < CHUNK:
                        kill_tree(victim.pid)
                        killed_in = beat.name.removesuffix(".alive")
                        break
            time.sleep(0.05)
        assert killed_in is not None, "the victim never took a chunk"
        output, _ = batch.communicate(timeout=600)
    finally:
        if batch.poll() is None:
            batch.kill()
        stop_worker(survivor)
        stop_worker(victim)
    assert batch.returncode == 1, output
    assert f"{killed_in}: its worker has not been seen" in output
    assert _report(out) == _report(local)
    chunks = {c["chunk"]: c for c in json.loads((out / ".chunks" / "chunks.json").read_text(encoding="utf-8"))}
    assert chunks[killed_in]["attempts"] == 2 and chunks[killed_in]["state"] == "COMPLETED"
    # the documents the victim finished were not read again; the rest were read by the survivor
    assert set(_outcome_lines(out).values()) == {1}
    _check_store(store[1], _report(out)[2])
