"""The disparity of one metric across groups, as pure functions over per-company samples (scipy.stats).

A metric's value in a group is the mean of its companies' values, or a ratio of sums (clicks / impressions,
approved / decided requests), so companies are the unit everything resamples. For each metric and dimension:

- **gap** = max − min of the group values and **ratio** = min / max, between the two extreme groups;
- their **95 % intervals**: ``scipy.stats.bootstrap`` (percentile method) resampling the companies of those two
  groups, each group on its own (a stratified bootstrap);
- the **p-value** of that pair: a permutation test (``scipy.stats.permutation_test``, companies shuffled across
  all the groups) of the largest studentized difference between any two groups, ``|v_g - v_h| / sqrt(se_g² +
  se_h²)`` (the max-T method of Westfall and Young): the extreme pair's p-value is the share of shuffles whose
  largest difference reaches the pair's own, so choosing the extremes after looking does not inflate it, and a
  small noisy group weighs less than a large one (its standard error is larger). Standard errors: of a mean
  ``sd / sqrt(n)``; of a ratio of sums the delta method over companies;
- :func:`holm` adjusts the p-values of all the audit's tests together (family-wise error at ``alpha``); a
  test near its resolution floor is re-run with enough shuffles for that (:func:`disparity`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

N_BOOTSTRAP = 2000
N_PERMUTATIONS = 4999
REFINE_HITS = 5
"""A first run whose p-value is this many shuffles or fewer above its floor is refined."""


@dataclass(frozen=True)
class GroupSample:
    """One group's companies for one metric: ``num`` per company, and ``den`` for a ratio of sums."""

    num: np.ndarray
    den: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Return how many companies the group has for this metric."""
        return len(self.num)

    def value(self) -> float:
        """Return the group's metric: the mean of ``num``, or ``sum(num) / sum(den)``."""
        if self.den is None:
            return float(np.mean(self.num))
        return float(np.sum(self.num) / np.sum(self.den))


@dataclass(frozen=True)
class Disparity:
    """The gap of one metric between its lowest and highest group, with intervals and the range test."""

    low: str
    high: str
    gap: float
    ci95: tuple[float, float]
    ratio: float | None
    ratio_ci95: tuple[float, float] | None
    p_value: float


def _pooled(groups: Sequence[GroupSample]) -> tuple[np.ndarray, np.ndarray | None, list[np.ndarray]]:
    """Return the pooled numerators (and denominators) and each group's indices into them."""
    num = np.concatenate([g.num for g in groups]).astype(np.float64)
    den = None if groups[0].den is None else np.concatenate([g.den for g in groups if g.den is not None]).astype(
        np.float64)
    bounds = np.cumsum([0, *[g.n for g in groups]])
    return num, den, [np.arange(bounds[i], bounds[i + 1], dtype=np.float64) for i in range(len(groups))]


