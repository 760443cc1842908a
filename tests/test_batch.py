"""The folder batch: a real process pool over real files; every file ends up in the report."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import Record
from pipeline.batch import Batch, deliver, find_documents, output_names, run_batch
from pipeline.stages import sha256_of
from tests.test_inbox import ROOT, SAMPLE_FILES, make_variant, watcher_env

pytestmark = pytest.mark.skipif(not SAMPLE_FILES, reason="samples/ has no documents yet")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Samples in two folders, a damaged PDF, a non-document and an Office lock file."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for n, sample in enumerate(SAMPLE_FILES[:6]):
        shutil.copy(sample, (src if n % 2 else src / "sub") / sample.name)
    (src / "hỏng.pdf").write_bytes(b"%PDF-1.4 broken")
    (src / "notes.xlsx").write_bytes(b"PK")
    (src / "~$open.docx").write_bytes(b"lock")
    return src


def test_batch_with_two_processes_writes_records_and_reports_every_failure(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch = run_batch(folder, out_dir=out, workers=2, recursive=True)
    items = list(batch)
    assert len(items) == 7  # six samples and the damaged PDF; the lock file is not a document
    ok = [i for i in items if i.ok]
    assert len(ok) == 6
    for item in ok:
        assert item.record is not None and item.record_path is not None
        stored = Record.model_validate_json(item.record_path.read_text(encoding="utf-8"))
        assert stored.source.sha256 == sha256_of(item.path)
        # subfolders are kept: a record sits where its document sat
        assert item.record_path.parent.relative_to(out) == item.path.parent.relative_to(folder)
    report = batch.report
    assert (report.total, report.ok, len(report.failed)) == (7, 6, 1)
    rows = list(csv.DictReader((out / "failed.csv").open(encoding="utf-8-sig")))
    assert [Path(r["path"]).name for r in rows] == ["hỏng.pdf"] and rows[0]["stage"] == "extract"
    errors = (out / "errors.txt").read_text(encoding="utf-8")
    assert "Lỗi:" in errors and "Error:" in errors
    assert (out / "skipped.txt").read_text(encoding="utf-8").strip().endswith("notes.xlsx")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["total"] == 7 and summary["failed"] == 1 and summary["skipped"] == 1


def test_sink_failures_are_retried_then_reported_not_dropped(folder: Path, tmp_path: Path) -> None:
    class Flaky:
        name = "flaky"

        def __init__(self) -> None:
            self.calls = 0
            self.stored: list[str] = []

        def write(self, record: Record) -> None:
            self.calls += 1
            if self.calls % 2:  # every first try fails
                raise ConnectionError("database restarting")
            self.stored.append(record.source.sha256)

        def close(self) -> None:
            pass

    class Down(Flaky):
        name = "down"

        def write(self, record: Record) -> None:
            raise ConnectionError("no route to host")

    flaky, down = Flaky(), Down()
    docs = find_documents(folder, recursive=True).documents
    docs = [d for d in docs if d.suffix != ".pdf" or d.name != "hỏng.pdf"][:3]
    out = tmp_path / "out"
    batch = Batch(docs, workers=1, out_dir=out, sinks=[flaky, down], root=folder)
    import pipeline.batch as batch_module

    original = batch_module.deliver
    batch_module.deliver = lambda record, sinks, **kw: original(record, sinks, sleep=lambda s: None)  # type: ignore[assignment]
    try:
        items = list(batch)
    finally:
        batch_module.deliver = original
    assert len(flaky.stored) == 3  # retried into success
    assert all(not i.ok and i.record_path is not None and i.record_path.exists() for i in items)
    rows = list(csv.DictReader((out / "failed.csv").open(encoding="utf-8-sig")))
    assert {r["stage"] for r in rows} == {"sink:down"} and len(rows) == 3


def test_deliver_keeps_going_when_one_sink_fails() -> None:
    record = Record.model_validate({"source": {"path": "x", "sha256": "0" * 64, "media_type": "text/plain"}})
    got: list[str] = []

    class Ok:
        name = "ok"

        def write(self, record: Record) -> None:
            got.append(record.source.sha256)

        def close(self) -> None:
            pass

    class Bad(Ok):
        name = "bad"

        def write(self, record: Record) -> None:
            raise OSError("disk full")

    errors = deliver(record, [Bad(), Ok()], attempts=2, sleep=lambda s: None)
    assert got == ["0" * 64] and [e.sink for e in errors] == ["bad"]


def test_output_names_do_not_depend_on_completion_order(tmp_path: Path) -> None:
    paths = [tmp_path / "a.pdf", tmp_path / "a.docx", tmp_path / "b.txt", tmp_path / "s" / "b.pdf"]
    names = output_names(paths, tmp_path)
    assert {str(v) for v in names.values()} == {"a.pdf.json", "a.docx.json", "b.json", "s/b.json"}


def test_directives_batch_command(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli-out"
    for n in range(4):
        make_variant(SAMPLE_FILES[0], folder / f"extra{n}{SAMPLE_FILES[0].suffix}", n)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "batch", str(folder), "--out", str(out), "--workers", "2", "-r"],
        cwd=tmp_path,
        env=watcher_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr  # one document failed
    assert "10 ok, 1 failed, 0 duplicates, 1 skipped" in proc.stderr
    assert len(list(out.rglob("*.json"))) == 10 + 1  # records and summary.json
    assert ROOT.exists()


def descendants(pid: int) -> set[int]:
    """``pid``'s processes, children of children included (Linux /proc)."""
    from pipeline.workers import children

    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children(stack.pop()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


LONG_ASCII = ("cong-van-so-125-UBND-NC-ve-viec-trien-khai-nhiem-vu-cai-cach-hanh-chinh-" * 4)[:236] + ".pdf"
LONG_VIETNAMESE = ("Công văn về việc triển khai nhiệm vụ " * 8).encode()[:246].decode("utf-8", "ignore") + ".pdf"


def test_long_names_links_folders_and_copies_each_get_their_outcome(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    pdfs = [p for p in SAMPLE_FILES if p.suffix == ".pdf"]
    shutil.copy(pdfs[0], folder / LONG_ASCII)  # 240 bytes: its temporary name used to pass 255
    shutil.copy(pdfs[1], folder / LONG_VIETNAMESE)  # 250 bytes of Vietnamese
    shutil.copy(pdfs[2], folder / "a.pdf")
    shutil.copy(pdfs[2], folder / "b-copy.pdf")  # the same bytes: read once
    (folder / "passwd.txt").symlink_to("/etc/passwd")  # never followed
    (folder / "x.pdf").mkdir()  # a folder named like a document
    batch = run_batch(folder, out_dir=out, workers=2)
    items = {i.path.name: i for i in batch}
    assert set(items) == {LONG_ASCII, LONG_VIETNAMESE, "a.pdf", "b-copy.pdf", "passwd.txt", "x.pdf"}
    assert items[LONG_ASCII].ok and items[LONG_VIETNAMESE].ok and items["a.pdf"].ok
    for name in (LONG_ASCII, LONG_VIETNAMESE):
        record_path = items[name].record_path
        assert record_path is not None and len(record_path.name.encode()) <= 255
    assert items["b-copy.pdf"].status == "duplicate" and items["b-copy.pdf"].duplicate_of == folder / "a.pdf"
    for name, reason in (("passwd.txt", "symbolic link"), ("x.pdf", "a folder")):
        assert items[name].status == "failed" and items[name].failure is not None
        assert reason in items[name].failure.reason
    rows = {Path(r["path"]).name: r for r in csv.DictReader((out / "failed.csv").open(encoding="utf-8-sig"))}
    assert set(rows) == {"passwd.txt", "x.pdf"} and "/etc/passwd" in rows["passwd.txt"]["reason"]
    dupes = list(csv.DictReader((out / "duplicates.csv").open(encoding="utf-8-sig")))
    assert [(Path(d["path"]).name, Path(d["same_as"]).name) for d in dupes] == [("b-copy.pdf", "a.pdf")]
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["total"], summary["ok"], summary["failed"], summary["duplicates"]) == (6, 3, 2, 1)
    assert "root:" not in "".join(p.read_text(encoding="utf-8") for p in out.glob("*.json"))


def test_a_record_that_cannot_be_written_is_that_documents_failure(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for sample in SAMPLE_FILES[:3]:
        shutil.copy(sample, folder / sample.name)
    blocked = output_names(sorted(folder.iterdir()), folder)[folder / SAMPLE_FILES[0].name]
    (out / blocked).mkdir(parents=True)  # a folder where its record should go: the write fails
    items = list(run_batch(folder, out_dir=out, workers=1))
    failed = [i for i in items if i.status == "failed"]
    assert [i.path.name for i in failed] == [SAMPLE_FILES[0].name]
    assert failed[0].record is not None and "cannot write" in (failed[0].failure.reason if failed[0].failure else "")
    assert sum(i.ok for i in items) == 2
    rows = list(csv.DictReader((out / "failed.csv").open(encoding="utf-8-sig")))
    assert [r["stage"] for r in rows] == ["write"]


def test_sigterm_stops_a_batch_with_its_report_and_leaves_no_process(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for n in range(300):
        src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
        make_variant(src, folder / f"doc{n:03d}{src.suffix}", n)
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(folder), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=watcher_env(tmp_path / "data"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("doc*.json"))) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        processes = descendants(proc.pid)
        assert processes, "the batch has no worker processes"
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] == "SIGTERM" and summary["total"] == 300
    assert summary["ok"] + summary["failed"] + summary["duplicates"] + summary["not_done"] == 300
    assert summary["not_done"] > 0 and summary["ok"] == len(list(out.glob("doc*.json")))
    rows = list(csv.DictReader((out / "failed.csv").open(encoding="utf-8-sig")))
    assert sum(r["stage"] == "not_done" for r in rows) == summary["not_done"]
    done = {Path(p).stem for p in out.glob("doc*.json")} | {Path(r["path"]).stem for r in rows}
    assert len(done) == 300  # every file is either written or listed: none lost
    deadline = time.monotonic() + 30
    while any(alive(p) for p in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in processes if alive(p)], "processes left behind"
