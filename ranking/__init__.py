"""Candidate generators (ALS, buy-again, bought-together, similar items, cold start) and the bias-aware blender
that turns their evidence into readable premises. Model lifecycle in :mod:`ranking.lifecycle`, the serving
facade in :mod:`ranking.serving`, consent rules in :mod:`ranking.policy`, wording in :mod:`ranking.premises`.
Never reads protected attributes (``store.protected`` is not imported anywhere under ``ranking/``)."""

from __future__ import annotations

from ranking.lifecycle import TrainReport, train
from ranking.models import Customer, Premise, RankedItem, RecContext
from ranking.serving import Recommender, load_recommender

__all__ = ["Customer", "Premise", "RankedItem", "RecContext", "Recommender", "TrainReport", "load_recommender",
           "train"]
