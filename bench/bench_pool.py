"""Documents per second through a Prefect work pool with 1 and 2 workers, against the local batch.

Starts a Prefect server on the local PostgreSQL (tests/prefect_pool.py), deploys prefect.yaml
(`directives deploy`), and times `directives batch DIR --pool directives` over N documents (variants
of the samples) with 1 worker, then 2 workers; each worker runs one chunk at a time with one reader
process (`--limit 1`, `DIRECTIVES_BATCH_WORKERS=1`), so a worker is one core and the ratio of the two
shows the scaling. The local batch (`directives batch DIR --workers W`) on the same folder, with the
same number of reader processes, gives the per-document overhead of the pool path.

    .venv/bin/python bench/bench_pool.py                       # 400 documents, chunks of 50
    .venv/bin/python bench/bench_pool.py -n 200 --chunk 20 --json bench/results/pool.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.prefect_pool import PrefectServer, directives, start_worker, stop_worker  # noqa: E402
from tests.test_inbox import SAMPLE_FILES, make_variant  # noqa: E402


def make_folder(base: Path, n: int) -> Path:
    docs = base / "docs"
    docs.mkdir()
    for i in range(n):
        src = SAMPLE_FILES[i % len(SAMPLE_FILES)]
        make_variant(src, docs / f"doc{i:04d}{src.suffix}", i)
    return docs


def timed(*args: str, env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = directives(*args, env=env, cwd=cwd, timeout=3600)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"directives {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=400, help="documents (default 400)")
    parser.add_argument("--chunk", type=int, default=50, help="documents per chunk (default 50)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="bench-pool-"))
    results: dict[str, object] = {"documents": args.n, "chunk": args.chunk, "cpus": os.cpu_count()}
    try:
        docs = make_folder(base, args.n)
        plain = {k: v for k, v in os.environ.items() if not k.startswith(("DIRECTIVES_", "PREFECT_"))}
        plain.update(DIRECTIVES_DATA_DIR=str(base / "data-local"), DIRECTIVES_SINKS="json")
        local = {}
        for w in (1, 2):
            local[w] = timed(
                "batch", str(docs), "--workers", str(w), "--out", str(base / f"local{w}"), env=plain, cwd=base
            )
            print(f"local batch, {w} reader processes: {local[w]:.1f} s ({args.n / local[w]:.1f} documents/s)")
        with PrefectServer("directives_bench_pool") as server:
            work = base / "work"
            work.mkdir()
            env = server.env(
                DIRECTIVES_DATA_DIR=str(work / "data"), DIRECTIVES_SINKS="json", DIRECTIVES_BATCH_WORKERS="1"
            )
            timed("deploy", env=env, cwd=work)
            pooled = {}
            for n_workers in (1, 2):
                workers = [start_worker(f"bench-{n_workers}-{i}", env, work) for i in range(n_workers)]
                try:
                    time.sleep(5)  # the workers up and polling, as in an office where they run all day
                    out = base / f"pool{n_workers}"
                    pooled[n_workers] = timed(
                        "batch",
                        str(docs),
                        "--pool",
                        "directives",
                        "--chunk",
                        str(args.chunk),
                        "--out",
                        str(out),
                        env=env,
                        cwd=work,
                    )
                finally:
                    for worker in workers:
                        stop_worker(worker)
                rate = args.n / pooled[n_workers]
                print(f"pool, {n_workers} worker(s): {pooled[n_workers]:.1f} s ({rate:.1f} documents/s)")
        print()
        print("| path | 1 core | 2 cores | 2 / 1 |")
        print("|---|---|---|---|")
        print(
            f"| local batch, documents/s | {args.n / local[1]:.1f} | {args.n / local[2]:.1f} | "
            f"{local[1] / local[2]:.2f}× |"
        )
        print(
            f"| pool (1 and 2 workers), documents/s | {args.n / pooled[1]:.1f} | {args.n / pooled[2]:.1f} | "
            f"{pooled[1] / pooled[2]:.2f}× |"
        )
        for w in (1, 2):
            overhead = (pooled[w] - local[w]) / args.n * 1000
            print(
                f"pool overhead with {w} worker(s): {overhead:.0f} ms a document "
                f"({pooled[w] / local[w]:.1f}× the local batch)"
            )
        results.update(
            local_seconds={str(k): round(v, 2) for k, v in local.items()},
            pool_seconds={str(k): round(v, 2) for k, v in pooled.items()},
        )
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
