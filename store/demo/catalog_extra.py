"""Demo catalogue, part 4: LED lamps, boxes, cable ties, EV chargers, emergency lighting, power strips."""

from __future__ import annotations

import random
from collections.abc import Iterator

from store.demo._common import Product, fmt_num, make, price


def lamps(rng: random.Random) -> Iterator[Product]:
    for brand, code, factor in (("Philips", "PHL", 1.3), ("LEDVANCE", "LDV", 1.15), ("Kanlux", "KAN", 0.9)):
        for base, shapes in (("E27", ("A60", "A67")), ("E14", ("P45", "B35")), ("GU10", ("PAR16",))):
            for shape in shapes:
                for power in (4.9, 7, 8.5, 11) if base != "E27" else (7, 8.5, 11, 13, 15):
                    for cct in (2700, 4000):
                        lumen = int(power * 105)
                        yield make(
                            sku=f"{code}-{base}-{shape}-{fmt_num(power).replace('.', '')}W-{cct // 100}K",
                            name=f"{brand} LED lamp {base} {shape} {fmt_num(power)} W {cct} K {lumen} lm",
                            description=(f"LED light bulb (żarówka LED) {brand}, {base} cap, {shape} shape, "
                                         f"{fmt_num(power)} W replaces ~{int(power * 8.5)} W incandescent, {lumen} "
                                         f"lm, {cct} K {'warm' if cct == 2700 else 'neutral'} white, 15,000 h, "
                                         "non-dimmable, energy class E/F."),
                            category="LED lighting > LED lamps",
                            brand=brand,
                            unit_price=price(rng, (6 + power * 1.1) * factor),
                            attributes={"power_w": power, "cap": base, "shape": shape, "colour_temperature_k": cct,
                                        "luminous_flux_lm": lumen, "voltage_v": 230, "dimmable": False},
                            family="lamp",
                            weight=2.0 if power in (8.5, 11) else 1.0,
                            queries=[f"żarówka led {base} {fmt_num(power)}w", f"led bulb {base} {cct}k"],
                        )


def boxes(rng: random.Random) -> Iterator[Product]:
    for kind, en, pl, sizes in (("PK60", "flush box Ø60 mm", "puszka podtynkowa", (45, 60, 70)),
                                ("PK60-GK", "drywall box Ø60 mm", "puszka do płyt g-k", (45, 60, 70)),
                                ("PK60-2", "double flush box 2xØ60", "puszka podwójna", (45, 60))):
        for depth in sizes:
            for pack in (1, 50):
                yield make(
                    sku=f"{kind}-{depth}{'-P50' if pack == 50 else ''}",
                    name=f"Installation {en}, depth {depth} mm" + (", pack of 50" if pack == 50 else ""),
                    description=(f"Installation {en} ({pl}), {depth} mm deep, self-extinguishing PP, screws "
                                 "for sockets and switches." + (" Pack of 50." if pack == 50 else "")),
                    category="Conduits & glands > Installation boxes",
                    brand="Elektro-Plast",
                    unit_price=price(rng, (0.9 + depth * 0.02) * pack * (1.9 if "GK" in kind or kind.endswith("2")
                                                                         else 1)),
                    attributes={"diameter_mm": 60, "depth_mm": depth, "pack_size": pack, "mounting": "flush"},
                    family="box",
                    queries=[f"{pl} {depth}", f"{en} {depth}mm"],
                )
    for w, h, d in ((80, 80, 45), (100, 100, 50), (120, 80, 50), (150, 110, 70), (190, 140, 70), (240, 190, 90)):
        for glands in (0, 6):
            yield make(
                sku=f"PH-{w}{h}{d}-{'D' if glands else 'G'}",
                name=f"Hermetic junction box {w}x{h}x{d} mm IP65" + (" with glands" if glands else ""),
                description=(f"Surface junction box (puszka hermetyczna) {w}x{h}x{d} mm, IP65, grey, "
                             + ("6 membrane glands" if glands else "smooth walls for cable glands")
                             + ", for outdoor and damp-room connections."),
                category="Conduits & glands > Installation boxes",
                brand="Spelsberg",
                unit_price=price(rng, 6 + w * h / 1200),
                attributes={"width_mm": w, "height_mm": h, "depth_mm": d, "ip_rating": 65, "mounting": "surface"},
                family="junction_box",
                queries=[f"puszka hermetyczna {w}x{h}", f"junction box ip65 {w}x{h}"],
                diameter=min(w, h) / 5,
            )


def cable_ties(rng: random.Random) -> Iterator[Product]:
    for width, lengths in ((2.5, (100, 140, 200)), (3.6, (140, 200, 300)), (4.8, (200, 300, 370)),
                           (7.6, (370, 450))):
        for length in lengths:
            for colour in ("natural", "black UV"):
                yield make(
                    sku=f"OP-{fmt_num(width)}X{length}-{'N' if colour == 'natural' else 'UV'}",
                    name=f"Cable ties {fmt_num(width)}x{length} mm {colour}, 100 pcs",
                    description=(f"Nylon 6.6 cable ties (opaski kablowe) {fmt_num(width)}x{length} mm, {colour}"
                                 + (", UV-resistant for outdoor and PV installations" if "UV" in colour else "")
                                 + ", bag of 100."),
                    category="Cable trays & supports > Fixings and ties",
                    brand="HellermannTyton",
                    unit_price=price(rng, 4 + width * length / 90),
                    unit="bag",
                    attributes={"width_mm": width, "length_mm": length, "colour": colour, "pack_size": 100},
                    family="cable_tie",
                    queries=[f"opaski kablowe {length}", f"cable ties {fmt_num(width)}x{length}"],
                )


