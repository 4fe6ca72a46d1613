"""The interactions table every ranker is fitted on: order lines and (legal-basis) behaviour events.

Two sources build the same :class:`Interactions`: the store (``from_store`` in ``ranking.store_source``) and an
Online Retail CSV(.gz) (``read_online_retail`` here, used by the eval commands). Rows are plain numpy arrays;
user and item ids are strings (company external id / SKU) mapped to dense integer codes.
"""

from __future__ import annotations

import gzip
import io
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from core.errors import InputError, ModelFitError

ORDER = 0
"""Kind code of an order line; behaviour events use :data:`EVENT_KINDS`."""
EVENT_KINDS: dict[str, int] = {"view": 1, "search": 2, "add_to_cart": 3, "impression": 4, "click": 5}
DEFAULT_KIND_WEIGHTS: dict[int, float] = {ORDER: 1.0, 1: 0.15, 2: 0.0, 3: 0.5, 4: 0.0, 5: 0.1}
"""Confidence one interaction adds, per kind (an order line counts 1; a view 0.15; an impression nothing)."""

DAY = 86400.0


class CostlyConversionWarning(UserWarning):
    """A costly input conversion happened at the edge of fast code (the message says what it cost)."""


@dataclass(frozen=True)
class Interactions:
    """Interaction rows plus the id maps. ``t`` is in days since the Unix epoch (float)."""

    users: np.ndarray
    """External user ids (str), index = user code."""
    items: np.ndarray
    """SKUs (str), index = item code."""
    user: np.ndarray
    item: np.ndarray
    basket: np.ndarray
    """Order (basket) code of an order line; -1 for events."""
    t: np.ndarray
    kind: np.ndarray
    qty: np.ndarray
    item_names: dict[str, str] = field(default_factory=dict)
    item_categories: dict[str, str] = field(default_factory=dict)
    user_segments: dict[str, tuple[str, str]] = field(default_factory=dict)
    """External user id -> (industry, size_band); never anything protected."""

    def __post_init__(self) -> None:
        n = len(self.user)
        for name in ("item", "basket", "t", "kind", "qty"):
            if len(getattr(self, name)) != n:
                raise InputError(f"interactions column {name!r} has {len(getattr(self, name))} rows, expected {n}")

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def now(self) -> float:
        """The reference time (days): the last interaction seen."""
        return float(self.t.max()) if len(self.t) else 0.0

    def user_index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.users)}

    def item_index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.items)}

    def select(self, mask: np.ndarray) -> Interactions:
        """Rows where ``mask`` is true; the id maps stay the same."""
        return replace(
            self, user=self.user[mask], item=self.item[mask], basket=self.basket[mask], t=self.t[mask],
            kind=self.kind[mask], qty=self.qty[mask],
        )

    def orders(self) -> Interactions:
        return self.select(self.kind == ORDER)

    def before(self, t: float) -> Interactions:
        return self.select(self.t < t)

    def matrix(
        self, kind_weights: dict[int, float] | None = None, half_life_days: float | None = None, *,
        now: float | None = None,
    ) -> sp.csr_matrix:
        """Return the user x item raw-confidence CSR: order lines count once per basket, events by kind weight,
        optionally decayed with a half-life before ``now`` (default :attr:`now`; a one-customer update passes
        the model's reference time so its rows decay like the rest)."""
        weights = kind_weights or DEFAULT_KIND_WEIGHTS
        w = np.array([weights.get(int(k), 0.0) for k in range(max(EVENT_KINDS.values()) + 1)], dtype=np.float32)
        val = w[self.kind]
        if half_life_days:
            ref = self.now if now is None else now
            val = val * np.power(0.5, np.maximum(ref - self.t, 0.0) / half_life_days).astype(np.float32)
        keep = val > 0
        m = sp.csr_matrix(
            (val[keep], (self.user[keep], self.item[keep])), shape=(self.n_users, self.n_items), dtype=np.float32
        )
        m.sum_duplicates()
        return m


def replace_row(matrix: sp.csr_matrix, row: int, new_row: sp.csr_matrix) -> sp.csr_matrix:
    """Return a copy of ``matrix`` with row ``row`` replaced by the one-row CSR ``new_row`` (same width).

    Copying the whole CSR costs O(nnz) (about a millisecond at 200k entries) and lets readers keep using the
    old matrix until the caller swaps the reference in."""
    m = matrix.tocsr()
    new = new_row.tocsr()
    if new.shape != (1, m.shape[1]):
        raise ValueError(f"replacement row has shape {new.shape}, expected (1, {m.shape[1]})")
    new.sum_duplicates()
    start, end = m.indptr[row], m.indptr[row + 1]
    indices = np.concatenate([m.indices[:start], new.indices, m.indices[end:]])
    data = np.concatenate([m.data[:start], new.data.astype(m.dtype), m.data[end:]])
    indptr = m.indptr.copy()
    indptr[row + 1:] += len(new.indices) - (end - start)
    return sp.csr_matrix((data, indices, indptr), shape=m.shape)


