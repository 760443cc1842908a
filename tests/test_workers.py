"""The worker runtime with real processes: time and memory limits, crashes, and a parent killed
with SIGKILL. Margins are wide: a limit of half a second against an OCR run of several seconds,
90 MB against a reading that needs more than 150 MB."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.limits import Limits
from pipeline.workers import WorkerPool
from tests.test_inbox import ROOT, SAMPLE_FILES

SCAN = ROOT / "tests" / "fixtures" / "ocr" / "task_table-scan.pdf"  # OCR takes seconds a page

pytestmark = pytest.mark.skipif(not SAMPLE_FILES, reason="samples/ has no documents yet")


def wait_for(condition: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def long_scan(path: Path, copies: int = 4) -> Path:
    """The scan fixture's page four times: OCR needs several seconds a page, pages two at a time."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(SCAN))
    out = pdfium.PdfDocument.new()
    for _ in range(copies):
        out.import_pages(src)
    out.save(str(path))
    out.close()
    src.close()
    return path


def test_a_document_past_the_time_limit_fails_with_that_reason_and_the_pool_goes_on(tmp_path: Path) -> None:
    text = next(p for p in SAMPLE_FILES if p.suffix == ".txt")  # read in a few hundredths of a second
    with WorkerPool(1, Limits(document_seconds=2)) as pool:
        slow = pool.extract(long_scan(tmp_path / "scan.pdf"))
        assert slow.failure is not None and slow.failure.kind == "TimedOut", slow
        assert "document_seconds" in slow.failure.reason and "Lỗi:" in slow.failure.clerk_text
        good = pool.extract(text)  # a fresh worker took the stopped one's place
        assert good.record is not None
        assert pool.restarts == 1


def test_a_document_past_the_memory_limit_fails_with_that_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    line = "Các sở, ban, ngành tỉnh thực hiện nhiệm vụ được giao, báo cáo trước ngày 30 tháng 6 năm 2026.\n\n"
    big.write_text(SAMPLE_FILES[-1].read_text(encoding="utf-8") + line * 60_000, encoding="utf-8")
    with WorkerPool(1, Limits(worker_memory_bytes=90 * 1024 * 1024)) as pool:
        outcome = pool.extract(big)
        assert outcome.failure is not None and outcome.failure.kind == "TooLarge", outcome
        assert "worker_memory_mb" in outcome.failure.reason


def test_a_crashed_worker_is_replaced_and_its_document_tried_once_more() -> None:
    with WorkerPool(2) as pool:
        future = pool.submit(SCAN)
        assert wait_for(pool.running, 30)
        (pid,) = pool.running()
        os.kill(pid, signal.SIGKILL)  # what the OOM killer does
        outcome = future.result(timeout=300)
        assert outcome.record is not None  # the second attempt, in a fresh process, read it
        assert pool.restarts >= 1 and pid not in pool.pids()


def test_a_document_that_crashes_its_worker_every_time_fails_with_a_reason() -> None:
    with WorkerPool(1) as pool:
        future = pool.submit(SCAN)
        killed: set[int] = set()
        for _ in range(2):
            assert wait_for(lambda: set(pool.running()) - killed, 60)
            pid = next(iter(set(pool.running()) - killed))
            os.kill(pid, signal.SIGKILL)
            killed.add(pid)
        outcome = future.result(timeout=60)
        assert outcome.failure is not None and outcome.failure.kind == "ReaderCrashed"
        assert pool.extract(SAMPLE_FILES[0]).record is not None


def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from pipeline.workers import WorkerPool
        if __name__ == "__main__":
            pool = WorkerPool(2)
            pool.submit(Path({str(SCAN)!r}))  # one busy reading, one idle
            while len(pool.pids()) < 2 or not pool.running():
                time.sleep(0.05)
            print(" ".join(map(str, pool.pids())), flush=True)
            time.sleep(600)
        """
    )
    (tmp_path / "parent.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, str(tmp_path / "parent.py")], stdout=subprocess.PIPE, env=env)
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(alive(p) for p in pids)
        parent.kill()  # SIGKILL: no handler, no atexit
        parent.wait()
        assert wait_for(lambda: not any(alive(p) for p in pids), 30), "a worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
