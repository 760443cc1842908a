"""The clerk's desk (bàn văn thư): a web application over the store the inbox and batch write.

    GET  /                                 hộp văn bản đến: documents received, newest first
    GET  /documents/{id}                   the source beside the record as a form
    GET  /documents/{id}/source?sha=       the source panel alone (the page loads it while a file is read)
    GET  /documents/{id}/sources/{sha}/pages/{n}.png   a page image
    POST /documents/{id}/confirm           save the corrected record, give it its số đến, send it on
    POST /documents/{id}/deliver           send the confirmed record to the sinks again
    GET  /register[.xlsx|.csv]?year=       sổ đăng ký văn bản đến
    GET  /tasks?agency=&show=              theo dõi thời hạn: tasks by lead agency
    POST /tasks/{id}/done, /tasks/{id}/open
    GET  /tasks.ics?agency=                the deadlines as a calendar feed
    GET|POST /login, POST /logout

Pages are rendered on the server (Jinja2) with one small script and one style sheet of its own:
nothing is fetched from outside the machine. Store calls are blocking, so routes that only read
are plain functions (FastAPI runs them in its thread pool) and the others hand their work to a
thread.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from models import Record
from pipeline.desk import auth, deadlines, ics, listing, register, revisions
from pipeline.desk.cache import SourceCache
from pipeline.desk.errors import DeskError, DocumentNotFound, FormInvalid, SourceUnavailable
from pipeline.desk.form import form_of, parse_clerk_date, read_form, record_from_form
from pipeline.desk.views import DocumentPage, local_time, render, source_panel, unavailable_panel
from pipeline.settings import Settings
from pipeline.sinks.base import Sink
from pipeline.sinks.delivery import deliver
from pipeline.store import Store, read, store_url

log = logging.getLogger("pipeline.desk")

STATIC = Path(__file__).resolve().parent / "static"
PUBLIC_PATHS = ("/login", "/static/", "/tasks.ics")
PAGE_SIZE = 50
TASK_PAGE = 100
SECURITY_HEADERS = {
    # everything the pages use is served from here; style attributes place the boxes on the pages
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@dataclass
class Desk:
    """What the routes share: settings, the store, the other sinks, the source cache, the signer."""

    settings: Settings
    store: Store
    sinks: list[Sink]
    cache: SourceCache
    signer: auth.Signer
    tz: ZoneInfo
    users: dict[str, str] = field(default_factory=dict)
    local_user: str = "văn thư"
    summaries: deadlines.SummaryCache = field(default_factory=deadlines.SummaryCache)

    @classmethod
    def open(cls, settings: Settings, store: Store | None = None) -> Desk:
        from pipeline.api.app import other_sinks

        own = store is None
        store = store or Store(store_url(settings))
        try:
            sinks = other_sinks(settings, store)
        except BaseException:
            if own:
                store.close()
            raise
        desk_dir = Path(settings.desk_dir)
        secret = settings.desk_secret.get_secret_value() if settings.desk_secret else None
        key = auth.session_key(secret, desk_dir / "session.key")
        try:
            local = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a container)
            local = "văn thư"
        return cls(
            settings=settings,
            store=store,
            sinks=sinks,
            cache=SourceCache(desk_dir / "sources"),
            signer=auth.Signer(key, settings.desk_session_hours * 3600),
            tz=ZoneInfo(settings.timezone),
            users={u: h.get_secret_value() for u, h in settings.desk_users.items()},
            local_user=local,
        )

    def close(self) -> None:
        for sink in self.sinks:
            with contextlib.suppress(Exception):
                sink.close()
        self.store.close()

    @property
    def login_required(self) -> bool:
        return bool(self.users)

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def deliver(self, record: Record) -> str | None:
        """Send a confirmed record to every sink besides the store (as every other delivery: a sink that fails does
        not keep the record from the others; a guarded one queues it); the failures, as one line."""
        failures = deliver(record, self.sinks, attempts=1)
        return "; ".join(f"{f.sink}: {type(f.cause).__name__}: {f.cause}" for f in failures) or None


def _session(request: Request) -> auth.Session:
    session: auth.Session = request.state.session
    return session


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    desk: Desk = request.app.state.desk
    html = render(
        template,
        request=request,
        session=_session(request),
        login_required=desk.login_required,
        tz=desk.tz,
        local_time=local_time,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _error_page(request: Request, error: DeskError) -> HTMLResponse:
    return _page(request, "error.html", status=error.status, error=error, title="Lỗi")


async def _posted(request: Request) -> dict[str, str]:
    """The posted form, once its CSRF token is checked."""
    form = await request.form()
    data = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    if not auth.csrf_ok(_session(request), data.get("csrf")):
        raise DeskError(
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; tải lại trang rồi làm lại",
            "the session expired or the form is not valid (CSRF); reload the page and try again",
        )
    return data


def _safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: a link elsewhere must not be where a sign-in sends the clerk."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return default
    return target


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    """The desk's application over ``settings`` (and ``store``, when the caller opened it)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.desk = await run_in_threadpool(Desk.open, settings, store)
        try:
            yield
        finally:
            desk: Desk = app.state.desk
            if store is None:
                await run_in_threadpool(desk.close)

    app = FastAPI(title="Bàn văn thư", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(DeskError)
    async def desk_error(request: Request, exc: DeskError) -> Response:
        return _error_page(request, exc)

    @app.middleware("http")
    async def sessions(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        desk: Desk = request.app.state.desk
        session = desk.signer.loads(request.cookies.get(auth.SESSION_COOKIE))
        fresh = session is None
        if session is None:
            session = auth.new_session(None if desk.login_required else desk.local_user)
        request.state.session = session
        path = request.url.path
        if desk.login_required and session.user is None and not path.startswith(PUBLIC_PATHS):
            target = quote(path + (f"?{request.url.query}" if request.url.query else ""), safe="")
            response: Response = RedirectResponse(f"/login?next={target}", status_code=303)
        else:
            response = await call_next(request)
        current: auth.Session = request.state.session
        if fresh or current is not session:
            response.set_cookie(
                auth.SESSION_COOKIE,
                desk.signer.dumps(current),
                max_age=int(desk.signer.max_age),
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # --- sign-in -----------------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return _page(request, "login.html", next=_safe_next(next), failed=False, title="Đăng nhập")

    @app.post("/login")
    async def login(request: Request) -> Response:
        desk: Desk = request.app.state.desk
        data = await _posted(request)
        user = data.get("user", "").strip()
        hashed = desk.users.get(user)
        ok = hashed is not None and await run_in_threadpool(auth.verify_password, data.get("password", ""), hashed)
        if not ok:
            return _page(
                request, "login.html", status=401, next=_safe_next(data.get("next")), failed=True, title="Đăng nhập"
            )
        request.state.session = auth.new_session(user)  # a new token at sign-in
        return RedirectResponse(_safe_next(data.get("next")), status_code=303)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        await _posted(request)
        request.state.session = auth.new_session(None)
        return RedirectResponse("/login", status_code=303)

    # --- inbox -------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def inbox(
        request: Request,
        q: str = "",
        arrived_from: Annotated[str, Query(alias="from")] = "",
        arrived_to: Annotated[str, Query(alias="to")] = "",
        doc_type: Annotated[str, Query(alias="type")] = "",
        state: str = "",
        page: int = 1,
    ) -> HTMLResponse:
        desk: Desk = request.app.state.desk
        problems: list[str] = []
        bounds: list[date | None] = []
        for raw in (arrived_from, arrived_to):
            try:
                iso = parse_clerk_date(raw, full=True)
            except ValueError as exc:
                problems.append(str(exc))
                iso = None
            bounds.append(date.fromisoformat(iso) if iso else None)
        wanted = next((s for s in listing.STATES if s == state), None)
        page = max(1, page)
        with desk.store.engine.connect() as conn:
            found = listing.inbox(
                conn,
                tz=desk.tz,
                q=q,
                arrived_from=bounds[0],
                arrived_to=bounds[1],
                doc_type=doc_type or None,
                state=wanted,
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
            types = listing.doc_types(conn)
        filters = {"q": q, "from": arrived_from, "to": arrived_to, "type": doc_type, "state": state}
        return _page(
            request,
            "inbox.html",
            found=found,
            types=types,
            filters=filters,
            problems=problems,
            page_number=page,
            pages=max(1, -(-found.total // PAGE_SIZE)),
            title="Hộp văn bản đến",
        )

    # --- one document ------------------------------------------------------------------------

    def document_page(request: Request, doc_id: str, sha: str | None, reading: str | None) -> DocumentPage:
        desk: Desk = request.app.state.desk
        with desk.store.engine.connect() as conn:
            document = read.get_document(conn, doc_id)
            if document is None:
                raise DocumentNotFound(doc_id)
            state = revisions.state_of(conn, doc_id)
            kept = revisions.revisions_of(conn, doc_id)
            stale = revisions.is_stale(document, state)
            if state is not None and reading != "store":
                record = revisions.confirmed_record(conn, state)
            else:
                record = Record.model_validate(document.record)
        if state is not None:
            arrival, routed, note = date.fromisoformat(state.arrival_date), state.routed_to, state.note
        else:
            arrival = revisions.arrival_of(document).astimezone(desk.tz).date()
            routed, note = None, _stamp_note(record)
        form = form_of(record, arrival_date=arrival, routed_to=routed, note=note)
        shas = [s.sha256 for s in document.sources]
        # a PDF shows the page itself; every file has its own reading, so any of them can be shown
        pdfs = [s.sha256 for s in document.sources if s.media_type == "application/pdf"]
        shown = (
            sha
            if sha in shas
            else (pdfs[0] if pdfs else record.source.sha256 if record.source.sha256 in shas else shas[0])
        )
        return DocumentPage(
            id=doc_id,
            record=record,
            form=form,
            sources=document.sources,
            shown_sha=shown,
            panel=None,
            state=state,
            stale=stale,
            revisions=kept,
        )

    def panel_for(request: Request, page: DocumentPage, *, wait: bool) -> None:
        """Fill the source panel when the file was read for display before (or when ``wait``)."""
        desk: Desk = request.app.state.desk
        source = next(s for s in page.sources if s.sha256 == page.shown_sha)
        if not wait and not desk.cache.has(source.sha256):
            return
        try:
            shown = desk.cache.get(source.sha256, source.path)
        except SourceUnavailable as exc:
            page.panel = unavailable_panel(source, exc)
            return
        url = f"/documents/{page.id}/sources/{source.sha256}/pages/{{page}}.png"
        page.panel = source_panel(shown, url)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str, source: str | None = None, reading: str | None = None) -> HTMLResponse:
        page = document_page(request, doc_id, source, reading)
        panel_for(request, page, wait=False)
        flash = request.query_params.get("ok")
        page.flash = flash
        return _page(request, "document.html", page=page, title=_title(page.record))

    @app.get("/documents/{doc_id}/source", response_class=HTMLResponse)
    def source_fragment(request: Request, doc_id: str, sha: str | None = None) -> HTMLResponse:
        page = document_page(request, doc_id, sha, None)
        panel_for(request, page, wait=True)
        return _page(request, "source.html", page=page)

    @app.get("/documents/{doc_id}/sources/{sha}/pages/{number}.png")
    def page_image(request: Request, doc_id: str, sha: str, number: int) -> FileResponse:
        desk: Desk = request.app.state.desk
        document = desk.store.get_document(doc_id)
        source = next((s for s in document.sources if s.sha256 == sha), None) if document else None
        if source is None:
            raise DocumentNotFound(doc_id)
        shown = desk.cache.get(sha, source.path)
        image = desk.cache.page_image(shown, number)
        return FileResponse(image, media_type="image/png", headers={"cache-control": "private, max-age=86400"})

    @app.post("/documents/{doc_id}/confirm")
    async def confirm(request: Request, doc_id: str) -> Response:
        desk: Desk = request.app.state.desk
        data = await _posted(request)
        who = _session(request).user or desk.local_user
        page = await run_in_threadpool(document_page, request, doc_id, data.get("source"), data.get("reading"))
        state = read_form(data, page.record, page.form)
        try:
            record, arrival, routed, note = record_from_form(state, page.record)
        except FormInvalid as exc:
            page.form = state
            await run_in_threadpool(panel_for, request, page, wait=False)
            page.flash = None
            return _page(request, "document.html", status=exc.status, page=page, invalid=exc, title=_title(page.record))
        registration = revisions.Registration(arrival, routed, note)
        done = await run_in_threadpool(revisions.confirm, desk.store, doc_id, record, registration, who)
        error = await run_in_threadpool(desk.deliver, record)
        await run_in_threadpool(revisions.record_delivery, desk.store, done.document_id, error)
        log.info("%s confirmed %s: số đến %d/%d", who, done.document_id, done.arrival_number, done.arrival_year)
        return RedirectResponse(f"/documents/{done.document_id}?ok=confirmed", status_code=303)

    @app.post("/documents/{doc_id}/deliver")
    async def deliver(request: Request, doc_id: str) -> Response:
        desk: Desk = request.app.state.desk
        await _posted(request)

        def resend() -> None:
            with desk.store.engine.connect() as conn:
                state = revisions.state_of(conn, doc_id)
                if state is None:
                    raise DocumentNotFound(doc_id)
                record = revisions.confirmed_record(conn, state)
            revisions.record_delivery(desk.store, doc_id, desk.deliver(record))

        await run_in_threadpool(resend)
        return RedirectResponse(f"/documents/{doc_id}?ok=delivered", status_code=303)

    # --- register ----------------------------------------------------------------------------

    def register_year(desk: Desk, year: int | None) -> int:
        return year or desk.today().year

    @app.get("/register", response_class=HTMLResponse)
    def register_page(request: Request, year: int | None = None, page: int = 1) -> HTMLResponse:
        desk: Desk = request.app.state.desk
        year = register_year(desk, year)
        page = max(1, page)
        with desk.store.engine.connect() as conn:
            found = register.entries(conn, year, limit=100, offset=(page - 1) * 100)
            years = sorted({*register.years(conn), year}, reverse=True)
        return _page(
            request,
            "register.html",
            found=found,
            year=year,
            years=years,
            page_number=page,
            pages=max(1, -(-found.total // 100)),
            title=f"Sổ đăng ký văn bản đến năm {year}",
        )

    def whole_register(desk: Desk, year: int) -> list[revisions.DeskState]:
        with desk.store.engine.connect() as conn:
            return register.entries(conn, year).items

    @app.get("/register.xlsx")
    def register_xlsx(request: Request, year: int | None = None) -> Response:
        desk: Desk = request.app.state.desk
        year = register_year(desk, year)
        body = register.xlsx_bytes(whole_register(desk, year), year, desk.settings.desk_office)
        return Response(
            body,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="so-den-{year}.xlsx"'},
        )

    @app.get("/register.csv")
    def register_csv(request: Request, year: int | None = None) -> Response:
        desk: Desk = request.app.state.desk
        year = register_year(desk, year)
        return Response(
            register.csv_bytes(whole_register(desk, year)),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="so-den-{year}.csv"'},
        )

    # --- deadlines ---------------------------------------------------------------------------

    @app.get("/tasks", response_class=HTMLResponse)
    def tasks_page(request: Request, agency: str = "", show: str = "open", page: int = 1) -> HTMLResponse:
        desk: Desk = request.app.state.desk
        today = desk.today()
        chosen: deadlines.Show = next((s for s in deadlines.SHOWS if s == show), "open")
        page = max(1, page)
        with desk.store.engine.connect() as conn:
            summary = desk.summaries.get(conn, today)
            found = deadlines.tasks_by_lead(
                conn,
                today,
                agency=agency or None,
                show=chosen,
                limit=TASK_PAGE,
                offset=(page - 1) * TASK_PAGE,
            )
        session = _session(request)
        token = desk.signer.feed_token(session.user) if desk.login_required and session.user else None
        feed = "/tasks.ics" + (f"?token={token}" if token else "")
        return _page(
            request,
            "tasks.html",
            summary=summary,
            found=found,
            agency=agency,
            show=chosen,
            today=today,
            feed=feed,
            page_number=page,
            pages=max(1, -(-found.total // TASK_PAGE)),
            title="Theo dõi thời hạn",
        )

    async def task_state(request: Request, task_id: str, done: bool) -> Response:
        desk: Desk = request.app.state.desk
        data = await _posted(request)
        who = _session(request).user or desk.local_user
        if done:
            try:
                day = parse_clerk_date(data.get("done_on", ""), full=True)
            except ValueError as exc:
                raise DeskError(f"Ngày hoàn thành: {exc}", "the day it was done is not a date") from exc
            done_on = date.fromisoformat(day) if day else desk.today()
            await run_in_threadpool(revisions.mark_done, desk.store, task_id, done_on, who)
        else:
            await run_in_threadpool(revisions.mark_open, desk.store, task_id)
        return RedirectResponse(_safe_next(data.get("next"), "/tasks"), status_code=303)

    @app.post("/tasks/{task_id}/done")
    async def task_done(request: Request, task_id: str) -> Response:
        return await task_state(request, task_id, True)

    @app.post("/tasks/{task_id}/open")
    async def task_open(request: Request, task_id: str) -> Response:
        return await task_state(request, task_id, False)

    @app.get("/tasks.ics")
    def tasks_feed(request: Request, agency: str = "", token: str = "") -> Response:
        desk: Desk = request.app.state.desk
        session = _session(request)
        if desk.login_required and session.user is None and desk.signer.feed_user(token, set(desk.users)) is None:
            return Response(
                "sign in, or use the feed address shown on /tasks\n", status_code=401, media_type="text/plain"
            )
        with desk.store.engine.connect() as conn:
            open_tasks = deadlines.open_with_deadline(conn, desk.today(), agency=agency or None)
        body = ics.calendar(open_tasks, now=datetime.now(UTC), base_url=str(request.base_url))
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"content-disposition": "inline; filename=tasks.ics"},
        )

    return app


def _title(record: Record) -> str:
    return " ".join(x for x in (record.doc_type, record.code) if x) or "Văn bản"


def _stamp_note(record: Record) -> str | None:
    """A scan's ĐẾN stamp (another office's registration, or ours on paper) goes in the note."""
    stamp = record.received
    if stamp is None or not (stamp.number or stamp.date):
        return None
    parts = [
        f"số {stamp.number}" if stamp.number else "",
        f"ngày {register.clerk_date(stamp.date)}" if stamp.date else "",
    ]
    return "Dấu ĐẾN trên bản quét: " + ", ".join(p for p in parts if p)
