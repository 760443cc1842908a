"""The real ``directives`` command on real files."""

from __future__ import annotations

import json
import os
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


def test_several_records_on_stdout_are_one_json_array(tmp_path: Path) -> None:
    files = [SAMPLES / "cv-khan.pdf", SAMPLES / "cv-khan.docx", tmp_path / "missing.txt", SAMPLES / "cv-khan.txt"]
    done = run("extract", *map(str, files))
    assert done.returncode == 1 and "missing.txt" in done.stderr  # the bad one said so; the others ran
    records = json.loads(done.stdout)  # `directives extract A B C > out.json` is JSON
    assert [Path(r["source"]["path"]).name for r in records] == ["cv-khan.pdf", "cv-khan.docx", "cv-khan.txt"]


def test_out_never_overwrites_the_record_of_another_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    forms = [SAMPLES / f"cv-khan{suffix}" for suffix in (".pdf", ".docx", ".txt")]
    assert run("extract", *map(str, forms), "--out", str(out)).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["cv-khan.docx.json", "cv-khan.pdf.json", "cv-khan.txt.json"]
    other = tmp_path / "elsewhere" / "cv-khan.pdf"
    other.parent.mkdir()
    other.write_bytes((SAMPLES / "cv-mat.pdf").read_bytes())
    assert run("extract", str(SAMPLES / "cv-khan.pdf"), "--out", str(out)).returncode == 0  # alone: cv-khan.json
    assert run("extract", str(SAMPLES / "cv-khan.pdf"), "--out", str(out)).returncode == 0  # again: replaced
    assert run("extract", str(other), "--out", str(out)).returncode == 0  # another input, same name
    held = {p.name: json.loads(p.read_text(encoding="utf-8"))["source"]["path"] for p in out.glob("*.json")}
    assert held["cv-khan.json"] == str(SAMPLES / "cv-khan.pdf")
    assert held["cv-khan (2).json"] == str(other)
    assert len(held) == 5


def test_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    link = tmp_path / "passwd.txt"
    link.symlink_to("/etc/passwd")
    done = run("extract", str(link))
    assert done.returncode == 1 and done.stdout == ""
    assert "symbolic link" in done.stderr and "/etc/passwd" in done.stderr


def test_extract_applies_the_settings_limits_and_reports_bad_settings(tmp_path: Path) -> None:
    sample = SAMPLES / "cv-khan.txt"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("DIRECTIVES_")}
    plain = subprocess.run([*CLI, "extract", str(sample)], capture_output=True, text=True, env=env, check=False)
    assert plain.returncode == 0, plain.stderr
    # the settings file in the working folder still sets the limits...
    (tmp_path / "directives.toml").write_text("max_text_mb = 0.001\n", encoding="utf-8")
    small = subprocess.run(
        [*CLI, "extract", str(sample)], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert small.returncode == 1 and "max_text_mb" in small.stderr, small.stderr
    # ...and a wrong one stops the command before any file is read
    bad = subprocess.run(
        [*CLI, "extract", str(sample)],
        capture_output=True,
        text=True,
        env={**env, "DIRECTIVES_MAX_PAGES": "none"},
        check=False,
    )
    assert bad.returncode == 2 and "max_pages" in bad.stderr and not bad.stdout, bad.stderr
