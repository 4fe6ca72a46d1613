"""The app factory: settings and resources in, a FastAPI app out (routers, pages, static files, one error map).

``create_app(settings, resources)``: share resources already built (tests, the demo), or
``create_app(settings, build=...)``: the lifespan builds them once and closes them at shutdown. The roof
(``salesagent.wiring.portal_app`` / ``portal_app_from_env``, the uvicorn factory) passes its builder.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import messages
from core.config import Settings
from core.errors import ConfigError
from portal.errors import install_error_handlers
from portal.ratelimit import RateLimits
from portal.routes import (
    advisor,
    approvals,
    audit,
    chat,
    followups,
    health,
    home,
    kpi,
    me,
    merchandising,
    pages,
    recommendations,
    tokens,
)
from portal.services.gate import TurnGate
from portal.startup import Startup
from tools.context import Resources

log = logging.getLogger("salesagent.portal")
HERE = Path(__file__).resolve().parent


class BodyTooLarge(StarletteHTTPException):
    """A request body over the limit: 413 (an ``HTTPException``, so FastAPI's body reading passes it on instead of
    calling it a parse error), and the connection is closed rather than drained."""

    def __init__(self) -> None:
        super().__init__(413, "request body too large", headers={"Connection": "close"})


class BodySizeLimit:
    """Refuse a request body larger than ``limit`` bytes with 413, counting the bytes actually received.

    A declared ``Content-Length`` over the limit is refused before anything is read; a chunked body (or one whose
    length lies) is cut off as soon as the received bytes pass the limit, so at most ``limit`` plus one chunk of
    it is ever held in memory. The route sees :class:`BodyTooLarge` from ``receive()`` and the error map answers
    413; should the exception escape (a body read outside FastAPI's parsing), the middleware answers it. Both
    answers close the connection.

    Not FastAPI's own ``max_body_size`` (Starlette's ``RequestBodyLimitMiddleware``), which counts the same way
    but answers a declared length over the limit from outside the app's middleware: plain text, no security
    headers, and the connection stays open until the client gives up (a test waited its full 60 s socket timeout).
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge()
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    @staticmethod
    async def _refuse(send: Send) -> None:
        body = b'{"detail":"request body too large"}'
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""Our pages load only their own files: no inline script or style (``portal/static`` holds them), no framing."""

DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
"""FastAPI's own ``/docs`` and ``/redoc`` pages start Swagger UI / ReDoc with an inline script from a CDN; they
hold no customer data, and they get this looser policy so that they work at all where the CDN is reachable."""

DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """Add the security headers to every response: a CSP without inline script (looser on the API docs pages),
    ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``, ``nosniff``, ``Referrer-Policy: same-origin`` (so
    that form posts keep their ``Origin``), and ``Cache-Control: no-store`` on everything but ``/static`` (pages
    and API answers are private)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else PAGE_CSP
        cacheable = path.startswith("/static/")

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = csp
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if not cacheable:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_hardened)


class UnhandledErrors:
    """Answer an unexpected exception with a 500 ``internal error`` here, inside the app. Left to Starlette's
    ``ServerErrorMiddleware`` it is answered and then re-raised to the server, and uvicorn closes the
    connection: a keep-alive client's next request on it fails too, and the 500 misses the security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if started:
                raise
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            await JSONResponse({"detail": "internal error"}, status_code=500)(scope, receive, send)


def nav_label(key: str, lang: object = "en") -> str:
    """A header label of the pages in the page's language (``lang`` of the template; English when it has none)."""
    return messages.render("nav", key, lang if isinstance(lang, str) and lang in messages.LANGUAGES else "en")


def body_limit_for(settings: Settings) -> int:
    """Return the largest accepted request body: room for a maximal message in JSON, at least 64 KiB
    (:class:`BodySizeLimit` enforces it on the bytes actually read)."""
    return max(64 * 1024, 8 * settings.max_message_chars + 4096)


def create_app(settings: Settings, resources: Resources | None = None, *,
               build: Callable[[Settings], Resources] | None = None, background: bool = False) -> FastAPI:
    """Return the portal app over ``resources``, or over the resources ``build(settings)`` makes in the lifespan
    (the composition root, ``salesagent.wiring``, passes its builder; the portal does not import it).

    ``background``: build them in a thread (:class:`portal.startup.Startup`), so the server answers ``/health`` at
    once and ``/ready`` and the routes answer 503 with ``Retry-After`` until they are built (``salesagent serve``).
    """
    if resources is None and build is None:
        raise ConfigError("create_app needs resources or a builder of them")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.resources is None
        if owned:
            assert build is not None
            if background:
                app.state.startup = Startup(app, settings, build).begin()
            else:
                app.state.resources = build(settings)
                app.state.turn_gate = TurnGate.for_engine(app.state.resources.engine)
                log.info("portal resources: %s", "; ".join(app.state.resources.notes))
        try:
            yield
        finally:
            if owned:
                startup = app.state.startup
                if startup is not None:
                    startup.wait()  # a build still running owns files (the embedded index) until it ends
                if app.state.resources is not None:
                    app.state.resources.close()
                app.state.resources = None

    app = FastAPI(title="salesagent portal", version="0.1.0", lifespan=lifespan,
                  description="Customer chat and recommendations, GDPR self-service, and the staff price-approval "
                              "queue. Authenticate with `Authorization: Bearer <token>` (`salesagent demo` prints "
                              "demo tokens).")
    app.state.settings = settings
    app.state.resources = resources
    app.state.startup = None
    app.state.turn_gate = TurnGate.for_engine(resources.engine) if resources is not None else TurnGate(None)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.globals["nav"] = nav_label
    app.state.rate_limits = RateLimits(settings)
    install_error_handlers(app)
    for module in (health, chat, recommendations, me, approvals, tokens, kpi, followups, advisor, merchandising,
                   home,
                   audit, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(BodySizeLimit, limit=body_limit_for(settings))
    app.add_middleware(UnhandledErrors)
    app.add_middleware(SecurityHeaders)  # outermost of ours: the 413 and 500 below get the headers too
    return app

