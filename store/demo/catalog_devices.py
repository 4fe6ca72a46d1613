"""Demo catalogue, part 3: sockets and switches, LED lighting and drivers, connectors, PV, tools."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from store.demo._common import Product, fmt_num, make, price

SERIES = [
    ("Kontakt-Simon", "Simon 54", "S54", ("white", "black", "antracite", "cream"), 1.0),
    ("Legrand", "Niloé Step", "NST", ("white", "cream", "black"), 1.1),
    ("Schneider Electric", "Sedna Design", "SDD", ("white", "black", "antracite", "wine"), 1.3),
    ("Ospel", "Aria", "ARIA", ("white", "grey", "black"), 0.9),
    ("Hager", "Gallery", "GAL", ("white", "silver", "black"), 1.5),
]
WIRING_ITEMS = [
    ("GZ", "single socket outlet 2P+E", "gniazdo pojedyncze z uziemieniem", 14.0, 20, 6),
    ("GZ2", "double socket outlet 2x2P+E", "gniazdo podwójne z uziemieniem", 26.0, 20, 3),
    ("GZU", "socket outlet 2P+E with USB A+C charger", "gniazdo z ładowarką USB", 79.0, 20, 2),
    ("GZH", "splash-proof socket outlet 2P+E with flap IP44", "gniazdo bryzgoszczelne IP44", 31.0, 44, 2),
    ("GRJ", "data socket RJ45 cat.6", "gniazdo komputerowe RJ45", 39.0, 20, 1),
    ("GTV", "TV-SAT socket", "gniazdo RTV-SAT", 34.0, 20, 1),
    ("L1", "one-way switch", "łącznik jednobiegunowy", 12.0, 20, 5),
    ("L2", "double (two-circuit) switch", "łącznik świecznikowy", 17.0, 20, 3),
    ("L6", "two-way (staircase) switch", "łącznik schodowy", 14.0, 20, 3),
    ("L7", "cross (intermediate) switch", "łącznik krzyżowy", 22.0, 20, 1),
    ("LZ", "blind control switch", "łącznik żaluzjowy", 29.0, 20, 1),
    ("LD", "bell push-button", "przycisk dzwonkowy", 13.0, 20, 1),
    ("SCM", "LED dimmer 5-200 W", "ściemniacz LED", 119.0, 20, 1),
    ("CZR", "motion sensor switch 230 V", "czujnik ruchu podtynkowy", 139.0, 20, 1),
]


def wiring_devices(rng: random.Random) -> Iterator[Product]:
    for brand, series, code, colours, factor in SERIES:
        for colour in colours:
            cc = colour[:2].upper()
            for item, en, pl, base, ip, weight in WIRING_ITEMS:
                yield make(
                    sku=f"{code}-{item}-{cc}",
                    name=f"{brand} {series} {en}, {colour}",
                    description=(f"{en.capitalize()} ({pl}) from the {brand} {series} range, {colour}, "
                                 f"flush-mounted in a Ø60 mm box, screwless terminals, IP{ip}, "
                                 f"{'16 A' if item.startswith('G') and item not in ('GRJ', 'GTV') else '10 AX'} "
                                 "250 V. Frame sold separately."),
                    category="Sockets & switches > " + ("Sockets" if item.startswith("G") else "Switches"),
                    brand=brand,
                    unit_price=price(rng, base * factor),
                    attributes={"series": series, "colour": colour, "ip_rating": ip, "device": en,
                                "rated_current_a": 16 if item.startswith("G") else 10, "voltage_v": 250},
                    family="wiring_device",
                    weight=float(weight),
                    queries=[f"{pl} {series} {colour}", f"{en} {colour}", f"{series} {item.lower()}"],
                    series=code,
                    colour=colour,
                )
            for gang in (1, 2, 3, 4, 5):
                yield make(
                    sku=f"{code}-R{gang}-{cc}",
                    name=f"{brand} {series} {gang}-gang frame, {colour}",
                    description=(f"Cover frame (ramka {gang}-krotna) for {gang} device(s) of the {brand} "
                                 f"{series} range, {colour}, horizontal or vertical mounting."),
                    category="Sockets & switches > Frames",
                    brand=brand,
                    unit_price=price(rng, (6 + gang * 5.5) * factor),
                    attributes={"series": series, "colour": colour, "gangs": gang},
                    family="frame",
                    queries=[f"ramka {gang}x {series} {colour}", f"{series} frame {gang} gang"],
                    series=code,
                    colour=colour,
                    gangs=gang,
                )


def luminaires(rng: random.Random) -> Iterator[Product]:
    cct_names = {2700: "warm white", 3000: "warm white", 4000: "neutral white", 5000: "cool white",
                 6500: "daylight"}
    specs: list[tuple[Any, ...]] = []  # (family-kind, size/name, power W, lumen per W, ip, base price, driver: None | "CC" | "CV")
    for size, power in (("600x600", 36), ("600x600", 40), ("1200x300", 40), ("300x300", 18)):
        specs.append(("panel", f"LED panel {size}", power, 110, 20, 75 + power * 1.5, None, size))
        specs.append(("panel", f"LED backlit panel {size} (external driver)", power, 120, 20, 60 + power * 1.2,
                      "CC", size))
    for power in (6, 9, 12, 18, 24):
        specs.append(("downlight", "LED downlight round", power, 95, 44, 25 + power * 2.2, None, "round"))
        specs.append(("downlight", "LED downlight square", power, 95, 44, 27 + power * 2.2, None, "square"))
    for power in (100, 150, 200):
        specs.append(("highbay", "LED high bay UFO", power, 150, 65, 190 + power * 1.6, None, "ufo"))
    for power in (10, 20, 30, 50, 100, 150, 200):
        specs.append(("floodlight", "LED floodlight", power, 100, 65, 29 + power * 1.3, None, "flood"))
    for length, power in ((600, 18), (1200, 36), (1500, 50)):
        specs.append(("hermetic", f"LED hermetic luminaire {length} mm", power, 120, 65, 65 + power * 1.4, None,
                      str(length)))
    for volts in (12, 24):
        for wpm in (4.8, 9.6, 14.4):
            for ip in (20, 65):
                specs.append(("strip", f"LED strip {volts} V {fmt_num(wpm)} W/m 5 m", round(wpm * 5), 100, ip,
                              25 + wpm * 6, "CV", str(volts)))
    for brand, code, factor in (("Kanlux", "KAN", 1.0), ("LEDVANCE", "LDV", 1.25), ("Philips", "PHL", 1.45),
                                ("Lena Lighting", "LENA", 0.95)):
        for kind, label, power, lpw, ip, base, driver, variant in specs:
            if kind == "strip" and brand in ("Philips", "Lena Lighting"):
                continue
            ccts = (3000, 4000, 6500) if kind in ("floodlight", "strip") else (3000, 4000) \
                if kind == "downlight" else (4000, 5000) if kind == "highbay" else (3000, 4000, 6500)
            for cct in ccts:
                lumen = int(power * lpw)
                kind_code = {"panel": f"PAN{variant.replace('x', 'X')}", "downlight": f"DL{variant[0].upper()}",
                             "highbay": "HB", "floodlight": "FL", "hermetic": f"HRM{variant}",
                             "strip": f"STR{variant}V"}[kind]
                sku = f"{code}-{kind_code}-{power}W-{cct // 100}K"
                if driver == "CC":
                    sku += "-ED"
                if kind == "strip":
                    sku += f"-IP{ip}"
                yield make(
                    sku=sku,
                    name=f"{brand} {label} {power} W {cct} K IP{ip}",
                    description=(
                        f"{label} ({'taśma LED' if kind == 'strip' else 'oprawa LED'}) {brand}, {power} W, "
                        f"{lumen} lm, {cct} K {cct_names[cct]}, CRI>80, IP{ip}"
                        + (f", needs a {variant} V constant-voltage LED power supply" if driver == "CV" else
                           ", needs an external constant-current LED driver" if driver == "CC" else
                           ", driver included, 230 V")
                        + ". "
                        + {"panel": "For suspended ceilings (Armstrong grid) in offices and classrooms, UGR<19.",
                           "downlight": "Recessed downlight for corridors, bathrooms and shops.",
                           "highbay": "For warehouses and production halls, mounting height 6-12 m.",
                           "floodlight": "Outdoor floodlight (naświetlacz) for facades, car parks and sites.",
                           "hermetic": "Hermetic batten for garages, cold stores and car washes.",
                           "strip": "Cut every 5 cm; for coves, furniture and accent lighting."}[kind]
                    ),
                    category={"panel": "LED lighting > Panels", "downlight": "LED lighting > Downlights",
                              "highbay": "LED lighting > High bay", "floodlight": "LED lighting > Floodlights",
                              "hermetic": "LED lighting > Hermetic luminaires",
                              "strip": "LED lighting > LED strips"}[kind],
                    brand=brand,
                    unit_price=price(rng, base * factor),
                    attributes={"power_w": power, "luminous_flux_lm": lumen, "colour_temperature_k": cct,
                                "ip_rating": ip, "voltage_v": int(variant) if driver == "CV" else 230,
                                "driver_included": driver is None},
                    family="luminaire",
                    weight=3.0 if kind in ("panel", "floodlight") and cct == 4000 else 1.0,
                    queries=[f"{'taśma led' if kind == 'strip' else 'oprawa led'} {power}w {cct}k",
                             f"{label.lower()} {power}w", f"{kind} {cct}K ip{ip}"],
                    driver=driver,
                    power=power,
                    volts=int(variant) if driver == "CV" else None,
                )


def drivers(rng: random.Random) -> Iterator[Product]:
    for series, ip, powers, factor in (("LPV", 67, (20, 35, 60, 100, 150), 1.0),
                                       ("LRS", 20, (35, 50, 75, 100, 150, 200, 350), 0.7),
                                       ("HLG", 67, (60, 100, 150, 240), 1.9)):
        for power in powers:
            for volts in (12, 24):
                yield make(
                    sku=f"{series}-{power}-{volts}",
                    name=f"Mean Well {series}-{power}-{volts} LED power supply {power} W {volts} V IP{ip}",
                    description=(f"Constant-voltage LED power supply (zasilacz LED) Mean Well {series}, "
                                 f"{power} W, {volts} V DC, IP{ip}"
                                 + (" - for outdoor and damp locations" if ip >= 67 else " - enclosed, for "
                                    "installation in cabinets")
                                 + ". For LED strips and modules; size it with 20% headroom."),
                    category="LED drivers > Constant voltage",
                    brand="Mean Well",
                    unit_price=price(rng, (22 + power * 0.55) * factor),
                    attributes={"power_w": power, "output_voltage_v": volts, "ip_rating": ip,
                                "output": "constant voltage", "voltage_v": 230, "dimming": "none"},
                    family="driver",
                    queries=[f"zasilacz led {volts}v {power}w", f"led power supply {power}w {volts}v"],
                    driver="CV",
                    power=power,
                    volts=volts,
                )
    for power in (25, 40, 60):
        for dimming in ("none", "DALI", "1-10V"):
            for brand, code in (("Tridonic", "LC"), ("Osram", "OT")):
                yield make(
                    sku=f"{code}-{power}W-CC-{dimming.replace('-', '')}",
                    name=f"{brand} {code} {power} W constant-current LED driver 350-1050 mA"
                         + (f" {dimming} dimmable" if dimming != "none" else ""),
                    description=(f"Constant-current LED driver (zasilacz stałoprądowy) {brand}, {power} W, "
                                 "output current selectable 350/500/700/1050 mA, "
                                 + (f"{dimming} dimming" if dimming != "none" else "non-dimmable")
                                 + ", for backlit panels and downlights with external driver. IP20."),
                    category="LED drivers > Constant current",
                    brand=brand,
                    unit_price=price(rng, (45 + power * 0.9) * (1.0 if dimming == "none" else 1.8)),
                    attributes={"power_w": power, "output": "constant current", "output_current_ma": 700,
                                "dimming": dimming, "ip_rating": 20, "voltage_v": 230},
                    family="driver",
                    queries=[f"zasilacz led stałoprądowy {power}w", f"led driver {power}w {dimming}".lower()],
                    driver="CC",
                    power=power,
                    volts=None,
                )


def connectors(rng: random.Random) -> Iterator[Product]:
    wago = [("221-412", 2, 4, "lever"), ("221-413", 3, 4, "lever"), ("221-415", 5, 4, "lever"),
            ("221-612", 2, 6, "lever"), ("221-613", 3, 6, "lever"), ("221-615", 5, 6, "lever"),
            ("2273-202", 2, 2.5, "push-wire"), ("2273-203", 3, 2.5, "push-wire"),
            ("2273-204", 4, 2.5, "push-wire"), ("2273-205", 5, 2.5, "push-wire"),
            ("2273-208", 8, 2.5, "push-wire")]
    for code, poles, section, kind in wago:
        for pack in (50, 100):
            yield make(
                sku=f"WAGO-{code}-{pack}",
                name=f"WAGO {code} {kind} connector {poles}-conductor {fmt_num(section)} mm², {pack} pcs",
                description=(f"WAGO {code} compact {kind} splicing connector (złączka {kind.replace('lever', 'z dźwignią')}), "
                             f"{poles} conductors up to {fmt_num(section)} mm², solid, stranded and fine-stranded, "
                             f"450 V / 32 A, transparent housing, box of {pack}. For junction boxes and luminaire "
                             "connections."),
                category="Connectors & terminal blocks > Splicing connectors",
                brand="WAGO",
                unit_price=price(rng, (0.9 + poles * 0.35) * pack * (1.4 if section == 6 else 1)),
                unit="box",
                attributes={"poles": poles, "cross_section_mm2": section, "connector_type": kind,
                            "pack_size": pack, "rated_current_a": 32, "voltage_v": 450},
                family="connector",
                weight=4.0 if code in ("221-412", "221-413") else 1.0,
                queries=[f"wago {code}", f"złączka {poles}", f"lever connector {poles} pole"],
            )
    for section in (2.5, 4, 6, 10, 16, 35):
        for colour in ("grey", "blue", "green-yellow"):
            yield make(
                sku=f"UT{fmt_num(section)}-{'PE' if colour == 'green-yellow' else colour[:2].upper()}",
                name=f"Phoenix Contact UT {fmt_num(section)} screw terminal block {colour}",
                description=(f"Feed-through DIN rail terminal block (złączka szynowa) UT {fmt_num(section)} mm², "
                             f"screw connection, {colour}"
                             + (" - PE, earths to the rail" if colour == "green-yellow" else "")
                             + ", 800 V, for control panels and distribution boards."),
                category="Connectors & terminal blocks > DIN terminal blocks",
                brand="Phoenix Contact",
                unit_price=price(rng, (2.2 + section * 0.45) * (2.2 if colour == "green-yellow" else 1)),
                attributes={"cross_section_mm2": section, "colour": colour, "connection": "screw",
                            "voltage_v": 800},
                family="terminal_block",
                queries=[f"złączka szynowa {fmt_num(section)}", f"terminal block {fmt_num(section)} mm2"],
            )
    for section in (0.5, 0.75, 1, 1.5, 2.5, 4, 6, 10, 16):
        yield make(
            sku=f"TUL-{fmt_num(section)}-500",
            name=f"Insulated ferrules {fmt_num(section)} mm², 500 pcs",
            description=(f"Insulated wire-end ferrules (tulejki kablowe izolowane) for {fmt_num(section)} mm² "
                         "conductors, DIN 46228-4 colour code, box of 500."),
            category="Connectors & terminal blocks > Ferrules and lugs",
            brand="Klauke",
            unit_price=price(rng, 14 + section * 3),
            unit="box",
            attributes={"cross_section_mm2": section, "pack_size": 500},
            family="ferrule",
            queries=[f"tulejki {fmt_num(section)}", f"ferrules {fmt_num(section)} mm2"],
        )


def photovoltaics(rng: random.Random) -> Iterator[Product]:
    modules: list[tuple[str, str, tuple[int, ...]]] = [
        ("LONGi", "LR5-54HTH", (420, 430, 440)), ("Jinko", "JKM-N54", (425, 435, 445)),
        ("JA Solar", "JAM54D40", (430, 440, 450)), ("Trina", "TSM-NEG9R", (425, 440))]
    for brand, code, powers in modules:
        for power in powers:
            for frame in ("black frame", "full black"):
                yield make(
                    sku=f"{code}-{power}{'-FB' if frame == 'full black' else ''}",
                    name=f"{brand} {code} {power} W PV module {frame}",
                    description=(f"Monocrystalline N-type PV module (panel fotowoltaiczny) {brand}, {power} W, "
                                 f"{frame}, 108 half-cells, efficiency ~22%, 1722x1134x30 mm, 30 mm frame, MC4 "
                                 "connectors, 25-year product warranty."),
                    category="Photovoltaics > PV modules",
                    brand=brand,
                    unit_price=price(rng, power * 0.95 * (1.08 if frame == "full black" else 1)),
                    attributes={"power_w": power, "cell_type": "mono N-type", "frame_mm": 30,
                                "voltage_v": 1500, "colour": frame},
                    family="pv_module",
                    weight=3.0,
                    queries=[f"panel fotowoltaiczny {power}w", f"pv module {power}w {frame}"],
                )
    inverters: list[tuple[str, str, tuple[int, ...], int]] = [
        ("Huawei", "SUN2000-{k}KTL-M1", (3, 4, 5, 6, 8, 10), 3),
        ("Fronius", "Symo-{k}.0-3-M", (3, 5, 8, 10, 12, 15, 20), 3),
        ("SolarEdge", "SE{k}K", (3, 5, 7, 10), 3),
        ("Growatt", "MIN-{k}000TL-X", (3, 4, 5, 6), 1)]
    for brand, code, powers, phases in inverters:
        for kw in powers:
            yield make(
                sku=code.format(k=kw),
                name=f"{brand} {code.format(k=kw)} {kw} kW {'3-phase' if phases == 3 else '1-phase'} PV inverter",
                description=(f"Grid-tied PV inverter (falownik) {brand}, {kw} kW, {phases}-phase, two MPPT "
                             "trackers, 1100 V DC max, Wi-Fi/RS485 monitoring, IP65. Protect it with a DC "
                             "surge arrester and a DC isolator; AC side with a C-curve MCB."),
                category="Photovoltaics > Inverters",
                brand=brand,
                unit_price=price(rng, 1900 + kw * 480),
                attributes={"power_kw": kw, "phases": phases, "mppt": 2, "voltage_v": 1100, "ip_rating": 65},
                family="pv_inverter",
                queries=[f"falownik {kw}kw", f"inverter {kw} kw {brand}".lower()],
                kw=kw,
                phases=phases,
            )
    mounting = [("K2-RAIL-2.4", "Mounting rail 2.4 m aluminium", 79.0), ("K2-RAIL-4.4", "Mounting rail 4.4 m aluminium", 139.0),
                ("K2-MID-30", "Mid clamp 30 mm", 6.9), ("K2-END-30", "End clamp 30 mm", 6.9),
                ("K2-MID-35", "Mid clamp 35 mm", 6.9), ("K2-END-35", "End clamp 35 mm", 6.9),
                ("K2-HOOK-TILE", "Roof hook for ceramic tiles", 24.9), ("K2-HANGER-M10", "Hanger bolt M10x200", 15.9),
                ("K2-TRAP-ADJ", "Trapezoidal sheet bridge", 12.9), ("K2-GROUND-KIT", "Module grounding kit", 29.0)]
    for sku, name, base in mounting:
        yield make(
            sku=sku, name=f"K2 Systems {name}",
            description=f"{name} for pitched-roof PV mounting systems (konstrukcja fotowoltaiczna), aluminium/steel.",
            category="Photovoltaics > Mounting systems", brand="K2 Systems", unit_price=price(rng, base),
            attributes={"component": name.lower()}, family="pv_mounting",
            queries=[name.lower(), "konstrukcja pv"], part=sku,
        )
    for sku, name, base, attrs in (
        ("MC4-PAIR-6", "MC4 connector pair 4-6 mm²", 7.9, {"cross_section_mm2": 6, "voltage_v": 1500}),
        ("MC4-Y-2TO1", "MC4 Y-splitter 2-to-1", 29.0, {"voltage_v": 1500}),
        ("DCI-1000-25-2S", "DC isolator 1000 V 25 A 2 strings", 189.0, {"voltage_v": 1000, "rated_current_a": 25}),
        ("DCI-1000-32-4S", "DC isolator 1000 V 32 A 4 strings", 259.0, {"voltage_v": 1000, "rated_current_a": 32}),
        ("PV-FUSE-10X38-15", "PV fuse 10x38 gPV 15 A 1000 V DC", 12.9, {"voltage_v": 1000, "rated_current_a": 15}),
    ):
        yield make(sku=sku, name=name, description=f"{name} for photovoltaic DC strings (rozłącznik / złącze PV).",
                   category="Photovoltaics > DC components", brand="Stäubli" if "MC4" in sku else "Eti Polam",
                   unit_price=price(rng, base), attributes=attrs, family="pv_dc", queries=[name.lower()], part=sku)
    for section in (4, 6, 10):
        for colour in ("black", "red"):
            for length in (100, 500):
                yield make(
                    sku=f"H1Z2Z2-K-{section}-{colour[:2].upper()}-{length}",
                    name=f"Solar cable H1Z2Z2-K {section} mm² {colour}, {length} m",
                    description=(f"PV solar cable (przewód solarny) H1Z2Z2-K {section} mm², {colour}, 1.5 kV DC, "
                                 f"UV and ozone resistant, tinned copper, {length} m drum."),
                    category="Cables > Solar cables", brand="TF Kable",
                    unit_price=price(rng, (1.3 + section * 0.42) * length), unit="coil",
                    attributes={"cable_type": "H1Z2Z2-K", "cores": 1, "cross_section_mm2": section,
                                "colour": colour, "voltage_v": 1500, "length_m": length},
                    family="solar_cable", queries=[f"przewód solarny {section}mm", f"solar cable {section} mm2"],
                    section=section,
                )


def tools(rng: random.Random) -> Iterator[Product]:
    screwdrivers = [("flat", s) for s in ("2.5x75", "3.0x100", "4.0x100", "5.5x125", "6.5x150")] + \
                   [("PH", s) for s in ("0", "1", "2", "3")] + [("PZ", s) for s in ("1", "2")] + \
                   [("PZ/FL", s) for s in ("1", "2")]
    for brand, code, factor in (("Wiha", "WIHA", 1.0), ("Wera", "WERA", 1.05), ("Knipex", "KNX", 1.1)):
        for tip, size in screwdrivers:
            yield make(
                sku=f"{code}-VDE-{tip.replace('/', '')}-{size}",
                name=f"{brand} VDE insulated screwdriver {tip} {size} 1000 V",
                description=(f"Insulated electrician's screwdriver (wkrętak izolowany VDE 1000 V) {brand}, "
                             f"{tip} {size}, slim blade for recessed terminals, tested to IEC 60900."),
                category="Tools & testers > Hand tools", brand=brand,
                unit_price=price(rng, 29 * factor + (6 if tip == "flat" else 9)),
                attributes={"tip": tip, "size": size, "insulated_v": 1000},
                family="tool", queries=[f"wkrętak vde {tip} {size}", f"insulated screwdriver {tip} {size}"],
            )
        for tool, en, pl, base in (("KOMB-180", "combination pliers 180 mm", "szczypce uniwersalne", 89),
                                   ("BOCZ-160", "diagonal cutters 160 mm", "szczypce boczne", 79),
                                   ("WYD-200", "long nose pliers 200 mm", "szczypce wydłużone", 85),
                                   ("STRIP-AUTO", "automatic wire stripper 0.2-6 mm²", "ściągacz izolacji", 149),
                                   ("CRIMP-0.25-16", "ferrule crimping tool 0.25-16 mm²", "praska do tulejek", 229),
                                   ("CUT-CABLE-32", "cable shears up to 32 mm", "nożyce do kabli", 199),
                                   ("SET-VDE-7", "7-piece VDE screwdriver set", "zestaw wkrętaków VDE", 189)):
            yield make(
                sku=f"{code}-{tool}",
                name=f"{brand} {en}",
                description=f"{brand} {en} ({pl}), VDE 1000 V insulated handles where applicable, for installers.",
                category="Tools & testers > Hand tools", brand=brand, unit_price=price(rng, base * factor),
                attributes={"tool": en, "insulated_v": 1000}, family="crimper" if "CRIMP" in tool else "tool",
                queries=[pl, en],
            )
    testers = [("Sonel", "MPI-540", "multi-function installation tester", 9990),
               ("Sonel", "MPI-530", "multi-function installation tester", 6990),
               ("Sonel", "MPI-520", "multi-function installation tester", 5490),
               ("Sonel", "MIC-10", "insulation resistance meter 1 kV", 1890),
               ("Sonel", "CMM-40", "TRMS multimeter", 1090), ("Fluke", "117", "TRMS multimeter for electricians", 1290),
               ("Fluke", "376FC", "clamp meter 1000 A", 2690), ("Uni-T", "UT61E+", "multimeter", 329),
               ("Uni-T", "UT210E", "AC/DC clamp meter", 259), ("Fluke", "T150", "two-pole voltage tester", 890),
               ("Sonel", "TKF-13", "phase sequence meter", 449), ("Benning", "DUSPOL", "voltage detector", 399),
               ("Sonel", "MRU-120", "earth resistance meter", 5290), ("Fluke", "1664FC", "installation tester", 10990)]
    for brand, model, kind, base in testers:
        yield make(
            sku=f"{brand[:3].upper()}-{model}",
            name=f"{brand} {model} {kind}",
            description=(f"{brand} {model} {kind} (miernik) for inspections and acceptance measurements "
                         "(pomiary odbiorcze) per PN-HD 60364-6, CAT IV."),
            category="Tools & testers > Testers and meters", brand=brand, unit_price=price(rng, base),
            attributes={"measurement": kind, "category_rating": "CAT IV"}, family="tester",
            queries=[f"miernik {kind}", f"{model}", kind],
        )


def devices_catalog(rng: random.Random) -> Iterator[Product]:
    """Yield sockets and switches, LED luminaires and drivers, connectors, PV parts and tools."""
    for family in (wiring_devices, luminaires, drivers, connectors, photovoltaics, tools):
        yield from family(rng)
