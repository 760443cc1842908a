"""Tasks by lead on a big store: 100,000 tasks in PostgreSQL, queried as GET /v1/tasks?lead= does.

    .venv/bin/python bench/bench_store.py                       # 10,000 documents × 10 tasks
    .venv/bin/python bench/bench_store.py --documents 2000      # smaller
    DIRECTIVES_BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_store.py

Makes a fresh, uniquely named database, writes the documents through ``Store.upsert`` (the same
path as the sinks and the API: one transaction each), runs ANALYZE, then times
``Store.query_tasks(lead=...)`` — the page of 50 soonest-due tasks and the total count — for
agencies by canonical name and by the name as written, 20 times each, and reports the median and
the worst. Target: under 100 ms. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import Agency, Issuer, Record, Source, Task  # noqa: E402
from pipeline.store import Store  # noqa: E402

# 40 agencies a province assigns work to; the first is asked most, as in real plans
AGENCIES = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tư pháp",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giao thông vận tải",
    "Công an tỉnh",
    "Bộ Chỉ huy quân sự tỉnh",
    "Thanh tra tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Ban Dân tộc tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Cục Thuế tỉnh",
] + [f"Ủy ban nhân dân xã {n}" for n in ("An Bình", "Tân Lập", "Hòa Phú", "Phú Xuân", "Đông Hòa")] * 4


def make_record(i: int, tasks_per_document: int, rng: random.Random) -> Record:
    sha = hashlib.sha256(f"bench document {i}".encode()).hexdigest()
    tasks = []
    for t in range(tasks_per_document):
        lead = AGENCIES[min(int(rng.expovariate(0.15)), len(AGENCIES) - 1)]
        support = rng.sample(AGENCIES, 2)
        written = lead if rng.random() < 0.7 else lead.replace("Ủy ban nhân dân", "UBND")
        tasks.append(
            Task(
                id=f"{sha[:12]}{t}",
                ordinal=str(t + 1),
                text=f"Nhiệm vụ {t + 1}: chủ trì tham mưu triển khai kế hoạch số {i}, báo cáo kết quả định kỳ.",
                lead=[written],
                lead_agencies=[Agency(name=written, canonical=lead, score=1.0)],
                support=support,
                support_agencies=[Agency(name=s, canonical=s) for s in support],
                deadline=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.8 else None,
            )
        )
    return Record(
        source=Source(path=f"/srv/archive/{i}.pdf", sha256=sha, media_type="application/pdf", pages=2),
        issuer=Issuer(name="Ủy ban nhân dân tỉnh Thái Nguyên"),
        doc_type="Kế hoạch",
        number=str(i),
        symbol="KH-UBND",
        code=f"{i}/KH-UBND",
        issued_date=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
        subject=f"triển khai nhiệm vụ số {i}",
        tasks=tasks,
    )


def timed(store: Store, lead: str, runs: int) -> tuple[float, float, int]:
    seconds = []
    total = 0
    for _ in range(runs):
        start = time.perf_counter()
        page = store.query_tasks(lead=lead)
        seconds.append(time.perf_counter() - start)
        total = page.total
    return statistics.median(seconds) * 1000, max(seconds) * 1000, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=10, help="tasks per document")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "store-postgres.json")
    args = parser.parse_args()

    admin = os.environ.get("DIRECTIVES_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"directives_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    url = f"{admin.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    rng = random.Random(11)
    try:
        with Store(url) as store:
            start = time.perf_counter()
            for i in range(args.documents):
                store.upsert(make_record(i, args.tasks, rng))
            load = time.perf_counter() - start
            with store.engine.begin() as conn:
                conn.exec_driver_sql("analyze")
                total_tasks = conn.exec_driver_sql("select count(*) from tasks").scalar_one()
                agency_rows = conn.exec_driver_sql("select count(*) from task_agencies").scalar_one()
            store.query_tasks(lead="Sở Nội vụ")  # warm the connection pool and the plan
            results = {}
            for lead in ("Sở Nội vụ", "Công an tỉnh", "Cục Thuế tỉnh", "UBND xã An Bình", "sở tư pháp"):
                median, worst, matched = timed(store, lead, args.runs)
                results[lead] = {"median_ms": round(median, 2), "max_ms": round(worst, 2), "matched": matched}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')

    print(
        f"{total_tasks} tasks ({agency_rows} task_agencies rows) in {args.documents} documents, "
        f"written through Store.upsert in {load:.0f} s ({args.documents / load:.0f} documents/s)"
    )
    print(f"query_tasks(lead=...) on PostgreSQL, page of 50 + total, {args.runs} runs each:")
    for lead, r in results.items():
        print(f"  {lead:<22} {r['matched']:>6} tasks   median {r['median_ms']:6.2f} ms   max {r['max_ms']:6.2f} ms")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "tasks": total_tasks,
                "task_agencies": agency_rows,
                "documents": args.documents,
                "load_seconds": round(load, 1),
                "queries": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
