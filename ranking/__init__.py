"""Candidate generators (ALS, buy-again, bought-together, similar items, cold start) and the bias-aware blender
that turns their evidence into readable premises. Pure functions where possible; never reads protected
attributes (``store.protected`` is not imported anywhere under ``ranking/``)."""

from __future__ import annotations

from ranking.models import OnboardingProfile, Premise, RankedItem, RecContext
from ranking.service import Recommender, TrainReport, load_recommender, train

__all__ = ["OnboardingProfile", "Premise", "RankedItem", "RecContext", "Recommender", "TrainReport",
           "load_recommender", "train"]
