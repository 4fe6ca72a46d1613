"""Protected attributes, kept apart so that only the equality audit reads them.

Ranking, tools and the agent must never import this module; ``tests/test_protected_boundary.py`` enforces it.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ProtectedAttributes(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    gender: str | None = Field(default=None, max_length=16)
    age_band: str | None = Field(default=None, max_length=16)
    nationality: str | None = Field(default=None, max_length=64)
