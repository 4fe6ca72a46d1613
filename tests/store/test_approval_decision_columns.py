"""Revision 0007: ``priceapproval.min_quantity`` (an approval's condition) and ``customer_notified_at`` (when the
assistant told the customer). A row of the previous revision survives the upgrade with both empty, the
downgrade drops them; the store finds a company's untold decisions and marks them told exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Settings
from store import approvals
from store.db import make_engine
from store.migrate import alembic_config, head_revision, upgrade_head
from store.models import ApprovalStatus, Company, PriceApproval


def _columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("priceapproval")}


def test_upgrade_adds_the_columns_and_keeps_old_rows_downgrade_removes_them(settings: Settings) -> None:
    engine = make_engine(settings)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    assert not {"min_quantity", "customer_notified_at"} & _columns(engine)
    with engine.begin() as conn:
        conn.execute(text("insert into company (external_id, name, funnel_stage, marketing_consent, "
                          "behaviour_legal_basis, profiling_opt_out, source, created_at) values ('C-1', 'Old Co', "
                          "'customer', 0, 'legitimate_interest', 0, 'manual', '2026-11-01 10:00:00')"))
        conn.execute(text("insert into priceapproval (company_id, product_skus, kind, proposed_change, reason, "
                          "status, requested_at, requested_by, expires_at, version) values (1, '[\"S201-B16\"]', "
                          "'discount', '{}', 'r', 'approved', '2026-12-01 10:00:00', 'agent', "
                          "'2026-12-04 10:00:00', 1)"))
    assert upgrade_head(engine) == ("0006", head_revision())
    assert {"min_quantity", "customer_notified_at"} <= _columns(engine)
    with Session(engine) as s:
        row = s.get(PriceApproval, 1)
        assert row is not None and row.min_quantity is None and row.customer_notified_at is None
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    assert not {"min_quantity", "customer_notified_at"} & _columns(engine)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from priceapproval")).scalar() == 1
    engine.dispose()


def test_untold_decisions_are_found_once_and_moot_ones_never(settings: Settings) -> None:
    engine = make_engine(settings)
    upgrade_head(engine)
    now = datetime.now(UTC)
    with Session(engine) as s:
        company = Company(external_id="C-T", name="Told Co")
        other = Company(external_id="C-O", name="Other Co")
        s.add_all([company, other])
        s.flush()

        def add(status: ApprovalStatus, company_id: int, *, decided: bool = True, hours_left: float = 24) -> int:
            row = PriceApproval(company_id=company_id, product_skus=["S201-B16"], kind="discount", status=status,
                                requested_at=now - timedelta(hours=2), expires_at=now + timedelta(hours=hours_left),
                                decided_at=now - timedelta(hours=1) if decided else None, min_quantity=50)
            s.add(row)
            s.flush()
            return int(row.id or 0)

        approved = add(ApprovalStatus.approved, company.id or 0)
        rejected = add(ApprovalStatus.rejected, company.id or 0)
        add(ApprovalStatus.pending, company.id or 0, decided=False)
        add(ApprovalStatus.rejected, company.id or 0, hours_left=-1)  # its request ran out: moot, never told
        add(ApprovalStatus.approved, other.id or 0)  # another company's
        s.commit()
        found = approvals.untold_decisions(s, company_id=company.id or 0, at=now, limit=5)
        assert [r.id for r in found] == [approved, rejected]
        assert found[0].min_quantity == 50
        assert approvals.mark_told(s, approval_ids=[approved, rejected], at=now) == [approved, rejected]
        assert approvals.mark_told(s, approval_ids=[approved], at=now) == []  # a second teller marks nothing
        s.commit()
        assert approvals.untold_decisions(s, company_id=company.id or 0, at=now, limit=5) == []
        assert s.get(PriceApproval, approved).customer_notified_at is not None  # type: ignore[union-attr]
    engine.dispose()
