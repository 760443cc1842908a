"""The inbox's watching: which dropped files have settled and may be claimed.

A copy over the network arrives in pieces, with pauses; a file is ready only when its size and
time stamp have not changed for the settle time (``stable_seconds``). Office lock files
(``~$x.docx``), partial downloads and dotfiles are never watched; sub-folders are never entered
(``processed/`` and ``failed/`` live there by default), but a folder a clerk dropped is reported
once. A symbolic link is watched like a file: it is claimed and failed with its reason, never
followed.

File-system notifications make pickup prompt; the periodic rescan is what guarantees it (events
are lost on overflow, and never arrive for files written from another machine).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from pipeline.inputs import is_temporary_name

log = logging.getLogger("pipeline.inbox")

# A file that cannot be claimed (no permission, locked by another program) is retried after
# this, doubling up to CLAIM_BACKOFF_MAX; after CLAIM_NOTE_AFTER failures the clerk gets a note.
CLAIM_BACKOFF_SECONDS = 10.0
CLAIM_BACKOFF_MAX = 300.0
CLAIM_NOTE_AFTER = 3


@dataclass
class Watched:
    """A file in the inbox being watched until it settles."""

    size: int
    mtime_ns: int
    since: float  # monotonic time this (size, mtime) was first seen
    not_before: float = 0.0  # claim back-off after a failed rename
    failures: int = 0  # failed claims in a row
    noted: bool = False  # the clerk was told it cannot be taken
    need: float = 0.0  # stillness required before a second reading (it grows with the pauses seen)


class Arrivals:
    """Files dropped into ``inbox``, watched until they settle (see the module docstring)."""

    def __init__(
        self,
        inbox: Path,
        *,
        settle: float,
        poll: bool,
        poll_interval: float,
        own_folders: set[str],
        wake: threading.Event,
    ) -> None:
        self.inbox = inbox
        self.settle = settle
        self.poll = poll
        self.poll_interval = poll_interval
        self.own_folders = own_folders  # processed/, failed/ when they live in the inbox
        self.wake = wake
        self.watched: dict[str, Watched] = {}
        self.dirty = True
        self._observer: object | None = None

    # -- scanning -----------------------------------------------------------------------

    def scan(self, now: float) -> list[str]:
        """Look at the inbox; returns the foreign folders in it (for the caller to report once)."""
        seen: set[str] = set()
        folders: list[str] = []
        try:
            entries = list(os.scandir(self.inbox))
        except OSError as exc:
            log.error("cannot list the inbox %s: %s", self.inbox, exc)
            return folders
        for entry in entries:
            name = entry.name
            if is_temporary_name(name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("cannot stat %s: %s", name, exc)
                continue
            if stat.S_ISDIR(st.st_mode):
                if name not in self.own_folders:
                    folders.append(name)
                continue
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                continue  # a pipe or a socket: nothing a clerk drops
            seen.add(name)
            watched = self.watched.get(name)
            if watched is None:
                self.watched[name] = Watched(st.st_size, st.st_mtime_ns, now)
                log.info("arrived %s (%d bytes)", name, st.st_size)
            elif (watched.size, watched.mtime_ns) != (st.st_size, st.st_mtime_ns):
                watched.size, watched.mtime_ns, watched.since = st.st_size, st.st_mtime_ns, now
        for name in set(self.watched) - seen:
            del self.watched[name]
            log.info("gone %s (deleted or moved away before it was read)", name)
        return folders

    def ready(self, now: float) -> list[tuple[str, Watched]]:
        """Files that have settled and are not backing off, those that arrived first first."""
        return [
            (name, w)
            for name, w in sorted(self.watched.items(), key=lambda kv: kv[1].since)
            if now - w.since >= self.settle and now >= w.not_before
        ]

    def still(self, name: str, watched: Watched, now: float) -> bool:
        """Look once more right before claiming: True when it has not changed since it settled."""
        try:
            st = os.lstat(self.inbox / name)
        except FileNotFoundError:
            self.forget(name, "deleted or taken by another watcher")
            return False
        if (st.st_size, st.st_mtime_ns) != (watched.size, watched.mtime_ns):
            watched.size, watched.mtime_ns, watched.since = st.st_size, st.st_mtime_ns, now
            return False
        return True

    def forget(self, name: str, why: str | None = None) -> None:
        if self.watched.pop(name, None) is not None and why:
            log.info("gone %s (%s)", name, why)

    def failed_claim(self, name: str, now: float, exc: OSError) -> Watched | None:
        """Back off a file that could not be claimed; returns it when the clerk should now be told."""
        watched = self.watched.get(name)
        if watched is None:
            return None
        watched.failures += 1
        delay = min(CLAIM_BACKOFF_SECONDS * 2 ** (watched.failures - 1), CLAIM_BACKOFF_MAX)
        watched.not_before = now + delay
        log.warning("cannot take %s yet (%s); retrying in %.0fs", name, exc, delay)
        if watched.failures >= CLAIM_NOTE_AFTER and not watched.noted:
            watched.noted = True
            return watched
        return None

    def next_due(self, now: float) -> float | None:
        """When the next watched file may be ready (monotonic), None when none is watched."""
        if not self.watched:
            return None
        return min(max(w.since + self.settle, w.not_before) for w in self.watched.values())

    def all_backing_off(self) -> bool:
        return all(w.not_before for w in self.watched.values())

    # -- notifications ------------------------------------------------------------------

    def start(self) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        arrivals = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                arrivals.dirty = True
                arrivals.wake.set()

        observer = None
        if not self.poll:
            try:
                observer = Observer()
                observer.schedule(Handler(), str(self.inbox), recursive=False)
                observer.start()
            except OSError as exc:
                log.warning("file notifications unavailable (%s); polling every %.1fs", exc, self.poll_interval)
                observer = None
        if observer is None:
            observer = PollingObserver(timeout=self.poll_interval)
            observer.schedule(Handler(), str(self.inbox), recursive=False)
            observer.start()
        self._observer = observer

    def stop(self) -> None:
        observer = self._observer
        if observer is not None:
            observer.stop()  # type: ignore[attr-defined]
            observer.join(timeout=5)  # type: ignore[attr-defined]
            self._observer = None
