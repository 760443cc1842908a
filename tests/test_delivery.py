"""Database sinks behind an outbox and a circuit breaker, against a real PostgreSQL that goes away.

The server is a throwaway cluster of the test's own (tests/pgcluster.py), stopped the way a crash
or a network cut stops it (``pg_ctl -m immediate``) and started again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from models import Record
from pipeline.settings import get_settings
from pipeline.sinks import Guarded, build_sink
from tests import pgcluster
from tests.test_inbox import SAMPLE_FILES, make_variant, watcher_env

pytestmark = pytest.mark.skipif(not pgcluster.available(), reason="PostgreSQL server binaries are not installed")


@pytest.fixture(scope="module")
def pg() -> Iterator[pgcluster.Cluster]:
    with pgcluster.Cluster() as cluster:
        yield cluster


def record(n: int) -> Record:
    return Record.model_validate(
        {"source": {"path": f"doc{n}.txt", "sha256": f"{n:064x}", "media_type": "text/plain"}, "code": f"{n}/KH"}
    )


def rows(pg: pgcluster.Cluster) -> int:
    return pg.count("sources") if pg.is_up() else -1  # one row per file (sha256); documents by identity


def test_records_made_while_the_database_is_away_are_delivered_once_when_it_is_back(
    pg: pgcluster.Cluster, tmp_path: Path
) -> None:
    settings = get_settings(data_dir=tmp_path, sinks=["postgres"], postgres_url=pg.url, sink_cooldown=0.5)
    before = pg.count("sources") if pg.is_up() else 0
    sink = build_sink("postgres", settings)
    assert isinstance(sink, Guarded)
    try:
        for n in range(1000, 1003):
            sink.write(record(n))
        assert pg.count("sources") == before + 3 and sink.pending() == 0

        pg.stop()
        for n in range(1003, 1008):
            sink.write(record(n))  # never raises: the record waits in the outbox
        assert sink.pending() == 5 and sink.is_open
        sink.write(record(1003))  # a newer record of a queued document replaces it: still 5
        assert sink.pending() == 5

        pg.start()
        assert pgcluster.wait_until(lambda: not sink.is_open, 10)  # the cooldown passes
        sink.write(record(1008))  # the probe succeeds and the outbox follows it
        assert sink.pending() == 0
        assert pg.count("sources") == before + 9
        sink.write(record(1008))  # again: upserted, not duplicated
        assert pg.count("sources") == before + 9
    finally:
        sink.close()


def test_a_database_down_when_the_sink_opens_does_not_stop_the_run(pg: pgcluster.Cluster, tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path, sinks=["postgres"], postgres_url=pg.url, sink_cooldown=0.2)
    pg.stop()
    try:
        sink = build_sink("postgres", settings)  # the server is away: records queue
        sink.write(record(2000))
        assert isinstance(sink, Guarded) and sink.pending() == 1 and "postgres" in sink.name
        sink.close()
    finally:
        pg.start()
    reopened = build_sink("postgres", settings)  # the next run: delivered as the sink opens
    try:
        assert isinstance(reopened, Guarded) and reopened.pending() == 0
    finally:
        reopened.close()


def test_batch_keeps_its_pace_while_the_database_is_lost_and_delivers_everything_once(
    pg: pgcluster.Cluster, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    total = 400  # enough that the batch outlasts the outage and the cooldown on a fast machine
    for n in range(total):
        src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
        make_variant(src, folder / f"doc{n:03d}{src.suffix}", n + 5000)
    before = pg.count("sources")
    out = tmp_path / "out"
    env = watcher_env(tmp_path / "data")
    env.update(DIRECTIVES_SINKS="json,postgres", DIRECTIVES_POSTGRES_URL=pg.url, DIRECTIVES_SINK_COOLDOWN="1")
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(folder), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert pgcluster.wait_until(lambda: len(list(out.glob("*.json"))) >= 15, 120), "no records written"
        pg.stop()  # lost mid-batch
        # away while documents are read (counted, not timed: a fast machine reads 160 in 2 s)
        assert pgcluster.wait_until(lambda: len(list(out.glob("*.json"))) >= 80, 120), "the batch stalled"
        pg.start()  # back before the batch ends: what queued meanwhile goes in during the batch
        output, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = output.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert "postgres is unavailable" in text  # the outage did happen while documents were read
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ok"] == total and summary["delivery_pending"] == {}, text
    assert pg.count("sources") == before + total  # every record, once each


def test_the_inbox_delivers_what_it_read_while_the_database_was_away(pg: pgcluster.Cluster, tmp_path: Path) -> None:
    from tests.test_inbox import settled, start_watcher, stop_watcher

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    env_extra = {
        "DIRECTIVES_SINKS": "json,postgres",
        "DIRECTIVES_POSTGRES_URL": pg.url,
        "DIRECTIVES_SINK_COOLDOWN": "1",
    }
    before = pg.count("sources")
    pg.stop()
    watcher = start_watcher(inbox, data, stable=0.3, workers=2, env=env_extra)
    try:
        for n in range(12):
            src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
            make_variant(src, inbox / f"doc{n:02d}{src.suffix}", n + 7000)
        assert pgcluster.wait_until(settled(inbox, 12), 120), "the watcher did not read the files"
        assert len(list((inbox / "processed").rglob("*.json"))) == 12  # read while the database was away
        pg.start()
        assert pgcluster.wait_until(lambda: pg.count("sources") == before + 12, 60), "not delivered"
    finally:
        if not pg.is_up():
            pg.start()
        assert stop_watcher(watcher) == 130
    assert pg.count("sources") == before + 12
