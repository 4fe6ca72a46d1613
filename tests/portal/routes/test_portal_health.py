"""GET /health and GET /ready."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from portal.app import create_app


def test_health_answers_without_a_token(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_ready_checks_database_qdrant_and_models(client: TestClient) -> None:
    r = client.get("/ready")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ready"] is True
    assert body["checks"] == {"database": "ok", "qdrant": "ok", "models": "ok"}


def test_ready_is_503_and_names_what_is_missing(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from salesagent.wiring import Resources

    broken = Resources(settings=world.settings, engine=create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db"),
                       catalog=None, recommender=None, masker=None, vaults=None)
    with TestClient(create_app(world.settings, broken), raise_server_exceptions=False) as c:
        r = c.get("/ready")
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["database"].startswith("error: OperationalError")
    assert checks["qdrant"] == "error: catalogue search not built"
    assert checks["models"] == "error: not loaded: recommender"
    assert r.json()["ready"] is False


def test_openapi_lists_every_api_route(client: TestClient) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    paths = set(r.json()["paths"])
    assert {"/chat", "/recommendations", "/recommendations/{recommendation_id}/why", "/events",
            "/me/profiling-opt-out", "/me/data", "/me", "/me/approvals", "/approvals", "/approvals/{approval_id}",
            "/approvals/{approval_id}/approve", "/approvals/{approval_id}/reject", "/health", "/ready"} <= paths
    assert not any(p.startswith("/ui") for p in paths)
    assert "HTTPBearer" in r.json()["components"]["securitySchemes"]