def ev_chargers(rng: random.Random) -> Iterator[Product]:
    for brand, code, base in (("ABB", "TERRA-AC", 3290), ("Wallbox", "PULSAR-PLUS", 2790),
                              ("Schneider Electric", "EVLINK-PRO", 4190)):
        for kw in (7.4, 11, 22):
            for cable in ("socket", "cable"):
                yield make(
                    sku=f"{code}-{fmt_num(kw).replace('.', '')}KW-{'T2S' if cable == 'socket' else 'T2C'}",
                    name=f"{brand} EV charger {fmt_num(kw)} kW " + ("Type 2 socket" if cable == "socket"
                                                                      else "with 5 m Type 2 cable"),
                    description=(f"AC wallbox (ładowarka samochodowa) {brand}, {fmt_num(kw)} kW "
                                 f"{'1-phase 32 A' if kw == 7.4 else '3-phase'}, "
                                 + ("Type 2 socket" if cable == "socket" else "tethered 5 m Type 2 cable")
                                 + ", RFID, OCPP 1.6J, built-in 6 mA DC leakage detection; upstream needs an "
                                 "RCD type A and a C-curve MCB."),
                    category="EV charging > Wallboxes",
                    brand=brand,
                    unit_price=price(rng, base + kw * 35 + (300 if cable == "cable" else 0)),
                    attributes={"power_kw": kw, "phases": 1 if kw == 7.4 else 3, "connector": "Type 2",
                                "rated_current_a": 32 if kw != 11 else 16, "ip_rating": 54,
                                "voltage_v": 230 if kw == 7.4 else 400},
                    family="ev_charger",
                    queries=[f"ładowarka ev {fmt_num(kw)}kw", f"wallbox {fmt_num(kw)} kw"],
                    kw=kw,
                )


def emergency_lighting(rng: random.Random) -> Iterator[Product]:
    for kind, en, pl in (("EXIT", "exit sign luminaire", "oprawa ewakuacyjna"),
                         ("ESC", "escape route luminaire", "oprawa awaryjna"),
                         ("OPEN", "open area anti-panic luminaire", "oprawa antypaniczna")):
        for hours in (1, 3):
            for mode in ("maintained", "non-maintained"):
                for ip in (41, 65):
                    yield make(
                        sku=f"AW-{kind}-{hours}H-{'SA' if mode == 'maintained' else 'SE'}-IP{ip}",
                        name=f"LED emergency {en} {hours} h {mode} IP{ip}",
                        description=(f"LED emergency {en} ({pl}), autonomy {hours} h, {mode}, IP{ip}, "
                                     "self-test (AT), LiFePO4 battery, EN 60598-2-22."),
                        category="Emergency lighting",
                        brand="AWEX",
                        unit_price=price(rng, 120 + hours * 45 + (40 if ip == 65 else 0)),
                        attributes={"autonomy_h": hours, "mode": mode, "ip_rating": ip, "power_w": 3,
                                    "voltage_v": 230},
                        family="emergency",
                        queries=[f"{pl} {hours}h", f"emergency light {hours}h ip{ip}"],
                    )


def power_strips(rng: random.Random) -> Iterator[Product]:
    for sockets in (3, 4, 5, 6):
        for length in (1.5, 3, 5):
            for variant in ("basic", "switch", "surge"):
                yield make(
                    sku=f"LZ{sockets}-{fmt_num(length)}M-{variant[:2].upper()}",
                    name=f"Power strip {sockets} sockets {fmt_num(length)} m"
                         + {"basic": "", "switch": " with switch", "surge": " with surge protection"}[variant],
                    description=(f"Extension power strip (listwa zasilająca / przedłużacz) {sockets} x 2P+E, "
                                 f"{fmt_num(length)} m cord H05VV-F 3x1.5 mm², 16 A 3680 W"
                                 + {"basic": ".", "switch": ", illuminated switch.",
                                    "surge": ", surge protection 15 kA and filter for IT equipment."}[variant]),
                    category="Power strips & extension cords", brand="ORNO",
                    unit_price=price(rng, 15 + sockets * 3 + length * 4 + (25 if variant == "surge" else 0)),
                    attributes={"sockets": sockets, "cord_length_m": length, "variant": variant,
                                "rated_current_a": 16},
                    family="power_strip", queries=[f"listwa zasilająca {sockets}", f"power strip {sockets} sockets"],
                )
    for length in (20, 25, 40, 50):
        for cores in ("3x1.5", "3x2.5"):
            yield make(
                sku=f"PB-{length}-{cores.replace('.', '')}",
                name=f"Cable reel extension {length} m {cores} mm² 4 sockets IP44",
                description=(f"Cable reel extension (przedłużacz bębnowy) {length} m, OW {cores} mm², 4 sockets "
                             "IP44 with thermal cut-out, for building sites."),
                category="Power strips & extension cords", brand="PCE",
                unit_price=price(rng, 90 + length * (2.6 if cores == "3x1.5" else 3.8)),
                attributes={"cord_length_m": length, "cord": cores, "ip_rating": 44, "sockets": 4},
                family="power_strip", queries=[f"przedłużacz bębnowy {length}m", f"cable reel {length} m"],
            )


def extra_catalog(rng: random.Random) -> Iterator[Product]:
    """Yield LED lamps, installation boxes, cable ties, EV chargers, emergency lighting and power strips."""
    for family in (lamps, boxes, cable_ties, ev_chargers, emergency_lighting, power_strips):
        yield from family(rng)
