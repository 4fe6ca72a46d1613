"""Merchandising rules for staff (``/merchandising/...`` and ``/ui/merchandising``): list, create, change, delete
(each with an audit row, committed here), one rule with its audit trail, and the dry run over the live catalogue
search. The role was checked once by ``StaffDep``/``PageStaff``."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from merchandising import RuleCreate, RuleList, RulePublic, RuleUpdate
from merchandising import manage as rules
from merchandising.dryrun import dry_run
from merchandising.models import DryRun, DryRunRequest
from portal.auth import Staff
from portal.schemas import AuditEntryPublic
from store.audit import audit_trail
from tools.context import Resources


class RuleDetail(RulePublic):
    """A rule with its audit trail, oldest first."""

    audit: list[AuditEntryPublic]


class DeletedRule(BaseModel):
    """The answer to a delete: the id and its audit trail (the rule is gone, its history is not)."""

    id: int
    audit: list[AuditEntryPublic]


def _trail(session: Session, rule_id: int) -> list[AuditEntryPublic]:
    return [AuditEntryPublic(at=r.at, actor=r.actor, action=r.action, details=r.details)
            for r in audit_trail(session, entity=rules.ENTITY, entity_id=rule_id)]


def list_rules(session: Session, staff: Staff, *, enabled: bool | None = None) -> RuleList:
    """Return the rules, newest first."""
    return rules.list_rules(session, enabled=enabled)


def rule_detail(session: Session, staff: Staff, rule_id: int) -> RuleDetail:
    """Return one rule with its audit trail (404 when there is none)."""
    row = rules.public(rules.get_rule(session, rule_id=rule_id))
    return RuleDetail(**row.model_dump(), audit=_trail(session, rule_id))


def create_rule(session: Session, staff: Staff, body: RuleCreate) -> RuleDetail:
    """Add a rule (audited) and commit."""
    row = rules.create_rule(session, body=body, actor=staff.actor)
    session.commit()
    return rule_detail(session, staff, row.id)


def update_rule(session: Session, staff: Staff, rule_id: int, body: RuleUpdate) -> RuleDetail:
    """Change a rule (audited; 409 on a stale version) and commit."""
    rules.update_rule(session, rule_id=rule_id, body=body, actor=staff.actor)
    session.commit()
    return rule_detail(session, staff, rule_id)


def delete_rule(session: Session, staff: Staff, rule_id: int) -> DeletedRule:
    """Delete a rule (audited) and commit."""
    rules.delete_rule(session, rule_id=rule_id, actor=staff.actor)
    session.commit()
    return DeletedRule(id=rule_id, audit=_trail(session, rule_id))


def preview(resources: Resources, session: Session, staff: Staff, body: DryRunRequest) -> DryRun:
    """Return the dry run of one search: its results without and with the rules."""
    from retrieval.models import CatalogFilters

    filters = CatalogFilters(category=body.category, in_stock=True if body.in_stock_only else None)
    return dry_run(session, body, lambda n: resources.catalog.search(body.query, filters=filters, k=n))
