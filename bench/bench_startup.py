"""``directives extract`` of a one-page text as a whole process: what a clerk's script or an e-office hook pays.

    .venv/bin/python bench/bench_startup.py            # 15 runs of each, medians
    .venv/bin/python bench/bench_startup.py -n 30 --importtime

Times, in fresh processes, ``python -c pass`` (the interpreter's own start, the floor), ``python -c "import
models"`` (the record's classes: dataclasses, no pydantic), and ``directives extract samples/cv-khan.txt``
(the whole job: imports, reading, the grammar, every extractor, the JSON), and ``directives extract
samples/cv-mat.txt``, a page whose tasks need underthesea's part-of-speech tagger (:mod:`extractors.tagger`),
and the first again with :mod:`pipeline.regex_cache` off (what a first run, or a machine without a writable
cache folder, pays to compile the patterns). With ``--importtime`` it also prints the modules whose import
costs most (best of the runs), from ``python -X importtime``.

Every module is compiled to bytecode first and the processes run without ``PYTHONDONTWRITEBYTECODE``
(set on some machines, this one included): an installed copy reads its ``.pyc`` files, and compiling
the project's ~120 modules from source would add ~0.15 s to every run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(Path(sys.executable))
CLI = str(Path(sys.executable).with_name("directives"))
SAMPLE = str(ROOT / "samples" / "cv-khan.txt")
TAGGED = str(ROOT / "samples" / "cv-mat.txt")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str], n: int, **env: str) -> list[float]:
    """``n`` timed runs, after one untimed (which writes the regex cache when it has none, as a first run does)."""
    out = []
    for i in range(n + 1):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**ENV, **env})
        if i:
            out.append(time.perf_counter() - t)
    return out


def importtime(n: int) -> list[tuple[float, str]]:
    best: dict[str, int] = defaultdict(lambda: 10**12)
    for _ in range(n):
        err = subprocess.run(
            [PY, "-X", "importtime", "-c", f"from pipeline.cli import main; main(['extract', {SAMPLE!r}])"],
            capture_output=True, text=True, check=True, env=ENV,
        ).stderr  # fmt: skip
        for line in err.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
            if m and len(m.group(2)) <= 3:
                name = ("  " * (len(m.group(2)) - 1)) + m.group(3)
                best[name] = min(best[name], int(m.group(1)))
    return sorted(((us / 1000, name) for name, us in best.items()), reverse=True)[:20]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=15)
    ap.add_argument("--importtime", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    for package in ("pipeline", "extractors", "models", "flows.py"):
        subprocess.run(
            [PY, "-m", "compileall", "-q", str(ROOT / package)], check=True, stdout=subprocess.DEVNULL, env=ENV
        )
    rows = {
        "python -c pass": wall([PY, "-c", "pass"], args.n),
        "import models": wall([PY, "-c", "import models"], args.n),
        "directives extract (1 page)": wall([CLI, "extract", SAMPLE], args.n),
        "  (1 page, with the tagger)": wall([CLI, "extract", TAGGED], args.n),
        "  (1 page, no regex cache)": wall([CLI, "extract", SAMPLE], args.n, DIRECTIVES_REGEX_CACHE="off"),
    }
    print(f"{'':32}{'median s':>10}{'min s':>8}{'max s':>8}")
    for name, times in rows.items():
        print(f"{name:32}{statistics.median(times):10.3f}{min(times):8.3f}{max(times):8.3f}")
    if args.importtime:
        print("\nslowest imports (best of runs, ms, cumulative):")
        for ms, name in importtime(max(3, args.n // 5)):
            print(f"  {ms:7.1f}  {name}")
    if args.json:
        args.json.write_text(json.dumps({k: statistics.median(v) for k, v in rows.items()}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
