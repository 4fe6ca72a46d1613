"""Buy-again's item repeat propensity and the eval's validation folds (selection never sees the test period)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ranking.buy_again import BuyAgainParams, BuyAgainRanker
from ranking.interactions import interactions_from_frame


def _frame() -> pd.DataFrame:
    """Customer A bought X and Y once, together; customers B..E each reordered X, bought Y once."""
    rows = [("A", "X", "inv-a", "2011-03-01"), ("A", "Y", "inv-a", "2011-03-01")]
    for k, c in enumerate("BCDE"):
        rows += [(c, "X", f"inv-{c}1", f"2011-01-0{k + 1}"), (c, "X", f"inv-{c}2", f"2011-02-0{k + 1}"),
                 (c, "Y", f"inv-{c}1", f"2011-01-0{k + 1}")]
    df = pd.DataFrame(rows, columns=["customer", "sku", "invoice", "ts"])
    return df.assign(ts=pd.to_datetime(df.ts), qty=np.float32(1), description="")


def test_repeat_rate_is_smoothed_share_of_buyers_who_reordered() -> None:
    inter = interactions_from_frame(_frame())
    r = BuyAgainRanker().fit(inter)
    x, y = inter.item_index()["X"], inter.item_index()["Y"]
    assert r.repeat_rate[x] == pytest.approx((4 + 1) / (5 + 2))
    assert r.repeat_rate[y] == pytest.approx((0 + 1) / (5 + 2))


def test_item_repeat_power_ranks_consumables_first_and_zero_disables() -> None:
    inter = interactions_from_frame(_frame())
    a = inter.user_index()["A"]
    x, y = inter.item_index()["X"], inter.item_index()["Y"]
    on = BuyAgainRanker(BuyAgainParams(item_repeat_power=1.0)).fit(inter).score_user(a)
    assert on[x] == pytest.approx(on[y] * 5.0)  # same orders and recency, repeat rates 5/7 vs 1/7
    off = BuyAgainRanker(BuyAgainParams(item_repeat_power=0.0)).fit(inter).score_user(a)
    assert off[x] == pytest.approx(off[y])
    ex = BuyAgainRanker().fit(inter).explain(a, x)
    assert ex.score == pytest.approx(float(on[x]), rel=1e-5) and ex.evidence["times"] == 1


def test_days_since_last_counts_calendar_days_not_rounded_hours() -> None:
    from ranking.buy_again import calendar_days_between

    inter = interactions_from_frame(_frame())
    r = BuyAgainRanker().fit(inter)
    a, x = inter.user_index()["A"], inter.item_index()["X"]
    ordered = float(np.floor(r.now))  # A's order is the last one in the data, placed at midnight
    for hour, days in ((0.5, 0), (13.0, 0), (23.9, 0), (24.5, 1), (24 * 30 + 18, 30)):
        r.now = ordered + hour / 24
        assert r.explain(a, x).evidence["days_since_last"] == days, hour
    assert calendar_days_between(10.99, 11.01) == 1  # 23:45 yesterday is "1 day ago" at 00:15


def test_validation_folds_end_before_the_test_period() -> None:
    from evals.ranking_eval import validation_splits

    rows = []
    for m in range(1, 9):  # one order per customer per month, Jan..Aug 2011
        for c in range(6):
            rows.append((f"C{c}", f"S{(c + m) % 5}", f"inv-{m}-{c}", f"2011-0{m}-1{c}"))
    df = pd.DataFrame(rows, columns=["customer", "sku", "invoice", "ts"])
    df = df.assign(ts=pd.to_datetime(df.ts), qty=np.float32(1), description="")
    folds = validation_splits(df, "2011-08-01")
    assert [(s, e) for s, e, _ in folds] == [("2011-06-01", "2011-08-01"), ("2011-05-01", "2011-07-01"),
                                            ("2011-04-01", "2011-06-01")]
    for s, _, split in folds:
        assert split.train.t.max() < (np.datetime64(s, "s").astype(np.int64) / 86400.0)
        assert split.users
