"""Protected-attribute denylist (one filter, audited, not bypassable by the normal paths) and consent helpers."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import Session, select

from core.errors import GuardrailTripped
from guardrails.consent import has_legal_basis, may_personalise, personalisation_events, usable_events
from guardrails.denylist import PROTECTED_ATTRIBUTES, drop_protected, ensure_no_protected, is_protected
from store.models import AuditLog, LegalBasis

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("key", ["gender", "Gender", "customer_gender", "contactAgeBand", "date-of-birth",
                                 "Marital Status", "owner.nationality", "religion", "PESEL", "disability_flag"])
def test_protected_keys_recognised(key: str) -> None:
    assert is_protected(key)


@pytest.mark.parametrize("key", ["industry", "size_band", "average_order_value", "funnel_stage", "usage", "region"])
def test_ordinary_keys_pass(key: str) -> None:
    assert not is_protected(key)


def test_drop_at_any_depth_and_audit(session: Session) -> None:
    features = {"industry": "electrical", "Gender": "f",
                "contact": {"ageBand": "30-39", "role": "buyer", "history": [{"religion": "x", "sku": "S201-B16"}]}}
    result = drop_protected(features, source="ranking.test", session=session)
    assert result.features == {"industry": "electrical", "contact": {"role": "buyer", "history": [{"sku": "S201-B16"}]}}
    assert set(result.dropped) == {"Gender", "contact.ageBand", "contact.history[0].religion"}
    session.commit()
    row = session.exec(select(AuditLog).where(AuditLog.action == "denylist.dropped")).one()
    assert row.entity_id == "ranking.test" and "f" not in str(row.details.values()).replace("history", "")


def test_strict_mode_raises() -> None:
    ensure_no_protected({"industry": "x"})
    with pytest.raises(GuardrailTripped):
        ensure_no_protected({"nationality": "PL"})


def test_list_is_code_not_editable() -> None:
    assert isinstance(PROTECTED_ATTRIBUTES, frozenset)
    with pytest.raises(TypeError):
        drop_protected([("gender", "f")])  # type: ignore[arg-type]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_no_normal_code_path_reads_protected_attributes() -> None:
    """Ranking, retrieval, tools, the agent and the guardrails never import store.protected: protected data could
    only reach ranking or a model through them. (The portal may import it to *delete* rows on erasure.)"""
    offenders = []
    for pkg in ("ranking", "retrieval", "tools", "agent", "guardrails"):
        for path in (REPO / pkg).rglob("*.py"):
            if any(m == "store.protected" or m.startswith("store.protected.") or m == "store.ProtectedAttributes"
                   or m.endswith("ProtectedAttributes") for m in _imports(path)):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_feature_builders_use_the_filter() -> None:
    """Every module that builds features from Company/Contact rows for ranking or the agent calls drop_protected."""
    missing = []
    for pkg in ("ranking", "agent", "tools"):
        for path in (REPO / pkg).rglob("*.py"):
            src = path.read_text(encoding="utf-8")
            builds = ("size_band" in src or "industry" in src) and ("features" in src or "feats" in src)
            if builds and "drop_protected" not in src and "ensure_no_protected" not in src:
                missing.append(str(path.relative_to(REPO)))
    assert missing == [], f"feature builders without the denylist filter: {missing}"


def test_consent_helpers() -> None:
    events = [SimpleNamespace(legal_basis=b) for b in (LegalBasis.consent, LegalBasis.none,
                                                       LegalBasis.legitimate_interest, "bogus")]
    assert [e.legal_basis for e in usable_events(events)] == [LegalBasis.consent, LegalBasis.legitimate_interest]
    assert has_legal_basis("consent") and not has_legal_basis(None) and not has_legal_basis("bogus")
    opted_out, normal = SimpleNamespace(profiling_opt_out=True), SimpleNamespace(profiling_opt_out=False)
    assert not may_personalise(opted_out) and may_personalise(normal) and not may_personalise(None)
    assert personalisation_events(opted_out, events) == []
    assert len(personalisation_events(normal, events)) == 2
