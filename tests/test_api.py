"""The HTTP API on real files: uploads through the process pool into a real store, queries, errors, keys.

One application (pool of 2 reader processes, SQLite store, JSON sink) serves the whole module;
the key and limit tests build small ones of their own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from models import Record
from pipeline import extract
from pipeline.api import create_app
from pipeline.edxml import read_edxml
from pipeline.settings import Settings
from tests.conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api")


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=data_dir,
        sinks=["json", "sqlite"],
        api_read_roots=[SAMPLES],
        edxml_organ_ids={"Ủy ban nhân dân tỉnh Thái Nguyên": "000.00.00.H55"},
    )
    with TestClient(create_app(settings, workers=2)) as test_client:
        yield test_client


def upload(client: TestClient, path: Path, name: str | None = None) -> httpx.Response:
    with path.open("rb") as fh:
        return client.post("/v1/documents", files={"file": (name or path.name, fh)})


def test_upload_answers_201_with_the_record_and_its_location(client: TestClient, data_dir: Path) -> None:
    answer = upload(client, SAMPLES / "cv-ubnd-tinh.pdf")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert answer.headers["location"] == f"/v1/documents/{body['id']}"
    record = Record.model_validate(body["record"])
    expected = extract(SAMPLES / "cv-ubnd-tinh.pdf")
    assert record.model_dump(exclude={"source"}) == expected.model_dump(exclude={"source"})
    assert record.source.sha256 == expected.source.sha256
    # the upload is kept and the record names it; the JSON sink has it too
    assert Path(record.source.path).is_file() and Path(record.source.path).is_relative_to(data_dir)
    assert len(list((data_dir / "records").glob("*.json"))) >= 1

    again = client.get(answer.headers["location"])
    assert again.status_code == 200 and again.json()["record"] == body["record"]


def test_an_answer_says_where_its_time_went(client: TestClient) -> None:
    answer = upload(client, SAMPLES / "cv-khan.pdf")
    assert answer.status_code in (200, 201), answer.text
    steps = {name: float(ms) for name, ms in re.findall(r"(\w+);dur=([\d.]+)", answer.headers["server-timing"])}
    assert list(steps) == ["receive", "save", "read", "extract", "store", "answer", "total"]
    # the reader's own time lies inside the pool's, and every step inside the whole
    assert 0 < steps["extract"] <= steps["read"]
    parts = steps["receive"] + steps["save"] + steps["read"] + steps["store"] + steps["answer"]
    assert parts <= steps["total"] + 0.05  # each rounded to 0.01 ms


def test_the_same_file_sent_again_is_kept_once(client: TestClient, data_dir: Path) -> None:
    first = upload(client, SAMPLES / "tb-deadline.pdf").json()
    kept = Path(first["record"]["source"]["path"])
    stamp = kept.stat().st_mtime_ns
    second = upload(client, SAMPLES / "tb-deadline.pdf")
    assert second.status_code == 200 and second.json()["id"] == first["id"]
    assert second.json()["record"]["source"]["path"] == str(kept)
    assert kept.stat().st_mtime_ns == stamp  # not written again
    assert kept.read_bytes() == (SAMPLES / "tb-deadline.pdf").read_bytes()
    assert len([f for f in kept.parent.iterdir() if f.name.endswith("-tb-deadline.pdf")]) == 1


def test_the_docx_of_the_same_directive_joins_its_document(client: TestClient) -> None:
    pdf = upload(client, SAMPLES / "cv-two-level.pdf")
    docx = upload(client, SAMPLES / "cv-two-level.docx")
    assert (pdf.status_code, docx.status_code) == (201, 200)
    assert pdf.json()["id"] == docx.json()["id"]
    assert sorted(s["media_type"] for s in docx.json()["sources"]) == sorted(
        [
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ]
    )
    tasks = client.get("/v1/tasks", params={"document": pdf.json()["id"], "limit": 1000}).json()
    assert tasks["total"] == len(extract(SAMPLES / "cv-two-level.pdf").tasks)


def test_a_path_the_server_may_read(client: TestClient, tmp_path: Path) -> None:
    answer = client.post("/v1/documents", json={"path": str(SAMPLES / "tb-deadline.txt")})
    assert answer.status_code in (200, 201), answer.text
    assert answer.json()["record"]["source"]["path"] == str(SAMPLES / "tb-deadline.txt")
    outside = tmp_path / "x.txt"
    outside.write_text("x", encoding="utf-8")
    refused = client.post("/v1/documents", json={"path": str(outside)})
    assert refused.status_code == 403 and "outside the folders" in refused.json()["detail"]


def _cli_line(path: Path) -> str:
    """What `directives extract NAME` prints for the file, run beside it."""
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "extract", path.name],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=path.parent,
    )
    return done.stderr.strip()


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("notes.txt", "Ghi chú họp giao ban, không phải văn bản.\n", 422),
        ("bang-tinh.xlsx", "not a document", 415),
        ("hong.pdf", "%PDF-1.4 this is not really a pdf", 422),
    ],
)
def test_bad_input_gets_the_status_and_the_reason_the_cli_prints(
    client: TestClient, data_dir: Path, tmp_path: Path, name: str, content: str, status: int
) -> None:
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    answer = upload(client, bad)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["detail"] == _cli_line(bad)  # 'directives: NAME: reason', word for word
    assert "Lỗi:" in body["clerk_text"] and "Error:" in body["clerk_text"]
    kept = [p for p in (data_dir / "api" / "failed").glob(f"*-{name}")]
    assert kept and all(p.with_name(p.name + ".error.txt").is_file() for p in kept)


def test_over_the_size_limit_is_413(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, sinks=["sqlite"], api_max_upload_mb=0.001)
    big = tmp_path / "big.txt"
    big.write_bytes((SAMPLES / "cv-ubnd-tinh.txt").read_bytes() * 3)
    with TestClient(create_app(settings, workers=1)) as small:
        answer = upload(small, big)
    assert answer.status_code == 413
    assert answer.json()["detail"].startswith("directives: big.txt: the file is larger than the 0.001 MB")
    assert answer.json()["kind"] == "FileTooLarge"


def test_queries_by_code_issuer_dates_and_lead(client: TestClient) -> None:
    upload(client, SAMPLES / "cv-ubnd-tinh.pdf")
    found = client.get("/v1/documents", params={"code": "125/UBND-NC"}).json()
    assert found["total"] == 1 and found["items"][0]["issuer"] == "Ủy ban nhân dân tỉnh Thái Nguyên"
    by_issuer = client.get("/v1/documents", params={"issuer": "thái nguyên", "from": "2026-03-01", "to": "2026-03-31"})
    assert "125/UBND-NC" in [d["code"] for d in by_issuer.json()["items"]]
    assert client.get("/v1/documents", params={"from": "2030-01-01"}).json()["total"] == 0

    led = client.get("/v1/tasks", params={"lead": "Sở Nội vụ", "limit": 1000}).json()
    expected = [t for t in extract(SAMPLES / "cv-ubnd-tinh.pdf").tasks if "Sở Nội vụ" in t.lead]
    ours = [t for t in led["items"] if t["document"]["code"] == "125/UBND-NC"]
    assert [t["ordinal"] for t in ours] == [t.ordinal for t in expected]
    assert all("Sở Nội vụ" in t["lead"] for t in led["items"])
    soon = client.get("/v1/tasks", params={"due_before": "2026-07-01", "limit": 1000}).json()["items"]
    assert soon and all(t["due_by"] < "2026-07-01" for t in soon)
    overdue = client.get("/v1/tasks", params={"overdue": "true", "limit": 1000}).json()["items"]
    assert all(t["due_by"] < time.strftime("%Y-%m-%d") for t in overdue)
    assert client.get("/v1/documents/nope").status_code == 404


def test_task_lists_page_by_cursor(client: TestClient) -> None:
    upload(client, SAMPLES / "cv-ubnd-tinh.pdf")
    everything = client.get("/v1/tasks", params={"limit": 1000}).json()
    assert everything["total"] >= 3 and everything["next"] is None
    seen: list[str] = []
    page = client.get("/v1/tasks", params={"limit": 2}).json()
    while True:
        assert page["total"] == everything["total"]
        seen.extend(t["id"] for t in page["items"])
        if page["next"] is None:
            break
        page = client.get("/v1/tasks", params={"limit": 2, "after": page["next"]}).json()
    assert seen == [t["id"] for t in everything["items"]]
    bad = client.get("/v1/tasks", params={"after": "W1tdXQ"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("after: not a cursor of this store")


def test_edxml_of_a_stored_document_reads_back(client: TestClient) -> None:
    posted = upload(client, SAMPLES / "cv-ubnd-tinh.pdf").json()
    answer = client.get(f"/v1/documents/{posted['id']}/edxml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    header = read_edxml(answer.content)
    assert header.document_id == "000.00.00.H55,2026/03/05,125/UBND-NC"
    assert header.attachments == [Path(posted["record"]["source"]["path"]).name]


def test_openapi_and_docs_are_served_without_a_cdn(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/v1/documents", "/v1/documents/{document_id}", "/v1/tasks", "/v1/documents/{document_id}/edxml"} <= set(
        schema["paths"]
    )
    content = schema["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(content)
    page = client.get("/docs").text
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", page)
    assert urls and all(u.startswith("/") for u in urls), urls  # nothing fetched from elsewhere
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert len(client.get("/static/docs/swagger-ui-bundle.js").content) > 100_000


def test_keys_are_required_when_set(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, sinks=["sqlite"], api_keys=["s3cret-key"])
    with TestClient(create_app(settings, workers=1)) as keyed:
        assert keyed.get("/v1/tasks").status_code == 401
        assert keyed.get("/v1/tasks", headers={"X-API-Key": "wrong"}).status_code == 401
        assert keyed.get("/v1/tasks", headers={"X-API-Key": "s3cret-key"}).status_code == 200
        assert keyed.get("/openapi.json").status_code == 200


def test_the_api_will_not_listen_beyond_loopback_without_a_key(tmp_path: Path) -> None:
    env = {**os.environ, "DIRECTIVES_DATA_DIR": str(tmp_path)}
    env.pop("DIRECTIVES_API_KEYS", None)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "api", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "refusing to listen on 0.0.0.0 without an API key" in done.stderr


def test_directives_api_serves_over_http(tmp_path: Path) -> None:
    """The real command, on a free port, answering a real upload."""
    env = {**os.environ, "DIRECTIVES_DATA_DIR": str(tmp_path), "DIRECTIVES_SINKS": "sqlite"}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "api", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base, server)
        with (SAMPLES / "cv-khan.docx").open("rb") as fh:
            answer = httpx.post(f"{base}/v1/documents", files={"file": ("cv-khan.docx", fh)}, timeout=60)
        assert answer.status_code == 201, answer.text
        assert answer.json()["code"] == "1307/UBND-VX"
        assert (
            json.loads(httpx.get(f"{base}{answer.headers['location']}", timeout=10).text)["id"] == answer.json()["id"]
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode() if server.stderr else "the server exited")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the API did not come up within 60 s")
