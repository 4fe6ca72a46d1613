"""The one place domain errors become HTTP: a handler for ``SalesAgentError`` and one for request validation.

API callers get ``{"detail": "..."}`` with the error's ``http_status`` (plus ``WWW-Authenticate`` on 401 and
``Retry-After`` on 429, ``core.errors.RateLimitedError``); page routes (``/ui``) get a small HTML page instead,
with the same headers, or a redirect to the login page when they are not authenticated. Unexpected exceptions become a
generic 500 without a traceback in the body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import RateLimitedError, SalesAgentError, StartingUpError
from portal.auth import AuthenticationError

log = logging.getLogger("salesagent.portal")

UI_PREFIX = "/ui"


def readable_validation_error(errors: list[Any]) -> str:
    """Return one sentence per failed field, e.g. ``body.message: field required``."""
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            msg = f"malformed JSON ({ctx.get('error', 'cannot parse')})"
            loc = "body"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts) or "invalid request"


def _is_ui(request: Request) -> bool:
    return request.url.path.startswith(UI_PREFIX)


def _ui_page(request: Request, status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status, headers=headers)


def _headers_for(exc: SalesAgentError) -> dict[str, str] | None:
    """Return the headers an error's status promises: ``WWW-Authenticate`` on 401, ``Retry-After`` on 429 and on
    the 503 of a portal still starting."""
    if isinstance(exc, AuthenticationError):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, RateLimitedError | StartingUpError):
        return {"Retry-After": str(exc.retry_after)}
    return None


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    """Map any ``SalesAgentError`` to its HTTP status with a one-line ``detail``."""
    assert isinstance(exc, SalesAgentError)
    status = exc.http_status
    if status >= 500 and not isinstance(exc, StartingUpError):  # a warming portal is not an error
        log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    headers = _headers_for(exc)
    if _is_ui(request):
        if isinstance(exc, AuthenticationError):
            return RedirectResponse("/", status_code=303)
        return _ui_page(request, status, str(exc), headers)
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    """Malformed JSON or fields: 422 with a readable ``detail`` and the raw ``errors`` list."""
    assert isinstance(exc, RequestValidationError)
    detail = readable_validation_error(list(exc.errors()))
    if _is_ui(request):
        return _ui_page(request, 422, detail)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
    return JSONResponse({"detail": detail, "errors": errors}, status_code=422)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Framework errors (unknown path, wrong method, a body over the limit) keep their status and headers, as
    HTML on pages."""
    assert isinstance(exc, StarletteHTTPException)
    if _is_ui(request):
        return _ui_page(request, exc.status_code, str(exc.detail), exc.headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def unexpected_error_handler(request: Request, exc: Exception) -> Response:
    """Anything else is our bug: log it with its traceback, answer 500 without internals."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on the app (called once by ``create_app``)."""
    app.add_exception_handler(SalesAgentError, domain_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
