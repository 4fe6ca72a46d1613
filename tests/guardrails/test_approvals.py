"""The price gate: state machine, roles, exactly-once under concurrency (two sessions, real SQLite), expiry, audit."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from guardrails.approvals import (
    allowed_prices,
    approved_offers,
    decide,
    expire_due,
    find_open_request,
    offer_prices,
    request_price_change,
)
from store.models import ApprovalStatus, AuditLog, PriceApproval, StaffUser


def _staff(session: Session, username: str) -> StaffUser:
    return session.exec(select(StaffUser).where(StaffUser.username == username)).one()


def _request(session: Session, **kw) -> PriceApproval:  # type: ignore[no-untyped-def]
    args = {"company_id": 1, "conversation_id": None, "skus": ["S201-B16"], "kind": "discount",
            "proposed_change": {"unit_price": "16.50"}, "reason": "volume order", "ttl_hours": 24}
    args.update(kw)
    return request_price_change(session, **args)


def _audit(session: Session, approval_id: int) -> list[str]:
    rows = session.exec(select(AuditLog).where(AuditLog.entity_id == str(approval_id)).order_by(AuditLog.id)).all()
    return [r.action for r in rows]


def test_request_is_pending_and_audited(catalogue: Session) -> None:
    row = _request(catalogue)
    assert row.status == ApprovalStatus.pending and row.version == 0
    assert _audit(catalogue, row.id) == ["price_approval.requested"]


def test_request_validation(catalogue: Session) -> None:
    with pytest.raises(InputError):
        _request(catalogue, kind="free_money")
    with pytest.raises(NotFoundError):
        _request(catalogue, skus=["NOPE-1"])


def test_approve_sets_offer_and_allowed_prices(catalogue: Session) -> None:
    row = _request(catalogue)
    assert allowed_prices(catalogue, 1, "S201-B16") == {Decimal("18.90")}
    decided = decide(catalogue, approval_id=row.id, staff=_staff(catalogue, "sara"), approve=True, note="ok")
    assert decided.status == ApprovalStatus.approved and decided.version == 1 and decided.decided_by == "sara"
    assert allowed_prices(catalogue, 1, "S201-B16") == {Decimal("18.90"), Decimal("16.50")}
    assert allowed_prices(catalogue, 2, "S201-B16") == {Decimal("18.90")}  # another company: catalogue only
    assert [o.id for o in approved_offers(catalogue, 1)] == [row.id]
    assert _audit(catalogue, row.id) == ["price_approval.requested", "price_approval.approved"]


def test_discount_in_percent_grants_the_discounted_catalogue_price(catalogue: Session) -> None:
    one = _request(catalogue, proposed_change={"discount_percent": 10})
    decided = decide(catalogue, approval_id=one.id, staff=_staff(catalogue, "sara"), approve=True)
    assert decided.approved_unit_price == Decimal("17.01")  # 18.90 less 10 %, frozen at the decision
    assert allowed_prices(catalogue, 1, "S201-B16") == {Decimal("18.90"), Decimal("17.01")}
    two = _request(catalogue, skus=["GW44206", "YDY-3X25-100"], proposed_change={"discount_percent": 5})
    decide(catalogue, approval_id=two.id, staff=_staff(catalogue, "sara"), approve=True)
    assert two.approved_unit_price is None  # several products: each price follows from its catalogue price
    assert allowed_prices(catalogue, 1, "GW44206") == {Decimal("123.45"), Decimal("117.28")}
    assert offer_prices(two, "YDY-3X25-100", Decimal("389.00")) == {Decimal("369.55")}
    assert offer_prices(two, "YDY-3X25-100") == set()  # without the catalogue price nothing can be derived
    odd = _request(catalogue, proposed_change={"discount_percent": "lots"})
    decided = decide(catalogue, approval_id=odd.id, staff=_staff(catalogue, "sara"), approve=True)
    assert decided.status == ApprovalStatus.approved and decided.approved_unit_price is None  # not blocked


def test_find_open_request_answers_repeats_not_new_asks(catalogue: Session) -> None:
    def find(skus: list[str], change: dict, **kw) -> int | None:  # type: ignore[type-arg]
        row = find_open_request(catalogue, company_id=kw.get("company_id", 1), skus=skus,
                                kind=kw.get("kind", "discount"), proposed_change=change, now=kw.get("now"))
        return None if row is None else row.id

    pending = _request(catalogue, proposed_change={"discount_percent": 10}, ttl_hours=1)
    assert find(["S201-B16"], {"discount_percent": 10}) == pending.id  # asked twice: the same request
    assert find(["S201-B16"], {}) == pending.id  # "what about my price?" names no change
    assert find(["S201-B16"], {"discount_percent": 15}) is None  # a different ask is a new request
    assert find(["S201-B16"], {}, kind="quote") is None
    assert find(["S201-B16", "GW44206"], {}) is None
    assert find(["S201-B16"], {}, company_id=2) is None
    assert find(["S201-B16"], {}, now=datetime.now(UTC) + timedelta(hours=2)) is None  # expired
    decide(catalogue, approval_id=pending.id, staff=_staff(catalogue, "sara"), approve=True)
    assert find(["S201-B16"], {}) == pending.id  # approved and unexpired: still the answer
    newer = _request(catalogue, proposed_change={"discount_percent": 20})
    assert find(["S201-B16"], {}) == pending.id  # the usable offer before a newer pending ask
    assert find(["S201-B16"], {"discount_percent": 20}) == newer.id
    rejected = _request(catalogue, skus=["GW44206"], proposed_change={})
    decide(catalogue, approval_id=rejected.id, staff=_staff(catalogue, "sara"), approve=False, note="no")
    assert find(["GW44206"], {}) is None  # after a rejection the customer may ask again


def test_reject_needs_note_and_only_sales_or_admin_decide(catalogue: Session) -> None:
    row = _request(catalogue)
    with pytest.raises(InputError):
        decide(catalogue, approval_id=row.id, staff=_staff(catalogue, "sara"), approve=False, note="  ")
    warehouse = StaffUser(username="wh", full_name="Warehouse", role="warehouse")  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError):
        decide(catalogue, approval_id=row.id, staff=warehouse, approve=True)
    rejected = decide(catalogue, approval_id=row.id, staff=_staff(catalogue, "adam"), approve=False,
                      note="margin too low")
    assert rejected.status == ApprovalStatus.rejected and rejected.note == "margin too low"
    assert allowed_prices(catalogue, 1, "S201-B16") == {Decimal("18.90")}


def test_second_decision_and_stale_version_conflict(catalogue: Session) -> None:
    row = _request(catalogue)
    with pytest.raises(ConflictError):
        decide(catalogue, approval_id=row.id, staff=_staff(catalogue, "sara"), approve=True, expected_version=7)
    decide(catalogue, approval_id=row.id, staff=_staff(catalogue, "sara"), approve=True)
    with pytest.raises(ConflictError):
        decide(catalogue, approval_id=row.id, staff=_staff(catalogue, "adam"), approve=False, note="no")
    with pytest.raises(NotFoundError):
        decide(catalogue, approval_id=9999, staff=_staff(catalogue, "sara"), approve=True)


def test_expiry_of_pending_and_approved(catalogue: Session) -> None:
    now = datetime.now(UTC)
    pending = _request(catalogue, ttl_hours=1)
    approved = _request(catalogue, ttl_hours=2)
    decide(catalogue, approval_id=approved.id, staff=_staff(catalogue, "sara"), approve=True)
    later = now + timedelta(hours=3)
    assert allowed_prices(catalogue, 1, "S201-B16", now=later) == {Decimal("18.90")}  # expired offer not allowed
    assert expire_due(catalogue, now=later) == 2
    for row in (pending, approved):
        catalogue.refresh(row)
        assert row.status == ApprovalStatus.expired
        assert _audit(catalogue, row.id)[-1] == "price_approval.expired"
    assert expire_due(catalogue, now=later) == 0


def test_expiry_sweep_is_a_fixed_number_of_statements(engine: Engine, catalogue: Session) -> None:
    """The demo's history has 3,000 approved offers past their expiry; the first page view swept them one
    UPDATE each through the ORM (quadratic: 33 s). Now the sweep's statement count does not grow with the rows,
    each row is still audited, and a row a decision changed in between keeps its decision."""
    from sqlalchemy import event

    rows = [_request(catalogue, ttl_hours=1) for _ in range(60)]
    decide(catalogue, approval_id=rows[0].id, staff=_staff(catalogue, "sara"), approve=False, note="no")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert expire_due(catalogue, now=datetime.now(UTC) + timedelta(hours=2)) == 59
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert sum(s.lstrip().upper().startswith("UPDATE") for s in statements) == 2  # pending, approved
    assert len(statements) <= 6  # the two updates, one batched audit insert, the commit's bookkeeping
    statuses = {r.id: r.status for r in catalogue.exec(select(PriceApproval)).all()}
    assert statuses[rows[0].id] == ApprovalStatus.rejected
    assert all(statuses[r.id] == ApprovalStatus.expired for r in rows[1:])
    assert all(_audit(catalogue, r.id)[-1] == "price_approval.expired" for r in rows[1:])


def test_decision_after_expiry_conflicts(catalogue: Session) -> None:
    row = _request(catalogue, ttl_hours=1)
    with pytest.raises(ConflictError, match="expired"):
        decide(catalogue, approval_id=row.id, staff=_staff(catalogue, "sara"), approve=True,
               now=datetime.now(UTC) + timedelta(hours=2))
    catalogue.refresh(row)
    assert row.status == ApprovalStatus.expired


@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_decisions_exactly_one_wins(engine: Engine, catalogue: Session, round_: int) -> None:
    """Two threads, two sessions, one SQLite file: both read version 0, both decide; exactly one wins."""
    row = _request(catalogue)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide_in_own_session(username: str, approve: bool) -> None:
        with Session(engine) as s:
            seen = s.get(PriceApproval, row.id)
            staff = _staff(s, username)
            barrier.wait(timeout=10)
            try:
                decide(s, approval_id=row.id, staff=staff, approve=approve, note="race",
                       expected_version=seen.version)
                result = "won"
            except ConflictError:
                result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=decide_in_own_session, args=("sara", True)),
               threading.Thread(target=decide_in_own_session, args=("adam", False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    catalogue.expire_all()
    final = catalogue.get(PriceApproval, row.id)
    assert final.version == 1 and final.status in (ApprovalStatus.approved, ApprovalStatus.rejected)
    decisions = [a for a in _audit(catalogue, row.id) if a != "price_approval.requested"]
    assert len(decisions) == 1
