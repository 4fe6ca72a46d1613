"""Start-up in the background: the process answers ``/health`` at once while the application is imported
(:class:`DeferredApp`) and its resources (embedding model, catalogue index sync, ranking model, Presidio) are
built in a thread (:class:`Startup`); ``/ready`` and every route that needs them answer 503 with ``Retry-After``
until they are there, and say why if building them failed. Imports nothing heavy: ``salesagent serve`` listens
before FastAPI is loaded."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.config import Settings
from core.errors import StartingUpError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from tools.context import Resources

log = logging.getLogger("salesagent.portal")


def unready_check(error: str | None, started: float, loading: str) -> str:
    """Return ``/ready``'s ``checks.startup`` line while the portal is not serving: the failure, or how long it
    has been warming up and what it is loading."""
    if error:
        return f"error: start-up failed: {error}"
    return f"warming up ({time.monotonic() - started:.0f} s): {loading}"


def unavailable_detail(error: str | None, loading: str) -> str:
    """Return the ``detail`` of the 503 every other request gets meanwhile."""
    if error:
        return f"the portal could not start ({error}); see the server log"
    return f"the portal is starting ({loading}); retry in a few seconds"


class Startup:
    """Builds the app's resources once in a daemon thread and installs them on ``app.state`` when done."""

    def __init__(self, app: FastAPI, settings: Settings, build: Callable[[Settings], Resources]) -> None:
        self._app, self._settings, self._build = app, settings, build
        self.started = time.monotonic()
        self.error: str | None = None
        """One line: why building the resources failed (the process then stays unready; /health says so)."""
        self.exception: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="portal-startup", daemon=True)

    def begin(self) -> Startup:
        self._thread.start()
        return self

    def _run(self) -> None:
        from portal.services.gate import TurnGate

        try:
            resources = self._build(self._settings)
        except Exception as err:  # noqa: BLE001 - reported by /health, /ready and every 503 below
            self.error, self.exception = f"{type(err).__name__}: {err}", err
            log.error("portal start-up failed: %s", self.error)
        else:
            self._app.state.turn_gate = TurnGate.for_engine(resources.engine)
            self._app.state.resources = resources
            log.info("portal resources in %.1f s: %s", time.monotonic() - self.started, "; ".join(resources.notes))
        finally:
            self._done.set()

    @property
    def warming(self) -> bool:
        return not self._done.is_set()

    LOADING = "loading models and the catalogue index"

    def status(self) -> str:
        """One line for ``/ready``'s checks."""
        if self.error or self.warming:
            return unready_check(self.error, self.started, self.LOADING)
        return "ok"

    def unavailable(self) -> StartingUpError:
        """The 503 a request gets while the resources are not there."""
        return StartingUpError(unavailable_detail(self.error, self.LOADING))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the build finished (tests, shutdown); True when it did."""
        return self._done.wait(timeout)


_STARTING_PAGE = (b'<!doctype html><html lang="pl"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">'
                  b'<meta name="viewport" content="width=device-width"><title>salesagent</title></head><body>'
                  b'<p>Uruchamianie&hellip; strona od\xc5\x9bwie\xc5\xbcy si\xc4\x99 sama. / Starting&hellip; this '
                  b'page reloads by itself.</p></body></html>')


class DeferredApp:
    """An ASGI app that answers at once and imports the real one in a thread.

    Importing the portal (FastAPI, SQLAlchemy, pandas, the ranking and agent code) takes seconds; a server that
    waits for it is silent meanwhile. This wrapper lets uvicorn listen immediately: ``/health`` says
    ``starting``, ``/ready`` 503, every other request 503 with ``Retry-After`` (a page that reloads itself for a
    browser) until ``load()`` has returned the real app and its lifespan has started; then it passes everything
    on. A failing ``load`` makes ``/health`` answer 503 ``failed`` with the reason.

    ``on_failure`` (``salesagent serve``: stop the server) is called when the load or the app's background
    start-up fails; ``exception`` then holds the error, for the command to report as one line with its exit code
    (a second server on a held index: 3).
    """

    LOADING = "loading the application"

    def __init__(self, load: Callable[[], Any], *, on_failure: Callable[[], None] | None = None) -> None:
        self._load = load
        self._on_failure = on_failure
        self._app: Any = None
        self._lifespan: Any = None
        self._task: asyncio.Task[None] | None = None
        self.started = time.monotonic()
        self.error: str | None = None
        self.exception: BaseException | None = None

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan_events(receive, send)
        elif self._app is not None:
            await self._app(scope, receive, send)
        elif scope["type"] == "http":
            await self._answer_starting(scope, send)

    async def _lifespan_events(self, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._task = asyncio.get_running_loop().create_task(self._start())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._task is not None:
                    await self._task
                if self._lifespan is not None:
                    await self._lifespan.__aexit__(None, None, None)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _start(self) -> None:
        try:
            app = await asyncio.to_thread(self._load)
            lifespan = app.router.lifespan_context(app)
            await lifespan.__aenter__()
        except Exception as err:  # noqa: BLE001 - reported by /health, /ready and every 503
            self.error, self.exception = f"{type(err).__name__}: {err}", err
            log.error("portal start-up failed: %s", self.error)
            self._stop()
            return
        self._lifespan, self._app = lifespan, app
        startup = getattr(app.state, "startup", None)
        if startup is not None and self._on_failure is not None:
            await asyncio.to_thread(startup.wait)
            if startup.exception is not None:
                self.exception = startup.exception
                self._stop()

    def _stop(self) -> None:
        if self._on_failure is not None:
            self._on_failure()

    async def _answer_starting(self, scope: dict[str, Any], send: Callable[..., Any]) -> None:
        path = scope.get("path", "")
        status, body, kind = 503, b"", b"application/json"
        check = unready_check(self.error, self.started, self.LOADING)
        if path == "/health":
            status = 503 if self.error else 200
            body = json.dumps({"status": "failed", "detail": check} if self.error else {"status": "starting"}).encode()
        elif path == "/ready":
            body = json.dumps({"ready": False, "checks": {"startup": check}}).encode()
        elif not self.error and b"text/html" in dict(scope.get("headers", [])).get(b"accept", b""):
            body, kind = _STARTING_PAGE, b"text/html; charset=utf-8"
        else:
            body = json.dumps({"detail": unavailable_detail(self.error, self.LOADING)}).encode()
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                   (b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]
        if status == 503 and path not in ("/health", "/ready"):
            headers.append((b"retry-after", b"2"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
