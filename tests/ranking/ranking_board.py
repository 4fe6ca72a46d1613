"""Tiny synthetic order matrices with known answers (checkerboard: two customer groups, two item groups)."""

from __future__ import annotations

import numpy as np

from ranking.interactions import Interactions

DAY0 = 15000.0


def checkerboard(n_per_group: int = 6, items_per_group: int = 4) -> Interactions:
    """Group A customers order items 0..3, group B items 4..7; customer u never ordered item (u % 4) of its
    group, so that item is the known answer for them. Two orders per customer, 30 days apart."""
    rows = []
    basket = 0
    n_users = 2 * n_per_group
    for u in range(n_users):
        group = u // n_per_group
        items = [group * items_per_group + i for i in range(items_per_group) if i != u % items_per_group]
        for rep in range(2):
            for i in items:
                rows.append((u, i, basket, DAY0 + 30 * rep + u * 0.01))
            basket += 1
    u, i, b, t = (np.array(x) for x in zip(*rows, strict=True))
    return Interactions(
        users=np.array([f"C{k}" for k in range(n_users)], dtype=object),
        items=np.array([f"S{k}" for k in range(2 * items_per_group)], dtype=object),
        user=u.astype(np.int32), item=i.astype(np.int32), basket=b.astype(np.int64), t=t.astype(np.float64),
        kind=np.zeros(len(u), np.int8), qty=np.ones(len(u), np.float32),
        item_names={f"S{k}": f"item {k}" for k in range(2 * items_per_group)},
    )
