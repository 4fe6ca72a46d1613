"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from portal import services
from portal.deps import ResourcesDep
from portal.schemas import HealthPublic, ReadyPublic

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic)
def health() -> HealthPublic:
    """The process answers."""
    return HealthPublic()


@router.get("/ready", response_model=ReadyPublic, responses={503: {"model": ReadyPublic}})
def ready(resources: ResourcesDep) -> JSONResponse:
    """Database, Qdrant and models answer; 503 with the failing checks otherwise."""
    report = services.readiness(resources)
    return JSONResponse(report.model_dump(), status_code=200 if report.ready else 503)
