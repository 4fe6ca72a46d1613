"""Assemble the demo catalogue: products with EAN, stock, dates and the accessory relations between them."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from store.demo._common import Product, ean13, money
from store.demo.catalog_devices import devices_catalog
from store.demo.catalog_extra import extra_catalog
from store.demo.catalog_install import install_catalog
from store.demo.catalog_protection import protection_catalog

WELL_KNOWN_SKU = "S201-B16"
NEW_PRODUCTS = 90
"""Products created in the last three weeks, never ordered (cold-start items)."""
INACTIVE_SHARE = 0.02


@dataclass(frozen=True)
class Catalog:
    """The generated catalogue: ``products`` (dicts, see ``_common.Product``) and ``relations`` as
    (main sku, accessory sku) pairs, strongest first per main product."""

    products: list[Product]
    relations: list[tuple[str, str]]

    def accessories(self) -> dict[str, list[str]]:
        """Return main sku -> its accessory skus, in relation order."""
        out: dict[str, list[str]] = defaultdict(list)
        for main, acc in self.relations:
            out[main].append(acc)
        return dict(out)


def build_catalog(rng: random.Random, anchor: datetime) -> Catalog:
    """Return the full catalogue for one seed. ``anchor`` is "now" of the demo (the last day of history)."""
    products: list[Product] = []
    for part in (protection_catalog, install_catalog, devices_catalog, extra_catalog):
        products.extend(part(rng))
    brand_prefix: dict[str, str] = {}
    brand_count: dict[str, int] = defaultdict(int)
    for rec in products:
        prefix = brand_prefix.setdefault(rec["brand"], f"590{1000 + 37 * len(brand_prefix):04d}")
        brand_count[rec["brand"]] += 1
        rec["ean"] = ean13(prefix, brand_count[rec["brand"]])
        roll = rng.random()
        rec["stock"] = 0 if roll < 0.08 else rng.randint(1, 9) if roll < 0.25 else int(rng.lognormvariate(3.5, 1.0))
        rec["cost_price"] = money(float(rec["unit_price"]) * rng.uniform(0.62, 0.82))
        rec["created_at"] = anchor - timedelta(days=800 + rng.randint(0, 700), hours=rng.randint(0, 23))
        rec["active"] = True
        rec["source"] = "demo"
        rec["_new"] = False
    candidates = [r for r in products if r["sku"] != WELL_KNOWN_SKU]
    for rec in rng.sample(candidates, NEW_PRODUCTS):
        rec["_new"] = True
        rec["created_at"] = anchor - timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 23))
    for rec in rng.sample([r for r in candidates if not r["_new"]], int(len(products) * INACTIVE_SHARE)):
        rec["active"] = False
        rec["stock"] = 0
    for rec in products:
        rec["updated_at"] = rec["created_at"]
    return Catalog(products=products, relations=_relations(products))


def _first(items: Iterable[Product], key: Callable[[Product], Any] | None = None, n: int = 1) -> list[str]:
    pool = list(items)
    if key is not None:
        pool.sort(key=key)
    return [p["sku"] for p in pool[:n]]


def _relations(products: list[Product]) -> list[tuple[str, str]]:
    """Accessory relations: enclosure -> DIN rail -> busbar; breaker -> busbar/labels; luminaire -> driver;
    cable -> glands/conduit; socket -> frame; PV module/inverter -> DC parts; tray -> cover/bracket."""
    fam: dict[str, list[Product]] = defaultdict(list)
    by_sku = {p["sku"]: p for p in products}
    for p in products:
        fam[p["_family"]].append(p)
    rails_short = [p for p in fam["din_rail"] if p["_modules"] < 57 and p["attributes"]["depth_mm"] == 7.5]
    rail_1m = "TH35-7.5-1M-P"

    def busbars(poles: int, modules: int) -> list[str]:
        return _first(p for p in fam["busbar"] if p["_poles"] == poles and p["_modules"] == modules
                      and p["attributes"]["cross_section_mm2"] == 10 and p["attributes"]["busbar_type"] == "pin")

    pairs: list[tuple[str, str]] = []
    for p in fam["enclosure"]:
        fit = [r for r in rails_short if r["_modules"] >= p["_per_row"]]
        rail = _first(fit, key=lambda r: r["_modules"]) or [rail_1m]
        holes = 7 if p["attributes"]["modules"] <= 12 else 15 if p["attributes"]["modules"] <= 36 else 23
        accs = rail + busbars(1, 12) + busbars(3, 12) + [f"LZ-{holes}-N", f"LZ-{holes}-PE", "LBL-BOARD-10-W"]
        pairs += [(p["sku"], a) for a in accs]
    for p in fam["din_rail"]:
        modules = 12 if p["_modules"] < 57 else 57
        pairs += [(p["sku"], a) for a in busbars(1, modules) + busbars(3, modules)]
    for p in fam["mcb"]:
        pairs += [(p["sku"], a) for a in busbars(p["_poles"], 12) + busbars(p["_poles"], 57) + ["LBL-MCB-10-W"]]
    for p in fam["rcd"] + fam["rcbo"]:
        pairs += [(p["sku"], a) for a in busbars(p["_poles"], 12) + ["LBL-RCD-10-Y"]]
    drivers_cv = [d for d in fam["driver"] if d["_driver"] == "CV"]
    drivers_cc = [d for d in fam["driver"] if d["_driver"] == "CC"]
    for p in fam["luminaire"]:
        if p["_driver"] == "CV":
            fit = [d for d in drivers_cv if d["_volts"] == p["_volts"] and d["_power"] >= 1.2 * p["_power"]]
            pairs += [(p["sku"], a) for a in _first(fit, key=lambda d: (d["_power"], float(d["unit_price"])), n=2)]
        elif p["_driver"] == "CC":
            fit = [d for d in drivers_cc if d["_power"] >= p["_power"]]
            pairs += [(p["sku"], a) for a in _first(fit, key=lambda d: (d["_power"], float(d["unit_price"])), n=2)]
    glands = [g for g in fam["gland"] if g["attributes"]["material"] == "polyamide"]
    conduits = [c for c in fam["conduit"] if c["attributes"]["conduit_type"] == "flexible"
                and c["attributes"]["colour"] == "grey" and c["attributes"]["length_m"] == 25]
    for p in fam["cable"] + fam["junction_box"]:
        d = p["_diameter"]
        fit = [g for g in glands if g["_cmin"] <= d <= g["_cmax"]]
        accs = _first(fit, key=lambda g: (g["attributes"]["thread"].startswith("PG"), g["_cmax"]), n=2)
        if p["_family"] == "cable":
            accs += _first((c for c in conduits if c["_diameter"] >= 1.5 * d), key=lambda c: c["_diameter"])
        pairs += [(p["sku"], a) for a in accs]
    ferrules = {p["attributes"]["cross_section_mm2"]: p["sku"] for p in fam["ferrule"]}
    for p in fam["wire"]:
        if p["attributes"]["cross_section_mm2"] in ferrules:
            pairs.append((p["sku"], ferrules[p["attributes"]["cross_section_mm2"]]))
    for p in fam["crimper"]:
        pairs += [(p["sku"], ferrules[1.5]), (p["sku"], ferrules[2.5])]
    frames = {(f["_series"], f["_colour"], f["_gangs"]): f["sku"] for f in fam["frame"]}
    for p in fam["wiring_device"]:
        pairs += [(p["sku"], frames[(p["_series"], p["_colour"], 1)]), (p["sku"], frames[(p["_series"], p["_colour"], 2)])]
    for p in fam["pv_module"]:
        pairs += [(p["sku"], a) for a in ("MC4-PAIR-6", "H1Z2Z2-K-6-BL-100", "K2-MID-30", "K2-END-30", "K2-RAIL-4.4")]
    for p in fam["pv_inverter"]:
        kw = p["_kw"]
        mcb = f"S203-C{16 if kw <= 6 else 20 if kw <= 10 else 32}" if p["_phases"] == 3 else f"S201-C{20 if kw <= 4 else 32}"
        pairs += [(p["sku"], a) for a in ("DG-PV-1000", "DCI-1000-25-2S" if kw <= 6 else "DCI-1000-32-4S", mcb)]
    for p in fam["industrial_enclosure"]:
        pairs += [(p["sku"], a) for a in ("DL-M20-GR", "DL-M25-GR", "TH35-7.5-1M-P")]
    for p in fam["ev_charger"]:
        pairs += [(p["sku"], a) for a in ("F204-A-40/30", "S203-C16" if p["_kw"] != 7.4 else "S201-C40")]
    for p in fam["cable_tray"]:
        pairs += [(p["sku"], f"PKJ{p['_width']}"), (p["sku"], f"WWK{p['_width']}")]
    missing = [(m, a) for m, a in pairs if a not in by_sku]
    if missing:
        raise RuntimeError(f"demo catalogue relation points to unknown SKUs: {missing[:5]}")
    seen: set[tuple[str, str]] = set()
    unique = []
    for pair in pairs:
        if pair not in seen and pair[0] != pair[1]:
            seen.add(pair)
            unique.append(pair)
    return unique
