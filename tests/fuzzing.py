"""Mutated documents for fuzzing the readers: the property test in CI and ``bench/bench_fuzz.py``.

Each mutation starts from the bytes of a real sample (PDF, DOCX, text) and damages it the way
transfers, bad converters and hostile senders do: flipped bits, overwritten or deleted runs,
inserted junk, truncation, a chunk repeated; for a DOCX, also the XML inside a part (so the damage
reaches the XML parser and the reader, not only the zip checksum) or a part's bytes replaced.

:func:`outcome` runs one input through the whole pipeline and says whether what came out is
acceptable: a record, or one of the project's own errors. Anything else is an internal error.
"""

from __future__ import annotations

import io
import random
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FORMS = (".pdf", ".docx", ".txt")


def seeds() -> list[Path]:
    """Every sample in every form the readers take."""
    return sorted(p for p in SAMPLES.glob("*") if p.suffix in FORMS)


def _flip_bits(data: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)


def _overwrite(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data))
    n = rng.randint(1, 64)
    data[i : i + n] = bytes(rng.choice((0, 0xFF, rng.randrange(256))) for _ in range(n))


def _delete(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data))
    del data[i : i + rng.randint(1, 512)]


def _insert(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data) + 1)
    junk = rng.choice(
        (
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))),
            b"\x00" * rng.randint(1, 64),
            b"<<" * rng.randint(1, 200),  # PDF dictionaries opened and never closed
            b"[" * rng.randint(1, 200),
            b"<w:p>" * rng.randint(1, 50),
            "Số: 12/KH-UBND\nKính gửi: ".encode() * rng.randint(1, 20),
        )
    )
    data[i:i] = junk


def _truncate(data: bytearray, rng: random.Random) -> None:
    del data[rng.randrange(1, max(2, len(data))) :]


def _repeat(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data))
    chunk = data[i : i + rng.randint(1, 256)]
    data[i:i] = chunk * rng.randint(1, 8)


BYTE_MUTATIONS = (_flip_bits, _overwrite, _delete, _insert, _truncate, _repeat)


def mutate_bytes(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """``data`` with one to three random byte-level mutations."""
    out = bytearray(data)
    for _ in range(rounds or rng.randint(1, 3)):
        if not out:
            out = bytearray(b"\x00")
        rng.choice(BYTE_MUTATIONS)(out, rng)
    return bytes(out)


def mutate_docx(data: bytes, rng: random.Random) -> bytes:
    """A DOCX whose zip stays valid but one part's content is damaged (XML or bytes), or dropped."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        infos = zin.infolist()
        victim = rng.choice(infos).filename
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in infos:
                content = zin.read(info)
                if info.filename == victim:
                    choice = rng.random()
                    if choice < 0.1:
                        continue  # a part the package names is missing
                    content = mutate_bytes(content, rng)
                zout.writestr(info, content)
    return buffer.getvalue()


def mutate(seed: Path, rng: random.Random) -> bytes:
    """One mutated input grown from ``seed``'s bytes."""
    data = seed.read_bytes()
    if seed.suffix == ".docx" and rng.random() < 0.6:
        return mutate_docx(data, rng)
    return mutate_bytes(data, rng)


@dataclass(frozen=True)
class Outcome:
    """What reading one input gave: ``record``, ``refused`` (one of our errors) or ``internal``."""

    kind: str
    detail: str = ""

    @property
    def acceptable(self) -> bool:
        return self.kind != "internal"


def outcome(path: Path) -> Outcome:
    """Run the whole pipeline on ``path``: a record or one of the project's errors is fine."""
    from pipeline.errors import DirectivesError
    from pipeline.stages import extract

    try:
        extract(path)
    except DirectivesError as exc:
        return Outcome("refused", f"{type(exc).__name__}: {exc.reason}")
    except Exception:
        return Outcome("internal", traceback.format_exc())
    return Outcome("record")
