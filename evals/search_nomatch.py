"""The "no match" call on ``evals/data/search_nomatch`` (88 queries the demo catalogue does not carry, 79 it
does): cross-validated precision and recall, and the fit of the shipped default.

    .venv/bin/python -m evals.search_nomatch --catalog /tmp/demo/demo/catalog.csv          # held-out figures
    .venv/bin/python -m evals.search_nomatch --catalog ... --fit                            # + the default's JSON
    .venv/bin/python -m evals.search_nomatch --catalog ... --transfer ../shared/data/wands_subset/queries.csv \\
        --carried-log /tmp/demo                                                             # + a transfer check

The catalogue (the seed-42 demo CSV: ``salesagent generate-demo`` writes it) is indexed into a fresh collection,
active products only. Each query goes through ``CatalogSearch`` with the shipped search setting and no reranker
(what a shop gets before ``train-search``); its seven ``retrieval.nomatch`` features are computed over the hits
``search`` returns. **Held-out:** 5-fold stratified cross-validation, repeated over ``--seeds``: on each fold the
logistic model *and* its threshold (the lowest reaching precision 0.9 on cross-validated predictions of the
training folds) are fitted on the other folds only, and the held-out queries are called once; precision and
recall are pooled over the folds. ``--fit`` fits all 167 queries (the shipped ``DEFAULT_NOMATCH``): its figures
on this set are *tuning* figures. ``--transfer`` fits on data this set never saw — the WANDS queries (furniture:
not carried) against the demo shop's logged search queries (carried) — and calls this set once.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

SET = Path(__file__).resolve().parent / "data" / "search_nomatch" / "queries.csv"


def _active_docs(catalog: Path) -> list:  # type: ignore[type-arg]
    from retrieval.evaluation import load_catalog_csv

    docs = load_catalog_csv(catalog)
    with catalog.open(newline="", encoding="utf-8") as fh:
        inactive = {r["sku"] for r in csv.DictReader(fh) if (r.get("active") or "true").lower() == "false"}
    return [d for d in docs if d.sku not in inactive]


def _log_queries(data_dir: Path, limit: int) -> list[str]:
    from core.config import Settings
    from guardrails.consent import USABLE_BASES, has_legal_basis
    from retrieval.judgments import judgments_from_log
    from store.db import make_engine, session_scope
    from store.search_log import logged_searches

    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    with session_scope(make_engine(settings)) as session:
        rows = logged_searches(session, bases=USABLE_BASES)
    judged = judgments_from_log(rows, has_legal_basis, limit=limit)
    return [judged.queries[q] for q in judged.qids]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", type=Path, required=True, help="the demo catalogue CSV (seed 42)")
    ap.add_argument("--queries", type=Path, default=SET)
    ap.add_argument("--seeds", type=int, default=5, help="repetitions of the 5-fold split (seeds 0..N-1)")
    ap.add_argument("--fit", action="store_true", help="also fit all queries and print the model JSON")
    ap.add_argument("--transfer", type=Path, help="queries CSV of out-of-catalogue queries to fit on (WANDS)")
    ap.add_argument("--carried-log", type=Path, help="data dir whose search log gives the carried queries")
    args = ap.parse_args(argv)

    from core.config import Settings, apply_offline_env
    from core.errors import InputError
    from retrieval.evaluation import load_nomatch, load_queries, open_eval_index
    from retrieval.learn import nomatch_cross_validated
    from retrieval.nomatch import fit_nomatch, precision_recall

    try:
        docs = _active_docs(args.catalog)
        labelled = load_nomatch(args.queries)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="search_nomatch_") as tmp:
        settings = Settings(data_dir=Path(tmp), _env_file=None)  # type: ignore[call-arg]
        apply_offline_env(settings)
        search = open_eval_index(settings, docs)
        try:
            x = np.asarray([search.nomatch_features(q) for _, q, _ in labelled], dtype=np.float64)
            y = np.asarray([0 if carried else 1 for _, _, carried in labelled])
            print(f"{len(docs)} active products; {len(y)} queries: {int(y.sum())} not carried, "
                  f"{int(len(y) - y.sum())} carried [load {os.getloadavg()[0]:.1f}]")
            pr = [nomatch_cross_validated(x, y, seed=s) for s in range(args.seeds)]
            for s, (p, r) in enumerate(pr):
                print(f"  held-out, 5 folds, seed {s}: precision {p:.3f} recall {r:.3f}")
            ps, rs = zip(*pr, strict=True)
            print(f"held-out (5-fold CV x {args.seeds} seeds): precision mean {np.mean(ps):.3f} "
                  f"[{min(ps):.3f}, {max(ps):.3f}], recall mean {np.mean(rs):.3f} [{min(rs):.3f}, {max(rs):.3f}]")
            if args.fit:
                model = fit_nomatch(x, y, trained_on=f"evals/data/search_nomatch ({len(y)} queries, demo seed 42)")
                called = np.asarray([model.probability(row) >= model.threshold for row in x])
                p, r = precision_recall(called, y)
                print(f"fit on all {len(y)} queries (TUNING figures, measured on the data it was fitted on): "
                      f"precision {p:.3f} recall {r:.3f}")
                print(json.dumps(model.model_dump()))
            if args.transfer and args.carried_log:
                outside = [q for _, q in load_queries(args.transfer)]
                carried = _log_queries(args.carried_log, limit=len(outside))
                xt = np.asarray([search.nomatch_features(q) for q in outside + carried], dtype=np.float64)
                yt = np.asarray([1] * len(outside) + [0] * len(carried))
                model = fit_nomatch(xt, yt, trained_on="transfer")
                called = np.asarray([model.probability(row) >= model.threshold for row in x])
                p, r = precision_recall(called, y)
                print(f"transfer (fitted on {len(outside)} WANDS queries vs {len(carried)} logged demo queries, "
                      f"never on this set): precision {p:.3f} recall {r:.3f}")
        finally:
            search.engine.drop()
            search.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
