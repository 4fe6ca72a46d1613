"""Demo catalogue, part 1: protection devices, switchgear, enclosures, DIN rail and busbars, meters."""

from __future__ import annotations

import random
from collections.abc import Iterator

from store.demo._common import Product, make, price

CURRENTS = [2, 4, 6, 10, 13, 16, 20, 25, 32, 40, 50, 63]
CURVE_USE = {
    "B": "for resistive loads: socket circuits, lighting and heating in homes and offices",
    "C": "for inductive loads such as motors, pumps, fluorescent and LED lighting with high inrush",
    "D": "for transformers, welders and motors with very high starting currents",
}
POLE_PRICE = {1: 1.0, 2: 2.4, 3: 3.6, 4: 5.0}

# brand, series label, sku pattern, breaking capacity kA, price of a 1P B16, curves
MCB_SERIES = [
    ("ABB", "S200", "S20{p}-{c}{i}", 6, 24.9, "BCD"),
    ("Eaton", "CLS6", "CLS6-{c}{i}-{p}P", 6, 17.9, "BC"),
    ("Schneider Electric", "iC60N", "IC60N-{p}P-{c}{i}", 6, 27.5, "BCD"),
    ("Legrand", "RX3", "RX3-{p}P-{c}{i}", 6, 16.5, "BC"),
    ("Hager", "MBN", "MBN{p}{i:02d}{c}", 6, 21.9, "BC"),
    ("Eti Polam", "ETIMAT6", "ETIMAT6-{c}{i}-{p}P", 6, 13.9, "BC"),
]


def mcbs(rng: random.Random) -> Iterator[Product]:
    for brand, series, pattern, ka, base, curves in MCB_SERIES:
        for poles in (1, 2, 3, 4):
            for curve in curves:
                for amps in CURRENTS:
                    if curve == "D" and amps < 6:
                        continue
                    sku = pattern.format(p=poles, c=curve, i=amps)
                    factor = POLE_PRICE[poles] * (1.6 if curve == "D" else 1.05 if curve == "C" else 1.0)
                    factor *= 2.1 if amps >= 50 else 1.5 if amps >= 40 else 1.0
                    common = amps in (10, 16, 20, 25) and poles in (1, 3) and curve in "BC"
                    weight = 6.0 if common else 1.0
                    if sku == "S201-B16":
                        weight = 25.0
                    yield make(
                        sku=sku,
                        name=f"{brand} {series} MCB {curve}{amps} {poles}P {ka} kA",
                        description=(
                            f"Miniature circuit breaker (wyłącznik nadprądowy) {brand} {series}, {poles}-pole, "
                            f"{curve} tripping curve, rated current {amps} A, breaking capacity {ka} kA, "
                            f"{'230' if poles == 1 else '400'} V AC, {poles} module(s) wide (17.5 mm each) on "
                            f"a TH35 DIN rail. Use it {CURVE_USE[curve]}. EN 60898-1."
                        ),
                        category="Circuit protection > Miniature circuit breakers (MCB)",
                        brand=brand,
                        unit_price=price(rng, base * factor),
                        attributes={
                            "rated_current_a": amps, "poles": poles, "curve": curve, "breaking_capacity_ka": ka,
                            "voltage_v": 230 if poles == 1 else 400, "modules": poles, "standard": "EN 60898-1",
                        },
                        family="mcb",
                        weight=weight,
                        queries=[f"mcb {curve}{amps}", f"wyłącznik nadprądowy {curve}{amps} {poles}p",
                                 f"{series} {curve}{amps}", f"circuit breaker {amps}A {poles} pole"],
                        poles=poles,
                    )


RCD_SERIES = [
    ("ABB", "F200", "F20{p}-{t}-{i}/{ma}", 189.0),
    ("Eaton", "PF7", "PF7-{i}-{p}-{ma}-{t}", 129.0),
    ("Schneider Electric", "iID", "IID-{p}P-{i}A-{ma}MA-{t}", 215.0),
    ("Eti Polam", "EFI", "EFI-{p}-{i}-{ma}-{t}", 99.0),
]


