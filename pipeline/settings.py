"""Operator settings: where files live, which sinks receive records, how batches are scheduled.

Settings come from three places, later ones winning:

1. the defaults below;
2. a TOML settings file: ``$DIRECTIVES_SETTINGS`` when set (it must then exist), otherwise
   ``directives.toml`` in the working directory when there is one;
3. environment variables ``DIRECTIVES_<FIELD>`` (``DIRECTIVES_WEBHOOK_URL=...``); ``__``
   separates nested keys, and ``DIRECTIVES_SINKS`` takes either ``json,postgres`` or a JSON list.

A minimal ``directives.toml``::

    data_dir = "/srv/directives"
    sinks = ["json", "postgres", "webhook"]
    postgres_url = "postgresql+psycopg://directives@db.internal:5432/directives"
    webhook_url = "https://tracker.internal/hooks/directives"
    webhook_secret = "..."

Paths left unset are derived from ``data_dir`` (``records/``, ``tasks.jsonl``, ``inbox/``, ...).
Paths that are set are used as written; a relative path is relative to the working directory
of the process, so services should use absolute paths. ``~`` is expanded everywhere.

Nothing here imports Prefect: the library, the CLI and ``flows.py`` all read the same object.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pipeline import limits as _limits

# The sink names and the settings each sink requires come from the sinks' registry
# (pipeline.sinks.registry), imported when the settings are validated.
DEFAULT_SINKS: tuple[str, ...] = ("json", "sqlite")
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# defined once, in the module that must know them without loading this one (limits.settings_given)
SETTINGS_ENV = _limits._SETTINGS_ENV
"""Environment variable naming the settings file; without it ``./directives.toml`` is read if present."""

DEFAULT_SETTINGS_FILE = _limits._SETTINGS_FILE

# Fields whose default is a path under another setting, filled in by ``_derive_paths`` whenever
# the field is unset or None (the ``default=`` written on each field is what that gives with the
# default ``data_dir``; it documents the value, the validator computes it):
# (field, parent field, path under the parent). Order matters: ``inbox`` before its children.
_DERIVED: tuple[tuple[str, str, str], ...] = (
    ("json_dir", "data_dir", "records"),
    ("jsonl_path", "data_dir", "tasks.jsonl"),
    ("csv_path", "data_dir", "tasks.csv"),
    ("sqlite_path", "data_dir", "directives.sqlite3"),
    ("outbox_path", "data_dir", "outbox.sqlite3"),
    ("sink_outbox_path", "data_dir", "sink-outbox.sqlite3"),
    ("inbox", "data_dir", "inbox"),
    ("processed_dir", "inbox", "processed"),
    ("failed_dir", "inbox", "failed"),
    ("batch_dir", "data_dir", "batch"),
    ("prefect_home", "data_dir", "prefect"),
    ("desk_dir", "data_dir", "desk"),
)


class SettingsError(ValueError):
    """The settings cannot be loaded; the message names the source and the setting to fix."""


def _settings_file() -> Path | None:
    """The settings file to read, or None when there is none (which is fine)."""
    named = os.environ.get(SETTINGS_ENV)
    if named:
        # An operator who names a file means it: a typo must not silently fall back to defaults.
        path = Path(named).expanduser()
        if not path.is_file():
            raise SettingsError(f"{SETTINGS_ENV}={named!r} but no such file; fix the path or unset {SETTINGS_ENV}")
        return path
    return DEFAULT_SETTINGS_FILE if DEFAULT_SETTINGS_FILE.is_file() else None


class Settings(BaseSettings):
    """Everything an operator configures. Build it with :func:`get_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="DIRECTIVES_",
        env_nested_delimiter="__",
        # A misspelt key in the settings file ("webhok_url") must fail loudly, not be ignored.
        extra="forbid",
        validate_default=True,
    )

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Field(
        default=Path("data"),
        description="Root of everything the pipeline writes; other paths default to places under it.",
    )
    sinks: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_SINKS),
        description="Where each record goes, all of them for every document: any of the names in "
        "pipeline.sinks.registry (json, jsonl, csv, sqlite, postgres, webhook). Env: DIRECTIVES_SINKS=json,postgres.",
    )
    json_dir: Path = Field(
        default=Path("data/records"),
        description="json sink: one <stem>-<sha8>.json per document. Default data_dir/records.",
    )
    jsonl_path: Path = Field(
        default=Path("data/tasks.jsonl"),
        description="jsonl sink: one line per task with its document's fields. Default data_dir/tasks.jsonl.",
    )
    csv_path: Path = Field(
        default=Path("data/tasks.csv"),
        description="csv sink: one row per task, UTF-8 with BOM for Excel. Default data_dir/tasks.csv.",
    )
    sqlite_path: Path = Field(
        default=Path("data/directives.sqlite3"),
        description="sqlite sink: the embedded database file. Default data_dir/directives.sqlite3.",
    )
    postgres_url: str | None = Field(
        default=None,
        description="postgres sink: SQLAlchemy URL, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/directives. Required when the sink is on.",
    )

    # --- webhook -------------------------------------------------------------------------
    webhook_url: str | None = Field(
        default=None,
        description="webhook sink: each record is POSTed here as JSON. Required when the sink is on.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="webhook sink: key of the HMAC-SHA256 in X-Directives-Signature. "
        "Required when the sink is on; share it with the receiver only.",
    )
    webhook_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for the receiver (connect and read) per attempt."
    )
    webhook_retries: int = Field(
        default=4,
        ge=0,
        description="Extra attempts after the first on connection errors, timeouts, 5xx and 429; "
        "after that the delivery waits in the outbox for the next run.",
    )
    webhook_backoff: float = Field(
        default=1.0,
        ge=0,
        description="Seconds before the first retry; doubled before each next one (capped at 60 s).",
    )
    outbox_path: Path = Field(
        default=Path("data/outbox.sqlite3"),
        description="webhook sink: SQLite file keeping deliveries that failed, retried at the next run. "
        "Default data_dir/outbox.sqlite3.",
    )

    sink_outbox_path: Path = Field(
        default=Path("data/sink-outbox.sqlite3"),
        description="sqlite and postgres sinks: SQLite file keeping records the database could not take "
        "(it was away); they are sent when it is back. Default data_dir/sink-outbox.sqlite3.",
    )
    sink_cooldown: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a database sink that failed is left alone (records go to the outbox "
        "without waiting on it) before it is tried again.",
    )

    # --- limits on one document -----------------------------------------------------------
    max_part_mb: float = Field(
        default=64.0,
        gt=0,
        description="A DOCX/ODT part (word/document.xml, an image) may decompress to this many MB; "
        "a larger one is refused as soon as decompression passes it (zip bombs).",
    )
    max_package_mb: float = Field(
        default=256.0,
        gt=0,
        description="A whole DOCX/ODT package may decompress to this many MB (a .doc or RTF may be this large).",
    )
    max_pages: int = Field(default=2000, ge=1, description="Pages a PDF may have.")
    max_text_mb: float = Field(default=10.0, gt=0, description="MB a text file may have.")
    document_seconds: float = Field(
        default=900.0,
        gt=0,
        description="Time limit for reading one document in a batch, the inbox or a flow: past it the "
        "reader process is replaced and the file fails with that reason.",
    )
    worker_memory_mb: float = Field(
        default=2048.0,
        gt=0,
        description="Memory a reader process (with the OCR or LibreOffice processes it starts) may use "
        "for one document; past it the process is replaced and the file fails with that reason.",
    )

    # --- watched folder (inbox) ----------------------------------------------------------
    inbox: Path = Field(
        default=Path("data/inbox"), description="Folder clerks drop documents into. Default data_dir/inbox."
    )
    processed_dir: Path = Field(
        default=Path("data/inbox/processed"),
        description="Where a document moves once its record is written. Default inbox/processed.",
    )
    failed_dir: Path = Field(
        default=Path("data/inbox/failed"),
        description="Where a document that could not be read moves, with a note. Default inbox/failed.",
    )
    stable_seconds: float = Field(
        default=1.0,
        ge=0,
        description="Settle time: a dropped file is claimed only after its size and time stamp have not "
        "changed for this long (copies over the network arrive in pieces, with pauses; a copy that pauses longer "
        "and so reads as damaged is read once more after it settles, see recheck_seconds).",
    )
    recheck_seconds: float = Field(
        default=120.0,
        ge=0,
        description="A file that reads as damaged, or changed while it was read, within this many seconds "
        "of its last change is read once more after it settles again before it is failed.",
    )
    stop_grace_seconds: float = Field(
        default=20.0,
        ge=0,
        description="On SIGTERM or Ctrl-C, documents being read may finish for this long; then their "
        "readers are stopped and the files put back (inbox) or listed as not done (batch).",
    )
    poll: bool = Field(
        default=False,
        description="Use a polling observer instead of OS notifications; needed for network shares "
        "(SMB/NFS), where notifications do not arrive.",
    )
    poll_interval: float = Field(default=2.0, gt=0, description="Seconds between scans when polling.")

    # --- scheduled batches ---------------------------------------------------------------
    batch_dir: Path = Field(
        default=Path("data/batch"), description="Folder a scheduled batch run reads. Default data_dir/batch."
    )
    batch_cron: str = Field(
        default="0 22 * * *",
        description="When the scheduled batch runs (cron, in the office's time zone, setting timezone); "
        "default 22:00 daily.",
    )
    timezone: str = Field(
        default=DEFAULT_TIMEZONE,
        description="The office's time zone (IANA name) for batch_cron. Default Asia/Ho_Chi_Minh.",
    )
    batch_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Documents read in parallel in a batch. Default: the number of CPUs.",
    )
    prefect_home: Path = Field(
        default=Path("data/prefect"),
        description="PREFECT_HOME for local runs (database, logs). Default data_dir/prefect.",
    )

    # --- batches over a Prefect work pool (directives deploy / worker / batch --pool) ----
    pool: str = Field(
        default="directives",
        min_length=1,
        description="The Prefect work pool (process type) the deployments go to and workers take runs from. "
        "Default directives.",
    )
    chunk_size: int = Field(
        default=100,
        ge=1,
        description="Documents per flow run when a batch is spread over a work pool. Each run costs about "
        "10 s of start-up on its worker (a Prefect process, the reader processes), so larger chunks cost "
        "less per document; smaller ones spread a small batch over more workers.",
    )
    chunk_attempts: int = Field(
        default=3,
        ge=1,
        description="Runs a chunk gets before its remaining documents are reported failed (a chunk whose "
        "worker died, or that failed, is run again).",
    )
    chunk_stale_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A chunk whose worker has not shown it alive for this long (a heartbeat every few "
        "seconds in the batch's output folder) is taken as lost with its worker and run again.",
    )
    shared_dir: Path | None = Field(
        default=None,
        description="Where this machine mounts the folder that every machine of a work pool shares (NFS, "
        "SMB, an object-storage mount). A batch over a folder inside it sends the workers paths relative "
        "to it, so each worker finds them under its own mount; without it, paths go as they are.",
    )

    # --- HTTP API (directives api) and edXML export ------------------------------------
    api_keys: list[SecretStr] = Field(
        default_factory=list,
        description="Keys a client sends in X-API-Key. Required (at least one) when the API listens "
        "beyond 127.0.0.1; when set, every /v1 request must carry one of them.",
    )
    api_max_upload_mb: float = Field(
        default=50.0, gt=0, description="Largest document the API accepts, in MB; bigger ones get 413."
    )
    api_read_roots: list[Path] = Field(
        default_factory=list,
        description="Folders under which POST /v1/documents may read a file named by path (JSON body); "
        "empty: reading server paths is off.",
    )
    edxml_organ_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Mã định danh (QCVN 102:2016) of the agencies, by name as the records write them "
        "(issuer, recipients): {'Ủy ban nhân dân tỉnh Thái Nguyên' = '000.00.00.H55'}. "
        "An agency without one is exported with an empty OrganId and a warning.",
    )

    # --- the clerk's desk (directives desk) ---------------------------------------------
    desk_dir: Path = Field(
        default=Path("data/desk"),
        description="The desk's own files: page images and layouts it caches, its session key. Default data_dir/desk.",
    )
    desk_users: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="Who may sign in to the desk: user name → password hash from `directives desk "
        "hash-password` (scrypt). Required (at least one) when the desk listens beyond 127.0.0.1; "
        "on 127.0.0.1 with none set there is no sign-in and confirmations are recorded under the "
        "account running the desk.",
    )
    desk_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs the desk's session cookies and CSRF tokens. Default: a random key "
        "made once and kept in desk_dir/session.key (readable by its owner only).",
    )
    desk_session_hours: float = Field(
        default=12.0, gt=0, description="How long a desk sign-in lasts, in hours (one working day)."
    )
    desk_office: str | None = Field(
        default=None,
        description="The receiving office's name, printed at the top of the register of incoming "
        "documents (sổ đăng ký văn bản đến).",
    )

    @field_validator("sinks", mode="before")
    @classmethod
    def _parse_sinks(cls, value: Any) -> Any:
        """Accept ``json,postgres`` from the environment; name the allowed sinks on a typo."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                value = json.loads(text)
            else:
                value = [part for part in (p.strip() for p in text.split(",")) if part]
        if isinstance(value, list | tuple):
            from pipeline.sinks.registry import SINK_NAMES

            unknown = [v for v in value if not isinstance(v, str) or v.strip().lower() not in SINK_NAMES]
            if unknown:
                raise ValueError(
                    f"unknown sink {', '.join(repr(u) for u in unknown)}; choose from {', '.join(SINK_NAMES)}"
                )
            # Order kept, duplicates dropped: "json,json" must not write every file twice.
            return list(dict.fromkeys(v.strip().lower() for v in value))
        return value

    @field_validator("desk_users", mode="after")
    @classmethod
    def _hashed_passwords(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        """A password written in clear would work nowhere: say so instead of refusing every sign-in."""
        for user, hashed in value.items():
            if not hashed.get_secret_value().startswith("scrypt$"):
                raise ValueError(
                    f"desk_users.{user}: not a password hash; make one with `directives desk hash-password`"
                )
        return value

    @model_validator(mode="before")
    @classmethod
    def _derive_paths(cls, data: Any) -> Any:
        """Fill unset paths from their parent setting, so moving ``data_dir`` moves everything."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        data.setdefault("data_dir", Path("data"))
        for name, parent, below in _DERIVED:
            if data.get(name) in (None, ""):
                data[name] = Path(str(data[parent])).expanduser() / below
        return data

    @field_validator("data_dir", *(name for name, _, _ in _DERIVED), mode="after")
    @classmethod
    def _expand_user(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("shared_dir", mode="after")
    @classmethod
    def _expand_shared(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as {DEFAULT_TIMEZONE}") from None
        return value

    @model_validator(mode="after")
    def _sinks_have_targets(self) -> Settings:
        """A sink switched on without its address would fail on the first document; fail now instead."""
        from pipeline.sinks.registry import SINKS

        for name in self.sinks:
            for field in SINKS[name].requires:
                value = getattr(self, field)
                if isinstance(value, SecretStr):
                    value = value.get_secret_value()
                if not value:
                    raise ValueError(
                        f"the {name} sink is on but {field} is not set (DIRECTIVES_{field.upper()})"
                        + ("; receivers need it to check that deliveries come from us" if "secret" in field else "")
                    )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then environment, then the settings file: first one that has a key wins."""
        path = _settings_file()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def get_settings(**overrides: Any) -> Settings:
    """Load the settings (file, then environment, then ``overrides``), or raise :class:`SettingsError`.

    The message names the settings file in use and every field that is wrong, so an operator
    can fix it without reading a traceback.
    """
    try:
        path = _settings_file()
        return Settings(**overrides)
    except ValidationError as exc:
        where = f"settings file {path}" if path is not None else "no settings file"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: " + err["msg"].removeprefix("Value error, ")
            for err in exc.errors()
        )
        raise SettingsError(f"invalid settings ({where}, environment DIRECTIVES_*): {problems}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {_settings_file()} is not valid TOML: {exc}") from exc


# The folders the services need, each with the setting that names it and what it is for.
SERVICE_FOLDERS: tuple[tuple[str, str], ...] = (
    ("data_dir", "records, databases, logs"),
    ("inbox", "clerks drop documents here"),
    ("processed_dir", "documents read, beside their records"),
    ("failed_dir", "documents that could not be read, beside a note"),
    ("batch_dir", "the scheduled batch reads every document here"),
    ("prefect_home", "Prefect's local state"),
)


def ensure_folders(settings: Settings) -> list[str]:
    """Make every folder the watcher and the scheduled batch need; return a line for each one made.

    Raises :class:`SettingsError` naming the setting, the folder and the reason when one cannot
    be made or written, so ``serve`` stops at start instead of failing every night.
    """
    made: list[str] = []
    for field, purpose in SERVICE_FOLDERS:
        folder = Path(getattr(settings, field))
        try:
            if not folder.is_dir():
                folder.mkdir(parents=True, exist_ok=True)
                made.append(f"made {folder} ({field}: {purpose})")
        except OSError as exc:
            raise SettingsError(f"cannot make the folder {folder} ({field}: {purpose}): {exc.strerror or exc}") from exc
        if not os.access(folder, os.W_OK | os.X_OK):
            raise SettingsError(f"the folder {folder} ({field}: {purpose}) is not writable by this user")
    return made
