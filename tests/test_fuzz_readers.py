"""Fuzzing the readers in CI: mutated bytes of every sample form (PDF, DOCX, text) give a record
or one of the project's own errors, never an internal error. Bounded: a few hundred inputs, each
stopped after a minute; ``bench/bench_fuzz.py`` runs 10,000."""

from __future__ import annotations

import random
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import mutate, outcome, seeds

SEEDS = seeds()
FOUND = sorted((Path(__file__).parent / "fixtures" / "fuzz").glob("*"))  # inputs the fuzzer once broke a reader with

pytestmark = pytest.mark.skipif(not SEEDS, reason="samples/ has no documents yet")


class Hung(Exception):
    pass


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        yield Path(tmp)


def _read_with_a_time_limit(path: Path, seconds: int = 60) -> str:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"{path.name} still reading after {seconds} s")

    before = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        result = outcome(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert result.acceptable, f"internal error on a mutation of {path.name}:\n{result.detail}"
    return result.kind


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), rng=st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_samples_give_a_record_or_a_clerks_reason(work: Path, seed: Path, rng: int) -> None:
    path = work / f"mutated{seed.suffix}"
    path.write_bytes(mutate(seed, random.Random(rng)))
    _read_with_a_time_limit(path)


@pytest.mark.parametrize("path", FOUND, ids=[p.name for p in FOUND])
def test_inputs_the_fuzzer_found_are_refused_with_a_reason(path: Path) -> None:
    assert _read_with_a_time_limit(path) == "refused"
