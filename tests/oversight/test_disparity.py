"""The disparity statistics alone (oversight.disparity): intervals that cover a known gap, a range test that
stays quiet on groups drawn alike, and Holm's adjustment by hand."""

from __future__ import annotations

import numpy as np
import pytest

from oversight.disparity import GroupSample, disparity, holm


def _groups(rng: np.random.Generator, means: dict[str, float], n: int = 80) -> dict[str, GroupSample]:
    return {g: GroupSample(rng.normal(m, 1.0, size=n)) for g, m in means.items()}


def test_a_known_gap_between_means_is_inside_its_interval_and_clear() -> None:
    rng = np.random.default_rng(1)
    d = disparity(_groups(rng, {"a": 0.0, "b": 0.0, "c": 1.0}), n_bootstrap=999, n_permutations=999)
    assert d is not None
    assert d.high == "c" and d.low in ("a", "b")
    assert d.ci95[0] <= 1.0 <= d.ci95[1]
    assert d.ci95[0] > 0.4  # clearly away from no gap
    assert d.p_value < 0.01


def test_groups_drawn_alike_give_no_clear_gap() -> None:
    p_values = []
    for seed in range(20):
        d = disparity(_groups(np.random.default_rng(100 + seed), {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0}),
                      n_bootstrap=200, n_permutations=499, seed=seed)
        assert d is not None
        p_values.append(d.p_value)
    # the max-T permutation p-value of the extreme pair is valid: under no gap it is roughly uniform, not small
    assert sum(p < 0.05 for p in p_values) <= 3
    assert float(np.median(p_values)) > 0.2


def test_a_ratio_of_sums_gap_uses_the_sums_and_covers_the_truth() -> None:
    rng = np.random.default_rng(3)

    def share(p: float, n: int = 150) -> GroupSample:
        decided = rng.integers(1, 5, size=n).astype(float)
        return GroupSample(rng.binomial(decided.astype(int), p).astype(float), decided)

    groups = {"north": share(0.75), "south": share(0.35), "west": share(0.75)}
    d = disparity(groups, n_bootstrap=999, n_permutations=999)
    assert d is not None and d.low == "south"
    south = groups["south"]
    assert south.den is not None and south.value() == pytest.approx(south.num.sum() / south.den.sum())
    assert d.ci95[0] <= 0.40 <= d.ci95[1]
    assert d.ratio is not None and d.ratio_ci95 is not None
    assert d.ratio_ci95[0] <= 0.35 / 0.75 <= d.ratio_ci95[1]


def test_fewer_than_two_usable_groups_is_no_disparity() -> None:
    assert disparity({"a": GroupSample(np.array([1.0, 2.0])), "b": GroupSample(np.array([1.0]))}) is None


def test_holm_by_hand() -> None:
    # sorted 0.01, 0.02, 0.04, 0.30 -> 4*0.01, max(.04, 3*.02), max(.06, 2*.04), max(.08, 1*.30)
    assert holm([0.04, 0.01, 0.30, 0.02]) == pytest.approx([0.08, 0.04, 0.30, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
