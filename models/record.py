"""The document record: the contract in ``shared/spec/record.md``.

Field names and meanings here are read by downstream trackers and by the scorer; add fields
freely, never rename or drop one without bumping ``SCHEMA_VERSION``. The JSON Schema printed
by ``directives schema`` is generated from these classes.

The classes are standard-library dataclasses, not pydantic models: ``directives extract`` of a
one-page document is a whole process, and importing pydantic and building its models took ~0.07 s of
it (``bench/bench_startup.py``). They keep pydantic's method names (``model_dump``,
``model_dump_json``, ``model_copy``, ``model_validate``, ``model_validate_json``,
``model_json_schema``), so callers read the same. Dumping is plain Python; validating and the
JSON Schema go through a :class:`pydantic.TypeAdapter` built on first use, which checks what pydantic
checked before (types, ``Literal`` values, ``extra="forbid"``, non-negative spans).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar

if TYPE_CHECKING:
    from pydantic import TypeAdapter

SCHEMA_VERSION = "1"

Authority = Literal["TM.", "KT.", "Q.", "TL.", "TUQ."]
Urgency = Literal["Khẩn", "Thượng khẩn", "Hỏa tốc"]
Confidentiality = Literal["Mật", "Tối mật", "Tuyệt mật"]

M = TypeVar("M", bound="_Model")


class _NonNegative:
    """``Annotated`` marker: the value is ≥ 0 (pydantic's ``Field(ge=0)``, without importing pydantic)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["ge"] = 0
        return schema


NonNegative = Annotated[int, _NonNegative()]


def _dump(value: Any) -> Any:
    """A field's value as plain dicts and lists: what pydantic's ``model_dump(mode="json")`` gives for it."""
    if isinstance(value, _Model):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(item) for item in value]
    return value


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(cls: type) -> TypeAdapter[Any]:
    """pydantic's validator and schema of one record class, built on first use."""
    found = _ADAPTERS.get(cls)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return found


class _Model:
    """What the record's classes share: pydantic's method names over a dataclass."""

    __slots__ = ()
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def model_dump(self, *, mode: str = "python", exclude: set[str] | None = None) -> dict[str, Any]:
        """Plain dicts and lists (the same in ``mode="json"``: the record holds only JSON values),
        without the top-level fields named in ``exclude``."""
        return {n: _dump(getattr(self, n)) for n in self.__dataclass_fields__ if not exclude or n not in exclude}

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """JSON text, letters as written (no ``\\u`` escapes), compact unless ``indent`` is given."""
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.model_dump(), ensure_ascii=False, indent=indent, separators=separators)

    def model_copy(self: M, *, update: dict[str, Any] | None = None) -> M:
        """A shallow copy with ``update``'s fields replaced (not validated, as in pydantic)."""
        return dataclasses.replace(self, **(update or {}))

    @classmethod
    def model_validate(cls: type[M], data: Any) -> M:
        """Check ``data`` (a dict or an instance) and build the record; raises pydantic's ``ValidationError``."""
        made: M = _adapter(cls).validate_python(data)
        return made

    @classmethod
    def model_validate_json(cls: type[M], data: str | bytes) -> M:
        made: M = _adapter(cls).validate_json(data)
        return made

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return _adapter(cls).json_schema()


@dataclass(slots=True, kw_only=True)
class Span(_Model):
    """A character range ``[start, end)`` in the document's normalized text (``Layout.text``)."""

    start: NonNegative
    end: NonNegative

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < 0:
            raise ValueError(f"a span's ends are ≥ 0, not [{self.start}, {self.end})")


@dataclass(slots=True, kw_only=True)
class Source(_Model):
    """Where the record came from."""

    path: str
    sha256: str
    media_type: str
    pages: int | None = None


@dataclass(slots=True, kw_only=True)
class Issuer(_Model):
    """Cơ quan ban hành and its cơ quan chủ quản (the line above it)."""

    name: str | None = None
    parent: str | None = None


@dataclass(slots=True, kw_only=True)
class Signer(_Model):
    """The signature block: quyền hạn (TM./KT./...), chức vụ and họ tên."""

    name: str | None = None
    title: str | None = None
    authority: Authority | None = None


@dataclass(slots=True, kw_only=True)
class Agency(_Model):
    """An agency as written in the text, with the canonical gazetteer name when one matched."""

    name: str
    canonical: str | None = None
    group: bool = False
    score: float | None = None


@dataclass(slots=True, kw_only=True)
class Received(_Model):
    """The receiving office's "ĐẾN" stamp (dấu đến) on a scanned copy: its registration of arrival."""

    number: str | None = None  # Số đến
    date: str | None = None  # Ngày, ISO
    time: str | None = None  # Giờ, "HH:MM"


@dataclass(slots=True, kw_only=True)
class Reference(_Model):
    """A cited instrument (văn bản được dẫn chiếu), once per distinct ``code``."""

    doc_type: str | None = None
    code: str
    issued_date: str | None = None
    issuer: str | None = None
    mentions: int = 1
    subject: str | None = None
    aliases: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Task(_Model):
    """An assigned task (nhiệm vụ): who leads (chủ trì), who supports (phối hợp), by when."""

    id: str
    ordinal: str
    text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline: str | None = None
    recurrence: str | None = None
    report_to: str | None = None
    lead_agencies: list[Agency] = field(default_factory=list)
    support_agencies: list[Agency] = field(default_factory=list)
    span: Span | None = None


@dataclass(slots=True, kw_only=True)
class ReportingDuty(_Model):
    """A document-level duty to report (usually the closing paragraph)."""

    text: str
    who: list[str] = field(default_factory=list)
    report_to: str | None = None
    deadline: str | None = None
    recurrence: str | None = None
    span: Span | None = None


@dataclass(slots=True, kw_only=True)
class Record(_Model):
    """One document's structured record."""

    schema_version: str = SCHEMA_VERSION
    source: Source
    issuer: Issuer = field(default_factory=Issuer)
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    code: str | None = None
    place: str | None = None
    issued_date: str | None = None
    subject: str | None = None
    urgency: Urgency | None = None
    confidentiality: Confidentiality | None = None
    recipients: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    reporting: list[ReportingDuty] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)
    distribution: list[str] = field(default_factory=list)
    received: Received | None = None
    warnings: list[str] = field(default_factory=list)

    def document_key(self) -> str:
        """Issuer, code and date together: Party numbers restart each term, so code alone is not unique."""
        return f"{self.issuer.name or ''}|{self.code or ''}|{self.issued_date or ''}"


def task_id(sha256: str, ordinal: str) -> str:
    """A task id stable across runs: the document's sha256 and the task's ordinal."""
    return hashlib.sha256(f"{sha256}:{ordinal}".encode()).hexdigest()[:16]


def json_schema() -> dict[str, object]:
    """The JSON Schema of the record, generated from the models."""
    return Record.model_json_schema()
