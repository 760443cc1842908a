"""The watched folder, tested against real watcher processes, real files and a real SIGKILL.

Each watcher runs as ``python -m pipeline.cli watch`` in a subprocess with its own data
directory, so what is tested is what a clerk's machine runs. The in-process tests use
``Inbox.run(once=True)``, the same code without the observer.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.inbox import LEDGER_NAME, PROCESSING, Inbox, move_no_clobber
from pipeline.settings import Settings, get_settings
from pipeline.stages import sha256_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.suffix in {".pdf", ".docx", ".txt"})

pytestmark = pytest.mark.skipif(not SAMPLE_FILES, reason="samples/ has no documents yet")


# --- helpers shared with test_batch / test_flows / bench ----------------------------------


def make_variant(src: Path, dst: Path, n: int) -> Path:
    """Copy ``src`` to ``dst`` with content made distinct by ``n`` without changing what it says:
    a PDF comment after ``%%EOF``, a DOCX zip comment, a trailing text line."""
    data = src.read_bytes()
    if src.suffix == ".pdf":
        dst.write_bytes(data + f"\n% copy {n}\n".encode())
    elif src.suffix == ".docx":
        shutil.copyfile(src, dst)
        with zipfile.ZipFile(dst, "a") as zf:
            zf.comment = f"copy {n}".encode()
    else:
        dst.write_bytes(data.rstrip() + f"\n\n(bản sao {n})\n".encode())
    return dst


def watcher_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTIVES_")}
    env.update(
        DIRECTIVES_DATA_DIR=str(data_dir),
        DIRECTIVES_SINKS="json",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


def start_watcher(
    inbox: Path,
    data_dir: Path,
    *extra: str,
    stable: float = 1.0,
    workers: int = 1,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """A real ``directives watch`` process (its output goes to data_dir/watcher-PID.out)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    out = (data_dir / f"watcher-{time.time_ns()}.out").open("wb")
    cmd = [sys.executable, "-m", "pipeline.cli", "watch", str(inbox), "--stable-seconds", str(stable)]
    cmd += ["--workers", str(workers), *extra]
    # its own process group, so teardown can reach it and anything it left
    return subprocess.Popen(
        cmd,
        cwd=data_dir,
        env={**watcher_env(data_dir), **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_watcher(proc: subprocess.Popen[bytes], timeout: float = 30) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=timeout)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def settled(inbox: Path, expected: int) -> Callable[[], bool]:
    """True once ``expected`` dropped files have left the inbox and ``.processing/`` for good."""

    def check() -> bool:
        moved = [p for p in (inbox / "processed").rglob("*") if p.is_file() and _is_source(p)]
        failed = [p for p in (inbox / "failed").glob("*") if p.is_file() and _is_source(p)]
        return len(moved) + len(failed) >= expected and not any((inbox / PROCESSING).iterdir())

    return check


def _is_source(p: Path) -> bool:
    return not (p.name.endswith((".json", ".error.txt", ".duplicate.txt")) or p.name.startswith("."))


def outcome_files(inbox: Path) -> dict[str, list[Path]]:
    processed = inbox / "processed"
    return {
        "records": sorted(processed.rglob("*.json")),
        "duplicates": sorted(processed.rglob("*.duplicate.txt")),
        "processed": sorted(p for p in processed.rglob("*") if p.is_file() and _is_source(p)),
        "failed": sorted(p for p in (inbox / "failed").glob("*") if p.is_file() and _is_source(p)),
        "errors": sorted((inbox / "failed").glob("*.error.txt")),
        "left": sorted(p for p in inbox.iterdir() if p.is_file()),
        "processing": sorted((inbox / PROCESSING).iterdir()),
    }


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp working directory with no settings file, and no DIRECTIVES_* from the caller."""
    for key in list(os.environ):
        if key.startswith("DIRECTIVES_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings_for(home: Path, **overrides: object) -> Settings:
    return get_settings(data_dir=home / "data", inbox=home / "inbox", sinks=["json"], stable_seconds=0.2, **overrides)


def run_once(settings: Settings, workers: int = 1) -> Inbox:
    inbox = Inbox(settings, workers=workers)
    try:
        inbox.run(once=True)
    finally:
        inbox.close()
    return inbox


# --- in-process: outcomes -----------------------------------------------------------------


def test_good_bad_empty_and_unsupported_files_each_get_their_outcome(home: Path) -> None:
    settings = settings_for(home)
    settings.inbox.mkdir(parents=True)
    good = SAMPLE_FILES[0]
    shutil.copy(good, settings.inbox / good.name)
    (settings.inbox / "hỏng.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    (settings.inbox / "rỗng.docx").write_bytes(b"")
    (settings.inbox / "bảng.xlsx").write_bytes(b"PK\x03\x04 not a word file")
    (settings.inbox / "~$khóa.docx").write_bytes(b"lock")  # Word's lock file: left alone
    (settings.inbox / "đang-tải.pdf.crdownload").write_bytes(b"%PDF")  # a partial download: left alone

    run_once(settings)

    out = outcome_files(settings.inbox)
    assert [p.name for p in out["processed"]] == [good.name]
    record = json.loads((out["processed"][0].with_suffix(".json")).read_text(encoding="utf-8"))
    assert record["source"]["sha256"] == sha256_of(good)
    assert record["source"]["path"] == str(out["processed"][0])
    assert out["processed"][0].parent.name == time.strftime("%Y-%m-%d")
    assert sorted(p.name for p in out["failed"]) == ["bảng.xlsx", "hỏng.pdf", "rỗng.docx"]
    for error in out["errors"]:
        text = error.read_text(encoding="utf-8")
        assert "Lỗi:" in text and "Error:" in text, text  # Vietnamese and English
        assert "Traceback" not in text and PROCESSING not in text
    assert "0 bytes" in (settings.inbox / "failed" / "rỗng.error.txt").read_text(encoding="utf-8")
    assert "xlsx" in (settings.inbox / "failed" / "bảng.error.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in out["left"]) == ["~$khóa.docx", "đang-tải.pdf.crdownload"]
    assert out["processing"] == []
    log = (settings.data_dir / "logs" / "inbox.log").read_text(encoding="utf-8")
    assert f"processed {good.name}" in log and "failed hỏng.pdf" in log
    # the json sink got the record too
    assert len(list((settings.data_dir / "records").glob("*.json"))) == 1


def test_same_content_twice_gives_one_record_even_across_restarts(home: Path) -> None:
    settings = settings_for(home)
    settings.inbox.mkdir(parents=True)
    src = SAMPLE_FILES[0]
    shutil.copy(src, settings.inbox / f"a{src.suffix}")
    shutil.copy(src, settings.inbox / f"b{src.suffix}")
    run_once(settings)
    # a third copy after a restart: the ledger remembers
    shutil.copy(src, settings.inbox / f"c{src.suffix}")
    run_once(settings)

    out = outcome_files(settings.inbox)
    assert len(out["records"]) == 1
    assert len(out["processed"]) == 3
    assert len(out["duplicates"]) == 2
    first = out["records"][0].stem
    for note in out["duplicates"]:
        text = note.read_text(encoding="utf-8")
        assert f"{first}{src.suffix}" in text and "No second record" in text and "trùng nội dung" in text


def test_name_clashes_get_a_suffix_never_overwrite(home: Path) -> None:
    settings = settings_for(home)
    settings.inbox.mkdir(parents=True)
    for n in range(3):
        make_variant(SAMPLE_FILES[0], settings.inbox / f"cv{SAMPLE_FILES[0].suffix}", n)
        (settings.inbox / "bad.pdf").write_bytes(b"%PDF-broken " + bytes([n]))
        run_once(settings)
    out = outcome_files(settings.inbox)
    suffix = SAMPLE_FILES[0].suffix
    assert [p.name for p in out["processed"]] == [f"cv (2){suffix}", f"cv (3){suffix}", f"cv{suffix}"]
    assert [p.name for p in out["records"]] == ["cv (2).json", "cv (3).json", "cv.json"]
    assert [p.name for p in out["failed"]] == ["bad (2).pdf", "bad (3).pdf", "bad.pdf"]
    assert len({sha256_of(p) for p in out["processed"]}) == 3


def test_recovery_finishes_what_a_crash_left_in_processing(home: Path) -> None:
    """Files left in .processing/ (the watcher died) are taken up at the next start; one whose
    content is already in the ledger only moves, as a duplicate, without a second record."""
    settings = settings_for(home)
    processing = settings.inbox / PROCESSING
    processing.mkdir(parents=True)
    src = SAMPLE_FILES[0]
    shutil.copy(src, settings.inbox / src.name)
    run_once(settings)
    shutil.copy(src, processing / f"18eae-1-aaaaaa~again{src.suffix}")  # already in the ledger
    make_variant(src, processing / f"18eae-1-bbbbbb~new{src.suffix}", 7)  # never processed
    run_once(settings)
    out = outcome_files(settings.inbox)
    assert out["processing"] == []
    assert sorted(p.name for p in out["processed"]) == sorted([src.name, f"again{src.suffix}", f"new{src.suffix}"])
    assert len(out["records"]) == 2 and len(out["duplicates"]) == 1


def test_committed_outcome_is_carried_out_after_a_crash_before_the_move(home: Path) -> None:
    """Killed after the ledger commit but before the move: the restart only moves the file."""
    settings = settings_for(home)
    settings.inbox.mkdir(parents=True)
    shutil.copy(SAMPLE_FILES[0], settings.inbox / SAMPLE_FILES[0].name)

    def crash(src: Path, dst: Path) -> None:
        raise KeyboardInterrupt  # what SIGINT would raise mid-move

    import pipeline.inbox.service as inbox_module

    original = inbox_module.move_no_clobber
    inbox_module.move_no_clobber = crash  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            run_once(settings)
    finally:
        inbox_module.move_no_clobber = original
    left = list((settings.inbox / PROCESSING).iterdir())
    assert len(left) == 1
    records = list((settings.inbox / "processed").rglob("*.json"))
    assert len(records) == 1  # written before the move
    run_once(settings)
    out = outcome_files(settings.inbox)
    assert out["processing"] == [] and len(out["processed"]) == 1
    assert out["records"] == records  # the same record, not a second one
    db = sqlite3.connect(settings.data_dir / LEDGER_NAME)
    assert db.execute("SELECT count(*), sum(delivered) FROM documents").fetchone() == (1, 1)


def test_move_no_clobber_refuses_to_overwrite_and_is_idempotent(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("a")
    b.write_text("b")
    with pytest.raises(FileExistsError):
        move_no_clobber(a, b)
    assert b.read_text() == "b"
    b.unlink()
    move_no_clobber(a, b)
    move_no_clobber(a, b)  # already done: no error
    assert b.read_text() == "a" and not a.exists()


# --- real watcher processes ---------------------------------------------------------------


@pytest.fixture
def watchers(home: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        # the whole group: a watcher killed with SIGKILL orphans its pool's forkserver and workers
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_a_file_copied_in_slowly_is_read_only_once_it_stops_growing(
    home: Path, watchers: list[subprocess.Popen[bytes]]
) -> None:
    inbox, data = home / "inbox", home / "data"
    inbox.mkdir()
    # pauses of 0.6 s against a 2 s stable wait: a margin a busy 2-core machine cannot eat
    watchers.append(start_watcher(inbox, data, stable=2.0))
    src = max(SAMPLE_FILES, key=lambda p: p.stat().st_size)
    payload = src.read_bytes()
    chunks = [payload[i : i + len(payload) // 4 + 1] for i in range(0, len(payload), len(payload) // 4 + 1)]
    target = inbox / src.name
    with target.open("wb") as fh:
        for n, chunk in enumerate(chunks):
            if n:
                time.sleep(0.6)  # a pause shorter than stable_seconds: the copy is not finished
                assert target.exists(), "the watcher took the file while it was still growing"
            fh.write(chunk)
            fh.flush()
    copied_at = time.monotonic()
    wait_for(settled(inbox, 1), 30, "the slowly copied file to be processed")
    took = time.monotonic() - copied_at
    out = outcome_files(inbox)
    assert [p.name for p in out["processed"]] == [src.name]
    record = json.loads(out["records"][0].read_text(encoding="utf-8"))
    assert record["source"]["sha256"] == sha256_of(src)  # the whole file was read, not a prefix
    assert took >= 1.9  # it waited for stable_seconds after the last write
    assert stop_watcher(watchers[0]) == 130  # 128 + SIGINT: it says it was interrupted


def test_two_watchers_on_one_inbox_never_both_claim_a_file(home: Path, watchers: list[subprocess.Popen[bytes]]) -> None:
    inbox, data = home / "inbox", home / "data"
    inbox.mkdir()
    watchers.append(start_watcher(inbox, data, stable=0.3))
    watchers.append(start_watcher(inbox, data, stable=0.3))
    time.sleep(1.0)
    names = []
    for n in range(24):
        src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
        names.append(make_variant(src, inbox / f"doc{n:02d}{src.suffix}", n).name)
    wait_for(settled(inbox, len(names)), 60, "both watchers to finish")
    for proc in watchers:
        assert stop_watcher(proc) == 130
    out = outcome_files(inbox)
    assert sorted(p.name for p in out["processed"]) == sorted(names)
    assert len(out["records"]) == len(names) and out["duplicates"] == [] and out["failed"] == []
    log = (data / "logs" / "inbox.log").read_text(encoding="utf-8")
    claims = [line.split(" claimed ")[1].split(" ")[0] for line in log.splitlines() if " claimed " in line]
    assert sorted(claims) == sorted(names), "a file was claimed twice or not at all"
    # Which watcher takes how many depends on scheduling (one may win every race on a busy
    # machine); the property is that no file is taken twice, checked above.


def test_sigkill_mid_drop_then_restart_loses_and_doubles_nothing(
    home: Path, watchers: list[subprocess.Popen[bytes]]
) -> None:
    inbox, data = home / "inbox", home / "data"
    inbox.mkdir()
    watchers.append(start_watcher(inbox, data, stable=0.2, workers=2))
    distinct = set()
    dropped = 0
    for n in range(40):
        src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
        path = make_variant(src, inbox / f"doc{n:02d}{src.suffix}", n % 30)  # 10 exact duplicates
        distinct.add(sha256_of(path))
        dropped += 1
    (inbox / "bad.pdf").write_bytes(b"%PDF-1.4 garbage")
    dropped += 1

    def some_done() -> bool:
        return len(list((inbox / "processed").rglob("*.json"))) >= 5

    wait_for(some_done, 30, "a few records before the kill")
    from tests.test_batch import alive, descendants

    processes = descendants(watchers[0].pid)
    assert len(processes) >= 3  # the forkserver and two workers at least
    watchers[0].send_signal(signal.SIGKILL)
    watchers[0].wait()
    # the pool's workers die with it (before: they stayed for ever, ~276 MB per crash)
    wait_for(lambda: not any(alive(p) for p in processes), 30, "the dead watcher's workers to exit")
    # restart: --once finishes what is left, including what the dead watcher held
    restart = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "watch", str(inbox), "--once", "--stable-seconds", "0.2"],
        cwd=data,
        env=watcher_env(data),
        capture_output=True,
        timeout=120,
    )
    assert restart.returncode == 0, restart.stdout + restart.stderr
    out = outcome_files(inbox)
    assert out["processing"] == [] and out["left"] == []
    assert len(out["processed"]) + len(out["failed"]) == dropped
    assert [p.name for p in out["failed"]] == ["bad.pdf"]
    record_shas = [json.loads(p.read_text(encoding="utf-8"))["source"]["sha256"] for p in out["records"]]
    assert sorted(record_shas) == sorted(distinct), "one record per distinct document"
    assert len(out["duplicates"]) == len(out["processed"]) - len(distinct)


# --- hostile and unlucky drops ------------------------------------------------------------


def test_long_names_links_and_folders_each_get_their_outcome(home: Path) -> None:
    from tests.test_batch import LONG_ASCII, LONG_VIETNAMESE

    settings = settings_for(home)
    settings.inbox.mkdir(parents=True)
    pdfs = [p for p in SAMPLE_FILES if p.suffix == ".pdf"]
    shutil.copy(pdfs[0], settings.inbox / LONG_ASCII)  # claimed as TOKEN~NAME: longer than 255 bytes
    shutil.copy(pdfs[1], settings.inbox / LONG_VIETNAMESE)
    (settings.inbox / "passwd.txt").symlink_to("/etc/passwd")
    (settings.inbox / "x.pdf").mkdir()
    run_once(settings)
    out = outcome_files(settings.inbox)
    assert len(out["processed"]) == 2 and len(out["records"]) == 2
    for record in out["records"]:
        assert len(record.name.encode()) <= 255
        source = json.loads(record.read_text(encoding="utf-8"))["source"]["path"]
        assert Path(source).exists()
    assert out["processing"] == [] and out["left"] == []
    failed = settings.inbox / "failed"
    assert (failed / "passwd.txt").is_symlink()  # the link itself moved, its target untouched
    assert "/etc/passwd" in (failed / "passwd.error.txt").read_text(encoding="utf-8")
    note = (failed / "x.pdf.error.txt").read_text(encoding="utf-8")
    assert "thư mục" in note and "folder" in note
    assert (settings.inbox / "x.pdf").is_dir()  # a folder is reported, not moved
    log = (settings.data_dir / "logs" / "inbox.log").read_text(encoding="utf-8")
    assert f"processed {LONG_ASCII}" in log and "retrying" not in log


def test_a_copy_that_pauses_longer_than_the_settle_time_is_read_once_it_settles(
    home: Path, watchers: list[subprocess.Popen[bytes]]
) -> None:
    inbox, data = home / "inbox", home / "data"
    inbox.mkdir()
    watchers.append(start_watcher(inbox, data, stable=1.0))
    src = next(p for p in SAMPLE_FILES if p.suffix == ".pdf")
    payload = src.read_bytes()
    quarter = len(payload) // 4 + 1
    with (inbox / src.name).open("wb") as fh:
        for n in range(4):
            fh.write(payload[n * quarter : (n + 1) * quarter])
            fh.flush()
            if n < 3:
                time.sleep(2.5)  # longer than the settle time: the watcher claims a half-written file
    wait_for(settled(inbox, 1), 90, "the paused copy to be processed")
    out = outcome_files(inbox)
    assert [p.name for p in out["processed"]] == [src.name] and out["failed"] == []
    record = json.loads(out["records"][0].read_text(encoding="utf-8"))
    assert record["source"]["sha256"] == sha256_of(src)  # the whole file, not what had arrived
    log = (data / "logs" / "inbox.log").read_text(encoding="utf-8")
    assert "reading it again once it settles" in log
    assert stop_watcher(watchers[0]) == 130


def test_ctrl_c_puts_back_what_was_not_read_and_leaves_no_process(
    home: Path, watchers: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    from tests.test_batch import alive, descendants
    from tests.test_workers import long_scan

    inbox, data = home / "inbox", home / "data"
    inbox.mkdir()
    scans = [long_scan(tmp_path / f"scan{n}.pdf", copies=3 + n) for n in range(3)]  # OCR: seconds each
    watchers.append(start_watcher(inbox, data, stable=0.2, env={"DIRECTIVES_STOP_GRACE_SECONDS": "0"}))
    for scan in scans:
        shutil.copy(scan, inbox / scan.name)
    claimed = inbox / PROCESSING
    wait_for(lambda: claimed.is_dir() and len(list(claimed.iterdir())) == 3, 60, "the scans to be claimed")
    processes = descendants(watchers[0].pid)
    assert stop_watcher(watchers[0]) == 130
    back = sorted(p.name for p in inbox.iterdir() if p.is_file())
    assert back == [s.name for s in scans]  # back where the clerk put them, under their own names
    assert list((inbox / PROCESSING).iterdir()) == []
    db = sqlite3.connect(data / LEDGER_NAME)
    assert db.execute("SELECT count(*) FROM files").fetchone() == (0,)
    wait_for(lambda: not any(alive(p) for p in processes), 30, "the worker processes to exit")


def test_move_no_clobber_finishes_a_move_cut_between_link_and_unlink(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("a")
    os.link(a, b)  # a watcher killed right after link(): the file is at both names
    move_no_clobber(a, b)
    assert not a.exists() and b.read_text() == "a"
