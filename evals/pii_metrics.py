"""Scoring of a PII detector on labelled messages: recall per type (three readings), precision, product tokens kept.

A record is ``{"text", "spans": [{"type", "start", "end", "tags"?}], "product_tokens"?: [...]}``; a detector maps a
text to ``[(start, end, label)]``. Pure functions: the runners in :mod:`evals.pii_eval` feed them.

Readings of recall (per gold type):
- *masked*: every non-space character of the gold span is inside some detected span (nothing of it leaks);
- *typed*: the same, with detections of an accepted label (``accept`` maps a gold type to our labels);
- *value gone*: the gold value no longer appears anywhere in the masked text (the reading of issue 22's table;
  lenient: a partly masked address whose full string no longer appears counts).
A gold span may carry ``tags`` ("calendar", "personal"): recall is also reported for ``TYPE/tag``.
Precision: a detected span is *right* when it overlaps any gold span (masking PII under another type is not a
leak); reported per detected label and overall. *Typed* precision also wants the gold span's type to accept the
detected label.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Span = tuple[int, int, str]
Detector = Callable[[str], list[Span]]


def covered(text: str, start: int, end: int, spans: list[Span], labels: Iterable[str] | None = None) -> bool:
    """True when every non-space character of ``text[start:end]`` lies in a span (of ``labels`` when given)."""
    allowed = None if labels is None else set(labels)
    need = [i for i in range(start, end) if not text[i].isspace()]
    return all(any(s <= i < e and (allowed is None or lab in allowed) for s, e, lab in spans) for i in need)


def masked_text(text: str, spans: list[Span]) -> str:
    """Return ``text`` with every detected span replaced by ``<LABEL>`` (overlaps merged)."""
    out: list[str] = []
    pos = 0
    for s, e, lab in sorted(spans):
        if e <= pos:
            continue
        s = max(s, pos)
        out.append(text[pos:s])
        out.append(f"<{lab}>")
        pos = e
    out.append(text[pos:])
    return "".join(out)


def score(records: Iterable[Mapping[str, Any]], detect: Detector, *, accept: Mapping[str, Iterable[str]] | None = None,
          keep_misses: int = 0) -> dict[str, Any]:
    """Return recall (masked / typed / value gone) per gold type and tag, precision per label, product tokens kept.

    ``accept`` maps a gold type to the detector labels that count as the right type (default: the same name).
    ``keep_misses`` keeps that many missed values per type (for tuning on data you may look at; never use it on
    a held-out split).
    """
    tot: dict[str, int] = defaultdict(int)
    hit: dict[str, dict[str, int]] = {k: defaultdict(int) for k in ("masked", "typed", "gone")}
    pred: dict[str, list[int]] = defaultdict(lambda: [0, 0])   # label -> [right, all]
    pred_typed: dict[str, int] = defaultdict(int)              # label -> overlaps a gold span of an accepted type
    kept_by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    times: list[float] = []
    for r in records:
        text = r["text"]
        t0 = time.perf_counter()
        spans = detect(text)
        times.append(time.perf_counter() - t0)
        out = masked_text(text, spans)
        for g in r["spans"]:
            gtype = g["type"]
            keys = [gtype, *(f"{gtype}/{t}" for t in g.get("tags", ()))]
            ok_masked = covered(text, g["start"], g["end"], spans)
            ok_typed = ok_masked and covered(text, g["start"], g["end"], spans, (accept or {}).get(gtype, (gtype,)))
            value = text[g["start"]:g["end"]]
            ok_gone = value.strip() == "" or value not in out
            for k in keys:
                tot[k] += 1
                hit["masked"][k] += ok_masked
                hit["typed"][k] += ok_typed
                hit["gone"][k] += ok_gone
            if not ok_masked and len(misses[gtype]) < keep_misses:
                misses[gtype].append(value)
        for s, e, lab in spans:
            over = [g for g in r["spans"] if s < g["end"] and g["start"] < e]
            pred[lab][0] += bool(over)
            pred[lab][1] += 1
            pred_typed[lab] += any(lab in (accept or {}).get(g["type"], (g["type"],)) for g in over)
        for p in r.get("product_tokens", []):
            ok = not any(s < p["end"] and p["start"] < e for s, e, _ in spans)
            key = p["kind"] + ("/known" if p.get("known") else "")
            kept_by[key][0] += ok
            kept_by[key][1] += 1
    times.sort()
    right_all = sum(a for a, _ in pred.values())
    n_pred = sum(b for _, b in pred.values())
    kept = sum(a for a, _ in kept_by.values())
    n_tok = sum(b for _, b in kept_by.values())
    return {
        "messages": len(times),
        "support": dict(sorted(tot.items())),
        "recall_masked": {k: _ratio(hit["masked"][k], n) for k, n in sorted(tot.items())},
        "recall_typed": {k: _ratio(hit["typed"][k], n) for k, n in sorted(tot.items())},
        "recall_value_gone": {k: _ratio(hit["gone"][k], n) for k, n in sorted(tot.items())},
        "precision": {lab: _ratio(a, b) for lab, (a, b) in sorted(pred.items())},
        "precision_typed": {lab: _ratio(pred_typed[lab], b) for lab, (_, b) in sorted(pred.items())},
        "detections": {lab: b for lab, (_, b) in sorted(pred.items())},
        "precision_overall": _ratio(right_all, n_pred),
        "spans_outside_gold": n_pred - right_all,
        "product_tokens": n_tok,
        "product_tokens_kept": _ratio(kept, n_tok) if n_tok else None,
        "product_kept_by_kind": {k: f"{a}/{b}" for k, (a, b) in sorted(kept_by.items())},
        "median_ms": round(times[len(times) // 2] * 1000, 2) if times else None,
        "misses": {k: v for k, v in misses.items() if v},
        "_counts": {"support": dict(tot), "masked": dict(hit["masked"]), "gone": dict(hit["gone"]),
                    "typed": dict(hit["typed"]), "pred": {k: list(v) for k, v in pred.items()}},
    }


def pooled(res: Mapping[str, Any], types: Iterable[str], labels: Iterable[str] | None = None) -> dict[str, Any]:
    """Return micro-averaged recall over gold ``types`` and precision over detected ``labels`` of one result."""
    c = res["_counts"]
    types = [t for t in types if t in c["support"]]
    n = sum(c["support"][t] for t in types)
    out: dict[str, Any] = {"support": n, "types": types}
    for k, name in (("masked", "recall_masked"), ("typed", "recall_typed"), ("gone", "recall_value_gone")):
        out[name] = _ratio(sum(c[k].get(t, 0) for t in types), n) if n else None
    if labels is not None:
        labs = [lab for lab in labels if lab in c["pred"]]
        right = sum(c["pred"][lab][0] for lab in labs)
        allp = sum(c["pred"][lab][1] for lab in labs)
        out["precision"] = _ratio(right, allp) if allp else None
        out["detections"] = allp
    return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0
