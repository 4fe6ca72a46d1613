"""Managing rules: create, change, delete, list, each change with one audit row in the same transaction (entity
``merch_rule``, the rule's fields before and after). Callers (the staff API, the CLI) checked the role already
and commit."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from core.errors import ConflictError, InputError, NotFoundError
from merchandising.models import RuleCreate, RuleFields, RuleList, RulePublic, RuleUpdate
from store import audit, catalog
from store import merchandising as store
from store.models import MerchRule

ENTITY = "merch_rule"


def _readable(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e.get("loc", ()))
        msg = str(e.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def _fields(row: MerchRule) -> dict[str, Any]:
    return RuleFields.model_validate(row.model_dump(include=set(RuleFields.model_fields))).model_dump(mode="json")


def public(row: MerchRule) -> RulePublic:
    """Return the API shape of a stored rule."""
    return RulePublic.model_validate(row.model_dump())


def list_rules(session: Session, *, enabled: bool | None = None) -> RuleList:
    """Return the rules, newest first."""
    rows = [public(r) for r in store.list_rules(session, enabled=enabled)]
    return RuleList(data=rows, count=len(rows))


def get_rule(session: Session, *, rule_id: int) -> MerchRule:
    """Return one rule or raise ``NotFoundError``."""
    row = store.get_rule(session, rule_id=rule_id)
    if row is None:
        raise NotFoundError(f"merchandising rule {rule_id} not found")
    return row


def _known_sku(session: Session, fields: RuleFields) -> None:
    """Refuse a SKU rule for a SKU the catalogue does not have (a typo would silently never match)."""
    if fields.target.value == "sku" and not catalog.existing_skus(session, skus=[fields.value]):
        raise InputError(f"value: no product with SKU {fields.value!r} in the catalogue")


def create_rule(session: Session, *, body: RuleCreate, actor: str) -> RulePublic:
    """Add a rule and its audit row."""
    _known_sku(session, body)
    row = store.add_rule(session, fields=body.model_dump(), created_by=actor)
    audit.add_audit(session, actor=actor, action="merch_rule.create", entity=ENTITY, entity_id=row.id or 0,
                    details={"after": _fields(row)})
    return public(row)


def update_rule(session: Session, *, rule_id: int, body: RuleUpdate, actor: str) -> RulePublic:
    """Change a rule (the result is validated as a whole; a stale ``expected_version`` is 409) and audit it."""
    row = get_rule(session, rule_id=rule_id)
    if body.expected_version is not None and body.expected_version != row.version:
        raise ConflictError(f"merchandising rule {rule_id} is at version {row.version}, not "
                            f"{body.expected_version}: reload it")
    before = _fields(row)
    unknown = sorted(set(body.changes) - set(RuleFields.model_fields))
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(unknown)}")
    try:
        merged = RuleFields.model_validate(before | body.changes)
    except ValidationError as err:
        raise InputError(_readable(err)) from None
    _known_sku(session, merged)
    changed = {k: v for k, v in merged.model_dump().items() if getattr(row, k) != v}
    if not changed:
        return public(row)
    store.change_rule(session, row=row, fields=changed)
    audit.add_audit(session, actor=actor, action="merch_rule.update", entity=ENTITY, entity_id=rule_id,
                    details={"before": before, "after": _fields(row), "version": row.version})
    return public(row)


def delete_rule(session: Session, *, rule_id: int, actor: str) -> None:
    """Delete a rule and audit it (the audit row keeps its last fields)."""
    row = get_rule(session, rule_id=rule_id)
    before = _fields(row)
    store.delete_rule(session, row=row)
    audit.add_audit(session, actor=actor, action="merch_rule.delete", entity=ENTITY, entity_id=rule_id,
                    details={"before": before})


def parse_create(data: dict[str, Any]) -> RuleCreate:
    """Return a validated ``RuleCreate`` from plain data (CLI, page form); a bad field is a readable InputError."""
    try:
        return RuleCreate.model_validate(data)
    except ValidationError as err:
        raise InputError(_readable(err)) from None
