"""Buy-again / replenishment: how often, how recently and how regularly a customer ordered an item."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from core.errors import ModelFitError
from ranking.base import Ranker
from ranking.interactions import Interactions, replace_row
from ranking.models import Explanation


def calendar_days_between(earlier: float, later: float) -> int:
    """Whole UTC calendar days from ``earlier`` to ``later`` (both in days since the epoch): an order placed
    this morning is "0 days ago" all day and yesterday's is 1, whatever the hour (rounding elapsed time would
    call this morning's order "1 day ago" by the afternoon)."""
    return int(np.floor(later) - np.floor(earlier))


@dataclass(frozen=True)
class BuyAgainParams:
    recency_tau_days: float = 120.0
    """Recency decay: score = orders x exp(-days since last order / tau) x due factor."""
    due_boost: float = 0.5
    """Extra weight when the typical reorder interval has elapsed (0 disables)."""
    item_repeat_power: float = 1.0
    """Multiply by (item repeat rate) ** power: the share of the item's buyers who ordered it again, smoothed
    as (repeaters + 1) / (buyers + 2); consumables outrank one-off purchases (0 disables)."""


def _per_customer_item(orders: Interactions) -> pd.DataFrame:
    """Per (customer, item): distinct orders ``n``, last order time ``last`` and median gap ``interval`` (days,
    +1e-6 so a single order stays a stored entry)."""
    df = pd.DataFrame({"u": orders.user, "i": orders.item, "b": orders.basket, "t": orders.t})
    per_basket = df.groupby(["u", "i", "b"], sort=False).t.min().reset_index()
    per_basket = per_basket.sort_values(["u", "i", "t"])
    per_basket["gap"] = per_basket.groupby(["u", "i"]).t.diff()
    agg = per_basket.groupby(["u", "i"]).agg(n=("b", "size"), last=("t", "max"), interval=("gap", "median"))
    agg = agg.reset_index()
    agg["interval"] = agg.interval.fillna(0) + 1e-6
    return agg


class BuyAgainRanker(Ranker):
    """Scores only items the customer already ordered; ``-inf`` elsewhere."""

    name = "buy_again"

    def __init__(self, params: BuyAgainParams | None = None) -> None:
        self.params = params or BuyAgainParams()

    def fit(self, interactions: Interactions) -> BuyAgainRanker:
        orders = interactions.orders()
        if len(orders.user) == 0:
            raise ModelFitError("buy-again: no order lines")
        agg = _per_customer_item(orders)
        shape = (interactions.n_users, interactions.n_items)
        u, i = agg.u.to_numpy(), agg.i.to_numpy()
        self.count = sp.csr_matrix((agg.n.to_numpy(np.float32), (u, i)), shape=shape)
        self.last = sp.csr_matrix((agg["last"].to_numpy(np.float64), (u, i)), shape=shape)
        self.interval = sp.csr_matrix((agg.interval.to_numpy(np.float64), (u, i)), shape=shape)
        buyers = np.bincount(i, minlength=interactions.n_items)
        repeaters = np.bincount(i[agg.n.to_numpy() > 1], minlength=interactions.n_items)
        self.repeat_rate = ((repeaters + 1.0) / (buyers + 2.0)).astype(np.float64)
        self.now = interactions.now
        self.n_items = interactions.n_items
        return self

    def update_user(self, userid: int, orders: Interactions) -> None:
        """Replace one customer's counts, last orders and intervals with those of ``orders`` (their whole order
        history, same id maps); the item repeat rates, an aggregate over every customer, wait for the next
        retrain. Not safe against concurrent readers by itself: the store's Recommender holds a lock."""
        orders = orders.orders()
        rows = orders.select(orders.user == userid)
        agg = _per_customer_item(rows)
        i = agg.i.to_numpy()
        zeros = np.zeros(len(i), dtype=np.int64)
        width = (1, self.n_items)

        def row(values: np.ndarray, dtype: type) -> sp.csr_matrix:
            return sp.csr_matrix((values.astype(dtype), (zeros, i)), shape=width)

        self.count = replace_row(self.count, userid, row(agg.n.to_numpy(), np.float32))
        self.last = replace_row(self.last, userid, row(agg["last"].to_numpy(), np.float64))
        self.interval = replace_row(self.interval, userid, row(agg.interval.to_numpy(), np.float64))

    def _parts(self, userid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if userid < 0 or userid >= self.count.shape[0]:
            e = np.empty(0)
            return e.astype(np.int64), e, e, e
        sl = slice(self.count.indptr[userid], self.count.indptr[userid + 1])
        return self.count.indices[sl], self.count.data[sl], self.last.data[sl], self.interval.data[sl]

    def _score(self, n: np.ndarray, last: np.ndarray, interval: np.ndarray,
               idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        days = self.now - last
        due = np.where((n > 1) & (interval > 1), np.minimum(days / np.maximum(interval, 1.0), 2.0), 0.0)
        due_factor = 1.0 + self.params.due_boost * np.where(due >= 1.0, 1.0, 0.0)
        score = n * np.exp(-days / self.params.recency_tau_days) * due_factor
        if self.params.item_repeat_power:
            score = score * self.repeat_rate[idx] ** self.params.item_repeat_power
        return score, due

    def score_user(self, userid: int) -> np.ndarray:
        out = np.full(self.n_items, -np.inf, dtype=np.float32)
        idx, n, last, interval = self._parts(userid)
        if len(idx):
            out[idx] = self._score(n, last, interval, idx)[0]
        return out

    def explain(self, userid: int, itemid: int) -> Explanation:
        idx, n, last, interval = self._parts(userid)
        hit = np.flatnonzero(idx == itemid)
        if not len(hit):
            return Explanation(0.0, self.name, {"times": 0})
        k = hit[0]
        score, due = self._score(n[k:k + 1], last[k:k + 1], interval[k:k + 1], idx[k:k + 1])
        typical = float(interval[k]) if n[k] > 1 else None
        return Explanation(float(score[0]), self.name, {
            "times": int(n[k]), "days_since_last": calendar_days_between(float(last[k]), self.now),
            "typical_interval_days": None if typical is None else round(typical),
            "due": bool(due[0] >= 1.0),
        })
