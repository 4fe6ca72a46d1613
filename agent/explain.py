""""Why was this recommended?" for the portal: a stored recommendation with the premises shown at the time."""

from __future__ import annotations

from sqlmodel import Session

from agent.models import Explanation
from core.errors import NotFoundError, PermissionDeniedError
from store.models import Product, Recommendation


def explain_recommendation(session: Session, recommendation_id: int, company_id: int) -> Explanation:
    """Return the premises and justification of one recommendation; only its own company may read it."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None:
        raise NotFoundError(f"no recommendation with id {recommendation_id}")
    if rec.company_id != company_id:
        raise PermissionDeniedError("this recommendation belongs to another company")
    product = session.get(Product, rec.product_id)
    if product is None:  # pragma: no cover - foreign key
        raise NotFoundError(f"the product of recommendation {recommendation_id} is gone")
    return Explanation(recommendation_id=recommendation_id, sku=product.sku, name=product.name,
                       premises=[str(p.get("text", "")) for p in rec.premises if isinstance(p, dict)],
                       justification=rec.justification, conversation_id=rec.conversation_id,
                       created_at=rec.created_at, model_version=rec.model_version)
