"""The desk's pages on a store of 10,000 documents: how long each page takes to answer.

    .venv/bin/python bench/bench_desk.py                         # SQLite, 10,000 documents
    .venv/bin/python bench/bench_desk.py --documents 2000 -n 10  # smaller
    .venv/bin/python bench/bench_desk.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_desk.py --json bench/results/desk-sqlite.json

Fills a fresh store the way the sinks do (``Store.upsert``, one transaction a record): the real
records of the samples, then copies of them under other issuers, numbers and dates (deadlines
spread over 2025-2027, so some are overdue and some due soon); confirms 30% of them through the
desk (``revisions.confirm``: revisions, số đến) and marks a third of those documents' tasks done.
Then serves the desk with uvicorn on a free port and times each page over HTTP (httpx, one
connection), ``-n`` times, after one warm-up request: median, 95th percentile and worst, in ms.
Target: every page under 300 ms. Downloads (.xlsx, .csv, .ics) are timed too, apart: they hold
a whole year's register or every open deadline, and are not pages.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from models import Issuer, Record, Source  # noqa: E402
from pipeline import extract  # noqa: E402
from pipeline.desk import revisions  # noqa: E402
from pipeline.desk.app import create_app  # noqa: E402
from pipeline.settings import get_settings  # noqa: E402
from pipeline.store import Store, sqlite_url  # noqa: E402

PROVINCES = ["Thái Nguyên", "Nghệ An", "Lào Cai", "Quảng Ninh", "Đồng Tháp", "Cao Bằng", "Khánh Hòa", "Lâm Đồng"]


def _shift(iso: str | None, days: int) -> str | None:
    if not iso or len(iso) != 10:
        return iso
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def variant(base: Record, i: int, rng: random.Random) -> Record:
    """A copy of a real record as another document: issuer, number, date, deadlines and file moved."""
    province = PROVINCES[i % len(PROVINCES)]
    shift = rng.randint(-400, 300)
    number = str(1000 + i)
    code = f"{number}/{base.symbol}" if base.symbol and "/" not in base.symbol else f"{number}-{base.symbol}"
    sha = hashlib.sha256(f"bench-desk-{i}".encode()).hexdigest()
    tasks = [t.model_copy(update={"deadline": _shift(t.deadline, shift)}) for t in base.tasks]
    return base.model_copy(
        update={
            "source": Source(path=f"/archive/{i}.pdf", sha256=sha, media_type="application/pdf", pages=2),
            "issuer": Issuer(name=f"Ủy ban nhân dân tỉnh {province}"),
            "number": number,
            "code": code,
            "issued_date": _shift(base.issued_date, shift) or "2026-03-05",
            "tasks": tasks,
        }
    )


@contextlib.contextmanager
def postgres_database(admin: str) -> Iterator[str]:
    import psycopg

    name = f"bench_desk_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def fill(store: Store, documents: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    samples = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".pdf", ".docx", ".txt"))
    real = [extract(p) for p in samples]
    started = time.perf_counter()
    ids = [store.upsert(r).document_id for r in real]
    bases = [r for r in real if r.source.media_type == "application/pdf"]
    for i in range(documents - len(set(ids))):
        ids.append(store.upsert(variant(bases[i % len(bases)], i, rng)).document_id)
    written = time.perf_counter() - started
    unique = list(dict.fromkeys(ids))
    confirmed = rng.sample(unique, k=int(len(unique) * 0.3))
    started = time.perf_counter()
    today = date.today()
    for n, doc_id in enumerate(confirmed):
        document = store.get_document(doc_id)
        assert document is not None
        record = Record.model_validate(document.record)
        day = today - timedelta(days=len(confirmed) - n) // 20
        revisions.confirm(store, doc_id, record, revisions.Registration(day, "Phòng Tổng hợp", None), "bench")
        if n % 3 == 0:
            for task in store.query_tasks(document_id=doc_id).items:
                revisions.mark_done(store, task.id, day, "bench")
    return {
        "documents": store.query_documents(limit=1).total,
        "tasks": store.query_tasks(limit=1).total,
        "confirmed": len(confirmed),
        "upsert_seconds": round(written, 1),
        "confirm_seconds": round(time.perf_counter() - started, 1),
        "real_docx_sha": next(r.source.sha256 for r in real if r.source.path.endswith(".docx")),
        "real_pdf": ids[samples.index(next(p for p in samples if p.suffix == ".pdf"))],
        "real_pdf_sha": next(r.source.sha256 for r in real if r.source.media_type == "application/pdf"),
    }


def time_requests(client: httpx.Client, path: str, n: int) -> dict[str, Any]:
    client.get(path).raise_for_status()  # warm-up: a file read for display, a compiled template
    times = []
    size = 0
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        size = len(response.content)
    times.sort()
    return {
        "path": path,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
        "max_ms": round(times[-1], 1),
        "bytes": size,
    }


def run(url: str, documents: int, n: int, seed: int) -> dict[str, Any]:
    from tests.desk_support import serve

    with tempfile.TemporaryDirectory() as tmp, Store(url) as store:
        facts = fill(store, documents, seed)
        settings = get_settings(data_dir=Path(tmp), sinks=[])
        app = create_app(settings, store=store)
        year = date.today().year
        pages = [
            "/",
            "/?q=c%E1%BA%A3i%20c%C3%A1ch%20h%C3%A0nh%20ch%C3%ADnh",  # q=cải cách hành chính
            "/?state=check",
            "/?type=K%E1%BA%BF%20ho%E1%BA%A1ch&page=2",
            f"/documents/{facts['real_pdf']}",
            f"/documents/{facts['real_pdf']}/source",
            f"/documents/{facts['real_pdf']}/sources/{facts['real_pdf_sha']}/pages/1.png",
            f"/documents/{facts['real_pdf']}?source={facts['real_docx_sha']}",  # the same document's DOCX
            f"/register?year={year}",
            f"/register?year={year}&page=20",
            "/tasks",
            "/tasks?agency=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5&show=all",  # agency=Sở Nội vụ
            "/tasks?show=overdue&page=5",
        ]
        downloads = [f"/register.xlsx?year={year}", f"/register.csv?year={year}", "/tasks.ics"]
        with serve(app) as base, httpx.Client(base_url=base, timeout=120) as client:
            # each file is read for display once (the first view of a document): the pages then show it inline
            for sha in (facts["real_pdf_sha"], facts["real_docx_sha"]):
                client.get(f"/documents/{facts['real_pdf']}/source?sha={sha}").raise_for_status()
            timed = [time_requests(client, p, n) for p in pages]
            files = [time_requests(client, p, max(3, n // 5)) for p in downloads]
    load = [round(x, 1) for x in os.getloadavg()]  # the machine is shared: say how busy it was
    return {"store": url.split(":")[0], **facts, "n": n, "load_average": load, "pages": timed, "downloads": files}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("-n", type=int, default=20, help="requests per page (default 20)")
    ap.add_argument("--postgres", metavar="ADMIN_URL", help="run on a fresh PostgreSQL database instead of SQLite")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()
    if args.postgres:
        with postgres_database(args.postgres) as url:
            result = run(url, args.documents, args.n, args.seed)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(sqlite_url(Path(tmp) / "desk.sqlite3"), args.documents, args.n, args.seed)
    print(
        f"{result['store']}: {result['documents']} documents, {result['tasks']} tasks, {result['confirmed']} confirmed "
        f"(filled in {result['upsert_seconds']} s + {result['confirm_seconds']} s); "
        f"load average {result['load_average']}"
    )
    print(f"{'page':<58} {'median':>8} {'p95':>8} {'max':>8} {'kB':>7}")
    for row in result["pages"] + result["downloads"]:
        timing = f"{row['median_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}"
        print(f"{row['path']:<58} {timing} {row['bytes'] / 1000:>7.0f}")
    worst = max(r["p95_ms"] for r in result["pages"])
    print(f"slowest page p95: {worst} ms (target 300 ms): {'met' if worst < 300 else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
