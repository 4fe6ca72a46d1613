"""Per-company values of the equality audit's metrics for one month, as pure functions over plain data.

Each metric is a frame with one row per company of its population: ``company`` (external id), ``num`` and, for
a ratio of sums, ``den`` (NaN for a mean). The audit (``oversight.equality``) groups these rows; nothing here
knows any group. Definitions (docs/oversight.md):

- **hit_rate**, **recall_at_10** — companies shown recommendations in the month that bought in the next one. A
  company's top 10 are the SKUs shown to it most often in the month (ties: better position, later, SKU); the
  truth is every SKU it ordered in the next month. Scored with ranx (``hit_rate@10``, ``recall@10``), the
  library and definitions of ``salesagent eval ranking``, then **adjusted for purchase volume**: a company
  that buys 20 different products is hit almost surely and recalled little, one that buys 2 the other way round,
  so each company's score is compared with the mean of the companies that bought as many products
  (:data:`VOLUME_BINS`) — ``score - mean of its volume band + overall mean``. A group's value is then its hit
  rate as if it bought like everyone else; the overall mean is unchanged.
- **ctr** — clicks in the month attributed to an impression (``measurement.attribution``: same company and SKU,
  within 7 days, last touch) / impressions in the month (ratio of sums).
- **premium_share** — share of a company's impressions whose product costs at least the 75th percentile of the
  active products of its category (categories of four or more products).
- **price_level** — mean over a company's impressions of the product's price / its category's median price.
- **category_diversity** — mean over the company's shown lists of distinct categories / items in the list.
- **long_tail_share** — share of a company's impressions outside the head of their category: the most ordered
  SKUs of each category that make up 80 % of its order lines in the 365 days before the month (per category,
  like the premium tier and the price level, so that groups buying different assortments stay comparable).
- **price_requests** — price requests filed in the month per company shown a recommendation or ordering in the
  month. A company is never counted *because* it filed: a population chosen by the outcome would make a group
  whose other companies are less active look as if it asked more (the demo's June did exactly that).
- **approval_share** — approved / decided requests filed in the month (ratio of sums; a request that expired
  undecided is not a decision).
- **mean_discount** — the discount granted, % off the catalogue price, over approved requests (ratio of sums).
- **decision_hours** — hours from filing to decision over decided requests (ratio of sums).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

TOP_K = 10
PREMIUM_QUANTILE = 0.75
PREMIUM_MIN_PRODUCTS = 4
HEAD_SHARE = 0.80
VOLUME_BINS = (1, 2, 4, 8, 16)
"""Lower edges of the purchase-volume bands (distinct SKUs bought next month): 1, 2-3, 4-7, 8-15, 16+."""


@dataclass(frozen=True)
class Metric:
    """What one audited metric is: its family, how a group's value is formed and which direction is better."""

    label: str
    family: str
    kind: str
    """``mean`` of per-company values, or ``ratio`` of sums."""
    better: str | None
    """``higher``, ``lower`` or None (a level, neither good nor bad)."""
    unit: str
    population: str


METRICS: dict[str, Metric] = {
    "hit_rate": Metric("hit rate@10 of next month's purchases (volume-adjusted)", "quality", "mean", "higher",
                       "share",
                       "shown recommendations in the month and bought in the next"),
    "recall_at_10": Metric("recall@10 of next month's purchases (volume-adjusted)", "quality", "mean", "higher",
                           "share",
                           "shown recommendations in the month and bought in the next"),
    "ctr": Metric("click-through rate", "quality", "ratio", "higher", "share", "shown recommendations"),
    "premium_share": Metric("share of premium-tier products shown", "exposure", "mean", None, "share",
                            "shown recommendations"),
    "price_level": Metric("mean price level shown (1 = category median)", "exposure", "mean", None, "ratio",
                          "shown recommendations"),
    "category_diversity": Metric("category diversity of a shown list", "exposure", "mean", "higher", "share",
                                 "shown recommendations"),
    "long_tail_share": Metric("share of long-tail products shown", "exposure", "mean", None, "share",
                              "shown recommendations"),
    "price_requests": Metric("price requests filed per company", "access", "mean", None, "count",
                             "shown recommendations or ordered in the month"),
    "approval_share": Metric("share of price requests approved", "access", "ratio", "higher", "share",
                             "a price request decided"),
    "mean_discount": Metric("mean discount granted (%)", "access", "ratio", "higher", "percent",
                            "a price request approved"),
    "decision_hours": Metric("time to decision (hours)", "access", "ratio", "lower", "hours",
                             "a price request decided"),
}


