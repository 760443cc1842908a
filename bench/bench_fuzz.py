"""Fuzz the readers: many mutated samples (PDF, DOCX, text) through the whole pipeline.

Every input must give a record or one of the project's own errors (a clerk's reason). An
internal error (any other exception), a reader process that crashes, or one that runs past the
time limit is a failure; each failing input is kept in ``--keep`` for a test to reproduce.

The inputs run in the project's own worker pool (:mod:`pipeline.workers`), so a hang or a crash
is counted, not fatal, and memory stays bounded by ``worker_memory_mb``.

    .venv/bin/python bench/bench_fuzz.py --n 10000 --seed 1      # bench/results/fuzz.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.limits import Limits  # noqa: E402
from pipeline.workers import Extracted, WorkerPool  # noqa: E402
from tests.fuzzing import mutate, seeds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per input")
    parser.add_argument("--keep", type=Path, default=ROOT / "bench" / "results" / "fuzz-failures")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "fuzz.json")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    samples = seeds()
    limits = Limits(document_seconds=args.seconds)
    kinds: Counter[str] = Counter()
    by_form: Counter[str] = Counter()
    failures: list[dict[str, str]] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp, WorkerPool(args.workers, limits) as pool:
        work = Path(tmp)
        in_flight: dict[Future[Extracted], tuple[int, Path, Path]] = {}
        made = 0
        while made < args.n or in_flight:
            while made < args.n and len(in_flight) < args.workers * 4:
                seed = rng.choice(samples)
                path = work / f"input-{made:05d}{seed.suffix}"
                path.write_bytes(mutate(seed, rng))
                in_flight[pool.submit(path)] = (made, seed, path)
                made += 1
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                n, seed, path = in_flight.pop(future)
                result = future.result()
                by_form[seed.suffix] += 1
                if result.record is not None:
                    kinds["record"] += 1
                else:
                    assert result.failure is not None
                    failure = result.failure
                    bad = not failure.expected or failure.kind == "TimedOut"
                    kinds["failure: " + failure.kind if bad else "refused"] += 1
                    if bad:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        kept = args.keep / f"{n:05d}-{seed.stem}{seed.suffix}"
                        kept.write_bytes(path.read_bytes())
                        failures.append(
                            {
                                "input": str(kept),
                                "seed": seed.name,
                                "kind": failure.kind,
                                "detail": failure.detail or failure.reason,
                            }
                        )
                        print(f"FAIL {kept.name}: {failure.kind}: {failure.reason}", file=sys.stderr)
                path.unlink(missing_ok=True)
                if (n + 1) % 500 == 0:
                    print(f"... {n + 1} inputs, {len(failures)} failures", file=sys.stderr)
    seconds = time.perf_counter() - start
    summary = {
        "inputs": args.n,
        "seed": args.seed,
        "by_form": dict(by_form),
        "outcomes": dict(kinds),
        "failures": len(failures),
        "seconds": round(seconds, 1),
        "per_second": round(args.n / seconds, 1),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**summary, "failed_inputs": failures}, ensure_ascii=False, indent=2) + "\n")
    print("| inputs tried | by form | records | refused with a reason | internal errors, crashes, hangs | time |")
    print("|---|---|---|---|---|---|")
    forms = ", ".join(f"{k} {v}" for k, v in sorted(by_form.items()))
    print(f"| {args.n:,} | {forms} | {kinds['record']:,} | {kinds['refused']:,} | {len(failures)} | {seconds:.0f} s |")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
