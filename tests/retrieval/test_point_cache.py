"""The embedded engine keeps fetched points between searches and forgets them at every write."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from retrieval.models import ProductDoc


@pytest.fixture
def edge(settings, embedder, products: list[ProductDoc]):  # type: ignore[no-untyped-def]
    from retrieval import build_catalog_search

    search = build_catalog_search(settings, embedder=embedder, engine="edge")
    search.sync(products)
    yield search
    search.close()


class _CountingShard:
    """The real shard, counting the points it is asked to read."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.read: list[str] = []

    def retrieve(self, ids, **kw):  # type: ignore[no-untyped-def]
        self.read += list(ids)
        return self.inner.retrieve(ids, **kw)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


def test_a_point_read_again_comes_from_the_cache(edge) -> None:  # type: ignore[no-untyped-def]
    engine = edge.engine
    engine._points.clear()
    ids = [h.id for h in edge.engine.query(_plan(edge, "wyłącznik nadprądowy 16A"))][:5]
    shard = engine._shard = _CountingShard(engine._shard)
    first = engine.points(ids)
    unknown = "00000000-0000-0000-0000-000000000000"
    again = engine.points(ids[:3] + [unknown])
    assert shard.read == ids + [unknown]  # the second read asked the shard only for the id it has not seen
    assert [h.id for h in again] == ids[:3]
    assert again[0] is first[0]
    with pytest.raises(ValueError):
        first[0].dense[0] = 0.0  # shared by later reads: read-only


def test_a_write_empties_the_cache_so_a_changed_price_is_seen(edge, products: list[ProductDoc]) -> None:  # type: ignore[no-untyped-def]
    target = products[3]
    # by name, not by code: an exact code match is looked up afresh, a search hit is fetched through the cache
    assert target.sku in [h.sku for h in edge.search(target.name, k=10)]
    changed = [p.model_copy(update={"price": Decimal("1234.50")}) if p.sku == target.sku else p for p in products]
    assert edge.sync(changed).updated == 1
    after = {h.sku: h for h in edge.search(target.name, k=10)}
    assert float(after[target.sku].price) == 1234.5
    edge.delete_skus([target.sku])
    assert all(h.sku != target.sku for h in edge.search(target.name, k=10))


def test_the_cache_is_bounded(edge, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import retrieval._edge as module

    monkeypatch.setattr(module, "POINT_CACHE", 4)
    engine = edge.engine
    ids = [h.id for h in engine.query(_plan(edge, "kabel"))][:10]
    got = engine.points(ids)
    assert len(got) == len(ids) and len(engine._points) == 4
    assert list(engine._points) == ids[-4:]  # the most recent stay
    assert all(isinstance(h.dense, np.ndarray) for h in got)


def _plan(search, text: str):  # type: ignore[no-untyped-def]
    from retrieval.engine import QueryPlan

    return QueryPlan(mode="dense", dense=search.embedder.encode_one(text), sparse=None, limit=10, bare=True)
