"""The watched folder (hộp thư đến): clerks drop documents in, records come out beside them.

What happens to a file dropped into ``INBOX/``:

1. It is watched until it settles (size and time stamp unchanged for ``stable_seconds``), so a
   copy still arriving over the network is never claimed half-written. Office lock files
   (``~$x.docx``), partial downloads (``.part``, ``.crdownload``, ``.tmp``) and dotfiles are
   ignored; sub-folders (``processed/``, ``failed/`` live there by default) are not entered, and
   a folder a clerk dropped gets a note in ``failed/`` once (:mod:`pipeline.inbox.watch`).
2. It is claimed by an atomic ``os.rename`` into ``INBOX/.processing/TOKEN~NAME``: when two
   watchers race for one file, one rename wins and the other fails and moves on
   (:mod:`pipeline.inbox.files`; a name too long for the token is shortened there, its full
   name kept beside it).
3. It is read with :func:`pipeline.extract` in a worker process, under the time, memory and
   size limits of the settings (:mod:`pipeline.workers`). A file that reads as damaged within
   ``recheck_seconds`` of its last change, or changed while it was read, is read once more
   after it settles again: a copy that paused longer than the settle time is still coming.
4. Success: the record is written to ``processed/YYYY-MM-DD/NAME.json``, the file moves beside
   it as ``processed/YYYY-MM-DD/NAME.pdf``, and the record goes to the configured sinks.
   Failure: the file moves to ``failed/NAME.pdf`` with ``failed/NAME.error.txt`` saying in
   Vietnamese and English what went wrong and what to do (a symbolic link too: it is moved,
   never followed).
   Same content as a document already processed (same sha256): no second record; the file
   moves to ``processed/YYYY-MM-DD/NAME.pdf`` with ``NAME.duplicate.txt`` naming the first.
   A name already taken gets a suffix (``NAME (2).pdf``); nothing is ever overwritten.

The ledger (:mod:`pipeline.inbox.ledger`) remembers each claimed file's outcome and each
distinct document's record. The outcome is committed before any file is moved, and every step
after it is idempotent, so a watcher killed at any point (SIGKILL included) finishes the job on
restart: files left in ``.processing/`` are taken up again, and one whose outcome is already in
the ledger is just moved where the ledger says. Each file being worked on is held with an
advisory lock, so a second watcher adopts only files whose owner died. Stopped by SIGTERM or
Ctrl-C, the watcher lets the files being read finish (``stop_grace_seconds``) and puts the
others back in the inbox.

Every action is logged with a timestamp to ``data_dir/logs/inbox.log`` (with tracebacks of
unexpected errors, which clerks never see).

Nothing here imports Prefect; ``flows.py`` wraps :meth:`Inbox.run` as a flow.
"""

from pipeline.inbox.files import PROCESSING, move_no_clobber, split_claimed
from pipeline.inbox.ledger import LEDGER_NAME, DocumentRow, FileRow, Ledger, Outcome
from pipeline.inbox.service import Inbox, InboxResult, InboxStats, duplicate_note, setup_log

__all__ = [
    "LEDGER_NAME",
    "PROCESSING",
    "DocumentRow",
    "FileRow",
    "Inbox",
    "InboxResult",
    "InboxStats",
    "Ledger",
    "Outcome",
    "duplicate_note",
    "move_no_clobber",
    "setup_log",
    "split_claimed",
]
