"""Helpers for tests that make a shared test company object to profiling: read the state back, restore it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from guardrails.consent import record_profiling_choice
from store.models import AuditLog, Company


def objection_state(engine: Engine, company_id: int) -> tuple[bool, tuple[str, str] | None]:
    """Return the company's opt-out flag and its latest profiling audit row as (action, via)."""
    with Session(engine) as s:
        company = s.get(Company, company_id)
        assert company is not None
        rows = s.exec(select(AuditLog).where(AuditLog.entity == "company",
                                             AuditLog.entity_id == str(company_id))).all()
        last = (rows[-1].action, rows[-1].details["via"]) if rows else None
        return company.profiling_opt_out, last


@contextmanager
def objection_withdrawn_after(engine: Engine, company_id: int) -> Iterator[None]:
    """Run the block, then withdraw the company's objection so later tests see it personalised again."""
    try:
        yield
    finally:
        with Session(engine) as s:
            company = s.get(Company, company_id)
            assert company is not None
            record_profiling_choice(s, company, opt_out=False, actor="test", via="test")
