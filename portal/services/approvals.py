"""The staff approval queue over ``guardrails.approvals`` (the price gate): list, read with audit trail, decide.

A request is shown the way a decider weighs it: each product's catalogue name, the quantity asked about, the
line totals at the catalogue and at the proposed price, the margin where the store knows the cost price, the
masked excerpt of the conversation that led to it, and its audit trail as sentences (message catalogue section
``staff_page``), never raw JSON.

The caller is a :class:`~portal.auth.Staff` already (the dependency checked the role once)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlmodel import Session

import messages
from core.errors import InputError, NotFoundError
from guardrails import approvals as gate
from portal.auth import Staff
from portal.schemas import (
    ApprovalDetail,
    ApprovalLinePublic,
    ApprovalList,
    ApprovalPublic,
    AuditEntryPublic,
    ExcerptMessagePublic,
)
from store import approvals, catalog, companies
from store.models import ApprovalStatus, AuditLog, Company, Message, PriceApproval, Product

EXCERPT_TURNS = 2
"""Customer/assistant exchanges of the conversation shown with a request (the one that filed it and the one
before)."""
STAFF_LANG = "en"
TIME = "%Y-%m-%d %H:%M"
PERCENT_KEYS = ("discount_percent", "discount_pct")
SHOWN_ELSEWHERE = frozenset({*gate.PRICE_KEYS, *PERCENT_KEYS, "quantity", "unit_prices"})


def expire_due(session: Session) -> None:
    """Mark pending requests past their expiry as expired (delegates to the price gate)."""
    gate.expire_due(session)
    session.commit()


def _t(key: str, lang: str = STAFF_LANG, **values: Any) -> str:
    return messages.render("staff_page", key, lang, **values)


def _quantity(change: Mapping[str, Any]) -> int:
    """The quantity a request names (1 when it names none or something that is not a whole number)."""
    value = change.get("quantity")
    try:
        n = int(value) if value is not None and not isinstance(value, bool) else 1
    except (TypeError, ValueError):
        return 1
    return max(n, 1)


def _percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * 100).quantize(Decimal("0.1")) if whole else None


def _line(sku: str, product: Product | None, quantity: int, proposed: Decimal | None) -> ApprovalLinePublic:
    """One product of a request with its totals; margins only where the product has a cost price."""
    if product is None:
        return ApprovalLinePublic(sku=sku, quantity=quantity, proposed_unit_price=proposed,
                                  proposed_total=proposed * quantity if proposed is not None else None)
    unit = Decimal(product.unit_price).quantize(gate.CENT)
    cost = Decimal(product.cost_price).quantize(gate.CENT) if product.cost_price is not None else None
    line = ApprovalLinePublic(sku=sku, name=product.name, quantity=quantity, catalogue_unit_price=unit,
                              proposed_unit_price=proposed, catalogue_total=unit * quantity,
                              proposed_total=proposed * quantity if proposed is not None else None)
    if cost is not None:
        line.catalogue_margin = (unit - cost) * quantity
        line.catalogue_margin_percent = _percent_of(unit - cost, unit)
        if proposed is not None:
            line.proposed_margin = (proposed - cost) * quantity
            line.proposed_margin_percent = _percent_of(proposed - cost, proposed)
    return line


def _products_text(skus: list[str], products: Mapping[str, Product]) -> str:
    return ", ".join(f"{products[s].name} ({s})" if s in products else s for s in skus) or "-"


def _money(amount: Any, currency: str, lang: str = STAFF_LANG) -> str:
    try:
        return messages.money(Decimal(str(amount)), currency or "PLN", lang)
    except (ArithmeticError, ValueError):
        return str(amount)


def _terms(change: Mapping[str, Any]) -> str:
    """The keys of a request no template names, as "key value" words (never JSON)."""
    return ", ".join(f"{str(k).replace('_', ' ')} {v}" for k, v in change.items() if k not in SHOWN_ELSEWHERE)


def describe_change(kind: str, change: Mapping[str, Any], skus: list[str], products: Mapping[str, Product],
                    currency: str, lang: str = STAFF_LANG) -> str:
    """Return a request in words: "a discount of 10 % on ABB S201 B16 (S201-B16) for 50 pieces"."""
    percent = next((change[k] for k in PERCENT_KEYS if change.get(k) is not None), None)
    key = next((k for k in gate.PRICE_KEYS if change.get(k) is not None), None)
    quantity = change.get("quantity")
    values = {"products": _products_text(skus, products), "kind": kind, "quantity": quantity,
              "percent": messages.number(Decimal(str(percent)), lang) if isinstance(percent, int | float) else percent,
              "price": _money(change[key], currency, lang) if key else None}
    template = {"discount": "change_discount", "quote": "change_quote"}.get(kind, "change_other")
    text = _t(template, lang, **values)
    terms = _terms(change)
    return _t("change_terms", lang, change=text, terms=terms) if terms else text


def _public(row: PriceApproval, company: Company | None, products: Mapping[str, Product]) -> ApprovalPublic:
    skus = list(row.product_skus or [])
    mine = {s: products[s] for s in skus if s in products}
    catalogue = {sku: Decimal(p.unit_price).quantize(gate.CENT) for sku, p in mine.items()}
    change = row.proposed_change or {}
    percent = change.get("discount_percent")
    reduced: dict[str, Decimal] = {}
    if percent is not None:
        try:
            reduced = {sku: gate.discounted(price, percent) for sku, price in catalogue.items()}
        except InputError:
            reduced = {}  # a malformed percentage: the decider sees the raw request only
    currency = next(iter(mine.values())).currency if mine else ""
    proposed = gate.proposed_unit_prices(row, catalogue)
    quantity = _quantity(change)
    lines = [_line(sku, mine.get(sku), quantity, proposed.get(sku)) for sku in skus]
    totals: dict[str, Any] = {}
    if lines and all(ln.catalogue_total is not None for ln in lines):
        totals["catalogue_total"] = sum((ln.catalogue_total or Decimal(0) for ln in lines), Decimal(0))
    if lines and all(ln.proposed_total is not None for ln in lines):
        totals["proposed_total"] = sum((ln.proposed_total or Decimal(0) for ln in lines), Decimal(0))
        if all(ln.proposed_margin is not None for ln in lines):
            margin = sum((ln.proposed_margin or Decimal(0) for ln in lines), Decimal(0))
            totals["proposed_margin"] = margin
            totals["proposed_margin_percent"] = _percent_of(margin, totals["proposed_total"])
    return ApprovalPublic.model_validate(row, from_attributes=True).model_copy(update={
        "company_name": company.name if company else "", "catalogue_prices": catalogue, "discounted_prices": reduced,
        "currency": currency, "lines": lines,
        "summary": describe_change(row.kind, change, skus, mine, currency), **totals})


def _catalogue(session: Session, rows: list[PriceApproval]) -> dict[str, Product]:
    """Every product the requests name (inactive ones too), in one query."""
    return catalog.products_by_sku(session, skus=sorted({s for r in rows for s in r.product_skus or []}),
                                   active_only=False)


def _publics(session: Session, rows: list[PriceApproval], products: Mapping[str, Product]) -> list[ApprovalPublic]:
    """Return the public shape of many requests (companies read once each)."""
    firms: dict[int, Company | None] = {}
    for row in rows:
        if row.company_id not in firms:
            firms[row.company_id] = companies.get_company(session, company_id=row.company_id)
    return [_public(row, firms[row.company_id], products) for row in rows]


def list_approvals(session: Session, staff: Staff, status: ApprovalStatus | None) -> ApprovalList:
    """Return approvals (optionally of one status), oldest pending first for the queue."""
    expire_due(session)
    rows = approvals.approvals(session, statuses=[status] if status is not None else None)
    data = _publics(session, rows, _catalogue(session, rows))
    return ApprovalList(data=data, count=len(data))


def _get(session: Session, approval_id: int) -> PriceApproval:
    row = approvals.get_approval(session, approval_id=approval_id)
    if row is None:
        raise NotFoundError(f"approval {approval_id} not found")
    return row


def _who(actor: str, lang: str) -> str:
    return _t("actor_agent", lang) if actor == "agent" else _t("actor_system", lang) if actor == "system" else actor


def audit_sentence(entry: AuditLog, approval: ApprovalPublic, products: Mapping[str, Product],
                   lang: str = STAFF_LANG) -> str:
    """Return one audit row of a request as a sentence from its action and details ("2026-12-03 10:41 · anna
    approved it at 16.64 PLN per unit for 50 pieces or more with the note 'OK'")."""
    d = entry.details or {}
    base = {"at": entry.at.strftime(TIME), "who": _who(entry.actor, lang)}
    action = entry.action.removeprefix(f"{gate.APPROVAL_ENTITY}.")
    if action == "requested":
        skus = [str(s) for s in d.get("skus") or approval.product_skus]
        change = describe_change(str(d.get("kind") or approval.kind), d.get("proposed_change") or {}, skus,
                                 products, approval.currency, lang)
        return _t("audit_requested", lang, company=approval.company_name or f"#{d.get('company_id', '?')}",
                  change=change, **base)
    if action == "approved":
        price = d.get("approved_unit_price")
        return _t("audit_approved", lang, price=_money(price, approval.currency, lang) if price else None,
                  min_quantity=d.get("min_quantity"), note=d.get("note"), **base)
    if action == "rejected":
        return _t("audit_rejected", lang, note=d.get("note"), **base)
    if action == "expired":
        return _t("audit_expired", lang, was=d.get("from"), by=d.get("on_decision_by"), **base)
    if action == "told":
        return _t("audit_told", lang, **base)
    details = ", ".join(f"{str(k).replace('_', ' ')} {v}" for k, v in d.items() if v not in (None, "", [], {}))
    return _t("audit_other", lang, action=action.replace("_", " "), details=details, **base)


def _excerpt(messages_of: list[Message]) -> list[ExcerptMessagePublic]:
    return [ExcerptMessagePublic(role="user" if m.role == "user" else "assistant", text=m.masked_text,
                                 at=m.created_at) for m in messages_of]


def approval_details(session: Session, rows: list[PriceApproval]) -> list[ApprovalDetail]:
    """Return many requests with their audit trails in sentences and conversation excerpts, in a fixed number of
    queries (catalogue, audit rows, messages) whatever the queue's length."""
    products = _catalogue(session, rows)
    publics = _publics(session, rows, products)
    ids = [int(r.id) for r in rows if r.id is not None]
    trails = approvals.audit_trails(session, entity=gate.APPROVAL_ENTITY, approval_ids=ids)
    excerpts = approvals.conversation_excerpts(session, rows=rows, turns=EXCERPT_TURNS)
    out = []
    for public in publics:
        audit = [AuditEntryPublic(at=e.at, actor=e.actor, action=e.action, details=e.details,
                                  sentence=audit_sentence(e, public, products)) for e in trails.get(public.id, [])]
        out.append(ApprovalDetail(**public.model_dump(), audit=audit, excerpt=_excerpt(excerpts.get(public.id, []))))
    return out


def audit_trail(session: Session, approval_id: int) -> list[AuditEntryPublic]:
    """Return the audit entries of one approval, oldest first, each with its sentence."""
    return approval_details(session, [_get(session, approval_id)])[0].audit


def approval_detail(session: Session, staff: Staff, approval_id: int) -> ApprovalDetail:
    """Return one approval with its audit trail and conversation excerpt (staff only)."""
    return approval_details(session, [_get(session, approval_id)])[0]


def decide_approval(session: Session, staff: Staff, approval_id: int, *, approve: bool, note: str | None,
                    expected_version: int | None, min_quantity: int | None = None) -> ApprovalDetail:
    """Approve (optionally on the condition of a minimum quantity) or reject a pending request exactly once; a
    second decision raises ``ConflictError`` (409)."""
    _get(session, approval_id)
    gate.decide(session, approval_id=approval_id, staff=staff.user, approve=approve, note=note,
                expected_version=expected_version, min_quantity=min_quantity)
    session.commit()
    return approval_detail(session, staff, approval_id)