def confidence(matrix: sp.csr_matrix, scheme: str = "bm25", *, alpha: float = 1.0, k1: float = 100.0,
               b: float = 0.8) -> sp.csr_matrix:
    """Return ``matrix`` with confidence weighting applied: ``bm25`` (implicit's), ``log`` (1 + alpha log1p(r)),
    ``linear`` (alpha r) or ``binary``."""
    if matrix.nnz == 0:
        raise ModelFitError("cannot weight an empty interaction matrix")
    if scheme == "bm25":
        from implicit.nearest_neighbours import bm25_weight

        out = bm25_weight(matrix.tocoo(), K1=k1, B=b).tocsr().astype(np.float32)
        out.data *= alpha
    elif scheme == "log":
        out = matrix.copy()
        out.data = (1.0 + alpha * np.log1p(out.data)).astype(np.float32)
    elif scheme == "linear":
        out = matrix.copy()
        out.data = (alpha * out.data).astype(np.float32)
    elif scheme == "binary":
        out = matrix.copy()
        out.data = np.full_like(out.data, alpha)
    else:
        raise InputError(f"unknown confidence scheme {scheme!r} (bm25, log, linear, binary)")
    return out.tocsr()


# --- Online Retail -------------------------------------------------------------------------------------------------

ONLINE_RETAIL_COLUMNS = ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "CustomerID")


def read_online_retail_frame(path: str | Path) -> pd.DataFrame:
    """Return the valid purchase lines of an Online Retail CSV(.gz) as a DataFrame (customer, sku, invoice, t,
    qty, description); cancellations, returns and rows without customer are dropped. Bad files raise
    :class:`InputError` with one readable line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"orders file not found: {path}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        df = pd.read_csv(io.BytesIO(raw), dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str,
                                                 "Description": str})
    except (OSError, EOFError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"cannot read orders file {path}: {str(err).splitlines()[0]}") from err
    missing = [c for c in ONLINE_RETAIL_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"orders file {path} lacks Online Retail column(s): {', '.join(missing)}")
    df = df.dropna(subset=["CustomerID", "StockCode", "InvoiceNo"])
    df = df[~df["InvoiceNo"].str.startswith("C")]
    qty = pd.to_numeric(df["Quantity"], errors="coerce")
    ts = pd.to_datetime(df["InvoiceDate"], errors="coerce")
    df = df.assign(Quantity=qty, InvoiceDate=ts).dropna(subset=["Quantity", "InvoiceDate"])
    df = df[df["Quantity"] > 0]
    cust = df["CustomerID"].str.strip().str.replace(r"\.0$", "", regex=True)
    return pd.DataFrame({
        "customer": cust.to_numpy(), "sku": df["StockCode"].str.strip().str.upper().to_numpy(),
        "invoice": df["InvoiceNo"].to_numpy(), "ts": df["InvoiceDate"].to_numpy(),
        "qty": df["Quantity"].to_numpy(dtype=np.float32), "description": df["Description"].fillna("").to_numpy(),
    })


def interactions_from_frame(df: pd.DataFrame, *, users: np.ndarray | None = None,
                            items: np.ndarray | None = None) -> Interactions:
    """Return :class:`Interactions` (order lines only) from a purchase-line frame as built by
    :func:`read_online_retail_frame`; ``users``/``items`` fix the id maps (unknown rows are dropped)."""
    if len(df) == 0:
        raise InputError("no usable purchase lines (after dropping cancellations and rows without customer)")
    users = np.array(sorted(df["customer"].unique()), dtype=object) if users is None else users
    items = np.array(sorted(df["sku"].unique()), dtype=object) if items is None else items
    u = pd.Categorical(df["customer"], categories=users).codes
    i = pd.Categorical(df["sku"], categories=items).codes
    keep = (u >= 0) & (i >= 0)
    df = df[keep]
    basket = pd.factorize(df["invoice"])[0]
    t = pd.to_datetime(df["ts"]).to_numpy(dtype="datetime64[s]").astype(np.int64) / DAY
    names = dict(zip(df["sku"], df["description"], strict=False))
    return Interactions(
        users=users, items=items, user=u[keep].astype(np.int32), item=i[keep].astype(np.int32),
        basket=basket.astype(np.int64), t=t.astype(np.float64), kind=np.zeros(len(df), dtype=np.int8),
        qty=df["qty"].to_numpy(dtype=np.float32), item_names={str(k): str(v) for k, v in names.items()},
    )


def read_online_retail(path: str | Path) -> Interactions:
    """Return the :class:`Interactions` of an Online Retail CSV(.gz)."""
    return interactions_from_frame(read_online_retail_frame(path))


def day_of(date: str) -> float:
    """Return an ISO date as days since the epoch (the unit of :attr:`Interactions.t`)."""
    return float(np.datetime64(date, "s").astype(np.int64) / DAY)


def warn_costly(what: str, seconds: float) -> None:
    warnings.warn(f"{what} took {seconds:.2f}s", CostlyConversionWarning, stacklevel=3)
