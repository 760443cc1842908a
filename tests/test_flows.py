"""Real Prefect runs of the flows on the ephemeral local server.

Prefect reads its settings when imported, so the flows run in a subprocess with PREFECT_HOME
inside a temp data directory (no state leaks into the developer's ~/.prefect) and analytics
off. One subprocess runs every scenario, paying the server's start (~10 s) once; it prints
what it saw as JSON and the assertions are made here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pipeline.stages import sha256_of
from tests.test_inbox import SAMPLE_FILES, make_variant, watcher_env

pytestmark = pytest.mark.skipif(not SAMPLE_FILES, reason="samples/ has no documents yet")

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    import flows
    from pipeline.sinks import SinkError

    work = Path(sys.argv[1])
    seen = {}

    def task_runs(flow_run_id):
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
        return [{"name": r.name, "state": r.state.type.value, "run_count": r.run_count} for r in runs]

    def run(key, state):
        seen[key] = {"state": state.type.value, "tasks": task_runs(state.state_details.flow_run_id)}
        try:
            seen[key]["result"] = state.result()
        except Exception as exc:
            seen[key]["error"] = f"{type(exc).__name__}: {exc}"

    class Flaky:
        name = "flaky"
        calls = 0
        def write(self, record):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise SinkError("flaky", "test", "connection reset", "retry")
        def close(self):
            pass

    good = sys.argv[2]
    run("file", flows.process_file(good, out_dir=str(work / "one"), return_state=True))
    run("bad", flows.process_file(str(work / "batch" / "hỏng.pdf"), return_state=True))
    flows._sinks = [Flaky()]  # sinks are opened once per process; swap in one that fails once
    run("retry", flows.process_file(good, return_state=True))
    flows._sinks = None
    run("batch", flows.batch(str(work / "batch"), out_dir=str(work / "out"), workers=2, return_state=True))
    print("RESULT " + json.dumps(seen))
    """
)


@pytest.fixture(scope="module")
def prefect_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    work = tmp_path_factory.mktemp("flows")
    folder = work / "batch"
    folder.mkdir()
    for n in range(8):
        src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
        make_variant(src, folder / f"doc{n}{src.suffix}", n)
    (folder / "hỏng.pdf").write_bytes(b"%PDF-1.4 broken")
    env = watcher_env(work / "data")
    env.update(PREFECT_HOME=str(work / "data" / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    # the script imports Prefect before flows.py sets this default: the temporary server's first start (its
    # database migrated) takes ~27 s on a busy two-core machine, past Prefect's own 20 s
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    env.pop("PREFECT_API_URL", None)
    (work / "data" / "prefect").mkdir(parents=True)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(work), str(SAMPLE_FILES[0])],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    return work, json.loads(lines[-1].removeprefix("RESULT "))


def test_process_file_flow_writes_the_record(prefect_runs: tuple[Path, dict[str, Any]]) -> None:
    work, seen = prefect_runs
    run = seen["file"]
    assert run["state"] == "COMPLETED"
    assert run["result"]["sha256"] == sha256_of(SAMPLE_FILES[0])
    stored = json.loads((work / "one" / f"{SAMPLE_FILES[0].stem}.json").read_text(encoding="utf-8"))
    assert stored["source"]["sha256"] == sha256_of(SAMPLE_FILES[0])
    assert sorted(t["name"].split("-")[0] for t in run["tasks"]) == ["deliver", "extract"]
    assert all(t["state"] == "COMPLETED" for t in run["tasks"])
    # the configured json sink received it as well
    assert list((work / "data" / "records").glob(f"{SAMPLE_FILES[0].stem}-*.json"))


def test_a_bad_document_fails_once_without_retries(prefect_runs: tuple[Path, dict[str, Any]]) -> None:
    run = prefect_runs[1]["bad"]
    assert run["state"] == "FAILED"
    assert "DocumentRejected" in run["error"] and "Lỗi:" in run["error"]
    extract = [t for t in run["tasks"] if t["name"].startswith("extract")]
    assert len(extract) == 1 and extract[0]["state"] == "FAILED" and extract[0]["run_count"] == 1


def test_a_sink_failure_is_retried(prefect_runs: tuple[Path, dict[str, Any]]) -> None:
    run = prefect_runs[1]["retry"]
    assert run["state"] == "COMPLETED"
    deliver = [t for t in run["tasks"] if t["name"].startswith("deliver")]
    assert deliver[0]["state"] == "COMPLETED" and deliver[0]["run_count"] == 2


def test_batch_flow_runs_one_task_per_document(prefect_runs: tuple[Path, dict[str, Any]]) -> None:
    work, seen = prefect_runs
    run = seen["batch"]
    assert run["state"] == "COMPLETED"
    assert run["result"]["total"] == 9 and run["result"]["ok"] == 8 and run["result"]["failed"] == 1
    states = sorted(t["state"] for t in run["tasks"])
    assert states == ["COMPLETED"] * 8 + ["FAILED"]
    for n in range(8):
        src = work / "batch" / f"doc{n}{SAMPLE_FILES[n % len(SAMPLE_FILES)].suffix}"
        stored = json.loads((work / "out" / f"doc{n}.json").read_text(encoding="utf-8"))
        assert stored["source"]["sha256"] == sha256_of(src)
    assert "hỏng.pdf" in (work / "out" / "failed.csv").read_text(encoding="utf-8-sig")
