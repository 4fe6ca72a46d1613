"""Helpers for tests that change the shared test company (an objection to profiling, an onboarding answer): read
the state back, restore it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

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
def _company_reset_after(engine: Engine, company_id: int, reset: Callable[[Session, Company], None]) -> Iterator[None]:
    """Run the block, then put one thing of the shared test company back, in its own session."""
    try:
        yield
    finally:
        with Session(engine) as s:
            company = s.get(Company, company_id)
            assert company is not None
            reset(s, company)


def objection_withdrawn_after(engine: Engine, company_id: int) -> AbstractContextManager[None]:
    """Run the block, then withdraw the company's objection so later tests see it personalised again."""
    return _company_reset_after(engine, company_id, lambda s, company: record_profiling_choice(
        s, company, opt_out=False, actor="test", via="test"))


def interests_forgotten_after(engine: Engine, company_id: int) -> AbstractContextManager[None]:
    """Run the block, then clear what the company said at onboarding so later tests see a new customer again."""

    def forget(s: Session, company: Company) -> None:
        company.interests = None
        s.add(company)
        s.commit()

    return _company_reset_after(engine, company_id, forget)
