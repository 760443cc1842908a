"""The real ``directives`` command on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES

CLI = [sys.executable, "-m", "pipeline.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, check=False)


def test_extract_prints_a_record_matching_the_contract() -> None:
    sample = SAMPLES / "cv-ubnd-tinh.txt"
    done = run("extract", str(sample), "--format", "json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    expected = json.loads((SAMPLES / "cv-ubnd-tinh.expected.json").read_text(encoding="utf-8"))
    for field in ("issuer", "doc_type", "code", "place", "issued_date", "subject"):
        assert record[field] == expected[field], field
    assert record["schema_version"] == "1"
    assert len(record["source"]["sha256"]) == 64


def test_bad_file_gives_one_line_and_nonzero_exit_but_others_still_run(tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    out = tmp_path / "out"
    done = run("extract", str(bad), str(SAMPLES / "cv-ubnd-tinh.txt"), "--out", str(out))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0]
    assert "Traceback" not in done.stderr
    assert (out / "cv-ubnd-tinh.json").is_file()


def test_jsonl_is_one_line_per_file() -> None:
    files = [str(SAMPLES / "cv-ubnd-tinh.txt"), str(SAMPLES / "cv-ubnd-tinh.txt")]
    done = run("extract", *files, "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    assert [json.loads(x)["code"] for x in done.stdout.splitlines()] == ["125/UBND-NC", "125/UBND-NC"]


def test_schema_is_generated_from_the_models() -> None:
    done = run("schema")
    schema = json.loads(done.stdout)
    assert {"issuer", "code", "tasks", "references", "signer", "distribution"} <= set(schema["properties"])
    assert "Task" in schema["$defs"]
