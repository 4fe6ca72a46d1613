"""Ingestion, filters, identifiers and premises, on every shipped engine (edge, qdrant-client memory/disk)."""

from __future__ import annotations

import pytest

from core.errors import InputError
from retrieval.models import AttributeFilter, CatalogFilters, ProductDoc


def test_reingest_is_idempotent(catalog, products: list[ProductDoc]) -> None:
    first = catalog.sync(products)
    assert (first.added, first.updated, first.deleted) == (len(products), 0, 0)
    again = catalog.sync(products)
    assert (again.added, again.updated, again.deleted, again.unchanged) == (0, 0, 0, len(products))
    assert catalog.count() == len(products)


def test_changed_product_is_updated(filled, products: list[ProductDoc]) -> None:
    changed = [p.model_copy(update={"name": "Zasilacz awaryjny UPS 1000VA"}) if i == 3 else p
               for i, p in enumerate(products)]
    report = filled.sync(changed)
    assert (report.added, report.updated, report.unchanged) == (0, 1, len(products) - 1)
    assert filled.count() == len(products)
    assert filled.search("zasilacz UPS 1000VA", k=1)[0].sku == products[3].sku


def test_changing_the_embedding_model_or_quantisation_re_embeds(filled, products: list[ProductDoc]) -> None:
    """Vectors from another model (or another quantisation) must not stay in the index as "unchanged"."""
    from retrieval.catalog import CatalogSearch

    class Other:
        def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
            self.inner, self.dim, self.name = inner, inner.dim, inner.name
            self.fingerprint = inner.fingerprint.replace("#int8", "#none").replace("#bf16", "#none") + "#other"

        def encode(self, texts: list[str], batch_size: int = 64):  # type: ignore[no-untyped-def]
            return self.inner.encode(texts, batch_size)

        def encode_one(self, text: str):  # type: ignore[no-untyped-def]
            return self.inner.encode_one(text)

    other = CatalogSearch(filled.engine, Other(filled.embedder))  # type: ignore[arg-type]
    report = other.sync(products)
    assert (report.added, report.updated, report.unchanged) == (0, len(products), 0)
    assert other.sync(products).unchanged == len(products)
    assert filled.sync(products).updated == len(products)  # and back again


def test_embedder_fingerprint_names_model_and_quantisation(embedder) -> None:  # type: ignore[no-untyped-def]
    assert embedder.fingerprint.startswith(embedder.name.split("#")[0].rstrip("/").rsplit("/", 1)[-1])
    assert any(f"#{mode}#" in embedder.fingerprint for mode in ("int8", "bf16", "none"))
    assert "/" not in embedder.fingerprint  # survives moving the venv


def test_removed_products_are_deleted_by_sku(filled, products: list[ProductDoc]) -> None:
    gone = products[:3]
    report = filled.sync(products[3:])
    assert report.deleted == 3 and filled.count() == len(products) - 3
    for doc in gone:
        assert all(h.sku != doc.sku for h in filled.search(doc.sku, k=5))
    filled.delete_skus([products[3].sku])
    assert filled.count() == len(products) - 4


@pytest.mark.parametrize("index", [0, 7, 40, 99])
def test_sku_query_returns_that_product_first(filled, products: list[ProductDoc], index: int) -> None:
    sku = products[index].sku
    hits = filled.search(sku, k=5)
    assert hits[0].sku == sku
    assert hits[0].premises[0].text == "exact SKU match" and hits[0].premises[0].data == {"identifier": "SKU", "code": sku}
    assert filled.search(f"do you have {sku.lower()}?", k=5)[0].sku == sku


def test_ean_query_returns_that_product_first(filled, products: list[ProductDoc]) -> None:
    hits = filled.search(str(products[12].ean), k=3)
    assert hits[0].sku == products[12].sku and hits[0].premises[0].text == "exact EAN match"


