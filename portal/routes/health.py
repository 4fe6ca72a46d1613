"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from portal import services
from portal.schemas import HealthPublic, ReadyPublic

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic, responses={503: {"model": HealthPublic}})
def health(request: Request) -> JSONResponse:
    """The process answers (also while its models load: ``starting``); 503 ``failed`` when start-up failed."""
    startup = request.app.state.startup
    if startup is None or (not startup.warming and startup.error is None):
        report = HealthPublic()
    elif startup.warming:
        report = HealthPublic(status="starting")
    else:
        report = HealthPublic(status="failed", detail=startup.status())
    return JSONResponse(report.model_dump(exclude_none=True), status_code=503 if report.status == "failed" else 200)


@router.get("/ready", response_model=ReadyPublic, responses={503: {"model": ReadyPublic}})
def ready(request: Request) -> JSONResponse:
    """Database, Qdrant and models answer; 503 with the failing checks otherwise (also while starting)."""
    resources = request.app.state.resources
    if resources is None:
        startup = request.app.state.startup
        detail = startup.status() if startup is not None else "error: no resources"
        report = ReadyPublic(ready=False, checks={"startup": detail})
    else:
        report = services.readiness(resources)
    return JSONResponse(report.model_dump(), status_code=200 if report.ready else 503)