def rcds(rng: random.Random) -> Iterator[Product]:
    for brand, series, pattern, base in RCD_SERIES:
        for poles in (2, 4):
            for amps in (25, 40, 63, 80, 100):
                for ma in (30, 100, 300):
                    for rtype in ("AC", "A"):
                        sku = pattern.format(p=poles, i=amps, ma=ma, t=rtype)
                        factor = (1.0 if poles == 2 else 1.7) * (1 + amps / 160) * (1.35 if rtype == "A" else 1.0)
                        yield make(
                            sku=sku,
                            name=f"{brand} {series} RCD {poles}P {amps} A {ma} mA type {rtype}",
                            description=(
                                f"Residual current device (wyłącznik różnicowoprądowy, 'różnicówka') {brand} "
                                f"{series}, {poles}-pole, rated current {amps} A, residual operating current "
                                f"{ma} mA, type {rtype}"
                                + (" (detects pulsating DC leakage from inverters, induction hobs and EV "
                                   "chargers)" if rtype == "A" else " (sinusoidal AC leakage)")
                                + ". "
                                + ("Personal protection against electric shock in bathrooms and socket "
                                   "circuits." if ma == 30 else "Fire protection of whole installations.")
                                + f" {poles * 2 if poles == 2 else 4} modules, EN 61008-1."
                            ),
                            category="Residual current protection > RCD",
                            brand=brand,
                            unit_price=price(rng, base * factor),
                            attributes={
                                "rated_current_a": amps, "poles": poles, "residual_current_ma": ma,
                                "rcd_type": rtype, "voltage_v": 230 if poles == 2 else 400,
                                "modules": 2 if poles == 2 else 4,
                            },
                            family="rcd",
                            weight=4.0 if (amps in (25, 40) and ma == 30) else 1.0,
                            queries=[f"rcd {amps}a {ma}ma", f"różnicówka {poles}p {amps}A {ma}mA typ {rtype}",
                                     f"residual current device type {rtype} {ma} mA"],
                            poles=poles,
                        )
    for brand, series, pattern, base in [("ABB", "DS201", "DS201-{c}{i}-{t}{ma}", 139.0),
                                         ("Eaton", "PKNM", "PKNM-{c}{i}-{t}{ma}", 98.0),
                                         ("Schneider Electric", "iDPNN", "IDPNN-{c}{i}-{t}{ma}", 165.0)]:
        for curve in "BC":
            for amps in (6, 10, 13, 16, 20, 25, 32, 40):
                for rtype in ("AC", "A"):
                    ma = 30
                    yield make(
                        sku=pattern.format(c=curve, i=amps, t=rtype, ma=ma),
                        name=f"{brand} {series} RCBO {curve}{amps} 1P+N {ma} mA type {rtype}",
                        description=(
                            f"Residual current circuit breaker with overcurrent protection (RCBO, wyłącznik "
                            f"różnicowo-nadprądowy) {brand} {series}: one device per circuit combining a "
                            f"{curve}{amps} MCB and a {ma} mA type {rtype} RCD, 1P+N, 6 kA. A fault on one "
                            f"circuit does not trip the others. EN 61009-1."
                        ),
                        category="Residual current protection > RCBO",
                        brand=brand,
                        unit_price=price(rng, base * (1.25 if rtype == "A" else 1.0) * (1.2 if amps > 25 else 1)),
                        attributes={"rated_current_a": amps, "poles": 2, "curve": curve,
                                    "residual_current_ma": ma, "rcd_type": rtype, "breaking_capacity_ka": 6,
                                    "voltage_v": 230, "modules": 2},
                        family="rcbo",
                        weight=3.0 if amps in (10, 16) else 1.0,
                        queries=[f"rcbo {curve}{amps} 30ma", f"wyłącznik różnicowo-nadprądowy {curve}{amps}",
                                 f"{series} {curve}{amps}"],
                        poles=2,
                    )