def test_filter_16a_returns_only_16a(filled, products: list[ProductDoc]) -> None:
    by_sku = {p.sku: p for p in products}
    hits = filled.search("wyłącznik", CatalogFilters(attributes={"rated_current_a": AttributeFilter(eq=16)}), k=30)
    assert hits, "the synthetic catalogue has 16 A products"
    assert all(by_sku[h.sku].attributes.get("rated_current_a") == 16 for h in hits)
    expected = {p.sku for p in products if p.attributes.get("rated_current_a") == 16}
    assert {h.sku for h in hits} == expected if len(expected) <= 30 else len(hits) == 30


def test_category_brand_price_stock_and_ip_filters(filled, products: list[ProductDoc]) -> None:
    by_sku = {p.sku: p for p in products}
    flt = CatalogFilters(category="Protection", in_stock=True, min_price=50, max_price=600)
    hits = filled.search("wyłącznik", flt, k=50)
    assert hits
    for h in hits:
        doc = by_sku[h.sku]
        assert doc.category.startswith("Protection >") and (doc.stock or 0) > 0
        assert 50 <= float(doc.price or 0) <= 600
    brand = products[0].brand
    assert all(by_sku[h.sku].brand == brand
               for h in filled.search("wyłącznik", CatalogFilters(brand=str(brand).lower()), k=20))
    ip = filled.search("gniazdo", CatalogFilters(attributes={"ip_rating": AttributeFilter(gte=44)}), k=40)
    assert ip and all(int(str(by_sku[h.sku].attributes["ip_rating"])[2:]) >= 44 for h in ip)
    assert any(p.attributes.get("ip_rating") == "IP20" for p in products)


def test_identifier_match_respects_filters(filled, products: list[ProductDoc]) -> None:
    doc = next(p for p in products if p.category.startswith("Cables"))
    hits = filled.search(doc.sku, CatalogFilters(category="Lighting"), k=5)
    assert all(h.sku != doc.sku for h in hits)


def test_premises_say_why_in_plain_words(filled) -> None:
    hits = filled.search("wyłącznik nadprądowy 16A B 1P", k=10)
    mcb = next(h for h in hits if "16 A" in " ".join(p.text for p in h.premises))
    text = " | ".join(p.text for p in mcb.premises)
    assert "matches:" in text and "rated current 16 A" in text
    for premise in mcb.premises:  # a weak similarity is no reason next to matched attributes
        assert premise.kind != "similarity" or premise.data["similarity"] >= 0.2
    flood = filled.search("outdoor LED floodlight 50W 4000K IP65", k=1)[0]
    assert any(p.kind == "similarity" and 0 < p.data["similarity"] < 1 for p in flood.premises)


def test_search_modes_and_bad_input(filled) -> None:
    for mode in ("dense", "sparse", "hybrid"):
        assert len(filled.search("outdoor LED floodlight 50W 4000K IP65", k=5, mode=mode)) == 5
    with pytest.raises(InputError):
        filled.search("   ")


def test_vectors_for_returns_unit_dense_vectors(filled, products: list[ProductDoc]) -> None:
    vecs = filled.vectors_for([products[0].sku, "NO-SUCH-SKU"])
    assert list(vecs) == [products[0].sku]
    assert vecs[products[0].sku].shape == (384,)
    assert abs(float((vecs[products[0].sku] ** 2).sum()) - 1.0) < 1e-3


def test_engines_return_the_same_results(settings, embedder, products: list[ProductDoc]) -> None:
    from retrieval import build_catalog_search

    results = {}
    for kind in ("edge", "memory"):
        search = build_catalog_search(settings, embedder=embedder, engine=kind)  # type: ignore[arg-type]
        search.sync(products)
        flt = CatalogFilters(category="Lighting", attributes={"power_w": AttributeFilter(eq=50)})
        results[kind] = (
            {h.sku for h in search.search("floodlight", flt, k=50)},
            [search.search(p.sku, k=1)[0].sku for p in products[:10]],
        )
        search.close()
    assert results["edge"] == results["memory"]
    assert results["edge"][0], "the filter matches some products"


