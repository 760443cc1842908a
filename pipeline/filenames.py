"""File names that fit: every name the pipeline makes stays within the file system's limit.

A clerk's file may already be 250 bytes long (a Vietnamese trích yếu pasted as the name: each
letter takes two or three bytes in UTF-8, and the limit is 255 bytes, not characters). Any name
made from it — ``NAME.json`` beside it, ``NAME.error.txt``, a claim ``TOKEN~NAME``, a temporary
``.NAME.1234.tmp`` — can pass the limit, and ``open()`` then fails with ENAMETOOLONG. Every such
name is built here: the clerk's stem is kept as far as it fits, and when it must be cut, a short
hash of the whole name follows the cut so two long names that share a beginning stay apart.

>>> fit("Công văn", ".json")
'Công văn.json'
>>> name = fit("Báo cáo " * 40, ".error.txt")
>>> len(name.encode()) <= NAME_MAX, name.endswith(".error.txt"), "~" in name
(True, True, True)
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

NAME_MAX = 255  # bytes: ext4, XFS, btrfs, NTFS (in UTF-16 units, which UTF-8 bytes bound) and SMB
HASH_CHARS = 8


def byte_length(name: str) -> int:
    return len(name.encode("utf-8", "surrogateescape"))


def cut(text: str, max_bytes: int) -> str:
    """The longest start of ``text`` that takes at most ``max_bytes`` in UTF-8 (never half a letter)."""
    data = text.encode("utf-8", "surrogateescape")
    if len(data) <= max_bytes:
        return text
    return data[: max(0, max_bytes)].decode("utf-8", "ignore")


def fit(stem: str, suffix: str = "", *, room: int = 0, limit: int = NAME_MAX) -> str:
    """``stem + suffix``, with the stem shortened so the name and ``room`` more bytes fit in ``limit``.

    ``room`` is for what callers add later (`` (12)`` before a clash's suffix). The suffix is kept
    whole: it says what the file is.
    """
    budget = limit - room - byte_length(suffix)
    if byte_length(stem) <= budget:
        return stem + suffix
    digest = hashlib.sha256(stem.encode("utf-8", "surrogateescape")).hexdigest()[:HASH_CHARS]
    kept = cut(stem, budget - HASH_CHARS - 1).rstrip(" .")
    return f"{kept}~{digest}{suffix}"


def fit_name(name: str, *, room: int = 0, limit: int = NAME_MAX) -> str:
    """A whole file name (``stem.suffix``) made to fit, suffix kept."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 16:
        return fit(name, room=room, limit=limit)
    return fit(stem, "." + suffix, room=room, limit=limit)


def temp_name(name: str) -> str:
    """A hidden temporary name beside ``name`` (``.NAME.1a2b3c.tmp``): unique per writer, always short enough."""
    return f".{cut(name, 100)}.{os.getpid()}-{secrets.token_hex(3)}.tmp"


def stale_temps(path: Path) -> list[Path]:
    """Temporary files of ``path`` (:func:`temp_name`) whose writer process is gone: left by a
    process killed while it wrote ``path``, safe to delete."""
    prefix = f".{cut(path.name, 100)}."
    found: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return found
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        writer = entry.name[len(prefix) : -len(".tmp")].split("-", 1)[0]
        if writer.isdigit() and not _running(int(writer)):
            found.append(Path(entry.path))
    return found


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
