"""What counts as an input document, the same for ``extract``, the batch and the inbox.

* A **symbolic link** is never followed: a link dropped in a folder must not make the program
  read a file elsewhere on the machine (``/etc/passwd``), nor move the file it points to. It is
  reported with that reason, never skipped silently.
* A **folder** named like a document (``x.pdf``) is reported as a folder; other folders are
  entered only by a recursive batch.
* Temporary names (Office lock files ``~$x.docx``, partial downloads ``x.pdf.part``, dotfiles)
  are not documents anyone dropped: they are left alone without a report.

>>> is_temporary_name("~$Công văn.docx"), is_temporary_name("Công văn.docx")
(True, False)
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.errors import NotARegularFile
from pipeline.readers import suffixes

# Suffixes a batch picks up by default, from the readers' registry. The readers decide by content,
# not by name, so this only keeps stray files (thumbnails, expected-record JSON, spreadsheets) out
# of a batch; they are reported in ``skipped.txt``, never silently ignored.
DOCUMENT_SUFFIXES = suffixes()


def is_temporary_name(name: str) -> bool:
    """Names of files that are not finished documents: Office lock files ("~$Công văn.docx"),
    browser and copy partials ("x.pdf.part", ".crdownload", ".tmp"), editor backups ("x~"),
    dotfiles (".DS_Store", "._x.pdf" from macOS) and Windows thumbnails."""
    lower = name.lower()
    return (
        lower.startswith((".", "~$", "~"))
        or lower.endswith((".part", ".partial", ".crdownload", ".tmp", ".temp", ".download", "~"))
        or lower in {"thumbs.db", "desktop.ini"}
    )


def irregular_reason(path: Path) -> str | None:
    """Why ``path`` is not a document to read (a link, a folder, a device), or None for a regular
    file or one that does not exist (the reader then says "no such file")."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"a symbolic link (to {target}), which is never followed"
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a device, a pipe or a socket)"
    return None


def refuse_irregular(path: Path) -> None:
    """Raise :class:`NotARegularFile` for a symbolic link, a folder or a device (see the module docstring)."""
    reason = irregular_reason(path)
    if reason is not None:
        raise NotARegularFile(path, reason)
