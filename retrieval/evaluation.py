"""``salesagent eval search``: index a catalogue CSV into a fresh collection, run queries, score with ranx.

This runs the production path (``build_catalog_search`` → ``CatalogSearch.sync`` → ``CatalogSearch.search``);
there is no eval-only retriever.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.config import Settings
from core.errors import InputError
from retrieval.ingest import parse_price
from retrieval.models import ProductDoc, SearchMode

if TYPE_CHECKING:
    from retrieval.catalog import CatalogSearch

_ALIASES = {"unit_price": "price", "product_name": "name", "title": "name", "gtin": "ean"}


def _read_csv(path: Path, required: tuple[str, ...], what: str) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputError(f"{what} file not found: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [(_ALIASES.get(h.strip().lower(), h.strip().lower())) for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"{what} {path.name} lacks column(s) {', '.join(missing)} (has: "
                                 f"{', '.join(header) or 'nothing'})")
            rows = [{header[i]: (v or "").strip() for i, v in enumerate(row.values()) if i < len(header)}
                    for row in reader]
    except UnicodeDecodeError as err:
        raise InputError(f"{what} {path.name} is not UTF-8 text: {err}") from err
    except csv.Error as err:
        raise InputError(f"{what} {path.name} is not valid CSV: {err}") from err
    return rows


def load_catalog_csv(path: Path) -> list[ProductDoc]:
    """Return the products of a generic catalogue CSV (``sku``, ``name`` required; ``ean``, ``description``,
    ``category``, ``brand``, ``price``/``unit_price``, ``currency``, ``stock``, ``attributes`` (JSON) optional)."""
    docs: list[ProductDoc] = []
    for line, row in enumerate(_read_csv(path, ("sku", "name"), "catalogue"), start=2):
        if not row.get("sku") or not row.get("name"):
            raise InputError(f"catalogue {path.name} line {line}: sku and name must not be empty")
        try:
            attrs: dict[str, Any] = json.loads(row["attributes"]) if row.get("attributes") else {}
        except json.JSONDecodeError as err:
            raise InputError(f"catalogue {path.name} line {line}: attributes is not JSON ({err.msg})") from err
        stock = row.get("stock", "")
        docs.append(ProductDoc(
            sku=row["sku"], name=row["name"], ean=row.get("ean") or None, description=row.get("description", ""),
            category=row.get("category", ""), brand=row.get("brand") or None,
            price=parse_price(row.get("price", "")), currency=row.get("currency") or "PLN",
            stock=int(float(stock)) if stock.replace(".", "", 1).lstrip("-").isdigit() else None,
            attributes=attrs if isinstance(attrs, dict) else {},
        ))
    if not docs:
        raise InputError(f"catalogue {path.name} has no products")
    return docs


def load_queries(path: Path) -> list[tuple[str, str]]:
    """Return (query_id, query) pairs from a CSV with ``query_id`` and ``query`` columns."""
    rows = _read_csv(path, ("query_id", "query"), "queries")
    out = [(r["query_id"], r["query"]) for r in rows if r.get("query_id") and r.get("query")]
    if not out:
        raise InputError(f"queries {path.name} has no queries")
    return out


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Return {query_id: {sku: relevance}} from a CSV with ``query_id``, ``sku``, ``relevance`` columns."""
    qrels: dict[str, dict[str, int]] = {}
    for line, row in enumerate(_read_csv(path, ("query_id", "sku", "relevance"), "qrels"), start=2):
        try:
            rel = int(float(row["relevance"]))
        except ValueError as err:
            raise InputError(f"qrels {path.name} line {line}: relevance {row['relevance']!r} is not a number") \
                from err
        qrels.setdefault(row["query_id"], {})[row["sku"]] = rel
    return qrels


def load_nomatch(path: Path) -> list[tuple[str, str, bool]]:
    """Return (query_id, query, carried?) from a CSV with ``query_id``, ``query`` and ``in_catalogue``
    (true/false) columns (``evals/data/search_nomatch/queries.csv``)."""
    out = []
    for line, row in enumerate(_read_csv(path, ("query_id", "query", "in_catalogue"), "no-match queries"), start=2):
        flag = row["in_catalogue"].strip().lower()
        if flag not in ("true", "false", "1", "0", "yes", "no"):
            raise InputError(f"no-match queries {path.name} line {line}: in_catalogue must be true or false, "
                             f"not {row['in_catalogue']!r}")
        if row.get("query_id") and row.get("query"):
            out.append((row["query_id"], row["query"], flag in ("true", "1", "yes")))
    if not out:
        raise InputError(f"no-match queries {path.name} has no queries")
    return out


@dataclass
class EvalResult:
    """What one eval run produced."""

    queries: int
    products: int
    metrics: dict[str, float] | None
    index_seconds: float
    search_ms_p50: float


def open_eval_index(settings: Settings, docs: list[ProductDoc],
                    progress: Callable[[int, int], None] | None = None) -> CatalogSearch:
    """Return a search over a fresh collection ``eval_<random>`` of the configured engine holding ``docs``
    (the caller drops it: ``search.engine.drop(); search.close()``). The shop's learned setting is not used:
    an eval measures the catalogue it indexes."""
    from retrieval import build_catalog_search

    eval_settings = settings.model_copy(update={"qdrant_collection": f"eval_{uuid.uuid4().hex[:10]}"})
    search = build_catalog_search(eval_settings, learned=False)
    if docs:
        try:
            search.sync(docs, progress)
        except BaseException:
            search.engine.drop()
            search.close()
            raise
    return search


def run_eval(settings: Settings, *, catalog: Path, queries: Path, out: Path, k: int = 10,
             mode: SearchMode = "hybrid", qrels: Path | None = None,
             progress: Callable[[int, int], None] | None = None) -> EvalResult:
    """Index ``catalog`` into a fresh collection, write one JSON line per query to ``out``, score if qrels."""
    import time

    if k < 1:
        raise InputError(f"--k must be at least 1, got {k}")
    docs = load_catalog_csv(catalog)
    qs = load_queries(queries)
    judged = load_qrels(qrels) if qrels else None
    search = open_eval_index(settings, [], None)
    try:
        report = search.sync(docs, progress)
        run: dict[str, dict[str, float]] = {}
        times: list[float] = []
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for qid, text in qs:
                t0 = time.perf_counter()
                hits = search.search(text, k=k, mode=mode)
                times.append(time.perf_counter() - t0)
                skus = [h.sku for h in hits]
                fh.write(json.dumps({"query_id": qid, "items": skus}, ensure_ascii=False) + "\n")
                run[qid] = {sku: float(k - i) for i, sku in enumerate(skus)}
    finally:
        search.engine.drop()
        search.close()
    times.sort()
    metrics = score_run(judged, run) if judged is not None else None
    return EvalResult(queries=len(qs), products=len(docs), metrics=metrics, index_seconds=report.seconds,
                      search_ms_p50=1000 * times[len(times) // 2])


def score_run(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict[str, float]:
    """Return nDCG@10, recall@10 and MRR (ranx) over the judged queries; unjudged products count as 0."""
    from ranx import Qrels, Run, evaluate

    judged = {q: {d: r for d, r in docs.items()} for q, docs in qrels.items() if any(r > 0 for r in docs.values())}
    if not judged:
        raise InputError("qrels has no query with a relevant (relevance > 0) product")
    full_run = {q: (run.get(q) or {}) for q in judged}
    scores = evaluate(Qrels(judged), Run(full_run), ["ndcg@10", "recall@10", "mrr"], make_comparable=True)
    return {name: float(value) for name, value in scores.items()}
