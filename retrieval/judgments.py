"""Graded relevance judgments for the search reranker: from qrels files and from the shop's own search log.

A logged search is a judgment of the products it listed: ordered (by the company within the order window) 3,
added to the cart 2, clicked or viewed 1, listed and left alone 0; a query searched in many sessions keeps each
product's best grade. Searches whose event has no legal basis are never used: the caller hands in the consent
rule (``guardrails.consent.has_legal_basis``; retrieval does not import the guardrails) and the store query reads
only events with a usable basis in the first place. Pure functions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from retrieval.text import normalise
from retrieval.tuning import Judged

GRADE_ORDERED = 3
GRADE_CART = 2
GRADE_VIEW = 1
_SPACE = re.compile(r"\s+")


def query_key(query: str) -> str:
    """Return the form under which repeated searches of one query are pooled (folded, single-spaced)."""
    return _SPACE.sub(" ", normalise(query)).strip()


def judgments_from_log(searches: Iterable[Any], usable: Callable[[Any], bool], *, min_searches: int = 1,
                       limit: int | None = None) -> Judged:
    """Return the judged queries of logged searches (``store.search_log.LoggedSearch`` rows): one query per
    distinct query text seen at least ``min_searches`` times with a usable legal basis, each listed product
    graded by the best thing any of those searches' buyers did with it; with ``limit``, only the ``limit``
    most searched queries (ties by text), which bounds the training time."""
    texts: dict[str, str] = {}
    grades: dict[str, dict[str, int]] = {}
    counts: dict[str, int] = {}
    for s in searches:
        if not usable(s.legal_basis) or not s.listed or not (s.query or "").strip():
            continue
        key = query_key(s.query)
        qid = "log-" + hashlib.sha1(key.encode()).hexdigest()[:12]
        texts.setdefault(qid, s.query.strip())
        counts[qid] = counts.get(qid, 0) + 1
        row = grades.setdefault(qid, {})
        for sku in s.listed:
            grade = (GRADE_ORDERED if sku in s.ordered else GRADE_CART if sku in s.carted
                     else GRADE_VIEW if sku in s.viewed else 0)
            row[sku] = max(row.get(sku, 0), grade)
    keep = {q for q, n in counts.items() if n >= min_searches}
    if limit is not None:
        keep = set(sorted(keep, key=lambda q: (-counts[q], texts[q]))[:limit])
    return Judged(queries={q: t for q, t in texts.items() if q in keep},
                  qrels={q: g for q, g in grades.items() if q in keep})


def judgments_from_files(queries: Path, qrels: Path, prefix: str = "") -> Judged:
    """Return the judged queries of a queries CSV and a qrels CSV (the ``eval search`` formats)."""
    from retrieval.evaluation import load_qrels, load_queries

    texts = dict(load_queries(queries))
    judged = load_qrels(qrels)
    return Judged(queries={prefix + q: t for q, t in texts.items()},
                  qrels={prefix + q: g for q, g in judged.items() if q in texts})


def merge(*sets: Judged) -> Judged:
    """Return one judged set holding every query of ``sets`` (a later set's query id wins)."""
    out = Judged(queries={}, qrels={}, groups={})
    for s in sets:
        out.queries.update(s.queries)
        out.qrels.update(s.qrels)
        out.groups.update(s.groups)
    return out