@pytest.mark.parametrize("kind", ["edge", "local"])
def test_persistence_on_disk(settings, embedder, products: list[ProductDoc], kind: str) -> None:
    from retrieval import build_catalog_search

    search = build_catalog_search(settings, embedder=embedder, engine=kind)  # type: ignore[arg-type]
    search.sync(products[:20])
    search.close()
    reopened = build_catalog_search(settings, embedder=embedder, engine=kind)  # type: ignore[arg-type]
    try:
        assert reopened.count() == 20
        assert reopened.sync(products[:20]).unchanged == 20
        assert reopened.search(products[5].sku, k=1)[0].sku == products[5].sku
    finally:
        reopened.close()


def test_products_matching_more_stated_specs_come_first() -> None:
    """Regression: "wyłącznik nadprądowy 16A B 1P" ranked S201-D16 above S201-B16 on the demo catalogue."""
    from retrieval.catalog import spec_first
    from retrieval.engine import EngineHit

    def hit(sku: str, attrs: dict[str, object], score: float) -> tuple[EngineHit, None, float]:
        return (EngineHit(id=sku, score=score, payload={"sku": sku, "attributes": attrs}), None, score)

    ranked = [hit("S201-D16", {"curve": "D", "rated_current_a": 16, "poles": 1}, 0.9),
              hit("S204-B16", {"curve": "B", "rated_current_a": 16, "poles": 4}, 0.8),
              hit("S201-B16", {"curve": "B", "rated_current_a": 16, "poles": 1}, 0.7),
              hit("NOTHING", {}, 0.6)]
    order = [h.payload["sku"] for h, _, _ in spec_first("wyłącznik nadprądowy 16A B 1P", ranked)]
    assert order[0] == "S201-B16"
    assert order[-1] == "NOTHING"
    assert [h.payload["sku"] for h, _, _ in spec_first("lampa", ranked)] == [h.payload["sku"] for h, _, _ in ranked]


def test_a_word_that_names_one_product_ranks_lexically(catalog) -> None:  # type: ignore[no-untyped-def]
    """"Zephyrix lamp": the word Zephyrix occurs in one product only, so the buyer named it; fusing in the
    embedding's lamps (which know nothing of the name) would push it down."""
    docs = [ProductDoc(sku="UPS-1", name="Zephyrix 1000 VA UPS power backup", category="Power > UPS")]
    docs += [ProductDoc(sku=f"LAMP-{i}", name=f"LED desk lamp {w} {i} W", category="Lighting > Lamps")
             for i, w in enumerate(["white", "black", "silver", "oak", "brass", "grey", "red", "blue"], start=4)]
    catalog.sync(docs)
    assert catalog.names_a_product("Zephyrix lamp") and not catalog.names_a_product("desk lamp")
    hits = catalog.search("Zephyrix lamp", k=5)
    assert hits[0].sku == "UPS-1" and len(hits) == 5  # fused results fill the rest of the list
    catalog.naming_word_df = 0  # the rule off: plain fusion ranks a lamp first (so the rule is what decides)
    assert catalog.search("Zephyrix lamp", k=5)[0].sku != "UPS-1"


def test_the_dense_text_setting_reaches_the_index_and_re_embeds(settings, embedder, products) -> None:  # type: ignore[no-untyped-def]
    """``SALESAGENT_DENSE_TEXT=key`` embeds the products without their descriptions; the choice is part of the
    content hash, so switching re-embeds every product (nothing is left with the other text's vector)."""
    from retrieval import build_catalog_search

    full = build_catalog_search(settings, embedder=embedder, engine="memory")
    report = full.sync(products[:20])
    assert report.added == 20
    key = build_catalog_search(settings.model_copy(update={"dense_text": "key"}), embedder=embedder, engine="memory")
    key.engine = full.engine  # the same index, searched and written with the other choice
    assert key.encoders == full.encoders + "|dense:key"
    again = key.sync(products[:20])
    assert again.updated == 20 and again.unchanged == 0
    from retrieval.ingest import node_of

    assert products[0].description and products[0].description not in node_of(products[0], key.encoders,
                                                                                key.dense_fields).text
    assert key.search(products[0].name, k=1)
    full.close()
