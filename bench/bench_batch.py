"""Documents per second of `directives batch` on 1,000 sample PDFs: the library's process pool
alone vs the same files through the Prefect batch flow (one task run per document).

    .venv/bin/python bench/bench_batch.py [--n 1000] [--workers 2]

Both runs are the real commands in fresh processes (`directives batch DIR --no-sinks` and
`directives batch DIR --prefect --no-sinks` on the ephemeral server). The PDFs are the samples
made distinct by a comment after %%EOF. Writes bench/results/batch-N.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_inbox import make_variant, watcher_env  # noqa: E402


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return took, proc.stdout + proc.stderr


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    pdfs = sorted((ROOT / "samples").glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "pdfs"
        folder.mkdir()
        for n in range(args.n):
            make_variant(pdfs[n % len(pdfs)], folder / f"doc{n:04d}.pdf", n)
        env = watcher_env(work / "data")
        env.update(PREFECT_HOME=str(work / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
        env.pop("PREFECT_API_URL", None)
        (work / "prefect").mkdir()
        cli = [sys.executable, "-m", "pipeline.cli", "batch", str(folder), "--no-sinks", "--workers", str(args.workers)]
        results: dict[str, object] = {}
        for label, extra in (("library", []), ("library_1_worker", ["--workers", "1"]), ("prefect", ["--prefect"])):
            out = work / f"out-{label}"
            wall, _ = run([*cli, *extra, "--out", str(out)], env, work)
            summary = json.loads((out / "summary.json").read_text())
            results[label] = {
                "wall_seconds": round(wall, 2),
                "batch_seconds": summary["seconds"],
                "docs_per_second": summary["docs_per_second"],
                "wall_docs_per_second": round(args.n / wall, 2),
                "ok": summary["ok"],
                "failed": summary["failed"],
            }
            print(label, results[label], flush=True)
    lib = results["library"]
    pf = results["prefect"]
    one = results["library_1_worker"]
    assert isinstance(lib, dict) and isinstance(pf, dict) and isinstance(one, dict)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "documents": args.n,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "results": results,
        "prefect_over_library": round(pf["docs_per_second"] / lib["docs_per_second"], 3),
        "two_workers_over_one": round(lib["docs_per_second"] / one["docs_per_second"], 3),
        "note": "docs_per_second counts from the first document submitted to the last written "
        "(pool and Prefect server start excluded); wall_* include process and server start.",
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"batch-{args.n}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