@dataclass(frozen=True)
class Product:
    """What the exposure metrics know of a SKU."""

    category: str
    premium: bool
    price_level: float


def product_table(items: Iterable[tuple[str, str, float, bool]]) -> dict[str, Product]:
    """Return ``{sku: Product}`` from ``(sku, category, price, active)``: premium tier and price level relative
    to the active products of the same category."""
    frame = pd.DataFrame(list(items), columns=["sku", "category", "price", "active"])
    if frame.empty:
        return {}
    active = frame[frame["active"]]
    median = active.groupby("category")["price"].median()
    cut = active.groupby("category")["price"].quantile(PREMIUM_QUANTILE)
    size = active.groupby("category")["price"].size()
    out = {}
    for sku, category, price, _active in frame.itertuples(index=False):
        med = float(median.get(category, np.nan))
        premium = bool(size.get(category, 0) >= PREMIUM_MIN_PRODUCTS and price >= float(cut.get(category, np.inf)))
        out[sku] = Product(category, premium, float(price / med) if med and med > 0 else float("nan"))
    return out


def head_skus(order_lines: Mapping[str, int], category_of: Mapping[str, str], share: float = HEAD_SHARE
              ) -> set[str]:
    """Return the head: in each category, the most ordered SKUs that together make up ``share`` of its order
    lines."""
    by_category: dict[str, list[tuple[str, int]]] = {}
    for sku, n in order_lines.items():
        by_category.setdefault(category_of.get(sku, ""), []).append((sku, n))
    head: set[str] = set()
    for rows in by_category.values():
        ranked = sorted(rows, key=lambda kv: (-kv[1], kv[0]))
        total, running = sum(n for _, n in ranked), 0
        for sku, n in ranked:
            if running >= share * total:
                break
            head.add(sku)
            running += n
    return head


def volume_adjusted(scores: Mapping[str, float], volume: Mapping[str, int]) -> dict[str, float]:
    """Return each company's score less the mean score of its purchase-volume band, plus the overall mean."""
    band = {c: sum(volume[c] >= edge for edge in VOLUME_BINS) for c in scores}
    frame = pd.DataFrame({"score": pd.Series(scores, dtype=float), "band": pd.Series(band)})
    means = frame.groupby("band")["score"].transform("mean")
    adjusted = frame["score"] - means + frame["score"].mean()
    return {str(c): float(v) for c, v in adjusted.items()}


def _frame(rows: Mapping[str, tuple[float, float]] | Mapping[str, float]) -> pd.DataFrame:
    """Return the per-company frame: ``(num, den)`` values (a ratio of sums) or plain values (``den`` NaN)."""
    records: list[tuple[str, float, float]] = []
    for company, value in rows.items():
        num, den = value if isinstance(value, tuple) else (value, np.nan)
        records.append((str(company), float(num), float(den)))
    if not records:
        return pd.DataFrame({"company": pd.Series([], dtype=object), "num": pd.Series([], dtype=float),
                             "den": pd.Series([], dtype=float)})
    return pd.DataFrame(records, columns=["company", "num", "den"])


def top_k(impressions: pd.DataFrame, k: int = TOP_K) -> dict[str, list[str]]:
    """Return each company's ``k`` most shown SKUs (ties: better best position, later last time, SKU)."""
    if impressions.empty:
        return {}
    agg = (impressions.assign(sku=impressions["sku"].astype(str), company=impressions["company"].astype(str))
           .groupby(["company", "sku"], observed=True)
           .agg(shown=("sku", "size"), best=("position", "min"), last=("ts", "max")).reset_index())
    agg = agg.sort_values(["company", "shown", "best", "last", "sku"], ascending=[True, False, True, False, True],
                          kind="mergesort")
    return {c: list(g["sku"].head(k)) for c, g in agg.groupby("company", sort=True)}


