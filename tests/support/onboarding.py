"""Helper for tests that let the shared cold-start company answer the onboarding question: forget the answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session

from store.models import Company


@contextmanager
def interests_forgotten_after(engine: Engine, company_id: int) -> Iterator[None]:
    """Run the block, then clear the company's recorded interests so later tests see a new customer again."""
    try:
        yield
    finally:
        with Session(engine) as s:
            company = s.get(Company, company_id)
            assert company is not None
            company.interests = None
            s.add(company)
            s.commit()
