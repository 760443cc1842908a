"""Limits on what one document may cost: decompressed size, pages, text size, time and memory.

A hostile or broken file must not take the machine: a 1 MB DOCX whose ``word/document.xml``
inflates to 1 GB, a PDF of 100,000 blank pages, a 50 MB "text" file. Each limit comes from the
settings (``max_part_mb``, ``max_package_mb``, ``max_pages``, ``max_text_mb``, and for the worker
processes ``document_seconds`` and ``worker_memory_mb``), with defaults an office never meets by
accident; passing one is the document's own failure (:class:`~pipeline.errors.TooLarge`), named
with the limit and the setting that raises it.

The readers call in here at the one point where each opens its input:

* :func:`check_package` — before a DOCX (or ODT) is parsed, every member is decompressed once
  in 1 MiB chunks and counted; a part or the package is refused the moment it passes its limit,
  so memory stays flat however large the bomb (it also does what ``ZipFile.testzip`` did:
  the first member whose checksum fails is returned);
* :func:`check_pages` — a PDF's page count, right after it opens;
* :func:`read_text_bytes` — a text file is read up to its limit and no further;
* :func:`check_office` — an ODT package, or an old .doc / RTF file's size, before LibreOffice.

Time and memory are enforced from outside the reader, by :mod:`pipeline.workers`, which stops
a worker that runs past ``document_seconds`` or grows past ``worker_memory_mb``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import TooLarge

if TYPE_CHECKING:
    from pipeline.settings import Settings

log = logging.getLogger(__name__)

MB = 1024 * 1024
CHUNK = MB  # bytes decompressed at a time while counting a package
# Members of one package: a Word file has 15-50 parts, a few hundred with images; a million tiny
# members is a way to spend minutes in the zip directory alone.
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class Limits:
    """What one document may cost. Sizes in bytes, time in seconds."""

    max_part_bytes: int = 64 * MB
    max_package_bytes: int = 256 * MB
    max_pages: int = 2000
    max_text_bytes: int = 10 * MB
    document_seconds: float = 900.0
    worker_memory_bytes: int = 2048 * MB

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_part_bytes=int(settings.max_part_mb * MB),
            max_package_bytes=int(settings.max_package_mb * MB),
            max_pages=settings.max_pages,
            max_text_bytes=int(settings.max_text_mb * MB),
            document_seconds=settings.document_seconds,
            worker_memory_bytes=int(settings.worker_memory_mb * MB),
        )

    def but(self, **changes: float) -> Limits:
        """A copy with some limits changed (tests, benches)."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULTS = Limits()

_current: Limits | None = None

# Where pipeline.settings looks for a settings file (it takes its SETTINGS_ENV and DEFAULT_SETTINGS_FILE from
# here), and the DIRECTIVES_* environment variables that are no setting (it ignores them): any other
# DIRECTIVES_* variable may be one.
_SETTINGS_ENV = "DIRECTIVES_SETTINGS"
_SETTINGS_FILE = Path("directives.toml")
_NOT_SETTINGS = frozenset({_SETTINGS_ENV, "DIRECTIVES_REGEX_CACHE", "DIRECTIVES_PDF_ENGINE", "DIRECTIVES_OCR_THREADS"})


def settings_given() -> bool:
    """Whether anything could set the settings: a settings file (``$DIRECTIVES_SETTINGS``, or
    ``./directives.toml``, as :mod:`pipeline.settings` looks for them) or a ``DIRECTIVES_*`` variable.

    When nothing does, the limits are :data:`DEFAULTS` (the settings' defaults, ``tests/test_limits.py``)
    and :mod:`pipeline.settings` need not be loaded: pydantic-settings and the Settings model cost ~0.06 s,
    a sixth of a one-page ``directives extract``.
    """
    if os.environ.get(_SETTINGS_ENV) or _SETTINGS_FILE.is_file():
        return True
    return any(name.upper().startswith("DIRECTIVES_") and name.upper() not in _NOT_SETTINGS for name in os.environ)


def current() -> Limits:
    """The limits in force: those set by :func:`use`, else the settings' (loaded once), else the defaults.

    Worker processes are given theirs by the pool; a library caller of ``extract(path)`` gets the
    settings' without doing anything.
    """
    global _current
    if _current is None and not settings_given():
        _current = DEFAULTS
    if _current is None:
        from pipeline.settings import SettingsError, get_settings

        try:
            _current = Limits.from_settings(get_settings())
        except SettingsError as exc:
            log.warning("limits: settings cannot be read (%s); using the defaults", exc)
            _current = DEFAULTS
    return _current


