"""Portal fixtures: one seeded SQLite database, the real resources (catalogue search, recommender, masker) built
once with ``salesagent.wiring``, one app, and tokens for customers of companies A, B and C and for staff.

Tests that change the caller's own state (opt-out, erasure) make a fresh company with ``new_customer``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from portal_dataset import bearer
from portal_world import World, build_world, make_settings
from sqlmodel import Session

from portal.auth import issue_token
from store.models import Company, Contact

__all__ = ["World", "bearer", "make_settings"]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build_world(tmp_path_factory.mktemp("portal") / "var")
    yield w
    w.resources.close()


@pytest.fixture(scope="session")
def app(world: World) -> Any:
    from portal.app import create_app

    return create_app(world.settings, world.resources)


@pytest.fixture
def app_with(world: World) -> Any:
    """Return a factory: a portal app over the shared resources with some settings changed (``**overrides``)."""
    from portal.app import create_app

    def make(**overrides: Any) -> Any:
        return create_app(make_settings(world.settings.data_dir, **overrides), world.resources)

    return make


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def db(world: World) -> Iterator[Session]:
    with Session(world.engine) as s:
        yield s


def _token(world: World, **kwargs: Any) -> str:
    with Session(world.engine) as s:
        token = issue_token(s, **kwargs)
        s.commit()
    return token


@pytest.fixture(scope="session")
def tokens(world: World) -> dict[str, str]:
    """Plain tokens: customer A, B, C (new company, no orders), sales and admin."""
    i = world.ids
    return {
        "a": _token(world, role="customer", contact_id=i.contact_a),
        "b": _token(world, role="customer", contact_id=i.contact_b),
        "c": _token(world, role="customer", contact_id=i.contact_c),
        "sales": _token(world, role="sales", staff_user_id=i.staff_id),
        "admin": _token(world, role="admin", staff_user_id=i.admin_id),
    }


@pytest.fixture(scope="session")
def h(tokens: dict[str, str]) -> dict[str, dict[str, str]]:
    """Authorization headers by the same keys as ``tokens``."""
    return {k: bearer(v) for k, v in tokens.items()}


_seq = itertools.count(1)


@pytest.fixture
def new_customer(world: World) -> Any:
    """Return a factory: a fresh company with one contact, its token and ids."""

    def make(**company_fields: Any) -> tuple[str, int, int]:
        n = next(_seq)
        with Session(world.engine) as s:
            company = Company(external_id=f"PT-NEW-{n}", name=f"Fresh Company {n}", industry="electrical_contractor",
                              size_band="1-9", **company_fields)
            s.add(company)
            s.flush()
            contact = Contact(company_id=company.id, full_name=f"Ewa Fresh {n}", email=f"ewa{n}@example.pl",
                              phone="+48 500 000 000")
            s.add(contact)
            s.flush()
            token = issue_token(s, role="customer", contact_id=contact.id)
            s.commit()
            return token, company.id, contact.id  # type: ignore[return-value]

    return make