def surge_protection(rng: random.Random) -> Iterator[Product]:
    configs = ["1+0", "1+1", "3+0", "3+1", "4+0"]
    for brand, code in (("DEHN", "DG"), ("Citel", "DS"), ("Eti Polam", "ETITEC"), ("Hager", "SPN")):
        for spd_type, imax in (("T1+T2", 25), ("T2", 20), ("T2", 40)):
            for cfg in configs:
                for uc in (275, 385):
                    if uc == 385 and cfg in ("1+1", "3+1"):
                        continue
                    poles = sum(int(x) for x in cfg.split("+"))
                    sku = f"{code}-{spd_type.replace('+', '')}-{cfg.replace('+', '')}-{uc}-{imax}"
                    yield make(
                        sku=sku,
                        name=f"{brand} surge arrester {spd_type} {cfg} {uc} V {imax} kA",
                        description=(
                            f"Surge protective device (ogranicznik przepięć, SPD) {brand}, type {spd_type}, "
                            f"configuration {cfg} for {'TN-S' if cfg in ('3+1', '4+0') else 'TN-C' if cfg == '3+0' else 'single-phase'} "
                            f"networks, max continuous voltage Uc {uc} V, "
                            + (f"lightning impulse current Iimp {imax} kA per pole (10/350)" if spd_type == "T1+T2"
                               else f"max discharge current Imax {imax} kA (8/20)")
                            + ". Pluggable modules with a visual status window, remote signalling contact. "
                            "Install at the main distribution board."
                        ),
                        category="Surge protection > AC surge arresters",
                        brand=brand,
                        unit_price=price(rng, (180 if spd_type == "T2" else 520) * poles * (1 + imax / 100)),
                        attributes={"spd_type": spd_type, "configuration": cfg, "poles": poles, "uc_v": uc,
                                    "imax_ka": imax, "voltage_v": 230 if poles <= 2 else 400},
                        family="spd",
                        queries=[f"ogranicznik przepięć {spd_type}", f"surge protection {spd_type} {cfg}",
                                 f"spd {uc}v {imax}ka"],
                    )
        for vdc in (600, 1000, 1200):
            yield make(
                sku=f"{code}-PV-{vdc}",
                name=f"{brand} PV surge arrester T2 {vdc} V DC",
                description=(
                    f"DC surge protective device for photovoltaic strings (ogranicznik przepięć DC), type 2, "
                    f"Ucpv {vdc} V DC, Y-circuit, 40 kA. Protects the inverter input; mount in the DC "
                    f"combiner box next to the string fuses."
                ),
                category="Surge protection > PV DC surge arresters",
                brand=brand,
                unit_price=price(rng, 260 + vdc / 5),
                attributes={"spd_type": "T2", "voltage_v": vdc, "current_type": "DC", "imax_ka": 40, "poles": 3},
                family="spd_pv",
                queries=[f"ogranicznik przepięć dc {vdc}V", f"pv surge protection {vdc} v dc"],
                vdc=vdc,
            )


def fuses(rng: random.Random) -> Iterator[Product]:
    sizes = {"10x38": (1, 2, 4, 6, 10, 16, 20, 25, 32), "14x51": (2, 4, 6, 10, 16, 20, 25, 32, 40, 50),
             "22x58": (16, 20, 25, 32, 40, 50, 63, 80, 100, 125)}
    for size, amps_list in sizes.items():
        for amps in amps_list:
            for char in ("gG", "aM"):
                yield make(
                    sku=f"CH{size.replace('x', '')}-{char}-{amps}A",
                    name=f"Eti Polam cylindrical fuse {size} {char} {amps} A",
                    description=(f"Cylindrical fuse link {size} mm, {char} "
                                 + ("general purpose (cable protection)" if char == "gG" else "motor protection")
                                 + f", {amps} A, 500 V AC, breaking capacity 100 kA. Wkładka topikowa cylindryczna."),
                    category="Fuses > Cylindrical fuses",
                    brand="Eti Polam",
                    unit_price=price(rng, 4.5 + amps * 0.06 + (3 if size == "22x58" else 0)),
                    attributes={"rated_current_a": amps, "fuse_size": size, "characteristic": char,
                                "voltage_v": 500},
                    family="fuse",
                    queries=[f"wkładka {size} {amps}A", f"fuse {size} {char} {amps}a"],
                )
    for size, amps_list in {"NH00": (16, 25, 32, 40, 50, 63, 80, 100, 125, 160),
                            "NH1": (63, 80, 100, 125, 160, 200, 250)}.items():
        for amps in amps_list:
            yield make(
                sku=f"{size}-GG-{amps}A",
                name=f"Eti Polam NH fuse link {size} gG {amps} A",
                description=(f"Knife-blade fuse link (wkładka bezpiecznikowa mocy) {size}, gG, {amps} A, 500 V. "
                             "For main feeders and switchboards with fuse switch disconnectors."),
                category="Fuses > NH fuses",
                brand="Eti Polam",
                unit_price=price(rng, 11 + amps * 0.09 * (1.6 if size == "NH1" else 1)),
                attributes={"rated_current_a": amps, "fuse_size": size, "characteristic": "gG", "voltage_v": 500},
                family="fuse",
                queries=[f"wkładka {size} {amps}A", f"nh fuse {amps}a"],
            )


