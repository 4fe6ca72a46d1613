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
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from core.config import Settings
from core.errors import ConfigError
from portal.errors import install_error_handlers
from portal.routes import approvals, chat, health, me, pages, recommendations
from portal.services.gate import TurnGate
from tools.context import Resources

log = logging.getLogger("salesagent.portal")
HERE = Path(__file__).resolve().parent


class BodySizeLimit:
    """Refuse a request whose declared body is larger than ``limit`` bytes with 413, before reading it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.limit):
                body = b'{"detail":"request body too large"}'
                await send({"type": "http.response.start", "status": 413,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def body_limit_for(settings: Settings) -> int:
    """Return the largest accepted request body: room for a maximal message in JSON, at least 64 KiB."""
    return max(64 * 1024, 8 * settings.max_message_chars + 4096)


def create_app(settings: Settings, resources: Resources | None = None, *,
               build: Callable[[Settings], Resources] | None = None) -> FastAPI:
    """Return the portal app over ``resources``, or over the resources ``build(settings)`` makes in the lifespan
    (the composition root, ``salesagent.wiring``, passes its builder; the portal does not import it)."""
    if resources is None and build is None:
        raise ConfigError("create_app needs resources or a builder of them")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.resources is None
        if owned:
            assert build is not None
            app.state.resources = build(settings)
            app.state.turn_gate = TurnGate.for_engine(app.state.resources.engine)
            log.info("portal resources: %s", "; ".join(app.state.resources.notes))
        try:
            yield
        finally:
            if owned:
                app.state.resources.close()
                app.state.resources = None

    app = FastAPI(title="salesagent portal", version="0.1.0", lifespan=lifespan,
                  description="Customer chat and recommendations, GDPR self-service, and the staff price-approval "
                              "queue. Authenticate with `Authorization: Bearer <token>` (`salesagent demo` prints "
                              "demo tokens).")
    app.state.settings = settings
    app.state.resources = resources
    app.state.turn_gate = TurnGate.for_engine(resources.engine) if resources is not None else TurnGate(None)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    install_error_handlers(app)
    for module in (health, chat, recommendations, me, approvals, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(BodySizeLimit, limit=body_limit_for(settings))
    return app