def _moments(num: np.ndarray, den: np.ndarray | None, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the metric of the companies ``idx`` (last axis) and its squared standard error, vectorised over the
    leading axes."""
    i = idx.astype(np.int64)
    n = i.shape[-1]
    x = num[i]
    if den is None:
        return np.asarray(x.mean(axis=-1)), np.asarray(x.var(axis=-1, ddof=1) / n)
    d = den[i]
    total = d.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = x.sum(axis=-1) / total
        resid = x - value[..., None] * d
        var = (resid ** 2).sum(axis=-1) / total ** 2 * n / (n - 1)
    return np.asarray(value), np.asarray(var)


def _z(diff: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Return ``|diff| / sqrt(var)``; 0 where both are 0 (two constant, equal groups)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.abs(diff) / np.sqrt(var)
    return np.where(np.abs(diff) > 0, z, 0.0)


def _interval(res: Any) -> tuple[float, float]:
    return (float(res.confidence_interval.low), float(res.confidence_interval.high))


def disparity(groups: Mapping[str, GroupSample], *, seed: int = 0, n_bootstrap: int = N_BOOTSTRAP,
              n_permutations: int = N_PERMUTATIONS, max_permutations: int | None = None) -> Disparity | None:
    """Return the disparity of a metric over ``groups`` (those with at least two companies; at least two such
    groups), or None when there are fewer.

    A permutation p-value cannot be below ``1 / (n_permutations + 1)``, and Holm multiplies the smallest by the
    number of tests, so a clear gap could never pass a strict family-wise level. When the first ``n_permutations``
    leave the p-value within :data:`REFINE_HITS` shuffles of that floor, the test is run again with
    ``max_permutations`` (the audit passes enough for its number of tests); other tests keep the cheap run.
    """
    from scipy import stats

    names = [k for k, g in groups.items() if g.n >= 2]
    if len(names) < 2:
        return None
    samples = [groups[k] for k in names]
    values = np.array([g.value() for g in samples])
    hi_i, lo_i = int(np.argmax(values)), int(np.argmin(values))
    if hi_i == lo_i:  # every group has the same value
        lo_i = 0 if hi_i != 0 else 1
    num, den, idx = _pooled(samples)
    pairs = np.triu_indices(len(samples), k=1)

    def max_t(*parts: np.ndarray, axis: int = -1) -> np.ndarray:
        moments = [_moments(num, den, np.moveaxis(p, axis, -1)) for p in parts]
        v = np.stack([m[0] for m in moments])
        var = np.stack([m[1] for m in moments])
        return np.asarray(_z(v[pairs[0]] - v[pairs[1]], var[pairs[0]] + var[pairs[1]]).max(axis=0))

    (v_hi, var_hi), (v_lo, var_lo) = _moments(num, den, idx[hi_i]), _moments(num, den, idx[lo_i])
    z_pair = float(_z(np.asarray(v_hi - v_lo), np.asarray(var_hi + var_lo)))

    def p_of(resamples: int, rng_seed: int) -> float:
        test = stats.permutation_test(tuple(idx), max_t, permutation_type="independent", vectorized=True,
                                      n_resamples=resamples, alternative="greater", batch=500,
                                      rng=np.random.default_rng(rng_seed))
        null = np.asarray(test.null_distribution)
        return float((1 + np.sum(null >= z_pair * (1 - 1e-12))) / (len(null) + 1))

    p_value = p_of(n_permutations, seed)
    if max_permutations is not None and max_permutations > n_permutations \
            and p_value <= (1 + REFINE_HITS) / (n_permutations + 1):
        p_value = p_of(max_permutations, seed + 3)

    def gap(high: np.ndarray, low: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(_moments(num, den, np.moveaxis(high, axis, -1))[0]
                          - _moments(num, den, np.moveaxis(low, axis, -1))[0])

    def ratio(high: np.ndarray, low: np.ndarray, axis: int = -1) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(_moments(num, den, np.moveaxis(low, axis, -1))[0]
                              / _moments(num, den, np.moveaxis(high, axis, -1))[0])

    pair = (idx[hi_i], idx[lo_i])
    boot_gap = stats.bootstrap(pair, gap, vectorized=True, n_resamples=n_bootstrap, method="percentile",
                               batch=500, rng=np.random.default_rng(seed + 1))
    top, bottom = float(values[hi_i]), float(values[lo_i])
    ratio_value = ratio_ci = None
    if top > 0 and bottom >= 0:
        boot_ratio = stats.bootstrap(pair, ratio, vectorized=True, n_resamples=n_bootstrap, method="percentile",
                                     batch=500, rng=np.random.default_rng(seed + 2))
        ratio_value, ratio_ci = bottom / top, _interval(boot_ratio)
    return Disparity(low=names[lo_i], high=names[hi_i], gap=top - bottom, ci95=_interval(boot_gap),
                     ratio=ratio_value, ratio_ci95=ratio_ci, p_value=p_value)


def holm(p_values: Sequence[float]) -> list[float]:
    """Return Holm's step-down adjusted p-values (same order as given): the family-wise error of all the tests
    stays at most the level they are compared with."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out