def contactors(rng: random.Random) -> Iterator[Product]:
    for brand, code, base in (("ABB", "ESB", 89.0), ("Hager", "ESC", 79.0), ("Eaton", "Z-SCH", 84.0)):
        for amps in (20, 25, 40, 63):
            for contacts in ("20", "11", "40", "22"):
                for coil in (24, 230):
                    yield make(
                        sku=f"{code}{amps}-{contacts}-{coil}",
                        name=f"{brand} modular contactor {amps} A {contacts[0]}NO{contacts[1]}NC coil {coil} V",
                        description=(f"Modular installation contactor (stycznik modułowy) {brand}, AC-1 {amps} A, "
                                     f"{contacts[0]} NO + {contacts[1]} NC, coil {coil} V AC/DC, silent operation. "
                                     "Switching of lighting groups, heating and ventilation from timers and "
                                     "building controls."),
                        category="Contactors & relays > Modular contactors",
                        brand=brand,
                        unit_price=price(rng, base * (1 + amps / 50) * (1.3 if contacts[0] == "4" else 1)),
                        attributes={"rated_current_a": amps, "no_contacts": int(contacts[0]),
                                    "nc_contacts": int(contacts[1]), "coil_voltage_v": coil,
                                    "modules": 1 if amps <= 25 and contacts != "40" else 2},
                        family="contactor",
                        queries=[f"stycznik modułowy {amps}A", f"modular contactor {amps}a {coil}v"],
                    )
    frames = [(9, 4), (12, 5.5), (18, 7.5), (25, 11), (32, 15), (40, 18.5), (50, 22), (65, 30), (80, 37)]
    for amps, kw in frames:
        for coil_code, coil_text in (("P7", "230 V AC"), ("B7", "24 V AC"), ("BD", "24 V DC")):
            yield make(
                sku=f"LC1D{amps:02d}{coil_code}",
                name=f"Schneider Electric TeSys D contactor {amps} A {kw} kW coil {coil_text}",
                description=(f"3-pole power contactor TeSys Deca LC1D, AC-3 {amps} A ({kw} kW at 400 V), "
                             f"1 NO + 1 NC auxiliary, coil {coil_text}. Motor starting and switching of pumps, fans "
                             "and compressors in control panels."),
                category="Contactors & relays > Power contactors",
                brand="Schneider Electric",
                unit_price=price(rng, 95 + amps * 6.5),
                attributes={"rated_current_a": amps, "power_kw": kw, "poles": 3, "coil_voltage": coil_text},
                family="contactor",
                queries=[f"stycznik {kw}kW", f"LC1D{amps:02d}", f"contactor {amps}a {coil_text}"],
            )
    for n_co in (1, 2, 4):
        for coil in (12, 24, 230):
            for suffix, kind in (("", "plug-in relay"), ("T", "relay with timer module")):
                yield make(
                    sku=f"FIN-40.{50 + n_co}{suffix}-{coil}",
                    name=f"Finder {kind} {n_co} CO {coil} V",
                    description=(f"Finder miniature {kind} (przekaźnik), {n_co} changeover contact(s), "
                                 f"coil {coil} V, 8-10 A n_co, for DIN rail socket with LED and "
                                 "protection module."),
                    category="Contactors & relays > Relays",
                    brand="Finder",
                    unit_price=price(rng, 28 + n_co * 9 + (60 if suffix else 0)),
                    attributes={"changeover_n_co": n_co, "coil_voltage_v": coil,
                                "timer": bool(suffix)},
                    family="relay",
                    queries=[f"przekaźnik {coil}V", f"relay {n_co}co {coil}v"],
                )


