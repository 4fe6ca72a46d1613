"""Demo catalogue, part 2: enclosures, DIN rail and busbars, labels, cables, conduits, glands, cable trays."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from store.demo._common import Product, fmt_num, make, pl_num, price

MODULES = [4, 6, 8, 12, 18, 24, 36, 48, 54, 72]


def enclosures(rng: random.Random) -> Iterator[Product]:
    lines = [
        ("Elektro-Plast", "RN", "surface", "plastic", (40,), 1.0),
        ("Elektro-Plast", "RP", "flush", "plastic", (30,), 1.05),
        ("Hager", "VA", "surface", "plastic", (40, 65), 1.7),
        ("Schneider Electric", "KAE", "surface", "plastic", (65,), 1.9),
        ("Legrand", "PBX", "flush", "metal", (41,), 2.2),
        ("Spelsberg", "RB", "surface", "plastic", (65,), 1.5),
    ]
    for brand, code, mounting, material, ips, factor in lines:
        for modules in MODULES:
            if code == "RB" and modules > 54:
                continue
            rows = max(1, math.ceil(modules / 18)) if modules > 12 else 1
            per_row = modules // rows if modules % rows == 0 else math.ceil(modules / rows)
            for ip in ips:
                for door, door_name in (("T", "transparent"), ("W", "white")):
                    sku = f"{code}-{modules}M-IP{ip}-{door}"
                    pl = "rozdzielnica natynkowa" if mounting == "surface" else "rozdzielnica podtynkowa"
                    yield make(
                        sku=sku,
                        name=f"{brand} {mounting}-mounted distribution board {modules} modules IP{ip} "
                             f"{door_name} door",
                        description=(
                            f"{mounting.capitalize()}-mounted modular distribution board ({pl}) {brand}, "
                            f"{modules} modules in {rows} row(s) of {per_row}, IP{ip}, {material} housing, "
                            f"{door_name} door, N and PE terminal bars included. For MCBs, RCDs and meters on "
                            f"TH35 DIN rail in flats, offices"
                            + (" and damp or outdoor locations (hermetic)." if ip >= 65 else " and shops.")
                        ),
                        category=f"Enclosures & distribution boards > {mounting.capitalize()}-mounted boards",
                        brand=brand,
                        unit_price=price(rng, (35 + modules * 4.2) * factor * (1.3 if ip >= 65 else 1.0)),
                        attributes={"modules": modules, "rows": rows, "ip_rating": ip, "mounting": mounting,
                                    "material": material, "door": door_name},
                        family="enclosure",
                        weight=3.0 if modules in (12, 24, 36) else 1.0,
                        queries=[f"{pl} {modules}", f"distribution board {modules} modules ip{ip}",
                                 f"rozdzielnica {modules}M IP{ip}"],
                        per_row=per_row,
                    )
    for height, width, depth in [(300, 200, 150), (300, 300, 150), (400, 300, 200), (400, 400, 200),
                                 (500, 400, 200), (600, 400, 200), (600, 600, 250), (800, 600, 250),
                                 (1000, 800, 300)]:
        for ip, material in ((66, "steel RAL7035"), (66, "stainless steel AISI304")):
            steel = material.startswith("steel")
            yield make(
                sku=f"ME-{height}{width}{depth // 10}-{'S' if steel else 'X'}",
                name=f"Industrial enclosure {height}x{width}x{depth} mm IP{ip} {material}",
                description=(f"Wall-mounted industrial enclosure (obudowa metalowa) {height}x{width}x{depth} mm, "
                             f"{material}, IP{ip}, IK10, mounting plate and door lock included. For control "
                             "panels, automation and machine electrics."),
                category="Enclosures & distribution boards > Industrial enclosures",
                brand="Rittal" if steel else "Eldon",
                unit_price=price(rng, (height * width / 1000) * (1.1 if steel else 3.2) + 120),
                attributes={"height_mm": height, "width_mm": width, "depth_mm": depth, "ip_rating": ip,
                            "material": material},
                family="industrial_enclosure",
                queries=[f"obudowa {height}x{width}", f"enclosure {height}x{width}x{depth} ip66"],
            )


def din_and_busbars(rng: random.Random) -> Iterator[Product]:
    for modules in (4, 6, 8, 12, 18, 24):
        for depth in (7.5, 15):
            yield make(
                sku=f"TH35-{fmt_num(depth)}-{modules}M",
                name=f"DIN rail TH35x{fmt_num(depth)} for {modules} modules ({modules * 17.5:g} mm)",
                description=(f"Symmetric DIN rail (szyna TH35) {fmt_num(depth)} mm deep, cut to "
                             f"{modules * 17.5:g} mm for {modules} modules, galvanised steel, perforated. "
                             "Spare or additional rail for distribution boards."),
                category="DIN rail & busbars > DIN rails",
                brand="Elektro-Plast",
                unit_price=price(rng, 3.5 + modules * 0.4 * (1.4 if depth == 15 else 1)),
                attributes={"length_mm": modules * 17.5, "modules": modules, "depth_mm": depth,
                            "perforated": True},
                family="din_rail",
                queries=[f"szyna din {modules}", f"din rail {modules} modules"],
                modules=modules,
            )
    for length in (1000, 2000):
        for depth in (7.5, 15):
            for perforated in (True, False):
                yield make(
                    sku=f"TH35-{fmt_num(depth)}-{length // 1000}M{'-P' if perforated else ''}",
                    name=f"DIN rail TH35x{fmt_num(depth)} {length // 1000} m {'perforated' if perforated else 'solid'}",
                    description=(f"Symmetric DIN rail TH35x{fmt_num(depth)} (szyna montażowa), {length} mm, "
                                 f"{'perforated' if perforated else 'solid'}, galvanised steel, EN 60715. "
                                 "Cut to length for control panels and boards."),
                    category="DIN rail & busbars > DIN rails",
                    brand="Phoenix Contact",
                    unit_price=price(rng, (16 if depth == 7.5 else 24) * length / 1000),
                    attributes={"length_mm": length, "depth_mm": depth, "perforated": perforated},
                    family="din_rail",
                    weight=3.0,
                    queries=["szyna din 1m", f"din rail th35 {length // 1000} m"],
                    modules=57 * length // 1000,
                )
    for poles, label in ((1, "1P"), (2, "2P"), (3, "3P"), (4, "3P+N")):
        for modules in (12, 57):
            for section in (10, 16):
                for kind in ("pin", "fork"):
                    yield make(
                        sku=f"BB-{label.replace('+', '')}-{modules}M-{section}-{kind[0].upper()}",
                        name=f"Busbar {label} {kind} type {section} mm² {modules} modules",
                        description=(f"Insulated comb busbar (szyna łączeniowa, grzebieniowa) {label}, "
                                     f"{kind} type, {section} mm² copper "
                                     f"({63 if section == 10 else 80} A), {modules} modules "
                                     f"{'(cut to length, 1 m)' if modules == 57 else ''}. Connects MCBs and "
                                     "RCDs in a row without loose wires."),
                        category="DIN rail & busbars > Busbars",
                        brand="Eti Polam",
                        unit_price=price(rng, (9 + poles * 7) * modules / 12 * (1.3 if section == 16 else 1)),
                        attributes={"poles": poles, "modules": modules, "cross_section_mm2": section,
                                    "rated_current_a": 63 if section == 10 else 80, "busbar_type": kind},
                        family="busbar",
                        weight=2.0 if modules == 12 else 1.0,
                        queries=[f"szyna łączeniowa {label}", f"busbar {label.lower()} {modules} modules"],
                        poles=poles,
                        modules=modules,
                    )
    for holes in (7, 11, 15, 23):
        for colour in ("blue", "green-yellow"):
            yield make(
                sku=f"LZ-{holes}-{'N' if colour == 'blue' else 'PE'}",
                name=f"{'N' if colour == 'blue' else 'PE'} terminal bar {holes} holes on DIN rail",
                description=(f"{'Neutral' if colour == 'blue' else 'Protective earth'} terminal bar (listwa "
                             f"zaciskowa {'N' if colour == 'blue' else 'PE'}), {holes} clamps, brass, {colour} "
                             "insulated base, DIN rail mounting."),
                category="DIN rail & busbars > Terminal bars",
                brand="Elektro-Plast",
                unit_price=price(rng, 9 + holes * 0.8),
                attributes={"clamps": holes, "colour": colour, "conductor": "N" if colour == "blue" else "PE"},
                family="terminal_bar",
                queries=[f"listwa zaciskowa {holes}", "n pe terminal bar"],
            )


def labels(rng: random.Random) -> Iterator[Product]:
    for kind, text in (("MCB", "circuit-breaker labels (oznaczniki obwodów)"), ("RCD", "RCD test reminder labels"),
                       ("BOARD", "distribution board legend cards"), ("CABLE", "cable markers 0-9")):
        for pack in (10, 50, 100):
            for colour in ("white", "yellow"):
                yield make(
                    sku=f"LBL-{kind}-{pack}-{colour[0].upper()}",
                    name=f"{text.split(' (')[0].capitalize()} {colour}, pack of {pack}",
                    description=(f"Self-adhesive {text}, {colour}, pack of {pack} sheets, printable with "
                                 "laser printers and label makers. Marks circuits as required by PN-HD 60364."),
                    category="Labels & marking > Labels",
                    brand="Brady",
                    unit_price=price(rng, 6 + pack * 0.35),
                    attributes={"pack_size": pack, "colour": colour, "label_type": kind.lower()},
                    family="labels",
                    queries=[f"oznaczniki {kind.lower()}", f"labels {kind.lower()}"],
                    label_type=kind,
                )


# (type, rated voltage, cores, sections, lengths, unit, copper factor, flexible, Polish description)
CABLES = [
    ("YDY", "450/750", (2, 3, 4, 5), (1.5, 2.5, 4, 6, 10), (50, 100), "installation cable, round", False,
     "przewód instalacyjny YDYżo"),
    ("YDYp", "450/750", (2, 3), (1.5, 2.5, 4), (100,), "installation cable, flat (for plaster)", False,
     "przewód płaski YDYp"),
    ("NYM-J", "300/500", (3, 4, 5), (1.5, 2.5, 4, 6, 10, 16), (50, 100), "sheathed installation cable", False,
     "przewód NYM"),
    ("YKY", "0.6/1 kV", (2, 3, 4, 5), (1.5, 2.5, 4, 6, 10, 16, 25, 35), (100, 1), "power cable", False,
     "kabel ziemny YKY"),
    ("YKXS", "0.6/1 kV", (3, 4, 5), (2.5, 4, 6, 10, 16, 25), (1,), "XLPE power cable", False,
     "kabel YKXS"),
    ("H05VV-F", "300/500", (2, 3, 4, 5), (0.75, 1, 1.5, 2.5), (50, 100), "flexible cord (OWY)", True,
     "przewód warsztatowy OWY"),
]


def cable_diameter(cores: int, section: float) -> float:
    """Approximate outer diameter in mm of a sheathed cable."""
    return round(2.2 * math.sqrt(cores * section) + 3.5, 1)


def cables(rng: random.Random) -> Iterator[Product]:
    for ctype, volt, cores_list, sections, lengths, kind, flexible, pl in CABLES:
        for cores in cores_list:
            for section in sections:
                if ctype in ("YDY", "NYM-J", "YDYp") and section >= 10 and cores == 2:
                    continue
                diameter = cable_diameter(cores, section)
                for length in lengths:
                    per_m = 0.45 * cores * section + (0.9 if section < 10 else 2.0) + (0.6 if flexible else 0)
                    per_m *= 1.25 if "kV" in volt else 1.0
                    sku = f"{ctype}-{cores}x{fmt_num(section)}-{length if length > 1 else 'M'}"
                    spec = f"{cores}x{fmt_num(section)}"
                    pack = f"{length} m coil" if length > 1 else "sold per metre"
                    yield make(
                        sku=sku,
                        name=f"{ctype} {spec} mm² {volt} V cable, {pack}",
                        description=(
                            f"{ctype} {spec} mm² ({pl} {cores}x{pl_num(section)}) {kind}, copper "
                            f"{'stranded class 5' if flexible else 'solid class 1' if section < 10 else 'stranded class 2'} "
                            f"conductors, PVC insulation, rated {volt} V, outer diameter ~{fmt_num(diameter)} mm"
                            + (", with green-yellow protective conductor" if cores >= 3 else "")
                            + (". For laying in the ground, ducts and cable trays." if "kV" in volt
                               else ". For fixed installations in and on walls, under plaster." if not flexible
                               else ". For extension leads and mobile equipment.")
                            + f" Packed: {pack}."
                        ),
                        category="Cables > " + ("Power cables" if "kV" in volt else
                                                "Flexible cords" if flexible else "Installation cables"),
                        brand="Elektrokabel" if ctype.startswith("Y") else "TF Kable",
                        unit_price=price(rng, per_m * length),
                        unit="m" if length == 1 else "coil",
                        attributes={"cable_type": ctype, "cores": cores, "cross_section_mm2": section,
                                    "voltage_rating": volt, "voltage_v": 1000 if "kV" in volt else
                                    int(volt.split("/")[1]), "length_m": length, "conductor": "Cu",
                                    "outer_diameter_mm": diameter, "flexible": flexible},
                        family="cable",
                        weight=8.0 if (section in (1.5, 2.5) and cores == 3) else 1.0,
                        queries=[f"{ctype} {spec}", f"{pl} {cores}x{pl_num(section)}",
                                 f"cable {spec} mm2", f"{ctype.lower()} {cores}x{pl_num(section)}"],
                        diameter=diameter,
                    )
    for section in (1.5, 2.5, 4, 6, 10, 16):
        for colour in ("black", "blue", "brown", "grey", "green-yellow", "red"):
            yield make(
                sku=f"H07V-K-{fmt_num(section)}-{WIRE_COLOUR_CODES[colour]}-100",
                name=f"H07V-K (LgY) {fmt_num(section)} mm² {colour} single-core wire, 100 m",
                description=(f"Single-core flexible wire H07V-K (linka LgY {pl_num(section)}), {colour}, "
                             f"450/750 V, class 5 copper, for wiring distribution boards and control panels. "
                             "100 m coil."),
                category="Cables > Single-core wires",
                brand="TF Kable",
                unit_price=price(rng, (0.42 * section + 0.35) * 100),
                unit="coil",
                attributes={"cable_type": "H07V-K", "cores": 1, "cross_section_mm2": section, "colour": colour,
                            "voltage_v": 750, "length_m": 100, "flexible": True},
                family="wire",
                weight=2.0,
                queries=[f"linka lgy {pl_num(section)} {colour}", f"h07v-k {fmt_num(section)}"],
                diameter=cable_diameter(1, section),
            )


WIRE_COLOUR_CODES = {"black": "BK", "blue": "BU", "brown": "BN", "grey": "GY", "green-yellow": "GNYE", "red": "RD"}


def conduits_and_glands(rng: random.Random) -> Iterator[Product]:
    for diameter in (16, 20, 25, 32, 40, 50):
        for colour in ("grey", "black", "orange"):
            for length in (25, 50):
                if diameter >= 40 and length == 50:
                    continue
                yield make(
                    sku=f"RKGL-{diameter}-{colour[:2].upper()}-{length}",
                    name=f"Flexible corrugated conduit RKGL {diameter} mm {colour}, {length} m",
                    description=(f"Corrugated flexible conduit (rura karbowana RKGL) Ø{diameter} mm, {colour}, "
                                 f"PVC, 320 N, with draw wire, {length} m coil. "
                                 + ("Orange: halogen-free, for concrete." if colour == "orange"
                                    else "For cables under plaster and in suspended ceilings.")),
                    category="Conduits & glands > Conduits",
                    brand="Arot",
                    unit_price=price(rng, (0.55 + diameter * 0.07) * length),
                    unit="coil",
                    attributes={"diameter_mm": diameter, "colour": colour, "length_m": length,
                                "conduit_type": "flexible", "material": "PVC"},
                    family="conduit",
                    queries=[f"rura karbowana {diameter}", f"conduit {diameter}mm"],
                    diameter=diameter,
                )
        for colour in ("grey", "white"):
            yield make(
                sku=f"RL-{diameter}-{colour[:2].upper()}-3M",
                name=f"Rigid PVC conduit RL {diameter} mm {colour}, 3 m",
                description=(f"Rigid installation conduit (rura sztywna RL) Ø{diameter} mm, {colour}, PVC, "
                             "3 m length, 750 N, for surface installations in garages and technical rooms."),
                category="Conduits & glands > Conduits",
                brand="Kopos",
                unit_price=price(rng, 3 + diameter * 0.45),
                attributes={"diameter_mm": diameter, "colour": colour, "length_m": 3, "conduit_type": "rigid"},
                family="conduit",
                queries=[f"rura sztywna {diameter}", f"rigid conduit {diameter}mm"],
                diameter=diameter,
            )
    glands = [("M12", 3, 6.5), ("M16", 4, 8), ("M20", 6, 12), ("M25", 9, 16), ("M32", 13, 21), ("M40", 19, 28),
              ("M50", 27, 35), ("M63", 34, 45), ("PG7", 3, 6.5), ("PG9", 4, 8), ("PG11", 5, 10),
              ("PG13.5", 6, 12), ("PG16", 10, 14), ("PG21", 13, 18), ("PG29", 18, 25)]
    for thread, cmin, cmax in glands:
        for material, colour in (("polyamide", "grey"), ("polyamide", "black"), ("brass", "nickel-plated")):
            if material == "brass" and thread.startswith("PG"):
                continue
            yield make(
                sku=f"DL-{thread}-{'MS' if material == 'brass' else colour[:2].upper()}",
                name=f"Cable gland {thread} {material} {colour} IP68 ({fmt_num(cmin)}-{fmt_num(cmax)} mm)",
                description=(f"Cable gland (dławnica kablowa) {thread}, {material}, {colour}, IP68, clamping "
                             f"range {fmt_num(cmin)}-{fmt_num(cmax)} mm, with locknut. Seals cable entries into "
                             "enclosures, junction boxes and motors."),
                category="Conduits & glands > Cable glands",
                brand="Lapp",
                unit_price=price(rng, (1.2 + cmax * 0.18) * (4.5 if material == "brass" else 1)),
                attributes={"thread": thread, "material": material, "colour": colour, "ip_rating": 68,
                            "clamping_min_mm": cmin, "clamping_max_mm": cmax},
                family="gland",
                weight=2.0 if thread in ("M20", "M25") else 1.0,
                queries=[f"dławnica {thread}", f"cable gland {thread.lower()}"],
                cmin=cmin,
                cmax=cmax,
            )


def cable_trays(rng: random.Random) -> Iterator[Product]:
    for width in (50, 100, 150, 200, 300, 400, 500, 600):
        for side in (42, 60):
            for finish in ("pre-galvanised", "hot-dip galvanised"):
                yield make(
                    sku=f"KCJ{width}H{side}-{'S' if finish.startswith('pre') else 'H'}",
                    name=f"Perforated cable tray {width}x{side} mm {finish}, 3 m",
                    description=(f"Perforated cable tray (korytko kablowe perforowane KCJ) {width} mm wide, "
                                 f"{side} mm side, {finish} steel, 3 m length, for cable routes in "
                                 "production halls and technical floors."),
                    category="Cable trays & supports > Cable trays",
                    brand="Baks",
                    unit_price=price(rng, (25 + width * 0.22) * (1.35 if finish.startswith("hot") else 1)),
                    attributes={"width_mm": width, "side_height_mm": side, "finish": finish, "length_m": 3},
                    family="cable_tray",
                    queries=[f"korytko kablowe {width}", f"cable tray {width}x{side}"],
                    width=width,
                )
        yield make(
            sku=f"PKJ{width}",
            name=f"Cable tray cover {width} mm, 3 m",
            description=f"Snap-on cover (pokrywa korytka PKJ) for {width} mm cable trays, pre-galvanised, 3 m.",
            category="Cable trays & supports > Covers and brackets",
            brand="Baks",
            unit_price=price(rng, 18 + width * 0.12),
            attributes={"width_mm": width, "length_m": 3},
            family="tray_cover",
            queries=[f"pokrywa korytka {width}", f"tray cover {width}"],
            width=width,
        )
        yield make(
            sku=f"WWK{width}",
            name=f"Wall bracket for {width} mm cable tray",
            description=f"Wall bracket (wspornik WWK) for {width} mm cable trays, hot-dip galvanised steel.",
            category="Cable trays & supports > Covers and brackets",
            brand="Baks",
            unit_price=price(rng, 7 + width * 0.05),
            attributes={"width_mm": width},
            family="tray_bracket",
            queries=[f"wspornik {width}", f"cable tray bracket {width}"],
            width=width,
        )


def install_catalog(rng: random.Random) -> Iterator[Product]:
    """Yield enclosures, DIN rails, busbars, labels, cables, conduits, glands and cable trays."""
    for family in (enclosures, din_and_busbars, labels, cables, conduits_and_glands, cable_trays):
        yield from family(rng)
