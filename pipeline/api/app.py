"""The HTTP API: send a document, get its record; query documents and tasks; export edXML.

    POST /v1/documents                 multipart upload (field ``file``), or JSON {"path": ...}
    GET  /v1/documents/{id}            the document, its sources and its record
    GET  /v1/documents?code=&issuer=&from=&to=&q=
    GET  /v1/tasks?lead=&due_before=&overdue=true&q=
    GET  /v1/documents/{id}/edxml      the edXML (QCVN 102:2016) message
    GET  /openapi.json, /docs          the schema and its Swagger UI, served from the package

Extraction runs in the worker runtime's pool (:mod:`pipeline.api.extraction`); the store calls
(SQLAlchemy, blocking) run in worker threads, so the event loop only moves bytes. A document
that cannot be read gets the reason ``directives extract`` prints, with 415 (a format it cannot
read), 413 (over ``api_max_upload_mb``) or 422 (not an official document, unreadable), and the
upload is kept in ``data_dir/api/failed/`` beside its ``.error.txt``.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from models import Record
from pipeline.api import extraction
from pipeline.api.docs import add_offline_docs
from pipeline.errors import DirectivesError
from pipeline.limits import Limits
from pipeline.settings import Settings
from pipeline.sinks.base import Sink
from pipeline.sinks.delivery import deliver
from pipeline.store import (
    BadCursor,
    DocumentSummary,
    DocumentView,
    Page,
    SourceView,
    Store,
    Stored,
    TaskView,
    document_identity,
    store_url,
)
from pipeline.workers import Extracted, WorkerPool

log = logging.getLogger("pipeline.api")

API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="one of the keys in the api_keys setting")


class ErrorBody(BaseModel):
    """Why a request failed; ``detail`` is the line ``directives extract`` prints for the same file."""

    detail: str
    kind: str | None = Field(default=None, description="the error type, e.g. UnsupportedFormat")
    reason: str | None = None
    clerk_text: str | None = Field(default=None, description="Vietnamese and English, for a clerk")


class PathBody(BaseModel):
    """A file on the server to read (under one of the ``api_read_roots`` folders)."""

    path: str = Field(examples=["/srv/directives/batch/cong-van-125.pdf"])


class Posted(DocumentSummary):
    """The document the upload belongs to: its fields, every file of it, and the record just read."""

    identity: str = Field(description="issuer|code|date as compared, or sha256:<hex> when one is blank")
    place: str | None = None
    sources: list[SourceView]
    record: Record = Field(description="the record of this upload, as `directives extract` prints it")

    @classmethod
    def of(cls, record: Record, stored: Stored) -> Posted:
        return cls(
            id=stored.document_id,
            issuer=record.issuer.name,
            doc_type=record.doc_type,
            code=record.code,
            issued_date=record.issued_date,
            subject=record.subject,
            urgency=record.urgency,
            identity=document_identity(record),
            place=record.place,
            sources=stored.sources,
            record=record,
        )


@dataclass
class Runtime:
    """What the routes share: settings, the extraction pool, the store and the other sinks."""

    settings: Settings
    pool: WorkerPool
    store: Store
    sinks: list[Sink] = field(default_factory=list)

    @classmethod
    def open(cls, settings: Settings, workers: int | None = None) -> Runtime:
        store = Store(store_url(settings))
        try:
            sinks = other_sinks(settings, store)
            pool = WorkerPool(workers or settings.batch_workers, Limits.from_settings(settings))
        except BaseException:
            store.close()
            raise
        return cls(settings, pool, store, sinks)

    def close(self) -> None:
        self.pool.close()
        for sink in self.sinks:
            sink.close()
        self.store.close()

    @property
    def max_bytes(self) -> int:
        return int(self.settings.api_max_upload_mb * 1_000_000)


def other_sinks(settings: Settings, store: Store) -> list[Sink]:
    """The configured sinks besides the SQL one the store already is (no record written twice)."""
    from pipeline.sinks import build_sink

    same = "postgres" if store.dialect == "postgresql" else "sqlite"
    return [build_sink(name, settings) for name in settings.sinks if name != same]


def _error(status: int, detail: str, **fields: Any) -> JSONResponse:
    return JSONResponse(ErrorBody(detail=detail, **fields).model_dump(exclude_none=True), status_code=status)


def _project_error(status: int, error: DirectivesError) -> JSONResponse:
    return _error(
        status,
        extraction.failure_line(error),
        kind=type(error).__name__,
        reason=error.reason,
        clerk_text=error.for_clerk(),
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "neither a file nor a path was sent",
        401: "X-API-Key missing or wrong",
        403: "the path lies outside api_read_roots",
        413: "the file is over api_max_upload_mb",
        415: "a format the readers cannot read",
        422: "not an official document, or the file is damaged / holds no text",
    }.items()
}

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {"schema": PathBody.model_json_schema()},
        },
    }
}


def create_app(settings: Settings, *, runtime: Runtime | None = None, workers: int | None = None) -> FastAPI:
    """The application. Without ``runtime`` it opens one (pool, store, sinks) for its lifetime."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        app.state.runtime = runtime or await anyio.to_thread.run_sync(Runtime.open, settings, workers)
        try:
            yield
        finally:
            if own:
                await anyio.to_thread.run_sync(app.state.runtime.close)

    app = FastAPI(
        title="vn-directives",
        summary="Vietnamese official documents as records of who must do what, by when.",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    add_offline_docs(app)

    def rt(request: Request) -> Runtime:
        found: Runtime = request.app.state.runtime
        return found

    keys = [k.get_secret_value() for k in settings.api_keys if k.get_secret_value()]

    # async: a sync dependency would cost every request a trip to the thread pool and back
    async def check_key(key: Annotated[str | None, Depends(API_KEY)]) -> None:
        if keys and not (key and any(hmac.compare_digest(key.encode(), k.encode()) for k in keys)):
            raise HTTPException(401, "missing or wrong X-API-Key", headers={"WWW-Authenticate": "X-API-Key"})

    guarded = [Depends(check_key)]

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.post(
        "/v1/documents",
        status_code=201,
        response_model=Posted,
        responses={200: {"model": Posted, "description": "the file joined a document already stored"}, **ERRORS},
        openapi_extra=UPLOAD_BODY,
        dependencies=guarded,
        summary="Read a document and store its record",
    )
    async def post_document(request: Request) -> Response:
        began = time.perf_counter()
        runtime = rt(request)
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > runtime.max_bytes + 64_000:  # multipart framing
            return _project_error(413, extraction.too_large("upload", runtime.max_bytes))
        content_type = request.headers.get("content-type", "")
        try:
            if content_type.startswith("application/json"):
                try:
                    body = PathBody.model_validate(json.loads(await request.body()))
                except ValueError as exc:
                    return _error(400, f'the JSON body must be {{"path": "/absolute/path"}} ({exc})')
                path = extraction.check_server_path(body.path, runtime.settings.api_read_roots, runtime.max_bytes)
                received = time.perf_counter()
                taken = await anyio.to_thread.run_sync(_take_in, runtime, path, body.path)
            elif content_type.startswith("multipart/form-data"):
                form = await request.form(max_files=1, max_fields=5)
                received = time.perf_counter()
                upload = form.get("file")
                if upload is None or isinstance(upload, str):
                    return _error(400, "send the document in a multipart field named 'file'")
                upload_in = extraction.Upload(upload.file, upload.filename or "document")
                taken = await anyio.to_thread.run_sync(_take_in, runtime, upload_in, upload_in.name)
            else:
                return _error(415, "send the document as multipart/form-data (field 'file') or a JSON body with a path")
        except PermissionError as exc:
            return _error(403, str(exc))
        except DirectivesError as exc:
            return _project_error(extraction.STATUS_BY_KIND.get(type(exc).__name__, 422), exc)

        extracted, stored = taken.extracted, taken.stored
        if extracted.record is None or stored is None:
            assert extracted.failure is not None
            failure = extracted.failure
            if not failure.expected:
                log.error("internal error on %s\n%s", taken.display, failure.detail)
            return _error(
                extraction.STATUS_BY_KIND.get(failure.kind, 500),
                f"directives: {taken.display}: {failure.reason}",
                kind=failure.kind,
                reason=failure.reason,
                clerk_text=failure.clerk_text,
            )
        posted = Posted.of(extracted.record, stored)
        answer = Response(
            posted.model_dump_json(),  # pydantic's own encoder: one pass, not a dict and then json.dumps
            media_type="application/json",
            status_code=201 if stored.created else 200,
            headers={"Location": f"/v1/documents/{posted.id}"},
            # the other sinks get the record once the caller has its answer (the store already has it)
            background=BackgroundTask(_deliver, runtime, extracted.record) if runtime.sinks else None,
        )
        answer.headers["Server-Timing"] = taken.timing.header(began, received, time.perf_counter())
        return answer

    @app.get(
        "/v1/documents/{document_id}",
        response_model=DocumentView,
        responses={404: {"model": ErrorBody}, 401: ERRORS[401]},
        dependencies=guarded,
        summary="One document, every file that carried it, and its record",
    )
    def get_document(document_id: str, request: Request) -> DocumentView:
        found = rt(request).store.get_document(document_id)
        if found is None:
            raise HTTPException(404, f"no document {document_id}")
        return found

    @app.get(
        "/v1/documents",
        response_model=Page[DocumentSummary],
        responses={401: ERRORS[401]},
        dependencies=guarded,
        summary="Documents by code, issuer, issued date and words, newest first",
    )
    def list_documents(
        request: Request,
        code: Annotated[str | None, Query(description="số/ký hiệu exactly as printed: 125/UBND-NC")] = None,
        issuer: Annotated[str | None, Query(description="part of the issuer's name, any case")] = None,
        date_from: Annotated[str | None, Query(alias="from", description="issued on or after (ISO date)")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="issued on or before (ISO date)")] = None,
        q: Annotated[str | None, Query(description="words of the type, code, issuer or trích yếu")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Page[DocumentSummary]:
        return rt(request).store.query_documents(
            code=code, issuer=issuer, date_from=date_from, date_to=date_to, q=q, limit=limit, offset=offset
        )

    @app.get(
        "/v1/tasks",
        response_model=Page[TaskView],
        responses={400: {"model": ErrorBody, "description": "`after` is not a cursor this API gave"}, 401: ERRORS[401]},
        dependencies=guarded,
        summary="Tasks by lead agency and deadline, soonest due first",
    )
    def list_tasks(
        request: Request,
        lead: Annotated[
            str | None, Query(description="the lead agency (chủ trì): canonical name or as written, any case")
        ] = None,
        due_before: Annotated[str | None, Query(description="due before this ISO date")] = None,
        overdue: Annotated[bool, Query(description="only tasks whose deadline has passed")] = False,
        q: Annotated[str | None, Query(description="words of the task or its agencies")] = None,
        document: Annotated[str | None, Query(description="only the tasks of this document id")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        after: Annotated[
            str | None, Query(description="the `next` of the page before: the page after it, however deep")
        ] = None,
    ) -> Page[TaskView]:
        try:
            return rt(request).store.query_tasks(
                lead=lead,
                due_before=due_before,
                overdue=overdue,
                q=q,
                document_id=document,
                limit=limit,
                offset=offset,
                after=after,
            )
        except BadCursor as exc:
            raise HTTPException(400, f"after: {exc}") from exc

    @app.get(
        "/v1/documents/{document_id}/edxml",
        response_class=Response,
        responses={200: {"content": {"application/xml": {}}}, 404: {"model": ErrorBody}, 401: ERRORS[401]},
        dependencies=guarded,
        summary="The document as an edXML (QCVN 102:2016) message, its source file attached",
    )
    def get_edxml(document_id: str, request: Request) -> Response:
        from pipeline.edxml import edxml_message

        runtime = rt(request)
        found = runtime.store.get_document(document_id)
        if found is None:
            raise HTTPException(404, f"no document {document_id}")
        message = edxml_message(Record.model_validate(found.record), runtime.settings.edxml_organ_ids)
        headers = {"Content-Disposition": f'attachment; filename="{document_id}.edxml"'}
        if message.warnings:
            # header values are latin-1: the English half of each warning only
            headers["X-Edxml-Warnings"] = " | ".join(w.split(" / ", 1)[-1] for w in message.warnings)
        return Response(message.xml, media_type="application/xml", headers=headers)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass
class Timing:
    """When each step of a ``POST /v1/documents`` ended (``time.perf_counter()``), for its
    ``Server-Timing`` header: where an answer's time went, readable in any browser's network panel
    and by ``bench/bench_api.py``."""

    started: float = 0.0  # the worker thread took the request
    saved: float = 0.0  # the upload is on disk
    read: float = 0.0  # the pool gave the outcome back
    stored: float = 0.0  # the store committed
    extract: float = 0.0  # the reader's own time inside its process

    def header(self, began: float, received: float, answered: float) -> str:
        """``receive`` (body in), ``save``, ``read`` (the pool, of which ``extract`` in the reader), ``store``,
        ``answer`` (the JSON), ``total``; each ``;dur=`` in ms."""
        steps = {
            "receive": received - began,
            "save": self.saved - self.started if self.saved else 0.0,
            "read": self.read - (self.saved or self.started),
            "extract": self.extract,
            "store": self.stored - self.read,
            "answer": answered - self.stored,
            "total": answered - began,
        }
        return ", ".join(f"{name};dur={seconds * 1000:.2f}" for name, seconds in steps.items())


@dataclass(frozen=True)
class Taken:
    """What became of one document sent to ``POST /v1/documents``."""

    extracted: Extracted
    stored: Stored | None  # None when it could not be read
    display: str  # the name the sender knows it by
    timing: Timing


def _take_in(runtime: Runtime, source: Path | extraction.Upload, display: str) -> Taken:
    """Keep the upload, read it in the pool, store its record (or keep the file with its reason in
    ``failed/``): one trip to a worker thread for all of it, since each trip is a wake-up of
    another thread, which on a busy machine costs more than the step itself."""
    timing = Timing(started=time.perf_counter())
    saved = None
    if isinstance(source, extraction.Upload):
        saved = extraction.save_upload(
            source.stream, source.name, runtime.settings.data_dir / "api" / "uploads", runtime.max_bytes
        )
        path, display = saved.path, saved.name
        timing.saved = time.perf_counter()
    else:
        path = source
    extracted = extraction.read_in_pool(runtime.pool, path, display)
    timing.read, timing.extract = time.perf_counter(), extracted.seconds
    if extracted.record is None:
        if saved is not None:
            assert extracted.failure is not None
            extraction.keep_failed(saved, runtime.settings.data_dir / "api" / "failed", extracted.failure.clerk_text)
        return Taken(extracted, None, display, timing)
    stored = runtime.store.upsert(extracted.record)
    timing.stored = time.perf_counter()
    return Taken(extracted, stored, display, timing)


def _deliver(runtime: Runtime, record: Record) -> None:
    """Hand the record to the sinks besides the store; failures are logged (and retried by deliver)."""
    for error in deliver(record, runtime.sinks):
        log.error("record of %s not delivered to %s", record.source.path, error)
