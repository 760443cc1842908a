"""Milliseconds per 1,000 characters: references by regex vs the spaCy pipeline, on the corpus.

    .venv/bin/python bench/bench_nlp.py [DIR_OF_TXT ...]

Defaults to /work/shared/corpus/docs and samples/. The extract budget is ~20 ms a page
(≈ 3,000 characters), i.e. ~7 ms per 1k characters for reading and every extractor together.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from extractors.agencies import find_agencies
from extractors.nlp import get_nlp
from extractors.references import find_mentions


def _texts(dirs: list[Path]) -> list[str]:
    return [p.read_text(encoding="utf-8") for d in dirs if d.is_dir() for p in sorted(d.glob("*.txt"))]


def _ms_per_1k(texts: list[str], fn: Callable[[str], object], repeat: int) -> float:
    chars = sum(len(t) for t in texts)
    fn(texts[0])  # warm up: caches, compiled patterns, model loading
    t0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            fn(t)
    return (time.perf_counter() - t0) * 1000 / repeat / (chars / 1000)


def main(argv: list[str]) -> None:
    dirs = [Path(a) for a in argv] or [Path("/work/shared/corpus/docs"), Path("samples")]
    texts = _texts(dirs)
    if not texts:
        sys.exit("no .txt files found")
    print(f"{len(texts)} texts, {sum(len(t) for t in texts):,} characters")
    rows = [
        ("references.find_mentions (regex)", find_mentions, 50),
        ("agencies.find_agencies (regex)", find_agencies, 50),
        ("spaCy pipeline, segment=False", get_nlp(False), 10),
        ("spaCy pipeline, underthesea tokenizer", get_nlp(True), 2),
    ]
    for name, fn, repeat in rows:
        print(f"{name:42s} {_ms_per_1k(texts, fn, repeat):8.3f} ms / 1k chars")


if __name__ == "__main__":
    main(sys.argv[1:])
