"""Check the no-match set against the demo catalogue: print every probe's hits and every evidence product.

An out-of-catalogue query (``in_catalogue`` false) lists probes in ``checks.csv``: words that name the product
asked for ("powerwall", "hose", "water heater"). Each must occur in no product of the catalogue (sku, name,
description, category, brand or attribute values; inactive products included; folded text, whole words, a
trailing ``*`` allows any ending). An in-catalogue query names an active product that is what it asks for
(``evidence_sku``). Near-miss words, which do occur but in other products ("battery" of the emergency
luminaires), are counted too, for the README. Exit status 1 when a check fails.

Run: ``.venv/bin/python evals/data/search_nomatch/check.py``
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from retrieval.text import normalise

HERE = Path(__file__).resolve().parent
NEAR_MISSES = {
    "battery": "LiFePO4 battery inside the AWEX emergency luminaires (not a battery sold on its own)",
    "heating": "MCB and contactor descriptions ('lighting and heating', 'switching of heating')",
    "switch": "wall switches, power strips 'with switch', contactor switching",
    "charger": "USB A+C charger sockets, EV chargers (wallboxes) and the RCD type A text 'EV chargers'",
    "wi-fi": "PV inverters' 'Wi-Fi/RS485 monitoring'",
    "printers": "labels 'printable with laser printers'",
    "fluorescent": "MCB curve C text 'fluorescent and LED lighting'",
    "czujnik": "'czujnik ruchu' motion sensor switches (not a smoke detector)",
    "zasilacz": "LED power supplies (not a UPS)",
    "tasma": "'taśma LED' LED strips (not insulating tape)",
    "rura": "conduits 'rura karbowana / sztywna' (not water or drain pipes)",
    "cat.6": "RJ45 cat.6 data sockets (not network cable)",
    "samochodowa": "'ładowarka samochodowa' wallboxes (not car bulbs or batteries)",
    "falownik": "PV inverters (not motor drives)",
    "motor": "contactors and MCB curve texts for motors (no motor drive)",
    "tv-sat": "TV-SAT socket outlets (not a satellite dish or antenna)",
    "copper": "copper conductors of cables and busbars (no copper pipe)",
    "kwh": "energy meters (kWh meter), not energy storage",
}


def _probe_pattern(probe: str) -> re.Pattern[str]:
    word = normalise(probe.strip())
    prefix = word.endswith("*")
    body = re.escape(word.rstrip("*"))
    return re.compile(rf"(?<![a-z0-9]){body}" + ("" if prefix else r"(?![a-z0-9])"))


def catalogue_texts() -> dict[str, tuple[str, bool]]:
    """Return sku -> (folded searchable text, active) for the seed-42 demo catalogue."""
    from store.demo.catalog import build_catalog

    seed_rng = random.Random(42)
    catalog = build_catalog(random.Random(seed_rng.random()), datetime(2026, 1, 1, tzinfo=UTC))
    out = {}
    for p in catalog.products:
        values = " ".join(str(v) for v in p["attributes"].values())
        text = " ".join(
            [
                p["sku"],
                p["name"],
                p["description"],
                p["category"],
                p["brand"] or "",
                values,
                json.dumps(p["attributes"]),
            ]
        )
        out[p["sku"]] = (normalise(text), bool(p["active"]))
    return out


def main() -> int:
    texts = catalogue_texts()
    queries = {r["query_id"]: r for r in csv.DictReader((HERE / "queries.csv").open(encoding="utf-8"))}
    failures = 0
    for row in csv.DictReader((HERE / "checks.csv").open(encoding="utf-8")):
        q = queries[row["query_id"]]
        if q["in_catalogue"] == "false":
            probes = [p for p in row["absent_probes"].split("|") if p.strip()]
            hits = {p: sum(1 for t, _ in texts.values() if _probe_pattern(p).search(t)) for p in probes}
            bad = {p: n for p, n in hits.items() if n}
            failures += bool(bad) or not probes
            print(
                f"{'FAIL' if bad or not probes else 'ok  '} {row['query_id']} {q['query']!r}: "
                + ", ".join(f"{p}={n}" for p, n in hits.items())
            )
        else:
            sku = row["evidence_sku"]
            ok = sku in texts and texts[sku][1]
            failures += not ok
            print(
                f"{'ok  ' if ok else 'FAIL'} {row['query_id']} {q['query']!r}: {sku} "
                f"{'active' if ok else 'missing or inactive'}"
            )
    print("near-miss words (occur in the catalogue, in other products):")
    for word, why in NEAR_MISSES.items():
        n = sum(1 for t, _ in texts.values() if _probe_pattern(word + "*").search(t))
        print(f"  {word}: {n} products - {why}")
    print(f"{failures} failed check(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