def quality(impressions: pd.DataFrame, purchases: Mapping[str, set[str]]) -> dict[str, pd.DataFrame]:
    """Return ``hit_rate`` and ``recall_at_10`` per company shown recommendations that bought next month."""
    from ranx import Qrels, Run, evaluate

    tops = top_k(impressions)
    companies = sorted(c for c in tops if purchases.get(c))
    if not companies:
        return {"hit_rate": _frame({}), "recall_at_10": _frame({})}
    qrels = Qrels({c: {s: 1 for s in sorted(purchases[c])} for c in companies})
    run = Run({c: {s: float(TOP_K - r) for r, s in enumerate(tops[c])} for c in companies})
    scores = evaluate(qrels, run, [f"hit_rate@{TOP_K}", f"recall@{TOP_K}"], return_mean=False,
                      make_comparable=True)
    keys = list(qrels.keys())
    volume = {c: len(purchases[c]) for c in companies}
    hit = volume_adjusted(dict(zip(keys, np.asarray(scores[f"hit_rate@{TOP_K}"], dtype=float), strict=True)),
                          volume)
    recall = volume_adjusted(dict(zip(keys, np.asarray(scores[f"recall@{TOP_K}"], dtype=float), strict=True)),
                             volume)
    return {"hit_rate": _frame({c: hit[c] for c in companies}),
            "recall_at_10": _frame({c: recall[c] for c in companies})}


def exposure(impressions: pd.DataFrame, clicks: Mapping[str, int], products: Mapping[str, Product],
             head: set[str]) -> dict[str, pd.DataFrame]:
    """Return ``ctr``, ``premium_share``, ``price_level``, ``category_diversity`` and ``long_tail_share`` per
    company shown recommendations in the month."""
    if impressions.empty:
        return {m: _frame({}) for m in ("ctr", "premium_share", "price_level", "category_diversity",
                                        "long_tail_share")}
    imp = pd.DataFrame({"company": impressions["company"].astype(str).to_numpy(),
                        "sku": impressions["sku"].astype(str).to_numpy(),
                        "list": impressions["rec_request_id"].astype(str).to_numpy()})
    known = imp["sku"].map(lambda s: s in products)
    imp = imp[known.to_numpy()]
    imp["premium"] = imp["sku"].map(lambda s: products[s].premium).astype(float)
    imp["level"] = imp["sku"].map(lambda s: products[s].price_level).astype(float)
    imp["category"] = imp["sku"].map(lambda s: products[s].category)
    imp["tail"] = (~imp["sku"].isin(head)).astype(float)
    by = imp.groupby("company", sort=True)
    shown = by.size()
    lists = imp.groupby(["company", "list"], sort=True).agg(cats=("category", "nunique"), items=("sku", "size"))
    diversity = (lists["cats"] / lists["items"]).groupby(level="company").mean()
    return {
        "ctr": _frame({c: (float(clicks.get(c, 0)), float(n)) for c, n in shown.items()}),
        "premium_share": _frame(by["premium"].mean().to_dict()),
        "price_level": _frame(by["level"].mean().dropna().to_dict()),
        "category_diversity": _frame(diversity.to_dict()),
        "long_tail_share": _frame(by["tail"].mean().to_dict()),
    }


@dataclass(frozen=True)
class Request:
    """One price request as the access metrics read it."""

    company: str
    requested_at: datetime
    decided_at: datetime | None
    approved: bool
    discount: float | None
    """% off the catalogue price granted (approved requests)."""


def access(requests: Iterable[Request], base: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Return ``price_requests`` (per company of ``base``: shown or ordering in the month), ``approval_share``,
    ``mean_discount`` and ``decision_hours`` per company that filed."""
    filed: dict[str, float] = dict.fromkeys(sorted(set(base)), 0.0)
    decided: dict[str, list[float]] = {}
    granted: dict[str, list[float]] = {}
    hours: dict[str, list[float]] = {}
    for r in requests:
        if r.company in filed:
            filed[r.company] += 1
        if r.decided_at is None:
            continue
        decided.setdefault(r.company, []).append(1.0 if r.approved else 0.0)
        hours.setdefault(r.company, []).append((r.decided_at - r.requested_at).total_seconds() / 3600)
        if r.approved and r.discount is not None:
            granted.setdefault(r.company, []).append(r.discount)
    return {
        "price_requests": _frame(filed),
        "approval_share": _frame({c: (sum(v), float(len(v))) for c, v in decided.items()}),
        "mean_discount": _frame({c: (sum(v), float(len(v))) for c, v in granted.items()}),
        "decision_hours": _frame({c: (sum(v), float(len(v))) for c, v in hours.items()}),
    }


def discount_of(approved_unit_price: float | None, list_price: float | None, asked: float | None) -> float | None:
    """Return the discount granted in % of the catalogue price: from the approved unit price when both prices are
    known, else the percentage the request asked for."""
    if approved_unit_price is not None and list_price:
        return 100.0 * (1.0 - approved_unit_price / list_price)
    return asked
