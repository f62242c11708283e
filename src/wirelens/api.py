"""The wirelens REST API and dashboard (FastAPI), served over one DuckDB store.

>>> from wirelens.api import create_app
>>> app = create_app("wirelens.duckdb", token=None)  # doctest: +SKIP
>>> # uvicorn.run(app, host="127.0.0.1", port=8000)  or  `wirelens serve`

The process owns the store file (DuckDB allows one writing process): writes go through one lock,
reads each get their own cursor. The spaCy pipeline is CPU-bound, so analyses run on a dedicated
worker thread with a time limit, and the event loop stays free for reads. See docs/SERVICE.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

from fastapi import Body, Depends, FastAPI, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .ingest.article import InputError
from .model import Analysis, Article, ClaimStatus, Evidence, Quad, QuoteKind
from .web import queries
from .web.queries import Filters

if TYPE_CHECKING:
    import duckdb

    from .store import Store

__all__ = [
    "DEFAULT_ANALYSIS_TIMEOUT",
    "MAX_BODY_BYTES",
    "MAX_INGEST_ITEMS",
    "AnalyzeRequest",
    "create_app",
]

MAX_BODY_BYTES = 2_000_000
"""Largest request body accepted (bytes); larger ones get 413 before they are parsed."""
DEFAULT_ANALYSIS_TIMEOUT = 30.0
"""Seconds one analysis (fetch excluded) may take before the request gets 504."""
MAX_INGEST_ITEMS = 100
"""Most articles one POST /ingest may carry."""
MAX_PENDING_ANALYSES = 256
"""Analyses queued beyond this are refused with 503 at once instead of waiting to time out."""
MAX_LIMIT = 500

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# --- request and response models -----------------------------------------------------------------


class Error(BaseModel):
    """Every error response: one clear sentence, or FastAPI's list of invalid fields."""

    detail: str | list[dict[str, Any]]


class AnalyzeRequest(BaseModel):
    """One article: its ``text``, or a ``url`` to fetch when no text is given, plus metadata.

    With both, the text is analysed and the URL is kept as metadata (the store's update key).
    """

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article text (plain text).")
    url: str | None = Field(
        None, max_length=4000, description="Page to fetch when no text is given; else metadata."
    )
    published: str | None = Field(None, description="Publication date, e.g. 2022-02-15.")
    title: str | None = None
    outlet: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> AnalyzeRequest:
        if self.text is None and self.url is None:
            raise ValueError("give 'text' or 'url'")
        return self


class IngestItem(BaseModel):
    """What happened to one submitted article."""

    index: int = Field(description="Position in the request (0 for a single object).")
    article_id: str | None = None
    status: Literal["stored", "present", "rejected"]
    reason: str | None = Field(None, description="Why a rejected article was not stored.")


