"""A seeded synthetic electrical catalogue for tests and benchmarks (no store needed).

Products look like a Polish electrical wholesaler's: MCBs ("S201-B16"), RCDs, cables ("YDYp 3x2,5"), LED
floodlights, enclosures and sockets, with typed attributes (rated_current_a, poles, ip_rating, ...).
"""

from __future__ import annotations

import random
from decimal import Decimal

from retrieval.models import ProductDoc

BRANDS = ["ABB", "Schneider Electric", "Eaton", "Legrand", "Hager", "Siemens", "Kanlux", "Philips"]


def _mcb(r: random.Random, i: int) -> ProductDoc:
    curve, amps, poles = r.choice("BCD"), r.choice([6, 10, 13, 16, 20, 25, 32, 40, 63]), r.choice([1, 2, 3])
    series = {1: "S201", 2: "S202", 3: "S203"}[poles]
    return ProductDoc(
        sku=f"{series}-{curve}{amps}", name=f"Wyłącznik nadprądowy {series} "
        f"{curve}{amps} {poles}P 6kA", category="Protection > Circuit breakers > MCB", brand=r.choice(BRANDS[:6]),
        description=f"Miniature circuit breaker, {poles}-pole, characteristic {curve}, {amps} A, breaking "
        f"capacity 6 kA, DIN rail mounting.",
        attributes={"rated_current_a": amps, "characteristic": curve, "poles": poles, "breaking_capacity_ka": 6},
    )


def _rcd(r: random.Random, i: int) -> ProductDoc:
    amps, ma, poles = r.choice([25, 40, 63]), r.choice([30, 100, 300]), r.choice([2, 4])
    return ProductDoc(
        sku=f"RCD-{poles}P-{amps}-{ma}", name=f"Wyłącznik różnicowoprądowy {poles}P {amps}A {ma}mA typ AC",
        category="Protection > Residual current devices", brand=r.choice(BRANDS[:6]),
        description=f"Residual current circuit breaker, {poles}-pole, {amps} A, sensitivity {ma} mA.",
        attributes={"rated_current_a": amps, "sensitivity_ma": ma, "poles": poles, "type": "AC"},
    )


def _cable(r: random.Random, i: int) -> ProductDoc:
    cores, cross = r.choice([2, 3, 4, 5]), r.choice(["1.5", "2.5", "4", "6", "10"])
    kind = r.choice(["YDY", "YDYp", "H07RN-F", "YKY"])
    return ProductDoc(
        sku=f"{kind}-{cores}x{cross}", name=f"Przewód {kind} {cores}x{cross.replace('.', ',')} mm² 450/750V",
        category="Cables > Installation cables", brand=r.choice(["Elektrokabel", "Tele-Fonika", "NKT"]),
        description=f"Copper installation cable, {cores} cores of {cross} mm², PVC insulation, sold per metre.",
        attributes={"cores": cores, "cross_section_mm2": float(cross), "voltage_v": 750},
    )


def _flood(r: random.Random, i: int) -> ProductDoc:
    watts, kelvin, ip = r.choice([10, 20, 30, 50, 100, 150]), r.choice([3000, 4000, 6500]), r.choice([44, 65, 66])
    return ProductDoc(
        sku=f"FL-{watts}W-{kelvin}K-IP{ip}", name=f"Naświetlacz LED {watts}W {kelvin}K IP{ip} outdoor floodlight",
        category="Lighting > Outdoor > Floodlights", brand=r.choice(["Kanlux", "Philips", "Ledvance"]),
        description=f"Outdoor LED floodlight, {watts} W, {kelvin} K colour temperature, aluminium housing.",
        attributes={"power_w": watts, "colour_temperature_k": kelvin, "ip_rating": f"IP{ip}"},
    )


def _enclosure(r: random.Random, i: int) -> ProductDoc:
    modules, ip = r.choice([4, 8, 12, 18, 24, 36]), r.choice([30, 40, 65])
    return ProductDoc(
        sku=f"RN-{modules}-IP{ip}", name=f"Rozdzielnica natynkowa {modules} modułów IP{ip}",
        category="Enclosures > Distribution boards", brand=r.choice(["Hager", "Legrand", "Schneider Electric"]),
        description=f"Surface-mounted distribution board for {modules} modular devices (breakers) on a DIN rail.",
        attributes={"modules": modules, "ip_rating": f"IP{ip}", "mounting": "surface"},
    )


def _socket(r: random.Random, i: int) -> ProductDoc:
    amps, ip = r.choice([10, 16]), r.choice([20, 44, 55])
    return ProductDoc(
        sku=f"GN-{amps}-IP{ip}", name=f"Gniazdo wtyczkowe {amps}A z uziemieniem IP{ip}",
        category="Wiring devices > Sockets", brand=r.choice(["Legrand", "Schneider Electric", "Kontakt-Simon"]),
        description=f"Single socket outlet with earthing pin, {amps} A 250 V, IP{ip}.",
        attributes={"rated_current_a": amps, "ip_rating": f"IP{ip}", "voltage_v": 250},
    )


_MAKERS = [_mcb, _rcd, _cable, _flood, _enclosure, _socket]


def synthetic_catalog(n: int, seed: int = 7) -> list[ProductDoc]:
    """Return ``n`` distinct products (unique SKUs and EANs), the same list for the same seed."""
    r = random.Random(seed)
    docs: list[ProductDoc] = []
    seen: set[str] = set()
    i = 0
    while len(docs) < n:
        doc = _MAKERS[i % len(_MAKERS)](r, i)
        i += 1
        if doc.sku in seen:
            if doc.sku.startswith("S20"):
                continue
            doc = doc.model_copy(update={"sku": f"{doc.sku}-{i}"})
        seen.add(doc.sku)
        docs.append(doc.model_copy(update={
            "ean": f"590{len(docs):010d}", "price": Decimal(r.randint(500, 90000)) / 100,
            "stock": r.choice([0, 0, 5, 12, 40, 120, 500]),
        }))
    return docs
