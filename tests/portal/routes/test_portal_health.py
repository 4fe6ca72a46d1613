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


def test_a_background_start_up_answers_health_at_once_and_ready_when_built(world) -> None:  # type: ignore[no-untyped-def]
    """``salesagent serve`` builds the resources in a thread: /health answers "starting" meanwhile, /ready and the
    API answer 503 with Retry-After, and both turn ready once the build returns."""
    import threading

    release = threading.Event()

    def slow_build(settings):  # type: ignore[no-untyped-def]
        release.wait(10)
        return world.resources

    app = create_app(world.settings, build=slow_build, background=True)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/health").json() == {"status": "starting"}
        ready = c.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["startup"].startswith("warming up")
        chat = c.post("/chat", json={"message": "S201-B16"}, headers={"Authorization": "Bearer sac_x"})
        assert chat.status_code == 503 and chat.headers["Retry-After"]
        assert "starting" in chat.json()["detail"]
        release.set()
        assert app.state.startup.wait(10)
        assert c.get("/health").json() == {"status": "ok"}
        assert c.get("/ready").status_code == 200
        app.state.resources = None  # the world's resources outlive this app: the fixture closes them


def test_a_failed_background_start_up_is_reported_by_health_and_ready(world) -> None:  # type: ignore[no-untyped-def]
    from core.errors import ResourceBusyError

    def failing_build(settings):  # type: ignore[no-untyped-def]
        raise ResourceBusyError("the vector index is open in another process")

    app = create_app(world.settings, build=failing_build, background=True)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert app.state.startup.wait(10)
        health = c.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "failed"
        assert "another process" in health.json()["detail"]
        assert "another process" in c.get("/ready").json()["checks"]["startup"]
        me = c.get("/recommendations", headers={"Authorization": "Bearer sac_x"})
        assert me.status_code == 503 and "could not start" in me.json()["detail"]
