"""The learned reranker: LambdaRank learns what the judgments say, is versioned on disk, is off without a model,
and a model for other encoders or other feature code is refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from retrieval.features import FEATURES
from retrieval.fusion import FusionConfig
from retrieval.models import ProductDoc
from retrieval.rerank import Group, fit_reranker, reorder
from retrieval.search_model import (
    SearchModel,
    StaleSearchModelError,
    current_version,
    load_current,
    models_root,
    prune,
    save,
)
from retrieval.tuning import Judged, candidate_groups


def _groups(rng: np.random.Generator, n: int) -> list[Group]:
    """Candidates whose relevance is the popularity column; the fused order says nothing."""
    out = []
    col = FEATURES.index("popularity")
    for q in range(n):
        x = rng.random((20, len(FEATURES))).astype(np.float32)
        y = (x[:, col] > 0.8).astype(int)
        out.append(Group(qid=f"q{q}", x=x, y=y, skus=[f"s{i}" for i in range(20)]))
    return out


def test_lambdarank_learns_what_the_judgments_say() -> None:
    rng = np.random.default_rng(0)
    model = fit_reranker(_groups(rng, 60), rounds=100)
    test = _groups(rng, 20)
    hits = [g.y[reorder(model.scores(g.x))[0]] for g in test if g.y.any()]
    assert np.mean(hits) > 0.9
    assert next(iter(model.importance())) == "popularity"
    with pytest.raises(ValueError, match="no judged query has a relevant"):
        fit_reranker([Group("q", np.zeros((3, len(FEATURES))), np.zeros(3, dtype=int))], 10)


def test_few_rounds_stay_close_to_the_fused_order() -> None:
    """The boosting starts from the fused order: one round on noise cannot turn the list upside down."""
    rng = np.random.default_rng(1)
    groups = []
    for q in range(30):
        x = rng.random((15, len(FEATURES))).astype(np.float32)
        x[:, FEATURES.index("fused_rank")] = np.log1p(np.arange(15))
        groups.append(Group(qid=f"q{q}", x=x, y=rng.integers(0, 2, 15), skus=[]))
    model = fit_reranker(groups, rounds=1)
    order = reorder(model.scores(groups[0].x))
    assert order[:3] == [0, 1, 2]


def _write_model(root, encoders: str, reranker=None) -> str:  # type: ignore[no-untyped-def]
    return save(root, SearchModel(fusion=FusionConfig(method="dbsf", dense_weight=0.5), reranker=reranker,
                                  popularity={"A": 3.0}, encoders=encoders), {"judged_queries": 12})


def test_models_are_versioned_and_refused_when_stale(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2)
    reranker = fit_reranker(_groups(rng, 20), rounds=5)
    first = _write_model(tmp_path, "enc-1", reranker)
    second = _write_model(tmp_path, "enc-1")
    assert current_version(tmp_path) == second != first
    loaded = load_current(tmp_path, "enc-1")
    assert loaded is not None and loaded.reranker is None and loaded.fusion.method == "dbsf"
    assert loaded.popularity == {"A": 3.0}
    assert (tmp_path / first / "reranker.txt").exists()  # LightGBM text format, no pickle
    with pytest.raises(StaleSearchModelError, match="other encoders"):
        load_current(tmp_path, "enc-2")
    manifest = tmp_path / second / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "code": "other"}))
    with pytest.raises(StaleSearchModelError, match="other feature code"):
        load_current(tmp_path, "enc-1")
    assert prune(tmp_path, keep=1) == [first]


def test_search_reranks_with_a_trained_model_and_is_off_without(settings, embedder) -> None:  # type: ignore[no-untyped-def]
    from retrieval import build_catalog_search

    docs = [ProductDoc(sku=f"LAMP-{i}", name=f"LED desk lamp {c}", category="Lighting")
            for i, c in enumerate(["white", "black", "silver", "oak", "brass", "grey", "red", "blue", "green"])]
    search = build_catalog_search(settings, embedder=embedder, engine="edge")
    try:
        assert search.reranker is None and search.model_version is None  # nothing trained: off
        search.sync(docs)
        before = [h.sku for h in search.search("desk lamp", k=9)]
        # judgments: only the last-listed lamp is what buyers want, and it is the one they order most
        wanted = before[-1]
        search.popularity = {wanted: 50.0}
        judged = Judged(queries={f"q{i}": q for i, q in enumerate(["desk lamp", "led lamp", "lamp", "led desk lamp",
                                                                     "desk light", "lamp led"])}, qrels={})
        judged.qrels = {q: {wanted: 2} for q in judged.queries}
        groups = candidate_groups(search, judged, judged.qids)
        model = SearchModel(fusion=search.config, reranker=fit_reranker(list(groups.values()) * 5, 50),
                            popularity=search.popularity, encoders=search.encoders)
        save(models_root(settings.data_dir), model, {})
    finally:
        search.close()
    reopened = build_catalog_search(settings, embedder=embedder, engine="edge")
    try:
        assert reopened.reranker is not None and reopened.model_version
        result = reopened.search_result("desk lamp", k=9)
        assert result.reranked and result.hits[0].sku == wanted
        assert {h.sku for h in result.hits} == set(before)  # reordered, not refetched
        assert [h.sku for h in reopened.search("desk lamp", k=9, mode="sparse")] != []  # single modes: no reranker
    finally:
        reopened.close()
    plain = build_catalog_search(settings, embedder=embedder, engine="edge", learned=False)
    try:
        assert plain.reranker is None
    finally:
        plain.close()