def meters(rng: random.Random) -> Iterator[Product]:
    specs = [
        ("F&F", "LE-01M", 1, 100, "none", 119.0), ("F&F", "LE-01MR", 1, 100, "Modbus RTU", 189.0),
        ("F&F", "LE-03MW", 3, 100, "none", 329.0), ("F&F", "LE-03MQ", 3, 80, "Modbus RTU", 399.0),
        ("ORNO", "OR-WE-514", 1, 80, "Modbus RTU", 139.0), ("ORNO", "OR-WE-516", 3, 80, "Modbus RTU", 349.0),
        ("ORNO", "OR-WE-520", 1, 45, "none", 79.0), ("Schneider Electric", "iEM2010", 1, 40, "pulse", 199.0),
        ("Schneider Electric", "iEM3155", 3, 63, "Modbus RTU", 899.0),
        ("Schneider Electric", "iEM3255", 3, 5, "Modbus RTU", 1090.0), ("ABB", "B21-112", 1, 65, "pulse", 459.0),
        ("ABB", "B23-112", 3, 65, "pulse", 989.0), ("ABB", "B23-312", 3, 65, "M-Bus", 1249.0),
        ("ABB", "B24-312", 3, 6, "M-Bus", 1199.0),
    ]
    for brand, model, phases, amps, comm, base in specs:
        for mid in (True, False):
            ct = amps <= 6
            yield make(
                sku=f"{model}{'-MID' if mid else ''}",
                name=f"{brand} {model} {'3-phase' if phases == 3 else '1-phase'} energy meter "
                     f"{'CT x/5 A' if ct else f'{amps} A'}{' MID' if mid else ''}",
                description=(f"DIN-rail kWh meter (licznik energii elektrycznej) {brand} {model}, "
                             f"{phases}-phase, {'current transformer connected x/5 A' if ct else f'direct up to {amps} A'}, "
                             f"communication: {comm}. "
                             + ("MID certified for billing tenants and sub-metering. " if mid else
                                "For internal cost allocation (not MID). ")
                             + "LCD display, import/export energy, accuracy class 1 (B)."),
                category=f"Energy meters > {'Three-phase' if phases == 3 else 'Single-phase'} meters",
                brand=brand,
                unit_price=price(rng, base * (1.18 if mid else 1.0)),
                attributes={"phases": phases, "rated_current_a": amps, "communication": comm, "mid": mid,
                            "voltage_v": 400 if phases == 3 else 230, "modules": 4 if phases == 3 else 1},
                family="meter",
                queries=[f"licznik energii {phases}f", f"energy meter {comm}".lower(), f"{model}"],
            )
    for ratio in (50, 100, 150, 200, 250, 400, 600):
        yield make(
            sku=f"CT-{ratio}-5",
            name=f"Current transformer {ratio}/5 A for busbar/cable",
            description=(f"Measuring current transformer (przekładnik prądowy) {ratio}/5 A, class 0.5, 2.5 VA, "
                         "for CT-connected energy meters and analyzers."),
            category="Energy meters > Current transformers",
            brand="F&F",
            unit_price=price(rng, 69 + ratio * 0.12),
            attributes={"primary_current_a": ratio, "secondary_current_a": 5, "accuracy_class": "0.5"},
            family="ct",
            queries=[f"przekładnik {ratio}/5", f"current transformer {ratio}a"],
        )


def protection_catalog(rng: random.Random) -> Iterator[Product]:
    """Yield MCBs, RCDs, RCBOs, surge arresters, fuses, contactors, relays and meters."""
    for family in (mcbs, rcds, surge_protection, fuses, contactors, meters):
        yield from family(rng)


