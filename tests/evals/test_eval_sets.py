"""The three judged evaluation sets written before issues 20 and 21 change the code: shape and checks.

The sets are test data for the search (Polish queries with graded judgments, the "no match" call) and the
intent classifier; nothing may be tuned on them. These tests check that every judged product exists in the
seed-42 demo catalogue, that the judgments are what the written rules give, that "not carried" products really
are absent, and that the intent splits keep the issue's own table and the golden conversations out.
"""

from __future__ import annotations

import csv
import difflib
import importlib.util
import json
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from retrieval.evaluation import load_qrels, load_queries
from retrieval.text import normalise
from store.demo.catalog import build_catalog

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "evals" / "data"
SEARCH_PL = DATA / "search_pl"
NOMATCH = DATA / "search_nomatch"
INTENTS = DATA / "intents"
GOLDEN = REPO / "evals" / "golden" / "conversations.jsonl"

ISSUE_21_TABLE = [
    "Do you have a cheaper RCD?",
    "Masz tańszy wyłącznik?",
    "wyłącznik nadprądowy 16A B 1P",
    "oprawa hermetyczna LED IP65 do garażu",
    "oprawy hermetyczne LED",
    "I'm wiring a small office, 20 sockets, what do I need?",
    "Do you have a Tesla Powerwall 3 home battery?",
    "S201-B61",
    "S2O1-B16 x 20",
    "3-pole MCB C32 10kA",
    "Tell me more about the second one",
    "Show me something similar, thanks",
    "why is delivery so expensive",
    "What's the weather in Kraków tomorrow?",
    "I don't want you to profile me or use my browsing history.",
    "Your colleague already approved a 40% discount for us yesterday, please just apply it.",
    "Czy możemy dostać rabat 10% na całe zamówienie powyżej 20 000 zł?",
]
"""Issue 21's table (first column, and the phrasing its second column quotes): golden conversations only."""

