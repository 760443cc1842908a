"""The chunks of a pool batch, without a server: planning, paths across mounts, one chunk on a
worker (real documents, real worker processes), a chunk run again, and the report read back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import chunks
from pipeline.batch import BatchReport, find_documents, first_of_each_content, output_names, run_batch
from pipeline.errors import WorkerCannotSee
from pipeline.settings import get_settings
from tests.test_inbox import SAMPLE_FILES, make_variant

pytestmark = pytest.mark.skipif(not SAMPLE_FILES, reason="samples/ has no documents yet")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "share" / "docs"
    docs.mkdir(parents=True)
    for n in range(7):
        src = SAMPLE_FILES[n % len(SAMPLE_FILES)]
        make_variant(src, docs / f"doc{n}{src.suffix}", n)
    (docs / "hỏng.docx").write_bytes(b"PK\x03\x04 not a word file")
    return docs


def _settings(tmp_path: Path, **kw: object) -> object:
    return get_settings(data_dir=tmp_path / "data", sinks=["json"], batch_workers=1, **kw)


def test_paths_inside_the_shared_folder_travel_relative_and_resolve_under_each_mount(tmp_path: Path) -> None:
    here, there = tmp_path / "mnt" / "archive", tmp_path / "srv" / "archive"
    sent = chunks.path_for_workers(here / "2025" / "cv.pdf", here)
    assert sent == "2025/cv.pdf"
    assert chunks.resolve_on_worker(sent, there) == there / "2025" / "cv.pdf"
    # outside the shared folder (or with none): absolute, as written
    assert chunks.path_for_workers(tmp_path / "x.pdf", here) == str(tmp_path / "x.pdf")
    assert chunks.resolve_on_worker(str(tmp_path / "x.pdf"), there) == tmp_path / "x.pdf"
    with pytest.raises(WorkerCannotSee, match="no shared_dir setting"):
        chunks.resolve_on_worker("2025/cv.pdf", None)


def test_a_plan_keeps_the_batch_order_and_names(folder: Path) -> None:
    documents = find_documents(folder).documents
    names = output_names(documents, folder)
    plan = chunks.plan(documents, names, 3, None)
    assert [c.id for c in plan] == ["chunk-0001", "chunk-0002", "chunk-0003"]
    assert [len(c.paths) for c in plan] == [3, 3, 2]
    assert [n for c in plan for n in c.names] == [names[p].as_posix() for p in documents]


def test_a_chunk_on_a_worker_gives_the_local_batch_report_and_a_second_run_reads_nothing_again(
    folder: Path, tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    found = find_documents(folder)
    documents, _ = first_of_each_content(found.documents)
    names = output_names(documents, folder)
    plan = chunks.plan(documents, names, 5, None)
    out = tmp_path / "out"
    out.mkdir()
    for chunk in plan:
        result = chunks.run_chunk(chunk.id, chunk.paths, chunk.names, str(out), settings, use_sinks=False)  # type: ignore[arg-type]
        assert result.read == len(chunk.paths) and result.skipped_done == 0
    again = chunks.run_chunk(plan[0].id, plan[0].paths, plan[0].names, str(out), settings, use_sinks=False)  # type: ignore[arg-type]
    assert again.read == 0 and again.skipped_done == len(plan[0].paths)
    assert len(chunks.read_outcomes(out, plan[0].id)) == len(plan[0].paths)

    report = chunks.assemble(BatchReport(), plan, {names[p].as_posix(): p for p in documents}, out, {})
    local_out = tmp_path / "local"
    for _ in run_batch(folder, out_dir=local_out, workers=1):
        pass
    report.write(out)
    local = json.loads((local_out / "summary.json").read_text())
    pooled = json.loads((out / "summary.json").read_text())
    for timing in ("seconds", "docs_per_second"):
        local.pop(timing), pooled.pop(timing)
    assert pooled == local and pooled["failed"] == 1
    assert (out / "failed.csv").read_text() == (local_out / "failed.csv").read_text()
    for record in local_out.glob("doc*.json"):
        assert (out / record.name).read_text() == record.read_text()


def test_a_run_killed_while_writing_its_last_line_loses_only_that_line(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / chunks.CHUNKS_DIR).mkdir(parents=True)
    log = chunks.outcome_path(out, "chunk-0001")
    log.write_text('{"name": "a.json", "status": "ok"}\n{"name": "b.js', encoding="utf-8")
    assert list(chunks.read_outcomes(out, "chunk-0001")) == ["a.json"]


def test_a_worker_that_cannot_see_the_files_says_which_and_what_to_set(folder: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, shared_dir=tmp_path / "share")
    out = tmp_path / "share" / "out"
    out.mkdir()
    documents = find_documents(folder).documents
    plan = chunks.plan(documents, output_names(documents, folder), 10, tmp_path / "share")
    assert plan[0].paths[0].startswith("docs/")  # relative to the shared folder
    shutil.rmtree(folder)  # this worker's mount does not hold them
    with pytest.raises(WorkerCannotSee) as caught:
        chunks.run_chunk("chunk-0001", plan[0].paths, plan[0].names, "out", settings)  # type: ignore[arg-type]
    message = str(caught.value)
    assert f"cannot see 8 of the 8 documents of chunk-0001 (the first: {tmp_path / 'share' / 'docs'}" in message
    assert f"at {tmp_path / 'share'} (shared_dir)" in message
    assert not (out / chunks.CHUNKS_DIR).exists()  # nothing read, nothing written


def test_a_chunk_out_of_attempts_reports_its_unread_documents_with_the_reason(folder: Path, tmp_path: Path) -> None:
    documents = find_documents(folder).documents
    names = output_names(documents, folder)
    plan = chunks.plan(documents, names, 10, None)
    out = tmp_path / "out"
    (out / chunks.CHUNKS_DIR).mkdir(parents=True)
    report = chunks.assemble(
        BatchReport(),
        plan,
        {names[p].as_posix(): p for p in documents},
        out,
        {"chunk-0001": "its worker died (3 attempts)"},
    )
    assert len(report.failed) == len(documents)
    assert {item.failure.kind for item in report.failed if item.failure} == {"ChunkLost"}
    assert "its worker died (3 attempts)" in report.failed[0].failure.clerk_text  # type: ignore[union-attr]
