"""Every candidate source honours the ranker contract and finds the checkerboard's known answers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from ranking_board import checkerboard

from ranking.als import ALSParams, ALSRanker
from ranking.buy_again import BuyAgainRanker
from ranking.content import ContentRanker
from ranking.interactions import Interactions, confidence
from ranking.popularity import PopularityRanker
from ranking.together import BoughtTogether, CoPurchaseRanker

GROUP_VECTORS = {f"S{k}": np.array([1.0, 0.1 * k, 0.0]) if k < 4 else np.array([0.0, 0.1 * k, 1.0])
                 for k in range(8)}


def make(name: str):
    return {
        "als": lambda: ALSRanker(ALSParams(factors=4, regularization=0.01, iterations=30, half_life_days=None)),
        "buy_again": BuyAgainRanker, "bought_together": BoughtTogether, "co_purchase": CoPurchaseRanker,
        "popularity": PopularityRanker, "content": lambda: ContentRanker(GROUP_VECTORS),
    }[name]()


ALL = ["als", "buy_again", "bought_together", "co_purchase", "popularity", "content"]


@pytest.mark.parametrize("name", ALL)
class TestContract:
    """The shared contract mixin: (ids, scores) best first, batch = singles, exclude/candidates, explain."""

    def test_recommend_sorted_and_batch_matches_single(self, name: str, board: Interactions) -> None:
        r = make(name).fit(board)
        ids, scores = r.recommend(0, N=5)
        assert len(ids) == len(scores) and len(ids) > 0
        assert np.all(np.diff(scores) <= 1e-6)
        bids, bscores = r.recommend(np.array([0, 7]), N=5)
        assert list(bids[0]) == list(ids) and np.allclose(bscores[0], scores)

    def test_exclude_and_candidates(self, name: str, board: Interactions) -> None:
        r = make(name).fit(board)
        ids, _ = r.recommend(0, N=8)
        ex_ids, _ = r.recommend(0, N=8, exclude=[int(ids[0])])
        assert int(ids[0]) not in ex_ids
        cand_ids, _ = r.recommend(0, N=8, candidates=[int(i) for i in ids[:2]])
        assert set(cand_ids) <= {int(i) for i in ids[:2]}
        with pytest.raises(ValueError, match="exclude=.*candidates="):
            r.recommend(0, exclude=[1], candidates=[2])

    def test_explain_matches_recommend_score(self, name: str, board: Interactions) -> None:
        r = make(name).fit(board)
        ids, scores = r.recommend(1, N=3)
        ex = r.explain(1, int(ids[0]))
        assert ex.source == r.name
        if name != "als":  # implicit's explain recomputes the user factor (close, not identical)
            assert ex.score == pytest.approx(float(scores[0]), rel=1e-4)


def test_als_finds_the_missing_item_of_the_group(board: Interactions) -> None:
    r = make("als").fit(board)
    for u in range(12):
        group = u // 6
        ids, _ = r.recommend(u, N=1, exclude=r.user_items[u].indices)
        assert int(ids[0]) == group * 4 + u % 4


def test_als_explain_contributions_add_up(board: Interactions) -> None:
    r = make("als").fit(board)
    for m in r.models:
        total, top, _ = m.explain(0, r.user_items, 0, N=10)
        assert sum(s for _, s in top) == pytest.approx(total, rel=1e-5)
    ex = r.explain(0, 0)  # customer 0 has 3 history items: the top 3 are all of them, so the mean adds up too
    assert sum(c for _, c in ex.evidence["contributions"]) == pytest.approx(ex.score, rel=1e-4)
    assert ex.score == pytest.approx(float(r.score_user(0)[0]), rel=0.2)  # implicit re-solves the user: close
    bought = r.explain(0, 1)  # an item the customer has: the premise names the other items, not itself
    assert bought.evidence["contributions"] and 1 not in [i for i, _ in bought.evidence["contributions"]]


def test_als_explain_reuses_the_customers_solved_equation_without_changing_a_premise(board: Interactions) -> None:
    """The items of one list share the customer, so its user equation is solved once (the product path spent
    two thirds of a recommendation re-solving it per item); the cache is per customer and dropped on update."""
    import pickle

    r = make("als").fit(board)
    fresh = [make("als").fit(board).explain(u, i) for u, i in [(0, 0), (0, 5), (3, 2)]]
    cached = [r.explain(u, i) for u, i in [(0, 0), (0, 5), (3, 2)]]  # (0, 5) reuses customer 0's equation
    for a, b in zip(fresh, cached, strict=True):
        assert a.score == pytest.approx(b.score, rel=1e-6)
        assert [i for i, _ in a.evidence["contributions"]] == [i for i, _ in b.evidence["contributions"]]
    assert r._weights is not None and r._weights[0] == 3
    assert "_weights" not in pickle.loads(pickle.dumps(r)).__dict__  # not part of the artefact
    r.update_users(np.array([3]), r.raw[[0]])
    assert r._weights is None


def test_als_ensemble_averages_models_with_distinct_seeds(board: Interactions) -> None:
    params = ALSParams(factors=4, regularization=0.01, iterations=30, half_life_days=None)
    one = ALSRanker(replace(params, ensemble=1)).fit(board)
    three = ALSRanker(replace(params, ensemble=3)).fit(board)
    assert len(one.models) == 1 and len(three.models) == 3
    assert not np.allclose(three.models[0].item_factors, three.models[1].item_factors)  # seeds 0 and 100
    assert np.allclose(three.models[0].item_factors, one.models[0].item_factors)  # member 0 = the single model
    mean = np.mean([m.item_factors @ m.user_factors[2] for m in three.models], axis=0)
    assert np.allclose(three.score_user(2), mean, atol=1e-6)
    with pytest.raises(ValueError, match="ensemble must be at least 1"):
        ALSRanker(replace(params, ensemble=0))


def test_als_update_user_without_full_retrain(board: Interactions) -> None:
    r = make("als").fit(board)
    before = [m.item_factors.copy() for m in r.models]
    row = board.matrix()[0].toarray()
    row[0, :] = 0
    row[0, 4:8] = 3.0  # customer 0 now buys group B only
    import scipy.sparse as sp

    r.update_users(np.array([0]), sp.csr_matrix(row))
    assert all(np.array_equal(b, m.item_factors) for b, m in zip(before, r.models, strict=True))  # items untouched
    ids, _ = r.recommend(0, N=4)
    assert {int(i) for i in ids} == {4, 5, 6, 7}


def test_bm25_and_log_confidence(board: Interactions) -> None:
    m = board.matrix()
    assert confidence(m, "log", alpha=2).data.min() > 1.0
    assert confidence(m, "bm25").nnz == m.nnz


def test_buy_again_frequency_recency_and_interval() -> None:
    inter = checkerboard()
    r = BuyAgainRanker().fit(inter)
    ex = r.explain(0, 1)
    assert ex.evidence["times"] == 2 and ex.evidence["typical_interval_days"] == 30
    ids, _ = r.recommend(0, N=10)
    assert 0 not in ids and {int(i) for i in ids} == {1, 2, 3}


def test_bought_together_support_confidence_lift(board: Interactions) -> None:
    r = BoughtTogether().fit(board)
    s = r.stats(1, 2)
    # group A customers 0..5 miss item u % 4: items 1 and 2 share the orders of customers 0, 3, 4 (2 each);
    # item 1 is in 8 of 24 orders, item 2 in 10
    assert s["together"] == 6 and s["orders_with_anchor"] == 8
    assert s["confidence"] == pytest.approx(0.75)
    assert s["support"] == pytest.approx(6 / 24)
    assert s["lift"] == pytest.approx(0.75 / (10 / 24))
    ids, _ = r.similar_items(1, N=10)
    assert {int(i) for i in ids} <= {0, 2, 3}


def test_popularity_segment_and_global(board: Interactions) -> None:
    from dataclasses import replace

    segs = {f"C{k}": ("electrical installer", "small") for k in range(6)}
    inter = replace(board, user_segments=segs)
    r = PopularityRanker(min_segment_buyers=3).fit(inter)
    ids, _ = r.recommend_segment(("electrical installer", "small"), N=4)
    assert {int(i) for i in ids} == {0, 1, 2, 3}
    ex = r.explain(0, 1)
    assert ex.evidence["segment"] == ["electrical installer", "small"] and ex.evidence["buyers"] == 4  # customers 1 and 5 never bought item 1
    assert r.segment_scores(("unknown", "x"))[1] is None


def test_content_similar_items_stay_in_group(board: Interactions) -> None:
    r = ContentRanker(GROUP_VECTORS).fit(board)
    ids, _ = r.similar_items(5, N=3)
    assert {int(i) for i in ids} == {4, 6, 7}
    ex = r.explain(0, 0)
    assert ex.evidence["anchor"] in (1, 2, 3) and ex.evidence["anchor_bought"]


def test_replace_row_swaps_one_row_and_keeps_the_rest() -> None:
    import scipy.sparse as sp

    from ranking.interactions import replace_row

    m = sp.csr_matrix(np.array([[1, 0, 2], [0, 3, 0], [4, 0, 0]], dtype=np.float32))
    out = replace_row(m, 1, sp.csr_matrix(np.array([[5, 0, 6]], dtype=np.float32)))
    assert out.toarray().tolist() == [[1, 0, 2], [5, 0, 6], [4, 0, 0]]
    assert replace_row(m, 0, sp.csr_matrix((1, 3), dtype=np.float32)).toarray()[0].tolist() == [0, 0, 0]
    assert m.toarray()[1].tolist() == [0, 3, 0]  # the input is not modified (readers may still hold it)
    with pytest.raises(ValueError, match="expected \\(1, 3\\)"):
        replace_row(m, 0, sp.csr_matrix((1, 4), dtype=np.float32))


def test_pipeline_update_user_equals_a_fit_on_the_new_history(board: Interactions) -> None:
    """Customer 0's last order arrives after training: updating them gives the same per-customer rows as a
    fit that had seen it (buy-again counts / last / intervals, co-purchase and content history, seen items)."""
    from ranking.pipeline import PipelineConfig, RankingPipeline

    config = PipelineConfig(als=ALSParams(factors=4, iterations=10, half_life_days=None))
    last_basket = board.basket[board.user == 0].max()
    stale = RankingPipeline(config).fit(board.select(board.basket != last_basket))
    full = RankingPipeline(config).fit(board)
    assert stale.buy_again.explain(0, 1).evidence["times"] == 1
    stale.update_user(0, board)
    for name in ("count", "last", "interval"):
        got, want = getattr(stale.buy_again, name)[0], getattr(full.buy_again, name)[0]
        assert sorted(zip(got.indices, got.data)) == sorted(zip(want.indices, want.data)), name
    assert stale.buy_again.explain(0, 1).evidence["times"] == 2
    assert (stale.co_purchase.user_items[0] != full.co_purchase.user_items[0]).nnz == 0
    assert (stale.content.history[0] != full.content.history[0]).nnz == 0
    assert (stale.seen[0] != full.seen[0]).nnz == 0
    assert (stale.als.raw[0] != full.als.raw[0]).nnz == 0
    assert (stale.seen[1] != full.seen[1]).nnz == 0  # other customers untouched


def test_pipeline_update_user_with_no_history_forgets_the_customer(board: Interactions) -> None:
    """An opt-out after training: an empty history clears every personal row of that customer."""
    from ranking.pipeline import PipelineConfig, RankingPipeline

    pipe = RankingPipeline(PipelineConfig(als=ALSParams(factors=4, iterations=10))).fit(board)
    assert np.isfinite(pipe.buy_again.score_user(0)).any()
    pipe.update_user(0, board.select(board.user == -1))
    assert not np.isfinite(pipe.buy_again.score_user(0)).any()
    assert not np.isfinite(pipe.co_purchase.score_user(0)).any()
    assert pipe.seen[0].nnz == 0 and pipe.als.raw[0].nnz == 0
    assert all(np.allclose(m.user_factors[0], 0.0) for m in pipe.als.models)
    assert np.isfinite(pipe.buy_again.score_user(1)).any()
    with pytest.raises(ValueError, match="not in the model"):
        pipe.update_user(99, board)


def test_als_update_users_grows_the_model_for_a_new_user_code(board: Interactions) -> None:
    import scipy.sparse as sp

    r = make("als").fit(board)
    n = r.n_users
    row = np.zeros((1, board.n_items), dtype=np.float32)
    row[0, 4:8] = 3.0
    r.update_users(np.array([n + 1]), sp.csr_matrix(row))
    assert r.n_users == n + 2 and r.raw.shape[0] == n + 2
    ids, _ = r.recommend(n + 1, N=4)
    assert {int(i) for i in ids} == {4, 5, 6, 7}


def test_als_explain_is_implicits_arithmetic_over_the_whole_history(board: Interactions) -> None:
    """``user_equation``/``item_contributions`` replace implicit's per-item Python loop with matrix products;
    the totals and every contribution stay implicit's own (float64 vs implicit's mixed float32)."""
    from ranking.als import item_contributions, user_equation

    r = ALSRanker(ALSParams(factors=4, regularization=0.01, iterations=30, half_life_days=None, ensemble=2)
                  ).fit(board)
    checked = 0
    for u in (0, 3, 7):
        for item in (0, 2, 5):
            for m in r.models:
                total, top, _ = m.explain(u, r.user_items, item, N=r.user_items.shape[1])
                eq = user_equation(m, r.user_items, u)
                mine, contributions = item_contributions(m, eq, item)
                assert mine == pytest.approx(total, rel=1e-4, abs=1e-6)
                theirs = dict(top)
                assert set(theirs) == {int(i) for i in eq.items[eq.counted]}
                for i, c in zip(eq.items, contributions, strict=True):
                    assert c == pytest.approx(theirs[int(i)], rel=1e-4, abs=1e-6)
                checked += 1
            ex = r.explain(u, item)
            assert ex.score == pytest.approx(np.mean([m.explain(u, r.user_items, item)[0] for m in r.models]),
                                             rel=1e-4, abs=1e-6)
    assert checked == 18


def test_bought_together_explain_sums_the_history_times_the_similarity(board: Interactions) -> None:
    r = CoPurchaseRanker().fit(board)
    for u in (0, 5):
        for item in range(8):
            ex = r.explain(u, item)
            row = r.user_items[u]
            expected = [(int(j), float(w * r.similarity[j, item])) for j, w in zip(row.indices, row.data,
                                                                                 strict=True)]
            expected = sorted([c for c in expected if c[1] > 0], key=lambda c: -c[1])
            got = ex.evidence["contributions"]
            assert [i for i, _ in got] == [i for i, _ in expected[:3]]
            assert [c for _, c in got] == pytest.approx([c for _, c in expected[:3]])
            assert ex.score == pytest.approx(sum(c for _, c in expected))
    assert r.explain(99, 0).evidence["contributions"] == []
