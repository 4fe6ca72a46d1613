"""`salesagent serve` helpers and the demo tokens printed by `salesagent demo`."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from sqlmodel import Session, select

from core.errors import ConfigError
from portal.auth import authenticate, hash_token, issue_demo_tokens
from salesagent.cli.serve import check_workers, portal_urls, print_demo_access
from store.models import AuthToken, StaffUser


def test_demo_tokens_log_in_and_are_stored_hashed(world) -> None:  # type: ignore[no-untyped-def]
    with Session(world.engine) as s:
        tokens = issue_demo_tokens(s)
    assert [t.role for t in tokens] == ["customer", "customer", "sales", "admin"]
    assert tokens[0].company_id != tokens[1].company_id
    assert len({t.token for t in tokens}) == 4
    with Session(world.engine) as s:
        for t in tokens:
            principal = authenticate(s, t.token)
            assert principal.role == t.role
            row = s.exec(select(AuthToken).where(AuthToken.token_hash == hash_token(t.token))).one()
            assert row.token_hash != t.token and len(row.token_hash) == 64
        assert s.exec(select(StaffUser).where(StaffUser.username == "sales.demo")).one().role.value == "sales"
    with Session(world.engine) as s:
        again = issue_demo_tokens(s)
        assert {t.token for t in again}.isdisjoint({t.token for t in tokens})
        assert len(s.exec(select(StaffUser).where(StaffUser.username == "admin.demo")).all()) == 1


def test_print_demo_access_prints_urls_and_tokens(world) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    tokens = print_demo_access(world.settings, world.engine, host="0.0.0.0", port=8123,
                               console=Console(file=out, width=200))
    text = out.getvalue()
    assert "http://127.0.0.1:8123/ui/chat" in text and "http://127.0.0.1:8123/ui/staff" in text
    assert all(t.token in text for t in tokens)


def test_urls_and_workers() -> None:
    assert portal_urls("10.0.0.5", 9000)["API docs"] == "http://10.0.0.5:9000/docs"
    from core.config import Settings

    local = Settings(_env_file=None)  # type: ignore[call-arg]
    check_workers(local, 1)
    with pytest.raises(ConfigError, match="needs a Qdrant server"):
        check_workers(local, 2)
    check_workers(Settings(_env_file=None, qdrant_url="http://127.0.0.1:6333"), 4)  # type: ignore[call-arg]


def test_demo_ends_with_the_serve_step() -> None:
    from salesagent.cli.data import DEMO_STEPS

    assert DEMO_STEPS[-1].name == "serve" and DEMO_STEPS[-1].foreground
