"""The one read path of the protected attributes (gender, age band, nationality), for the equality audit alone.

Protected attributes are kept so that the shop can check that its outputs treat people alike, never to shape
those outputs. ``oversight.equality`` is the only module of the product that imports this one
(``tests/test_protected_boundary.py`` scans every module and fails on any other importer); ranking, tools, the
agent and the portal never see these values. The loader (``store.demo.load``) and erasure
(``store.companies``) touch the table to write or delete rows, not to read them.

Functions take an explicit session and keyword arguments and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlmodel import Session, col, select

from store.protected import ProtectedAttributes

PROTECTED_DIMENSIONS = ("gender", "age_band", "nationality")
"""The protected attributes the store keeps, in the order the audit reports them."""


class ProtectedGroups(NamedTuple):
    """The protected attributes the audit groups one company by (those of its main contact)."""

    gender: str | None
    age_band: str | None
    nationality: str | None


def protected_groups(session: Session, *, company_ids: Iterable[int] | None = None) -> dict[int, ProtectedGroups]:
    """Return ``{company id: its main contact's protected attributes}``.

    Recommendations and offers go to a company, while the attributes belong to people, so a company is grouped by
    its main contact: the first contact recorded (the owner of a micro or small firm in the demo); a row without
    a contact (a company-level record) only when no contact has one.
    """
    query = select(ProtectedAttributes)
    if company_ids is not None:
        wanted = sorted(set(company_ids))
        if not wanted:
            return {}
        query = query.where(col(ProtectedAttributes.company_id).in_(wanted))
    rows = session.exec(query.order_by(col(ProtectedAttributes.company_id), col(ProtectedAttributes.id))).all()
    out: dict[int, ProtectedGroups] = {}
    best: dict[int, tuple[bool, int, int]] = {}
    for row in rows:
        rank = (row.contact_id is None, row.contact_id or 0, row.id or 0)
        if row.company_id not in best or rank < best[row.company_id]:
            best[row.company_id] = rank
            out[row.company_id] = ProtectedGroups(row.gender, row.age_band, row.nationality)
    return out