def configure(limits: Limits) -> None:
    """Set the limits for this process (a worker at start, the CLI after reading the settings)."""
    global _current
    _current = limits


@contextlib.contextmanager
def use(limits: Limits) -> Iterator[Limits]:
    """``with use(limits): ...`` — these limits inside the block, the previous ones after it."""
    global _current
    before = _current
    _current = limits
    try:
        yield limits
    finally:
        _current = before


def size_text(n: float) -> str:
    """``64 MB``, ``1.5 MB``, ``900 KB``: how a size reads in a clerk's message."""
    if n >= MB:
        value = n / MB
        return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def check_package(path: Path, limits: Limits | None = None) -> tuple[set[str], str | None]:
    """Every member of the zip package ``path`` decompressed once and counted.

    Returns the member names and the first member whose checksum fails (None when all pass),
    as ``ZipFile.testzip`` would. Raises :class:`TooLarge` as soon as a member passes
    ``max_part_bytes`` or the whole passes ``max_package_bytes`` — first on the sizes the zip
    declares (instant), then on the bytes really produced (a zip may lie about sizes).
    ``zipfile``'s own errors (a damaged container) propagate for the reader to explain.
    """
    lim = limits or current()
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise TooLarge(path, f"the package holds {len(infos):,} parts, over the limit of {MAX_MEMBERS:,}")
        declared = 0
        for info in infos:
            _check_part(path, info.filename, info.file_size, lim)
            declared += info.file_size
        _check_package_total(path, declared, lim)
        total = 0
        for info in infos:
            if info.filename.endswith("/"):  # a folder entry (is_dir() fails on an empty name)
                continue
            size = 0
            try:
                with zf.open(info) as member:
                    while chunk := member.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        _check_part(path, info.filename, size, lim)
                        _check_package_total(path, total, lim)
            except zipfile.BadZipFile:
                return {i.filename for i in infos}, info.filename
        return {i.filename for i in infos}, None


def _check_part(path: Path, name: str, size: int, lim: Limits) -> None:
    if size > lim.max_part_bytes:
        raise TooLarge(
            path,
            f"the part '{name}' decompresses to more than {size_text(lim.max_part_bytes)}, "
            f"the limit for one part (setting max_part_mb)",
        )


def _check_package_total(path: Path, size: int, lim: Limits) -> None:
    if size > lim.max_package_bytes:
        raise TooLarge(
            path,
            f"the package decompresses to more than {size_text(lim.max_package_bytes)}, "
            f"the limit for a whole file (setting max_package_mb)",
        )


def check_pages(path: Path, pages: int, close: Callable[[], object] | None = None) -> None:
    """Refuse a document of more than ``max_pages`` pages (``close`` releases it first)."""
    lim = current()
    if pages > lim.max_pages:
        if close is not None:
            close()
        reason = f"the document has {pages:,} pages, over the limit of {lim.max_pages:,} (setting max_pages)"
        raise TooLarge(path, reason)


def read_text_bytes(path: Path) -> bytes:
    """The bytes of a text file, refused with :class:`TooLarge` past ``max_text_bytes``.

    Reads at most one byte more than the limit, so a file that grows while it is read, or one
    whose size the file system reports as 0 (``/proc``), cannot make it read more.
    """
    limit = current().max_text_bytes
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            path,
            f"the text is larger than {size_text(limit)}, the limit for a text file (setting max_text_mb)",
        )
    return data


def check_office(path: Path, media_type: str) -> None:
    """Before LibreOffice converts a file: an ODT is a zip package like a DOCX; a .doc or RTF is
    held to the package limit by its size on disk."""
    if media_type == "application/vnd.oasis.opendocument.text":
        with contextlib.suppress(zipfile.BadZipFile):  # damaged: LibreOffice's failure says so
            check_package(path)
        return
    lim = current()
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader reports an unreadable file in its own words
    if size > lim.max_package_bytes:
        raise TooLarge(
            path,
            f"the file is larger than {size_text(lim.max_package_bytes)}, the limit for a whole file "
            f"(setting max_package_mb)",
        )
