"""The app factory: settings and resources in, a FastAPI app out (routers, pages, static files, one error map).

``create_app(settings, resources=None)``: pass resources to share ones already built (tests, the demo);
otherwise the lifespan builds them once with ``salesagent.wiring.build_resources`` and closes them at shutdown.
``app_from_env()`` is the uvicorn factory used by ``salesagent serve``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from core.config import Settings, get_settings
from portal.errors import install_error_handlers
from portal.routes import approvals, chat, health, me, pages, recommendations
from portal.services.gate import TurnGate

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


def create_app(settings: Settings, resources: Any = None) -> FastAPI:
    """Return the portal app; resources are built in the lifespan unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.resources is None
        if owned:
            from salesagent.wiring import build_resources

            app.state.resources = build_resources(settings)
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


def app_from_env() -> FastAPI:
    """Return the app for the process-wide settings (the uvicorn factory of ``salesagent serve``)."""
    return create_app(get_settings())
