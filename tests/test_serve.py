"""``directives serve`` on a fresh machine with the defaults: it makes the folders it needs, starts a
local Prefect server (schedules need its scheduler), registers the deployments (the batch's cron in
the office's time zone), the scheduled inbox watcher reads a dropped file, and one SIGTERM stops
everything it started."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import SAMPLES
from tests.test_batch import alive, descendants
from tests.test_inbox import watcher_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_runs_the_scheduled_watcher(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)  # only the inbox: serve makes the other folders itself
    shutil.copy(SAMPLES / "cv-mat.pdf", inbox / "cv-mat.pdf")
    env = watcher_env(data)
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    log = (tmp_path / "serve.log").open("wb")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the Prefect server it starts is killed with it
    )
    record = inbox / "processed" / time.strftime("%Y-%m-%d") / "cv-mat.json"
    processes: set[int] = set()
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not record.exists() and proc.poll() is None:
            time.sleep(1)
        output = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
        assert record.exists(), output[-3000:]
        expected = json.loads((SAMPLES / "cv-mat.expected.json").read_text(encoding="utf-8"))
        assert json.loads(record.read_text(encoding="utf-8"))["code"] == expected["code"]
        assert f"http://127.0.0.1:{port}" in output
        assert "ERROR" not in (data / "logs" / "prefect-server.log").read_text(encoding="utf-8", errors="replace")
        # the folders the nightly batch needs were made at start, and said so
        assert (data / "batch").is_dir() and "made " in output and "batch_dir" in output
        schedules = deployment_schedules(port)
        assert schedules["scheduled"] == [{"cron": "0 22 * * *", "timezone": "Asia/Ho_Chi_Minh"}]
        processes = descendants(proc.pid)
        assert len(processes) >= 4  # the Prefect server, the runner, the watcher's flow run, its workers
        proc.send_signal(signal.SIGTERM)  # one signal stops it all
        assert proc.wait(timeout=120) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 30
        while any(alive(p) for p in processes) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in processes if alive(p)], "serve left processes behind"
        after = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace").split("SIGTERM", 1)[-1]
        assert "Traceback" not in after, after[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in processes:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def deployment_schedules(port: int) -> dict[str, list[dict[str, object]]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/deployments/filter",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        found = json.loads(answer.read())
    return {
        d["name"]: [{k: s["schedule"][k] for k in ("cron", "timezone") if k in s["schedule"]} for s in d["schedules"]]
        for d in found
        if d["name"] == "scheduled"
    }
