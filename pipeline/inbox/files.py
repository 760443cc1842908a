"""The inbox's file moves: claiming a dropped file, locking it, moving it where its outcome says,
putting it back when the watcher stops before it was read.

A claim is an atomic ``os.rename`` into ``INBOX/.processing/TOKEN~NAME``: when two watchers race
for one file, one rename wins and the other gets ENOENT. ``TOKEN`` is unique per claim, so two
files named alike never meet there. A name too long to take the token (a clerk's 240-character
name) is claimed under a shortened name, and its full name is kept beside it in
``.processing/.TOKEN.name``, written before the rename, so a restart still knows it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import time
from pathlib import Path

from pipeline.filenames import NAME_MAX, byte_length, fit, fit_name
from pipeline.inbox.ledger import Outcome

try:  # advisory locks: POSIX only; without them a restart still recovers, only live adoption is off
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

PROCESSING = ".processing"

# Notes written beside a moved file; a name is free only when none of them exists.
NOTE_SUFFIXES: dict[Outcome, str] = {
    "processed": ".json",
    "failed": ".error.txt",
    "duplicate": ".duplicate.txt",
}
_LONGEST_NOTE = max(byte_length(s) for s in NOTE_SUFFIXES.values())
_CLASH_ROOM = len(" (999)")
_MAX_SUFFIX = 16  # bytes; a longer "suffix" is part of the name ("Báo cáo v.2 của Sở ... năm 2026")


def new_token() -> str:
    """Unique per claim, so two files named alike never meet in ``.processing/``; no ``~`` in it."""
    return f"{time.time_ns():x}-{os.getpid()}-{secrets.token_hex(3)}"


def claim_name(token: str, name: str) -> str:
    """``TOKEN~NAME``, with NAME shortened when the whole would pass the file system's limit."""
    whole = f"{token}~{name}"
    if byte_length(whole) <= NAME_MAX:
        return whole
    return f"{token}~{fit_name(name, room=byte_length(token) + 1)}"


def name_file(processing: Path, token: str) -> Path:
    """Where the full name of a file claimed under a shortened name is kept."""
    return processing / f".{token}.name"


def split_claimed(name: str) -> tuple[str, str] | None:
    """``TOKEN~NAME`` → (TOKEN, NAME), or None for a name that is not one of our claims."""
    token, sep, original = name.partition("~")
    return (token, original) if sep and token and original else None


def original_name(processing: Path, entry: str) -> tuple[str, str] | None:
    """(token, the name the clerk gave) of a claimed entry, its full name when it was shortened."""
    parsed = split_claimed(entry)
    if parsed is None:
        return None
    token, shown = parsed
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return token, name_file(processing, token).read_text(encoding="utf-8")
    return token, shown


def claim(src: Path, processing: Path, token: str) -> Path:
    """Move ``src`` into ``processing`` under its claim name (raises FileNotFoundError if another watcher won)."""
    target = processing / claim_name(token, src.name)
    keep = target.name != f"{token}~{src.name}"
    if keep:
        name_file(processing, token).write_text(src.name, encoding="utf-8")
    try:
        os.rename(src, target)
    except BaseException:
        if keep:
            name_file(processing, token).unlink(missing_ok=True)
        raise
    return target


def forget_claim(processing: Path, token: str) -> None:
    name_file(processing, token).unlink(missing_ok=True)


def stem_and_suffix(name: str) -> tuple[str, str]:
    """A clerk's file name split for numbering (``NAME (2).pdf``); a long tail is not a suffix."""
    src = Path(name)
    if not src.suffix or byte_length(src.suffix) > _MAX_SUFFIX:
        return name, ""
    return src.stem, src.suffix


def numbered(stem: str, suffix: str, n: int) -> tuple[str, str]:
    """The stem of the ``n``-th file of that name and its own name, both within the limit with
    room for every note suffix (``NAME (2).error.txt``)."""
    short = fit(stem, room=max(_LONGEST_NOTE, byte_length(suffix)) + _CLASH_ROOM)
    candidate = short if n == 1 else f"{short} ({n})"
    return candidate, candidate + suffix


def move_no_clobber(src: Path, dst: Path) -> None:
    """Move ``src`` to ``dst`` (a name reserved for it), never replacing an existing file.

    Idempotent: when ``src`` is gone and ``dst`` exists, the move already happened before a
    crash. Across file systems (processed/ on another disk) it copies, syncs, then deletes.
    A symbolic link is moved as the link, never as what it points to.
    """
    if not os.path.lexists(src):
        if os.path.lexists(dst):
            return
        raise FileNotFoundError(errno.ENOENT, "vanished before it could be moved", str(src))
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        # link() fails if dst exists, where rename() would silently replace it.
        os.link(src, dst, follow_symlinks=False)
        os.unlink(src)
        return
    except FileExistsError:
        if _same_file(src, dst):  # killed between link() and unlink(): the move is done but for this
            os.unlink(src)
            return
        raise
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES):
            raise
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "destination exists", str(dst))
    if _same_device(src, dst.parent):
        os.rename(src, dst)
        return
    tmp = dst.with_name(f".{fit_name(dst.name, room=24)}.{os.getpid()}.part")
    shutil.copy2(src, tmp, follow_symlinks=False)
    if not tmp.is_symlink():
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
    os.rename(tmp, dst)
    os.unlink(src)


def _same_file(a: Path, b: Path) -> bool:
    try:
        sa, sb = os.lstat(a), os.lstat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _same_device(a: Path, b: Path) -> bool:
    try:
        return os.lstat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def put_back(claimed: Path, inbox: Path, name: str) -> bool:
    """Move a claimed file that was not read back to ``inbox/name``; False when that name is taken
    again (a new file arrived) or the move fails: it then stays in ``.processing/`` for the next start."""
    dst = inbox / name
    if os.path.lexists(dst):
        return False
    try:
        os.link(claimed, dst, follow_symlinks=False)
    except OSError:
        return False
    os.unlink(claimed)
    return True


def lock(path: Path) -> int | None:
    """Open ``path`` and take a non-blocking exclusive advisory lock on it.

    Returns the descriptor (hold it while working on the file; the kernel drops the lock when
    the process dies, however it dies), or None when another live process holds the lock.
    Raises OSError when the file cannot be opened at all (a symbolic link is never opened).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    if fcntl is None:  # pragma: no cover - Windows
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    # The file may have been finished and moved by its owner between our open() and flock().
    try:
        if os.fstat(fd).st_ino != os.stat(path).st_ino:
            os.close(fd)
            return None
    except FileNotFoundError:
        os.close(fd)
        return None
    return fd
