"""Write the PII chat test set: the PL/EN splits of :mod:`evals.pii_generate` plus the issue-22 splits of
:mod:`evals.pii_generate_intl` (its own module so that neither generator imports the other's entry point).

Run: ``.venv/bin/python -m evals.pii_dataset [--all]``.
"""

from __future__ import annotations

import argparse
import json
import random

from evals.pii_generate import DATA_DIR, SEED, catalogue, generate, heldout_names
from evals.pii_generate_intl import generate as generate_intl

OLD_SPLITS = ("main", "heldout", "fresh")


def main(argv: list[str] | None = None) -> None:
    """Write evals/data/pii_chat.jsonl and evals/data/pii_catalogue.txt.

    The ``main``/``heldout``/``fresh`` records are kept as committed unless ``--all`` is given: Faker's PESEL
    depends on today's date, so regenerating them changes a few values. The issue-22 splits
    (:mod:`evals.pii_generate_intl`) are deterministic and always rewritten.
    """
    ap = argparse.ArgumentParser(description="write the PII chat test set")
    ap.add_argument("--all", action="store_true", help="also regenerate the main/heldout/fresh splits")
    args = ap.parse_args(argv)
    records, codes = generate()
    target = DATA_DIR / "pii_chat.jsonl"
    if not args.all and target.exists():
        with target.open(encoding="utf-8") as fh:
            kept = [json.loads(line) for line in fh if line.strip()]
        records = [r for r in kept if r["split"] in OLD_SPLITS] or records
    rng = random.Random(SEED)
    records += generate_intl(heldout_names(), catalogue(rng))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with (DATA_DIR / "pii_chat.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (DATA_DIR / "pii_catalogue.txt").write_text("\n".join(codes) + "\n", encoding="utf-8")
    n_spans = sum(len(r["spans"]) for r in records)
    n_tok = sum(len(r["product_tokens"]) for r in records)
    print(f"wrote {len(records)} messages, {n_spans} PII spans, {n_tok} product tokens to {DATA_DIR}")


if __name__ == "__main__":
    main()