class IngestResponse(BaseModel):
    stored: int
    present: int
    rejected: int
    replaced: list[str] = Field(description="Ids of older articles at the same URLs, removed.")
    items: list[IngestItem]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` rows match the filters, ``items`` holds this page."""

    total: int
    limit: int
    offset: int
    items: list[T]


class ArticleSummary(BaseModel):
    article_id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    story_id: str | None
    n_chars: int | None
    n_actors: int | None
    n_quotes: int | None
    n_claims: int | None
    n_events: int | None


class QuoteRow(BaseModel):
    article_id: str
    quote_id: str
    kind: QuoteKind
    speaker: str | None = Field(description="The speaker's resolved actor name.")
    source_text: str | None = Field(description="The speaker mention in the text, e.g. 'he'.")
    cue_lemma: str | None
    content_text: str
    channel: str | None
    via: str | None
    negated: bool | None
    date: str | None
    outlet: str | None
    published: str | None


class ClaimRow(BaseModel):
    article_id: str
    claim_id: str
    text: str
    status: ClaimStatus
    source_actor_id: str | None
    source: str | None = Field(description="The source actor's name.")
    checkworthiness: float | None
    date: str | None
    evidence: list[Evidence]
    outlet: str | None
    published: str | None
    group_id: str | None = Field(description="Claim group (cross-article), once grouped.")


class EventRow(BaseModel):
    article_id: str
    event_id: str
    date: str | None
    type: str
    mode: str | None
    cameo: str | None
    goldstein: float | None
    quad: Quad | None
    modality: str | None
    actor: str | None
    actor_country: str | None
    target: str | None
    target_country: str | None
    trigger: str | None
    place: str | None
    quantity_value: float | None
    quantity_unit: str | None
    outlet: str | None
    published: str | None


class ActorRow(BaseModel):
    name: str
    kind: str | None
    country: str | None
    sector: str | None
    roles: list[str]
    mentions: int
    articles: int


class ArticlePage(Page[ArticleSummary]):
    pass


class QuotePage(Page[QuoteRow]):
    pass


class ClaimPage(Page[ClaimRow]):
    pass


class EventPage(Page[EventRow]):
    pass


class ActorPage(Page[ActorRow]):
    pass


# --- the service: store, locks, worker thread ----------------------------------------------------


class Service:
    """The store and the workers behind the app (one per app)."""

    def __init__(
        self, db: str | Path, *, allow_private_urls: bool, analysis_timeout: float
    ) -> None:
        from .store import Store

        self.store: Store = Store(db)
        self.allow_private_urls = allow_private_urls
        self.analysis_timeout = analysis_timeout
        self.write_lock = threading.Lock()  # one writer: DuckDB transactions on one connection
        self._cursor_lock = threading.Lock()
        # spaCy holds the GIL for most of a parse: one analysis thread is as fast as several and
        # keeps the shared Pipeline (and its timing counters) single-threaded.
        self.nlp_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirelens-nlp")
        self.pending = 0

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one request's reads (cursors may run in parallel)."""
        with self._cursor_lock:
            cursor = self.store.con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def regroup(self) -> None:
        """Regroup claims across articles when the store changed (cheap when it did not)."""
        from .corpus.claim_tracking import ensure_groups

        with self.write_lock:
            ensure_groups(self.store.con)

    def close(self) -> None:
        self.nlp_pool.shutdown(wait=False, cancel_futures=True)
        with self.write_lock:
            self.store.close()

    async def run_analysis(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the analysis thread; 503 when too busy, 504 past the time limit."""
        if self.pending >= MAX_PENDING_ANALYSES:
            raise HTTPException(503, "too many analyses queued; retry shortly")
        self.pending += 1
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.nlp_pool, fn)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.analysis_timeout)
        except TimeoutError:
            # The thread cannot be interrupted; its result is dropped when it finishes.
            raise HTTPException(
                504, f"analysis took longer than {self.analysis_timeout:g} s and was abandoned"
            ) from None
        finally:
            future.add_done_callback(lambda _: self._done())

    def _done(self) -> None:
        self.pending -= 1

    def article(self, request: AnalyzeRequest) -> Article:
        """The request as an Article (fetching a URL); raises InputError with the reason."""
        from .ingest.base import Defaults, build_article
        from .ingest.url import FetchOptions, fetch_page

        if request.text is None and request.url is not None:
            options = FetchOptions(allow_private=self.allow_private_urls)
            defaults = Defaults(published=request.published, outlet=request.outlet)
            item = fetch_page(request.url, request.url, defaults, options)
            if isinstance(item, Article) and request.title:
                item = item.model_copy(update={"title": request.title})
        else:
            item = build_article(
                request.text or "", "request", Defaults(), title=request.title,
                outlet=request.outlet, published=request.published, url=request.url,
            )  # fmt: skip
        if not isinstance(item, Article):
            raise InputError(item.reason)
        return item


def _analyze_article(article: Article) -> Analysis:
    from .pipeline import default_pipeline

    return default_pipeline().analyze(article)


# --- middleware: token and body size -------------------------------------------------------------


class Guard:
    """ASGI middleware: bearer token (constant-time compare) and a request body size limit.

    The body is read here, up to ``max_body_bytes``, and replayed to the app; a larger body (by
    Content-Length or by what actually arrives) gets 413 before any parsing.
    """

    def __init__(self, app: ASGIApp, token: str | None, max_body_bytes: int) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode() if token else None
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if self.expected is not None:
            given = headers.get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                reason = "missing or wrong token: send Authorization: Bearer <token>"
                await _error(send, 401, reason, {"www-authenticate": "Bearer"})
                return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await _error(send, 413, f"request body larger than {self.max_body_bytes:,} bytes")
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE") and length is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                await _error(send, 413, f"request body larger than {self.max_body_bytes:,} bytes")
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _error(send: Send, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# --- the app -------------------------------------------------------------------------------------

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Error, "description": text}
    for code, text in (
        (400, "Malformed request body (not JSON)"),
        (401, "Missing or wrong bearer token"),
        (413, "Request body too large"),
        (422, "Bad input: invalid parameters, empty or non-English text, bad date, refused URL"),
    )
}
_ANALYZE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    503: {"model": Error, "description": "Too many analyses queued"},
    504: {"model": Error, "description": "Analysis time limit exceeded"},
}


def _filters(
    since: Annotated[date | None, Query(description="First day (YYYY-MM-DD), inclusive.")] = None,
    until: Annotated[date | None, Query(description="Last day (YYYY-MM-DD), inclusive.")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Actor name contains.")] = None,
    outlet: Annotated[str | None, Query(max_length=200, description="Outlet (exact).")] = None,
    article_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Filters:
    if since and until and since > until:
        raise HTTPException(422, f"since ({since}) is after until ({until})")
    return Filters(
        since=since, until=until, actor=actor, outlet=outlet, article_id=article_id,
        limit=limit, offset=offset,
    )  # fmt: skip


FiltersDep = Annotated[Filters, Depends(_filters)]
Con = Annotated[Any, Depends(queries.connection)]


def create_app(
    db: str | Path,
    *,
    token: str | None,
    allow_private_urls: bool = False,
    analysis_timeout: float = DEFAULT_ANALYSIS_TIMEOUT,
    max_body_bytes: int = MAX_BODY_BYTES,
    preload: bool = True,
) -> FastAPI:
    """The FastAPI app serving the store at ``db`` (created when missing).

    ``token``: when set, every request needs ``Authorization: Bearer <token>``.
    ``allow_private_urls``: let POST /analyze fetch private, loopback and link-local hosts.
    ``preload``: load the spaCy pipeline at startup, so the first analysis is not slow.
    """
    service = Service(db, allow_private_urls=allow_private_urls, analysis_timeout=analysis_timeout)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(service.regroup)  # the claim group tables exist from here on
        if preload:
            from .pipeline import default_pipeline

            await asyncio.get_running_loop().run_in_executor(service.nlp_pool, default_pipeline)
        yield
        service.close()

    app = FastAPI(
        title="wirelens",
        version=_version(),
        summary="Who said what, what was claimed and how well it stands, what happened, "
        "when and where — from news text.",
        lifespan=lifespan,
        responses=_ERRORS,
    )
    app.state.service = service
    app.state.reader = service.reader
    app.state.regroup = service.regroup
    app.add_middleware(Guard, token=token, max_body_bytes=max_body_bytes)

    @app.exception_handler(InputError)
    async def _input_error(_: Any, error: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.post("/analyze", response_model=Analysis, responses=_ANALYZE_ERRORS, tags=["analysis"])
    async def analyze(request: AnalyzeRequest) -> Analysis:
        """Analyse one article (text or URL); returns the JSON record contract, stores nothing."""
        article = await _article(service, request)
        return await service.run_analysis(lambda: _analyze_article(article))

    @app.post(
        "/ingest", response_model=IngestResponse, responses=_ANALYZE_ERRORS, tags=["analysis"]
    )
    async def ingest(
        body: Annotated[
            AnalyzeRequest | Annotated[list[AnalyzeRequest], Field(max_length=MAX_INGEST_ITEMS)],
            Body(),
        ],
    ) -> IngestResponse:
        """Analyse and store one article or a list (idempotent: a stored text is skipped)."""
        requests = body if isinstance(body, list) else [body]
        return await _ingest(service, requests)

    @app.get("/articles", response_model=ArticlePage, tags=["store"])
    def list_articles(f: FiltersDep, con: Con) -> dict[str, Any]:
        """Stored articles, newest first (``actor`` matches the title or text)."""
        return _paged(f, *queries.articles(con, f))

    @app.get(
        "/articles/{article_id}",
        response_model=Analysis,
        responses={404: {"model": Error, "description": "No such article"}},
        tags=["store"],
    )
    def get_article(article_id: Annotated[str, PathParam(max_length=64)], con: Con) -> Analysis:
        """The full analysis of a stored article, rebuilt from the store."""
        analysis = queries.load_analysis(con, article_id)
        if analysis is None:
            raise HTTPException(404, f"no article {article_id!r} in the store")
        return analysis

    @app.get("/quotes", response_model=QuotePage, tags=["store"])
    def list_quotes(
        f: FiltersDep, con: Con, type: Annotated[QuoteKind | None, Query()] = None
    ) -> dict[str, Any]:
        """Quotes (``actor`` matches the speaker, ``type`` the quote kind)."""
        f.type = type
        return _paged(f, *queries.quotes(con, f))

    @app.get("/claims", response_model=ClaimPage, tags=["store"])
    def list_claims(
        f: FiltersDep, con: Con, status: Annotated[ClaimStatus | None, Query()] = None
    ) -> dict[str, Any]:
        """Claims with their status and evidence (``actor`` matches the claim's source)."""
        f.status = status
        return _paged(f, *queries.claims(con, f))

    @app.get("/events", response_model=EventPage, tags=["store"])
    def list_events(
        f: FiltersDep,
        con: Con,
        type: Annotated[str | None, Query(max_length=40, description="PLOVER type")] = None,
    ) -> dict[str, Any]:
        """Events (``actor`` matches actor or target, ``type`` the PLOVER type)."""
        f.type = type
        return _paged(f, *queries.events(con, f))

    @app.get("/actors", response_model=ActorPage, tags=["store"])
    def list_actors(
        f: FiltersDep,
        con: Con,
        type: Annotated[
            Literal["person", "organization", "country", "group", "unknown"] | None, Query()
        ] = None,
    ) -> dict[str, Any]:
        """Actors merged across articles by name, most mentioned first (``type``: actor kind)."""
        f.type = type
        return _paged(f, *queries.actors(con, f))

    from .web.corpus_routes import add_corpus_routes
    from .web.views import add_dashboard

    add_corpus_routes(app)
    add_dashboard(app)
    return app


def _version() -> str:
    from . import __version__

    return __version__


def _paged(f: Filters, total: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"total": total, "limit": f.limit, "offset": f.offset, "items": items}


async def _article(service: Service, request: AnalyzeRequest) -> Article:
    """Build (and for a URL, fetch) the article off the event loop; InputError -> 422."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(service.article, request)


async def _ingest(service: Service, requests: list[AnalyzeRequest]) -> IngestResponse:
    from starlette.concurrency import run_in_threadpool

    from .store import flatten

    items: list[IngestItem] = []
    replaced: list[str] = []
    todo: list[tuple[int, Article]] = []
    for index, request in enumerate(requests):
        try:
            article = await _article(service, request)
        except InputError as error:
            items.append(IngestItem(index=index, status="rejected", reason=str(error)))
            continue
        todo.append((index, article))

    def analyse() -> list[Any]:
        from .pipeline import default_pipeline

        analyses = default_pipeline().analyze_many([a for _, a in todo], on_error=None)
        return [flatten(analysis) for analysis in analyses]

    if todo:
        rows = await service.run_analysis(analyse)

        def write() -> Any:
            with service.write_lock:
                return service.store.write_batch(rows)

        result = await run_in_threadpool(write)
        stored = set(result.stored)
        replaced = list(result.replaced)
        for index, article in todo:
            status: Literal["stored", "present"] = "stored" if article.id in stored else "present"
            items.append(IngestItem(index=index, article_id=article.id, status=status))
    items.sort(key=lambda item: item.index)
    return IngestResponse(
        stored=sum(i.status == "stored" for i in items),
        present=sum(i.status == "present" for i in items),
        rejected=sum(i.status == "rejected" for i in items),
        replaced=replaced,
        items=items,
    )