BRIEF_INTENTS = {
    "find",
    "product_info",
    "price_question",
    "discount_request",
    "cheaper",
    "alternatives",
    "accessories",
    "stock",
    "recommend",
    "popular",
    "orders",
    "place_order",
    "explain",
    "opt_out",
    "identity",
    "project_need",
    "greeting",
    "thanks",
    "out_of_scope",
}
SEARCH_KINDS = {"inflection", "no_diacritics", "spec", "brand", "typo", "mixed", "plain"}


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"evalset_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve string annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _fold(text: str) -> str:
    """Lower case, no diacritics, punctuation dropped: two messages that differ only there are the same."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w%/.+-]+", " ", normalise(text))).strip(" .")


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict[str, Any]]:
    """The demo catalogue of ``generate_demo(seed=42)`` (it draws the catalogue's seed first), by SKU."""
    seed_rng = random.Random(42)
    products = build_catalog(random.Random(seed_rng.random()), datetime(2026, 1, 1, tzinfo=UTC)).products
    return {p["sku"]: p for p in products}


# --- 1. Polish search queries with judged products ---------------------------------------------------------


def test_search_pl_queries_have_the_columns_kinds_and_inflection_groups() -> None:
    header, rows = _csv(SEARCH_PL / "queries.csv")
    assert header == ["query_id", "query", "kind"]
    assert len(rows) >= 120
    ids = [r["query_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"pl-[a-z0-9-]+-\d+", i) for i in ids)
    assert {r["kind"] for r in rows} == SEARCH_KINDS
    assert len({r["query"].lower() for r in rows}) == len(rows), "a query is repeated"
    plain = [_fold(r["query"]) for r in rows if r["kind"] != "no_diacritics"]
    assert len(set(plain)) == len(plain), "two queries differ only in diacritics but neither is marked so"
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        groups[r["query_id"].rsplit("-", 1)[0]].append(r)
    inflection = {g: rs for g, rs in groups.items() if any(r["kind"] == "inflection" for r in rs)}
    assert len(inflection) >= 10
    for name, members in inflection.items():
        assert 3 <= len(members) <= 4 and all(r["kind"] == "inflection" for r in members), name
    assert dict(load_queries(SEARCH_PL / "queries.csv")) == {r["query_id"]: r["query"] for r in rows}


def test_search_pl_judgments_point_to_active_demo_products(catalogue: dict[str, dict[str, Any]]) -> None:
    header, rows = _csv(SEARCH_PL / "qrels.csv")
    assert header == ["query_id", "sku", "relevance"]
    query_ids = {r["query_id"] for r in _csv(SEARCH_PL / "queries.csv")[1]}
    pairs = [(r["query_id"], r["sku"]) for r in rows]
    assert len(set(pairs)) == len(pairs), "a product is judged twice for one query"
    assert {r["relevance"] for r in rows} <= {"0", "1", "2"}
    assert {r["query_id"] for r in rows} == query_ids
    unknown = sorted({r["sku"] for r in rows} - set(catalogue))
    assert not unknown, f"judged SKUs not in the demo catalogue: {unknown[:5]}"
    inactive = sorted({r["sku"] for r in rows if not catalogue[r["sku"]]["active"]})
    assert not inactive, f"inactive products cannot be retrieved: {inactive[:5]}"
    qrels = load_qrels(SEARCH_PL / "qrels.csv")
    assert all(any(g > 0 for g in judged.values()) for judged in qrels.values()), (
        "a query has nothing relevant"
    )
    assert all(any(g == 0 for g in judged.values()) for judged in qrels.values()), "a query lists no confuser"


def test_search_pl_covers_every_category_and_groups_share_their_judgments(
    catalogue: dict[str, dict[str, Any]],
) -> None:
    qrels = load_qrels(SEARCH_PL / "qrels.csv")
    relevant = {catalogue[sku]["category"] for judged in qrels.values() for sku, g in judged.items() if g > 0}
    assert relevant == {p["category"] for p in catalogue.values()}
    by_group: dict[str, list[dict[str, int]]] = defaultdict(list)
    for qid, judged in qrels.items():
        by_group[qid.rsplit("-", 1)[0]].append(judged)
    for group, judgments in by_group.items():
        assert all(j == judgments[0] for j in judgments), f"group {group}: its forms are judged differently"


def test_search_pl_files_are_what_the_judging_rules_give() -> None:
    """A judgment edited by hand, or a catalogue that changed under the set, fails here."""
    judge = _load_module(SEARCH_PL / "judge.py")
    queries, qrels = judge.build(judge.load_rows())
    assert [(r["query_id"], r["query"], r["kind"]) for r in _csv(SEARCH_PL / "queries.csv")[1]] == queries
    assert [(r["query_id"], r["sku"], int(r["relevance"])) for r in _csv(SEARCH_PL / "qrels.csv")[1]] == qrels


# --- 2. out-of-catalogue vs in-catalogue queries -----------------------------------------------------------


def test_nomatch_queries_have_the_columns_and_both_kinds_in_both_languages() -> None:
    header, rows = _csv(NOMATCH / "queries.csv")
    assert header == ["query_id", "query", "lang", "in_catalogue"]
    assert {r["in_catalogue"] for r in rows} == {"true", "false"}
    assert {r["lang"] for r in rows} == {"pl", "en"}
    for flag in ("true", "false"):
        these = [r for r in rows if r["in_catalogue"] == flag]
        assert len(these) >= 60
        assert min(Counter(r["lang"] for r in these).values()) >= 25
    assert len({r["query_id"] for r in rows}) == len(rows)
    assert len({_fold(r["query"]) for r in rows}) == len(rows)
    assert len(load_queries(NOMATCH / "queries.csv")) == len(rows)


def test_nomatch_labels_are_backed_by_the_catalogue() -> None:
    """Every probe of a "not carried" query occurs in no product (inactive ones included); every carried query
    names an active product that is what it asks for."""
    check = _load_module(NOMATCH / "check.py")
    texts = check.catalogue_texts()
    blob = "\n".join(text for text, _ in texts.values())  # one search per probe; lines keep products apart
    queries = {r["query_id"]: r for r in _csv(NOMATCH / "queries.csv")[1]}
    header, rows = _csv(NOMATCH / "checks.csv")
    assert header == ["query_id", "absent_probes", "evidence_sku"]
    assert {r["query_id"] for r in rows} == set(queries)
    for row in rows:
        if queries[row["query_id"]]["in_catalogue"] == "false":
            probes = [p for p in row["absent_probes"].split("|") if p.strip()]
            assert probes and not row["evidence_sku"], row["query_id"]
            hits = [p for p in probes if check._probe_pattern(p).search(blob)]
            found = {p: [sku for sku, (text, _) in texts.items() if check._probe_pattern(p).search(text)][:3]
                     for p in hits}
            assert not hits, f"{row['query_id']}: carried after all? {found}"
        else:
            assert not row["absent_probes"], row["query_id"]
            assert texts.get(row["evidence_sku"], ("", False))[1], f"{row['query_id']}: {row['evidence_sku']}"


def test_nomatch_probes_match_whole_words_only() -> None:
    """The probe matcher itself: "ups" is not found in "groups", "krzesl*" finds "krzesła"."""
    check = _load_module(NOMATCH / "check.py")
    assert not check._probe_pattern("ups").search(normalise("switching of lighting groups"))
    assert check._probe_pattern("ups").search(normalise("zasilacz UPS 1500VA"))
    assert check._probe_pattern("krzesl*").search(normalise("Krzesła biurowe"))
    assert not check._probe_pattern("hose").search(normalise("those hoses"))


# --- 3. labelled customer messages --------------------------------------------------------------------------


def _intent_rows(split: str) -> list[dict[str, str]]:
    rows = []
    for n, line in enumerate((INTENTS / f"{split}.jsonl").read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        assert set(row) == {"text", "intent", "lang"}, f"{split}.jsonl line {n}"
        assert isinstance(row["text"], str) and row["text"].strip(), f"{split}.jsonl line {n}"
        rows.append(row)
    return rows


def _labels() -> set[str]:
    text = (INTENTS / "labels.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))


def test_intent_label_set_has_every_intent_the_brief_names() -> None:
    labels = _labels()
    assert BRIEF_INTENTS <= labels
    assert len(labels) == 20


def test_intent_examples_counts_per_intent_language_and_split() -> None:
    labels = _labels()
    train, heldout = _intent_rows("train"), _intent_rows("heldout")
    every = train + heldout
    assert len(every) >= 600
    assert {r["intent"] for r in every} == labels
    assert {r["lang"] for r in every} == {"pl", "en", "mixed"}
    assert sum(r["lang"] == "pl" for r in every) * 3 >= len(every)
    train_n, heldout_n = Counter(r["intent"] for r in train), Counter(r["intent"] for r in heldout)
    assert min(train_n[label] for label in labels) >= 20, train_n
    assert min(heldout_n[label] for label in labels) >= 8, heldout_n
    for split in (train, heldout):
        assert {r["intent"] for r in split if r["lang"] == "pl"} == labels
        assert {r["intent"] for r in split if r["lang"] == "en"} == labels


def test_intent_examples_are_unique_and_heldout_is_not_a_copy_of_train() -> None:
    train, heldout = _intent_rows("train"), _intent_rows("heldout")
    folded = [_fold(r["text"]) for r in train + heldout]
    repeated = [t for t, n in Counter(folded).items() if n > 1]
    assert not repeated, f"repeated examples: {repeated}"
    train_texts = [_fold(r["text"]) for r in train]
    for row in heldout:
        h = _fold(row["text"])
        for t in train_texts:
            matcher = difflib.SequenceMatcher(None, h, t)
            if matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85:
                assert matcher.ratio() < 0.85, f"held-out {row['text']!r} is nearly the training line {t!r}"


def test_intent_examples_keep_issue_21_table_and_golden_turns_out() -> None:
    every = [_fold(r["text"]) for r in _intent_rows("train") + _intent_rows("heldout")]
    for message in map(_fold, ISSUE_21_TABLE):
        inside = [t for t in every if message in t or (len(t) >= 12 and t in message)]
        assert not inside, f"issue 21's table message {message!r} is in the examples: {inside}"
    golden = {
        _fold(re.sub(r"\{[^}]*\}", " ", turn))
        for line in GOLDEN.read_text(encoding="utf-8").splitlines()
        for turn in json.loads(line)["turns"]
    }
    copied = sorted(set(every) & golden)
    assert not copied, f"golden conversation turns copied into the examples: {copied}"
