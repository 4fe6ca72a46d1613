"""Recommendations for a context, and why one was made."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from portal import services
from portal.deps import CurrentUser, CustomerDep, ResourcesDep, RowId, SessionDep
from portal.schemas import RecommendationList, RecommendationQuery, WhyPublic

router = APIRouter(prefix="/recommendations", tags=["customer"])


@router.get("", response_model=RecommendationList, responses={401: {}, 403: {}, 404: {}})
def get_recommendations(query: Annotated[RecommendationQuery, Query()], user: CustomerDep,
                        resources: ResourcesDep, session: SessionDep) -> RecommendationList:
    """Recommend products for the caller's company: ``context=product&sku=..``, ``context=cart&cart=..&cart=..``
    or ``context=none``."""
    return services.recommend(resources, session, user, query)


@router.get("/{recommendation_id}/why", response_model=WhyPublic, responses={401: {}, 403: {}, 404: {}})
def get_why(recommendation_id: RowId, user: CurrentUser, session: SessionDep) -> WhyPublic:
    """The stored premises of one recommendation in readable words (own company only; staff may read all)."""
    return services.explain(session, user, recommendation_id)
