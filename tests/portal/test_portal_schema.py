"""Property-based test of the API against its own OpenAPI schema (issue 17, item 7): schemathesis generates valid
and invalid requests for every operation (paths, queries, bodies, ids at and past their bounds) and no answer may
be a 5xx. It runs in-process over a world of its own (a separate database), because it approves, rejects, opts
out, rotates tokens and erases contacts at random.

Callers: customer operations as a customer of a fresh company (a new one per example for the operations that
revoke the caller's token: ``DELETE /me``, ``POST /tokens/rotate``), operations tagged ``staff`` as a sales user.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from portal_dataset import bearer
from schemathesis.checks import not_a_server_error
from sqlmodel import Session

from portal.auth import issue_token
from store.models import Company, Contact

pytestmark = pytest.mark.slow

EXAMPLES = 30
REVOKES_THE_CALLER = {("DELETE", "/me"), ("POST", "/tokens/rotate")}


@pytest.fixture(scope="module")
def schema_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from portal_world import build_world  # the portal fixtures' builder, on a database of its own

    w = build_world(tmp_path_factory.mktemp("schema") / "var")
    yield w
    w.resources.close()


@pytest.fixture(scope="module")
def schema_app(schema_world: Any) -> Any:
    from agent.intent_model import classifier_for
    from portal.app import create_app

    # the app after its start-up warm-up: the first turn of a process waits for the intent classifier (fitted
    # once per examples and embedder, seconds to a minute on a busy machine), longer than the 10 s request timeout
    classifier_for(schema_world.settings.models_dir, schema_world.resources.catalog.embedder)
    return create_app(schema_world.settings, schema_world.resources)


_seq = itertools.count(1)


def _fresh_customer(world: Any) -> str:
    n = next(_seq)
    with Session(world.engine) as s:
        company = Company(external_id=f"FUZZ-{n}", name=f"Fuzz Company {n}", industry="electrical_contractor")
        s.add(company)
        s.flush()
        contact = Contact(company_id=company.id, full_name=f"Fuzz Contact {n}", email=f"fuzz{n}@example.pl")  # type: ignore[arg-type]
        s.add(contact)
        s.flush()
        token = issue_token(s, role="customer", contact_id=contact.id)
        s.commit()
    return token


@pytest.fixture(scope="module")
def callers(schema_world: Any) -> dict[str, str]:
    with Session(schema_world.engine) as s:
        sales = issue_token(s, role="sales", staff_user_id=schema_world.ids.staff_id)
        s.commit()
    return {"customer": _fresh_customer(schema_world), "sales": sales}


def _openapi() -> dict[str, Any]:
    """The portal's OpenAPI document, from an app whose resources are never built (routes are all it needs)."""
    from core.config import Settings
    from portal.app import create_app

    def never(_: Settings) -> Any:
        raise AssertionError("the schema app serves no request")

    return create_app(Settings(_env_file=None), build=never).openapi()  # type: ignore[call-arg]


# loaded at collection, so that every operation is one test (``from_fixture`` does not work with pytest 9);
# the requests go to the module's own app with real resources (``app=`` below)
schema = schemathesis.openapi.from_dict(_openapi())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case: Any, schema_world: Any, schema_app: Any, callers: dict[str, str]) -> None:
    key = (case.method.upper(), case.operation.path)
    if key in REVOKES_THE_CALLER:
        token = _fresh_customer(schema_world)
    elif "staff" in (case.operation.tags or []):
        token = callers["sales"]
    else:
        token = callers["customer"]
    case.call_and_validate(app=schema_app, headers=bearer(token), checks=[not_a_server_error])


def test_the_schema_covers_the_api() -> None:
    """The property test above runs over every operation (a route missing from the schema is not tested)."""
    paths = {op.path for op in (result.ok() for result in schema.get_all_operations())}
    assert {"/chat", "/events", "/me", "/approvals/{approval_id}/approve", "/recommendations/{recommendation_id}/why",
            "/tokens/rotate"} <= paths, sorted(paths)
