"""Write ``queries.csv`` and ``qrels.csv`` of the Polish search set from explicit judging rules.

Every judgment comes from the catalogue rows alone (category, brand, name, sku and the JSON attributes),
never from running the search: each need states the product *type* the buyer asked for, the *specs* the query
states, the *related* products that also answer it, and the *confusers* (plausible-looking wrong products).
Grades:

* 2: the type asked and every stated spec;
* 1: the type asked with exactly one stated spec different, or a related product listed for the need;
* 0: a confuser (up to ``CONFUSERS_PER_NEED`` per need, spread over the confuser set).

Only active products are judged (the index holds active products only). The rows come from the demo generator
with seed 42 (``store.demo``), whose rows equal those of the demo database (checked once against a SQLite copy
of it: all 3,175 products, sku, name, category, attributes and active flag). Run:
``.venv/bin/python evals/data/search_pl/judge.py``.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CONFUSERS_PER_NEED = 6
Row = dict[str, Any]


class P:
    """A predicate over one catalogue row, composable with ``&``, ``|`` and ``~``; a union remembers its parts
    (so confusers are sampled from every kind of wrong product a need lists)."""

    def __init__(self, fn: Callable[[Row], bool], parts: tuple[P, ...] = ()) -> None:
        self.fn = fn
        self.parts = parts or (self,)

    def __call__(self, row: Row) -> bool:
        return bool(self.fn(row))

    def __and__(self, other: P) -> P:
        return P(lambda r: self(r) and other(r))

    def __or__(self, other: P) -> P:
        return P(lambda r: self(r) or other(r), parts=self.parts + other.parts)

    def __invert__(self) -> P:
        return P(lambda r: not self(r))


def cat(*paths: str) -> P:
    """The row's category starts with one of ``paths``."""
    return P(lambda r: any(r["category"].startswith(p) for p in paths))


def a(key: str, *values: Any) -> P:
    """Attribute ``key`` equals one of ``values``."""
    return P(lambda r: r["attributes"].get(key) in values)


def brand(*names: str) -> P:
    return P(lambda r: r["brand"] in names)


def sku_has(*parts: str) -> P:
    return P(lambda r: any(part in r["sku"] for part in parts))


def sku_starts(*prefixes: str) -> P:
    return P(lambda r: r["sku"].startswith(prefixes))


def name_has(*parts: str) -> P:
    return P(lambda r: any(part.lower() in r["name"].lower() for part in parts))


def device(*names: str) -> P:
    """A socket/switch of one of these kinds (attribute ``device`` of ``Sockets & switches``)."""
    return P(lambda r: r["attributes"].get("device") in names)


NOTHING = P(lambda r: False)

# --- product types --------------------------------------------------------------------------------
MCB = cat("Circuit protection > Miniature circuit breakers")
RCD = cat("Residual current protection > RCD")
RCBO = cat("Residual current protection > RCBO")
BOARD = cat(
    "Enclosures & distribution boards > Surface-mounted", "Enclosures & distribution boards > Flush-mounted"
)
SURFACE = a("mounting", "surface")
FLUSH = a("mounting", "flush")
INDUSTRIAL = cat("Enclosures & distribution boards > Industrial")
HERMETIC = cat("LED lighting > Hermetic")
FLOOD = cat("LED lighting > Floodlights")
PANEL = cat("LED lighting > Panels")
DOWNLIGHT = cat("LED lighting > Downlights")
HIGHBAY = cat("LED lighting > High bay")
STRIP = cat("LED lighting > LED strips")
LAMP = cat("LED lighting > LED lamps")
EMERGENCY = cat("Emergency lighting")
DRIVER = cat("LED drivers")
CV = cat("LED drivers > Constant voltage")
CC = cat("LED drivers > Constant current")
GLAND = cat("Conduits & glands > Cable glands")
CONDUIT = cat("Conduits & glands > Conduits")
BOXES = cat("Conduits & glands > Installation boxes")
FLUSH_BOX = BOXES & FLUSH
JUNCTION = BOXES & SURFACE
CABLE = cat("Cables > Installation", "Cables > Power", "Cables > Flexible")
POWER_CABLE = cat("Cables > Power")
WIRE = cat("Cables > Single-core")
SOLAR_CABLE = cat("Cables > Solar")
TRAY = cat("Cable trays & supports > Cable trays")
TRAY_COVER = cat("Cable trays & supports > Covers") & sku_starts("PKJ")
TRAY_BRACKET = cat("Cable trays & supports > Covers") & sku_starts("WWK")
TIES = cat("Cable trays & supports > Fixings")
STRIPS = cat("Power strips") & P(lambda r: "variant" in r["attributes"])
REELS = cat("Power strips") & sku_starts("PB-")
TERMINAL_BAR = cat("DIN rail & busbars > Terminal bars")
BUSBAR = cat("DIN rail & busbars > Busbars")
DIN_RAIL = cat("DIN rail & busbars > DIN rails")
SPLICE = cat("Connectors & terminal blocks > Splicing")
TERMINAL_BLOCK = cat("Connectors & terminal blocks > DIN terminal")
FERRULE = cat("Connectors & terminal blocks > Ferrules")
CONTACTOR = cat("Contactors & relays > Modular", "Contactors & relays > Power")
MODULAR = cat("Contactors & relays > Modular")
POWER_CONTACTOR = cat("Contactors & relays > Power")
RELAY = cat("Contactors & relays > Relays")
METER = cat("Energy meters > Single-phase", "Energy meters > Three-phase")
CT = cat("Energy meters > Current transformers")
FUSE = cat("Fuses")
SPD_AC = cat("Surge protection > AC")
SPD_PV = cat("Surge protection > PV")
WALLBOX = cat("EV charging")
INVERTER = cat("Photovoltaics > Inverters")
PV_MODULE = cat("Photovoltaics > PV modules")
PV_MOUNT = cat("Photovoltaics > Mounting")
PV_DC = cat("Photovoltaics > DC components")
TESTER = cat("Tools & testers > Testers")
HAND_TOOL = cat("Tools & testers > Hand tools")
LABELS = cat("Labels & marking")
SOCKET = cat("Sockets & switches > Sockets")
SWITCH = cat("Sockets & switches > Switches")
FRAME = cat("Sockets & switches > Frames")
POWER_SOCKET = device(
    "single socket outlet 2P+E",
    "double socket outlet 2x2P+E",
    "socket outlet 2P+E with USB A+C charger",
    "splash-proof socket outlet 2P+E with flap IP44",
)
DOUBLE_SOCKET = device("double socket outlet 2x2P+E")
SINGLE_SOCKET = device("single socket outlet 2P+E")
ONE_WAY = device("one-way switch")
TWO_WAY = device("two-way (staircase) switch")
CROSS = device("cross (intermediate) switch")
DOUBLE_SWITCH = device("double (two-circuit) switch")
DIMMER = device("LED dimmer 5-200 W")
USB_SOCKET = device("socket outlet 2P+E with USB A+C charger")
INSTALL_TESTER = TESTER & P(lambda r: "installation tester" in r["attributes"]["measurement"])
MULTIMETER = TESTER & P(lambda r: "multimeter" in r["attributes"]["measurement"])
CLAMP = TESTER & P(lambda r: "clamp" in r["attributes"]["measurement"])


def w(power: float) -> P:
    return a("power_w", power)


def amps(*values: float) -> P:
    return a("rated_current_a", *values)


def poles(value: int) -> P:
    return a("poles", value)


def cable(ctype: str | None, cores: int | None, section: float | None, length: int | None = None) -> list[P]:
    """Stated specs of a cable query: type code, cores x section, coil length (only those given)."""
    specs = []
    if ctype:
        specs.append(a("cable_type", ctype))
    if cores:
        specs.append(a("cores", cores))
    if section:
        specs.append(a("cross_section_mm2", section))
    if length:
        specs.append(a("length_m", length))
    return specs


@dataclass(frozen=True)
class Judge:
    """One need: the product type, its stated specs, related products (grade 1) and confusers (grade 0)."""

    type: P
    specs: tuple[P, ...] = ()
    related: P = NOTHING
    confusers: P = NOTHING

    def grade(self, row: Row) -> int | None:
        if self.type(row):
            misses = sum(not s(row) for s in self.specs)
            return 2 if misses == 0 else 1 if misses == 1 else None
        if self.related(row):
            return 1
        return None


def J(type_: P, *specs: P, related: P = NOTHING, confusers: P = NOTHING) -> Judge:
    return Judge(type=type_, specs=specs, related=related, confusers=confusers)


@dataclass(frozen=True)
class Group:
    """Queries that write the same need (same judgments); ids ``pl-<name>-<n>``."""

    name: str
    judge: Judge
    queries: tuple[tuple[str, str], ...] = field(default=())


def G(name: str, judge: Judge, *queries: tuple[str, str]) -> Group:
    return Group(name=name, judge=judge, queries=queries)


def inflection(name: str, judge: Judge, *forms: str) -> Group:
    return Group(name=name, judge=judge, queries=tuple((f, "inflection") for f in forms))


# --- the needs ------------------------------------------------------------------------------------
J_MCB_B16 = J(
    MCB,
    a("curve", "B"),
    amps(16),
    confusers=(RCBO & a("curve", "B") & amps(16)) | ONE_WAY | (SOCKET & POWER_SOCKET) | (RCD & amps(25)),
)
J_MCB_B16_1P = J(
    MCB,
    a("curve", "B"),
    amps(16),
    poles(1),
    confusers=(RCBO & a("curve", "B") & amps(16)) | ONE_WAY | SINGLE_SOCKET | (BUSBAR & poles(1)),
)
J_S201_B16 = J(
    MCB,
    sku_starts("S201-"),
    a("curve", "B"),
    amps(16),
    confusers=(RCBO & brand("ABB") & amps(16)) | (RCD & brand("ABB") & amps(25)) | sku_starts("S54-"),
)
J_RCD = J(RCD, confusers=RCBO | (MCB & amps(16, 25, 40)) | ONE_WAY | TWO_WAY)
J_BOARD_SURFACE = J(BOARD, SURFACE, confusers=INDUSTRIAL | JUNCTION | DIN_RAIL | TERMINAL_BAR)
J_HERMETIC = J(
    HERMETIC, confusers=JUNCTION | (BOARD & a("ip_rating", 65)) | (EMERGENCY & a("ip_rating", 65)) | DIMMER
)
J_DOUBLE_SOCKET = J(
    SOCKET & DOUBLE_SOCKET,
    confusers=SINGLE_SOCKET | (FRAME & a("gangs", 2)) | (FLUSH_BOX & sku_starts("PK60-2")) | DOUBLE_SWITCH,
)
J_FLOOD_50 = J(
    FLOOD, w(50), confusers=(HERMETIC & w(50)) | (CV & w(50)) | HIGHBAY | (EMERGENCY & a("ip_rating", 65))
)
J_GLAND_M20 = J(
    GLAND,
    a("thread", "M20"),
    confusers=(CONDUIT & a("diameter_mm", 20)) | (JUNCTION & sku_has("-D")) | (TERMINAL_BAR),
)
J_STRIP_5 = J(
    STRIPS, a("sockets", 5), confusers=TERMINAL_BAR | (BUSBAR & poles(1)) | DOUBLE_SOCKET | DIN_RAIL
)
J_EV_11 = J(
    WALLBOX,
    a("power_kw", 11),
    confusers=USB_SOCKET | sku_starts("F204-A-40/30", "S203-C16") | (INVERTER & a("power_kw", 10)),
)
J_INVERTER_10 = J(
    INVERTER, a("power_kw", 10), confusers=PV_MODULE | PV_DC | SPD_PV | (POWER_CONTACTOR & a("power_kw", 11))
)
J_SPD_T2 = J(
    SPD_AC,
    a("spd_type", "T2"),
    related=SPD_PV,
    confusers=(STRIPS & a("variant", "surge")) | (RCD & a("rcd_type", "A")) | (FUSE & amps(25)),
)
J_SPLICE_3 = J(SPLICE, poles(3), confusers=TERMINAL_BLOCK | PV_DC | FERRULE | (TERMINAL_BAR & a("clamps", 7)))
J_CONTACTOR_MOD_25 = J(
    CONTACTOR, MODULAR, amps(25), confusers=RELAY | (MCB & amps(25) & poles(1)) | (RCD & amps(25))
)
J_TRAY_100 = J(
    TRAY, a("width_mm", 100), confusers=TRAY_COVER | TRAY_BRACKET | (CONDUIT & a("conduit_type", "rigid"))
)
J_LAMP_E27 = J(LAMP, a("cap", "E27"), confusers=PANEL | DOWNLIGHT | (STRIP & a("voltage_v", 12)))
J_FLUSH_BOX = J(FLUSH_BOX, confusers=JUNCTION | (BOARD & FLUSH) | (FRAME & a("gangs", 1)))
J_TWO_WAY = J(
    SWITCH & TWO_WAY,
    confusers=(SWITCH & (ONE_WAY | CROSS)) | (MCB & poles(1) & amps(10)) | (SOCKET & SINGLE_SOCKET),
)
J_PV_440 = J(PV_MODULE, w(440), confusers=(PANEL & w(40)) | INVERTER | PV_MOUNT)
J_METER_3F = J(
    METER, a("phases", 3), confusers=(TESTER & name_has("phase sequence")) | CT | (INVERTER & a("phases", 3))
)
J_EMERGENCY = J(
    EMERGENCY,
    confusers=HERMETIC | DOWNLIGHT | (SOCKET & device("splash-proof socket outlet 2P+E with flap IP44")),
)
J_YDY_3X25 = J(
    CABLE,
    *cable("YDY", 3, 2.5),
    confusers=WIRE & a("cross_section_mm2", 2.5) | (SOLAR_CABLE & a("cross_section_mm2", 4)),
)
J_DIN_RAIL = J(DIN_RAIL, confusers=BUSBAR | TERMINAL_BAR | TERMINAL_BLOCK)
J_BOARD_FLUSH = J(BOARD, FLUSH, confusers=FLUSH_BOX | INDUSTRIAL | (FRAME & a("gangs", 4)))

GROUPS: list[Group] = [
    # inflection groups: one need in 4 forms (nominative sg/pl, genitive pl, accusative or genitive sg)
    inflection(
        "hermetic",
        J_HERMETIC,
        "oprawa hermetyczna",
        "oprawy hermetyczne",
        "opraw hermetycznych",
        "oprawę hermetyczną",
    ),
    inflection(
        "board-surface",
        J_BOARD_SURFACE,
        "rozdzielnica natynkowa",
        "rozdzielnice natynkowe",
        "rozdzielnic natynkowych",
        "rozdzielnicę natynkową",
    ),
    inflection(
        "board-flush",
        J_BOARD_FLUSH,
        "rozdzielnica podtynkowa",
        "rozdzielnice podtynkowe",
        "rozdzielnic podtynkowych",
        "rozdzielnicy podtynkowej",
    ),
    inflection(
        "mcb-b16",
        J_MCB_B16,
        "wyłącznik nadprądowy B16",
        "wyłączniki nadprądowe B16",
        "wyłączników nadprądowych B16",
        "wyłącznika nadprądowego B16",
    ),
    inflection(
        "rcd",
        J_RCD,
        "wyłącznik różnicowoprądowy",
        "wyłączniki różnicowoprądowe",
        "wyłączników różnicowoprądowych",
        "wyłącznika różnicowoprądowego",
    ),
    inflection(
        "socket-double",
        J_DOUBLE_SOCKET,
        "gniazdo podwójne",
        "gniazda podwójne",
        "gniazd podwójnych",
        "gniazda podwójnego",
    ),
    inflection(
        "flood-50w",
        J_FLOOD_50,
        "naświetlacz LED 50W",
        "naświetlacze LED 50W",
        "naświetlaczy LED 50W",
        "naświetlacza LED 50W",
    ),
    inflection(
        "gland-m20",
        J_GLAND_M20,
        "dławnica kablowa M20",
        "dławnice kablowe M20",
        "dławnic kablowych M20",
        "dławnicę kablową M20",
    ),
    inflection(
        "strip-5",
        J_STRIP_5,
        "listwa zasilająca 5 gniazd",
        "listwy zasilające 5 gniazd",
        "listew zasilających 5 gniazd",
        "listwę zasilającą 5 gniazd",
    ),
    inflection(
        "ev-11kw",
        J_EV_11,
        "ładowarka samochodowa 11 kW",
        "ładowarki samochodowe 11 kW",
        "ładowarek samochodowych 11 kW",
        "ładowarkę samochodową 11 kW",
    ),
    inflection(
        "inverter-10kw",
        J_INVERTER_10,
        "falownik 10 kW",
        "falowniki 10 kW",
        "falowników 10 kW",
        "falownika 10 kW",
    ),
    inflection(
        "spd-t2",
        J_SPD_T2,
        "ogranicznik przepięć typ 2",
        "ograniczniki przepięć typ 2",
        "ograniczników przepięć typu 2",
        "ogranicznika przepięć typu 2",
    ),
    inflection(
        "splice-3",
        J_SPLICE_3,
        "złączka 3-przewodowa",
        "złączki 3-przewodowe",
        "złączek 3-przewodowych",
        "złączkę 3-przewodową",
    ),
    inflection(
        "contactor-25a",
        J_CONTACTOR_MOD_25,
        "stycznik modułowy 25A",
        "styczniki modułowe 25A",
        "styczników modułowych 25A",
        "stycznika modułowego 25A",
    ),
    inflection(
        "tray-100",
        J_TRAY_100,
        "korytko kablowe 100 mm",
        "korytka kablowe 100 mm",
        "korytek kablowych 100 mm",
        "korytka kablowego 100 mm",
    ),
    inflection(
        "lamp-e27", J_LAMP_E27, "żarówka LED E27", "żarówki LED E27", "żarówek LED E27", "żarówkę LED E27"
    ),
    inflection(
        "box-flush",
        J_FLUSH_BOX,
        "puszka podtynkowa",
        "puszki podtynkowe",
        "puszek podtynkowych",
        "puszkę podtynkową",
    ),
    inflection(
        "switch-2way",
        J_TWO_WAY,
        "łącznik schodowy",
        "łączniki schodowe",
        "łączników schodowych",
        "łącznika schodowego",
    ),
    inflection(
        "pv-440w",
        J_PV_440,
        "panel fotowoltaiczny 440W",
        "panele fotowoltaiczne 440W",
        "paneli fotowoltaicznych 440W",
        "panelu fotowoltaicznego 440W",
    ),
    inflection(
        "meter-3f",
        J_METER_3F,
        "licznik energii trójfazowy",
        "liczniki energii trójfazowe",
        "liczników energii trójfazowych",
        "licznika energii trójfazowego",
    ),
    inflection(
        "emergency", J_EMERGENCY, "oprawa awaryjna", "oprawy awaryjne", "opraw awaryjnych", "oprawę awaryjną"
    ),
    inflection(
        "ydy-3x25",
        J_YDY_3X25,
        "przewód YDY 3x2,5",
        "przewody YDY 3x2,5",
        "przewodów YDY 3x2,5",
        "przewodu YDY 3x2,5",
    ),
    inflection("din-rail", J_DIN_RAIL, "szyna DIN", "szyny DIN", "szyn DIN", "szynę DIN"),
    # specs, brands, typos, mixed language, no diacritics, plain phrasings
    G(
        "mcb-b16-1p",
        J_MCB_B16_1P,
        ("wyłącznik nadprądowy 16A B 1P", "spec"),
        ("wylacznik nadpradowy 16A B 1P", "no_diacritics"),
        ("wyłącznik nadprądowy 1-biegunowy B16", "spec"),
        ("MCB B16 jednofazowy", "mixed"),
        ("wyłącznk nadprądowy B16 1P", "typo"),
    ),
    G(
        "mcb-c20-3p",
        J(
            MCB,
            a("curve", "C"),
            amps(20),
            poles(3),
            confusers=(RCBO & a("curve", "C") & amps(20)) | (CONTACTOR & amps(20)) | (FUSE & amps(20)),
        ),
        ("wyłącznik nadprądowy C20 3P", "spec"),
        ("wylacznik nadpradowy c20 3p", "no_diacritics"),
    ),
    G("s201-b16", J_S201_B16, ("ABB S201 B16", "brand"), ("S2O1-B16", "typo")),
    G(
        "mcb-legrand",
        J(
            MCB,
            brand("Legrand"),
            confusers=(SOCKET & brand("Legrand")) | (SWITCH & brand("Legrand")) | (FRAME & brand("Legrand")),
        ),
        ("wyłącznik nadprądowy Legrand", "brand"),
    ),
    G(
        "mcb-ic60n",
        J(
            MCB,
            sku_starts("IC60N-"),
            a("curve", "C"),
            amps(20),
            poles(3),
            confusers=(RCD & brand("Schneider Electric")) | (SWITCH & brand("Schneider Electric")),
        ),
        ("Schneider iC60N C20 3P", "brand"),
    ),
    G("rcd-nd", J_RCD, ("wylacznik roznicowopradowy", "no_diacritics")),
    G(
        "rcd-2p-25-30",
        J(RCD, poles(2), amps(25), a("residual_current_ma", 30), confusers=RCBO | (MCB & amps(25))),
        ("wyłącznik różnicowoprądowy 2P 25A 30mA", "spec"),
        ("roznicowka 2p 25a 30ma", "no_diacritics"),
    ),
    G(
        "rcd-4p-a-30",
        J(
            RCD,
            poles(4),
            a("rcd_type", "A"),
            a("residual_current_ma", 30),
            confusers=(RCBO & a("rcd_type", "A")) | (MCB & poles(4)),
        ),
        ("RCD typ A 30mA 4P", "mixed"),
    ),
    G(
        "rcd-4p-63-300",
        J(
            RCD,
            poles(4),
            amps(63),
            a("residual_current_ma", 300),
            confusers=(MCB & amps(63)) | FUSE & amps(63),
        ),
        ("rożnicówka 4P 63A 300mA", "typo"),
    ),
    G(
        "rcd-eaton-40",
        J(
            RCD,
            brand("Eaton"),
            amps(40),
            confusers=(RCBO & brand("Eaton")) | (MCB & brand("Eaton") & amps(40)),
        ),
        ("różnicówka Eaton 40A", "brand"),
    ),
    G(
        "rcd-bathroom",
        J(
            RCD,
            a("residual_current_ma", 30),
            related=RCBO,
            confusers=(SOCKET & device("splash-proof socket outlet 2P+E with flap IP44")) | (DOWNLIGHT),
        ),
        ("zabezpieczenie różnicowoprądowe do łazienki 30mA", "plain"),
    ),
    G(
        "rcbo-b16-a",
        J(
            RCBO,
            a("curve", "B"),
            amps(16),
            a("rcd_type", "A"),
            confusers=(MCB & a("curve", "B") & amps(16)) | (RCD & a("rcd_type", "A") & amps(25)),
        ),
        ("wyłącznik różnicowo-nadprądowy B16 30mA typ A", "spec"),
        ("RCBO B16 typ A", "mixed"),
    ),
    G(
        "board-24-ip65",
        J(BOARD, SURFACE, a("modules", 24), a("ip_rating", 65), confusers=INDUSTRIAL | JUNCTION | (HERMETIC)),
        ("rozdzielnica natynkowa 24 moduły IP65", "spec"),
    ),
    G(
        "board-surface-12",
        J(
            BOARD,
            SURFACE,
            a("modules", 12),
            confusers=(DIN_RAIL & a("modules", 12)) | (BUSBAR & a("modules", 12)),
        ),
        ("rozdzielnca natynkowa 12 modułów", "typo"),
    ),
    G(
        "board-flush-12",
        J(BOARD, FLUSH, a("modules", 12), confusers=(DIN_RAIL & a("modules", 12)) | FLUSH_BOX),
        ("rozdzielnica podtynkowa 12 modulow", "no_diacritics"),
    ),
    G(
        "board-hager",
        J(BOARD, SURFACE, brand("Hager"), confusers=(MCB & brand("Hager")) | (CONTACTOR & brand("Hager"))),
        ("Hager rozdzielnica natynkowa", "brand"),
    ),
    G(
        "industrial-600x400",
        J(INDUSTRIAL, a("height_mm", 600), a("width_mm", 400), confusers=BOARD | JUNCTION),
        ("obudowa metalowa 600x400 IP66", "spec"),
    ),
    G(
        "industrial-stainless",
        J(INDUSTRIAL, a("material", "stainless steel AISI304"), confusers=BOARD | JUNCTION | TRAY),
        ("szafka sterownicza ze stali nierdzewnej", "plain"),
    ),
    G(
        "industrial-rittal",
        J(
            INDUSTRIAL,
            brand("Rittal"),
            a("height_mm", 800),
            a("width_mm", 600),
            confusers=BOARD & a("modules", 72),
        ),
        ("Rittal obudowa 800x600", "brand"),
    ),
    G(
        "hermetic-36w",
        J(HERMETIC, w(36), confusers=(PANEL & w(36)) | JUNCTION),
        ("oprawa hermetyczan 36W", "typo"),
    ),
    G(
        "hermetic-garage",
        J(HERMETIC, name_has("1200 mm"), confusers=JUNCTION | WALLBOX | (EMERGENCY & a("ip_rating", 65))),
        ("oprawa hermetyczna LED do garażu 1200 mm", "spec"),
    ),
    G(
        "hermetic-cold",
        J(HERMETIC, confusers=(BOARD & a("ip_rating", 65)) | JUNCTION | FLOOD & w(20)),
        ("oprawa LED do chłodni", "plain"),
    ),
    G(
        "panel-60-40w-4000",
        J(
            PANEL,
            name_has("600x600"),
            w(40),
            a("colour_temperature_k", 4000),
            confusers=PV_MODULE | (DOWNLIGHT & w(24)) | (CC & w(40)),
        ),
        ("panel LED 60x60 40W 4000K", "spec"),
    ),
    G(
        "panel-60",
        J(PANEL, name_has("600x600"), confusers=PV_MODULE | DOWNLIGHT),
        ("LED panel 60x60 do biura", "mixed"),
    ),
    G(
        "panel-philips",
        J(PANEL, name_has("600x600"), brand("Philips"), confusers=(LAMP & brand("Philips")) | PV_MODULE),
        ("Philips panel LED 60x60", "brand"),
    ),
    G(
        "office-ceiling",
        J(PANEL, related=DOWNLIGHT, confusers=PV_MODULE | (FRAME) | (BOARD & FLUSH)),
        ("oświetlenie do biura w sufit podwieszany", "plain"),
    ),
    G(
        "downlight-18-3000",
        J(DOWNLIGHT, w(18), a("colour_temperature_k", 3000), confusers=(PANEL & w(18)) | (LAMP)),
        ("downlight LED 18W 3000K", "mixed"),
    ),
    G(
        "flood-100-6500",
        J(FLOOD, w(100), a("colour_temperature_k", 6500), confusers=(HIGHBAY & w(100)) | (CV & w(100))),
        ("naświetlacz LED 100W 6500K", "spec"),
    ),
    G(
        "flood-30",
        J(FLOOD, w(30), confusers=(CV & w(35)) | (EMERGENCY)),
        ("naswietlacz led 30w", "no_diacritics"),
    ),
    G(
        "flood-20",
        J(FLOOD, w(20), confusers=(PANEL & w(18)) | (DOWNLIGHT & w(18))),
        ("naświetlasz LED 20W", "typo"),
    ),
    G(
        "flood-kanlux-30",
        J(FLOOD, brand("Kanlux"), w(30), confusers=(LAMP & brand("Kanlux")) | (STRIP & brand("Kanlux"))),
        ("naświetlacz Kanlux 30W", "brand"),
    ),
    G(
        "facade",
        J(FLOOD, confusers=(EMERGENCY & a("ip_rating", 65)) | HERMETIC | JUNCTION),
        ("lampa na elewację budynku", "plain"),
    ),
    G(
        "highbay-150",
        J(HIGHBAY, w(150), confusers=(FLOOD & w(150)) | (CV & w(150))),
        ("oprawa high bay 150W", "mixed"),
    ),
    G(
        "warehouse",
        J(HIGHBAY, confusers=INDUSTRIAL | EMERGENCY | (TRAY & a("width_mm", 600))),
        ("szukam oprawy do hali magazynowej", "plain"),
    ),
    G(
        "strip-24v",
        J(
            STRIP,
            a("voltage_v", 24),
            confusers=(CV & a("output_voltage_v", 24)) | TIES | (POWER_SOCKET & SOCKET),
        ),
        ("taśma LED 24V", "plain"),
    ),
    G(
        "strip-12-144-ip65",
        J(
            STRIP,
            a("voltage_v", 12),
            w(72),
            a("ip_rating", 65),
            confusers=(CV & a("output_voltage_v", 12)) | TIES,
        ),
        ("taśma LED 12V 14,4W/m IP65", "spec"),
    ),
    G(
        "strip-ledvance-24",
        J(
            STRIP,
            brand("LEDVANCE"),
            a("voltage_v", 24),
            confusers=(LAMP & brand("LEDVANCE")) | (CV & a("output_voltage_v", 24)),
        ),
        ("taśma LED LEDVANCE 24V", "brand"),
    ),
    G(
        "lamp-e14-4000",
        J(
            LAMP,
            a("cap", "E14"),
            a("colour_temperature_k", 4000),
            confusers=(PANEL & a("colour_temperature_k", 4000)) | (DOWNLIGHT),
        ),
        ("zarowka led e14 4000k", "no_diacritics"),
        ("żarówkaled E14 4000K", "typo"),
    ),
    G(
        "lamp-gu10",
        J(
            LAMP,
            a("cap", "GU10"),
            w(4.9),
            a("colour_temperature_k", 2700),
            confusers=DOWNLIGHT | (FUSE & amps(10)),
        ),
        ("żarówka GU10 4,9W 2700K", "spec"),
    ),
    G(
        "emergency-exit-3h-ip65",
        J(
            EMERGENCY,
            sku_starts("AW-EXIT-"),
            a("autonomy_h", 3),
            a("ip_rating", 65),
            confusers=HERMETIC | (JUNCTION),
        ),
        ("oprawa ewakuacyjna 3h IP65", "spec"),
    ),
    G(
        "driver-cv-24-100",
        J(
            DRIVER,
            a("output_voltage_v", 24),
            w(100),
            confusers=(STRIP & a("voltage_v", 24)) | (FLOOD & w(100)) | (RELAY & a("coil_voltage_v", 24)),
        ),
        ("zasilacz LED 24V 100W", "spec"),
    ),
    G(
        "driver-cc-40-dali",
        J(DRIVER, CC, w(40), a("dimming", "DALI"), confusers=(PANEL & w(40)) | DIMMER),
        ("zasilacz stałoprądowy 40W DALI", "spec"),
    ),
    G(
        "driver-meanwell-12",
        J(
            DRIVER,
            brand("Mean Well"),
            a("output_voltage_v", 12),
            confusers=(STRIP & a("voltage_v", 12)) | (RELAY & a("coil_voltage_v", 12)),
        ),
        ("zasilacz Mean Well 12V", "brand"),
    ),
    G(
        "driver-strip-12",
        J(CV, a("output_voltage_v", 12), confusers=(STRIP & a("voltage_v", 12)) | (CC)),
        ("zasilacz do taśmy LED 12V", "plain"),
    ),
    G(
        "driver-osram",
        J(DRIVER, brand("Osram"), confusers=LAMP | PANEL & a("driver_included", False)),
        ("Osram zasilacz LED", "brand"),
    ),
    G(
        "gland-m25",
        J(GLAND, a("thread", "M25"), confusers=(CONDUIT & a("diameter_mm", 25))),
        ("dławica M25", "typo"),
    ),
    G(
        "gland-m25-brass",
        J(
            GLAND,
            a("thread", "M25"),
            a("material", "brass"),
            confusers=(CONDUIT & a("diameter_mm", 25)) | (TERMINAL_BAR),
        ),
        ("dlawnica m25 mosiezna", "no_diacritics"),
    ),
    G(
        "gland-m20-black",
        J(
            GLAND,
            a("thread", "M20"),
            a("colour", "black"),
            confusers=(CONDUIT & a("diameter_mm", 20) & a("colour", "black")),
        ),
        ("cable gland M20 czarna", "mixed"),
    ),
    G(
        "conduit-flex-20",
        J(
            CONDUIT,
            a("conduit_type", "flexible"),
            a("diameter_mm", 20),
            confusers=(GLAND & a("thread", "M20")) | (TRAY & a("width_mm", 50)),
        ),
        ("rura karbowana 20 mm", "spec"),
    ),
    G(
        "conduit-orange-25",
        J(
            CONDUIT,
            a("colour", "orange"),
            a("diameter_mm", 25),
            confusers=(GLAND & a("thread", "M25")) | (TIES & a("colour", "black UV")),
        ),
        ("rura karbowana pomaranczowa 25", "no_diacritics"),
    ),
    G(
        "conduit-concrete",
        J(CONDUIT, a("colour", "orange"), confusers=(POWER_CABLE & a("length_m", 1)) | GLAND),
        ("rura do zalania w betonie", "plain"),
    ),
    G(
        "conduit-rigid-32",
        J(
            CONDUIT,
            a("conduit_type", "rigid"),
            a("diameter_mm", 32),
            a("colour", "grey"),
            confusers=(GLAND & a("thread", "M32")) | (TRAY & a("width_mm", 50)),
        ),
        ("rura sztywna 32 szara", "spec"),
    ),
    G(
        "box-double-60",
        J(
            FLUSH_BOX,
            sku_starts("PK60-2"),
            a("depth_mm", 60),
            confusers=(FRAME & a("gangs", 2)) | DOUBLE_SOCKET,
        ),
        ("puszka podwojna 60", "no_diacritics"),
    ),
    G(
        "box-drywall",
        J(FLUSH_BOX, sku_starts("PK60-GK"), confusers=JUNCTION | (BOARD & FLUSH)),
        ("puszka do płyt gipsowo-kartonowych", "plain"),
    ),
    G(
        "junction-100",
        J(
            JUNCTION,
            a("width_mm", 100),
            a("height_mm", 100),
            confusers=FLUSH_BOX | HERMETIC | (BOARD & a("modules", 4)),
        ),
        ("puszka hermetyczna 100x100", "spec"),
    ),
    G(
        "junction-150x110",
        J(JUNCTION, a("width_mm", 150), a("height_mm", 110), confusers=FLUSH_BOX | INDUSTRIAL),
        ("junction box IP65 150x110", "mixed"),
    ),
    G(
        "ydy-3x25-100",
        J(
            CABLE,
            *cable("YDY", 3, 2.5, 100),
            confusers=(WIRE & a("cross_section_mm2", 2.5)) | (REELS & a("cord", "3x2.5")),
        ),
        ("przewód YDY 3x2,5 100 m", "spec"),
    ),
    G(
        "ydy-3x15",
        J(
            CABLE,
            *cable("YDY", 3, 1.5),
            confusers=(WIRE & a("cross_section_mm2", 1.5)) | (FERRULE & a("cross_section_mm2", 1.5)),
        ),
        ("przewud YDY 3x1,5", "typo"),
    ),
    G(
        "ydyp-3x15",
        J(
            CABLE,
            *cable("YDYp", 3, 1.5),
            confusers=(WIRE & a("cross_section_mm2", 1.5)) | STRIPS & a("cord_length_m", 1.5),
        ),
        ("przewod plaski ydyp 3x1,5", "no_diacritics"),
    ),
    G(
        "owy-3x15-50",
        J(
            CABLE,
            *cable("H05VV-F", 3, 1.5, 50),
            confusers=(REELS & a("cord", "3x1.5")) | (STRIPS & a("cord_length_m", 5)),
        ),
        ("przewód OWY 3x1,5 50 m", "spec"),
    ),
    G(
        "yky-5x10",
        J(
            CABLE,
            *cable("YKY", 5, 10),
            confusers=(WIRE & a("cross_section_mm2", 10)) | (FERRULE & a("cross_section_mm2", 10)),
        ),
        ("kabel ziemny YKY 5x10", "spec"),
    ),
    G(
        "yky-5x16-m",
        J(
            CABLE,
            *cable("YKY", 5, 16, 1),
            confusers=(WIRE & a("cross_section_mm2", 16)) | (TERMINAL_BLOCK & a("cross_section_mm2", 16)),
        ),
        ("kabel YKY 5x16 na metry", "spec"),
    ),
    G(
        "ground-4x10",
        J(
            POWER_CABLE,
            a("cores", 4),
            a("cross_section_mm2", 10),
            confusers=(CONDUIT & a("colour", "orange")) | (WIRE & a("cross_section_mm2", 10)),
        ),
        ("kabel do zakopania w ziemi 4x10", "plain"),
    ),
    G(
        "wire-25-blue",
        J(
            WIRE,
            a("cross_section_mm2", 2.5),
            a("colour", "blue"),
            confusers=(TERMINAL_BLOCK & a("colour", "blue")) | (TERMINAL_BAR & a("colour", "blue")),
        ),
        ("linka LgY 2,5 niebieska", "spec"),
    ),
    G(
        "solar-6-red",
        J(
            SOLAR_CABLE,
            a("cross_section_mm2", 6),
            a("colour", "red"),
            confusers=PV_DC | (WIRE & a("colour", "red")),
        ),
        ("kabel solarny 6 mm2 czerwony", "spec"),
    ),
    G(
        "solar-any",
        J(SOLAR_CABLE, confusers=PV_DC | PV_MOUNT | (WIRE & a("colour", "black"))),
        ("przewód do podłączenia paneli fotowoltaicznych", "plain"),
    ),
    G(
        "tray-200x60-hot",
        J(
            TRAY,
            a("width_mm", 200),
            a("side_height_mm", 60),
            a("finish", "hot-dip galvanised"),
            confusers=TRAY_COVER & a("width_mm", 200) | TRAY_BRACKET & a("width_mm", 200),
        ),
        ("korytko kablowe 200x60 ocynk ogniowy", "spec"),
    ),
    G(
        "tray-300",
        J(
            TRAY,
            a("width_mm", 300),
            confusers=TRAY_COVER & a("width_mm", 300) | TRAY_BRACKET & a("width_mm", 300),
        ),
        ("korytko kablowa 300", "typo"),
        ("cable tray 300 mm ocynk", "mixed"),
    ),
    G(
        "tray-cover-200",
        J(TRAY_COVER, a("width_mm", 200), confusers=TRAY & a("width_mm", 200)),
        ("pokrywa do korytka kablowego 200", "plain"),
    ),
    G(
        "tray-bracket-300",
        J(TRAY_BRACKET, a("width_mm", 300), confusers=TRAY & a("width_mm", 300) | TRAY_COVER),
        ("wspornik ścienny do korytka 300", "plain"),
    ),
    G(
        "ties-48x300-uv",
        J(
            TIES,
            a("width_mm", 4.8),
            a("length_mm", 300),
            a("colour", "black UV"),
            confusers=(STRIP & a("ip_rating", 65)) | (CONDUIT & a("colour", "black")),
        ),
        ("opaski kablowe 4,8x300 czarne", "spec"),
    ),
    G(
        "socket-double-white",
        J(
            SOCKET & DOUBLE_SOCKET,
            a("colour", "white"),
            confusers=(FRAME & a("gangs", 2) & a("colour", "white")) | (SINGLE_SOCKET & a("colour", "white")),
        ),
        ("gnaizdo podwójne białe", "typo"),
    ),
    G(
        "socket-simon-white",
        J(
            SOCKET & POWER_SOCKET,
            a("series", "Simon 54"),
            a("colour", "white"),
            related=SOCKET & a("series", "Simon 54") & a("colour", "white"),
            confusers=(FRAME | SWITCH) & a("series", "Simon 54") & a("colour", "white"),
        ),
        ("gniazdo Simon 54 białe", "brand"),
    ),
    G(
        "socket-ip44",
        J(
            SOCKET & device("splash-proof socket outlet 2P+E with flap IP44"),
            confusers=(JUNCTION) | (SINGLE_SOCKET) | (REELS),
        ),
        ("gniazdo bryzgoszczelne IP44", "plain"),
    ),
    G(
        "socket-usb",
        J(SOCKET & USB_SOCKET, confusers=WALLBOX | STRIPS | (SOCKET & device("data socket RJ45 cat.6"))),
        ("gniazdo z ładowarką USB", "plain"),
        ("gniazdo z ladowarka usb", "no_diacritics"),
    ),
    G(
        "socket-rj45",
        J(
            SOCKET & device("data socket RJ45 cat.6"),
            confusers=(SOCKET & device("TV-SAT socket")) | SINGLE_SOCKET,
        ),
        ("gniazdo komputerowe RJ45", "plain"),
    ),
    G(
        "switch-2way-white",
        J(
            SWITCH & TWO_WAY,
            a("colour", "white"),
            confusers=(SWITCH & (ONE_WAY | CROSS) & a("colour", "white")),
        ),
        ("lacznik schodowy bialy", "no_diacritics"),
    ),
    G(
        "switch-double-black",
        J(
            SWITCH & DOUBLE_SWITCH,
            a("colour", "black"),
            confusers=(DOUBLE_SOCKET & a("colour", "black")) | (FRAME & a("gangs", 2) & a("colour", "black")),
        ),
        ("łącznik świecznikowy czarny", "spec"),
    ),
    G(
        "dimmer",
        J(SWITCH & DIMMER, confusers=(CC & a("dimming", "DALI")) | (SWITCH & ONE_WAY) | (STRIP)),
        ("ściemniacz LED", "plain"),
        ("sciemniacz led", "no_diacritics"),
    ),
    G(
        "motion",
        J(SWITCH & device("motion sensor switch 230 V"), confusers=(SWITCH & ONE_WAY) | EMERGENCY),
        ("czujnik ruchu podtynkowy", "plain"),
    ),
    G(
        "bell",
        J(SWITCH & device("bell push-button"), confusers=SWITCH & ONE_WAY),
        ("przycisk dzwonkowy", "plain"),
    ),
    G(
        "frame-sedna-2-black",
        J(
            FRAME,
            a("series", "Sedna Design"),
            a("gangs", 2),
            a("colour", "black"),
            confusers=(DOUBLE_SOCKET & a("series", "Sedna Design"))
            | (SWITCH & a("series", "Sedna Design") & DOUBLE_SWITCH),
        ),
        ("ramka Sedna 2-krotna czarna", "brand"),
    ),
    G(
        "frame-simon-3-white",
        J(
            FRAME,
            a("series", "Simon 54"),
            a("gangs", 3),
            a("colour", "white"),
            confusers=(SOCKET & a("series", "Simon 54") & a("colour", "white")),
        ),
        ("ramka potrójna Simon 54 biała", "brand"),
    ),
    G(
        "strip-4-surge",
        J(STRIPS, a("sockets", 4), a("variant", "surge"), confusers=SPD_AC & a("spd_type", "T2") | REELS),
        ("power strip z ochroną przepięciową 4 gniazda", "mixed"),
    ),
    G(
        "reel-50-25",
        J(
            REELS,
            a("cord_length_m", 50),
            a("cord", "3x2.5"),
            confusers=(CABLE & a("length_m", 50) & a("cross_section_mm2", 2.5))
            | STRIPS & a("cord_length_m", 5),
        ),
        ("przedłużacz bębnowy 50 m 3x2,5", "spec"),
    ),
    G(
        "ev-nd",
        J(WALLBOX, confusers=USB_SOCKET | (INVERTER) | (RCD & a("rcd_type", "A") & amps(40))),
        ("ladowarka do samochodu elektrycznego", "no_diacritics"),
        ("coś do ładowania auta elektrycznego w garażu", "plain"),
    ),
    G(
        "ev-22-cable",
        J(
            WALLBOX,
            a("power_kw", 22),
            sku_has("T2C"),
            confusers=(CABLE & a("cores", 5) & a("cross_section_mm2", 6)) | USB_SOCKET,
        ),
        ("ładowarka EV 22 kW z kablem", "mixed"),
    ),
    G(
        "ev-11-socket",
        J(WALLBOX, a("power_kw", 11), sku_has("T2S"), confusers=USB_SOCKET | (SOCKET & SINGLE_SOCKET)),
        ("wallbox 11kW z gniazdem type 2", "mixed"),
    ),
    G(
        "ev-74",
        J(WALLBOX, a("power_kw", 7.4), confusers=USB_SOCKET | (INVERTER & a("power_kw", 8))),
        ("ładowrka samochodowa 7,4 kW", "typo"),
    ),
    G(
        "ev-abb-11",
        J(
            WALLBOX,
            brand("ABB"),
            a("power_kw", 11),
            confusers=(MCB & brand("ABB") & amps(16) & poles(3)) | (RCD & brand("ABB") & amps(25)),
        ),
        ("wallbox ABB Terra 11 kW", "brand"),
    ),
    G(
        "inverter-3f-8",
        J(
            INVERTER,
            a("phases", 3),
            a("power_kw", 8),
            confusers=(METER & a("phases", 3)) | (WALLBOX & a("phases", 3)),
        ),
        ("falownik trójfazowy 8 kW", "spec"),
    ),
    G(
        "inverter-3f-10",
        J(INVERTER, a("phases", 3), a("power_kw", 10), confusers=(METER & a("phases", 3)) | PV_MODULE),
        ("PV inverter 3-fazowy 10kW", "mixed"),
    ),
    G("inverter-5", J(INVERTER, a("power_kw", 5), confusers=PV_DC | PV_MODULE), ("falwonik 5 kW", "typo")),
    G(
        "inverter-huawei-5",
        J(INVERTER, brand("Huawei"), a("power_kw", 5), confusers=PV_MODULE | SPD_PV),
        ("falownik Huawei 5 kW", "brand"),
    ),
    G(
        "inverter-fronius-10",
        J(INVERTER, brand("Fronius"), a("power_kw", 10), confusers=PV_MODULE | PV_DC),
        ("Fronius Symo 10 kW", "brand"),
    ),
    G(
        "pv-450",
        J(PV_MODULE, w(450), confusers=INVERTER | (PANEL & w(40))),
        ("panel fotowoltaiczy 450W", "typo"),
    ),
    G(
        "pv-longi-430",
        J(PV_MODULE, brand("LONGi"), w(430), confusers=(PANEL & w(40)) | INVERTER),
        ("panel LONGi 430W", "brand"),
    ),
    G(
        "pv-clamp-mid-30",
        J(
            PV_MOUNT & sku_has("-MID-", "-END-"),
            sku_has("-MID-"),
            sku_has("-30"),
            confusers=TRAY_BRACKET | PV_MODULE | (TIES & a("colour", "black UV")),
        ),
        ("klema środkowa 30 mm do paneli", "plain"),
    ),
    G(
        "pv-rail-44",
        J(
            PV_MOUNT,
            sku_starts("K2-RAIL-"),
            sku_starts("K2-RAIL-4.4"),
            confusers=DIN_RAIL & a("length_mm", 2000),
        ),
        ("szyna montażowa do paneli PV 4,4 m", "plain"),
    ),
    G(
        "pv-mc4",
        J(PV_DC, sku_starts("MC4-"), sku_starts("MC4-PAIR"), confusers=SPLICE | TERMINAL_BLOCK),
        ("złączki MC4", "plain"),
    ),
    G(
        "pv-dc-isolator",
        J(PV_DC & sku_starts("DCI-"), confusers=SPD_PV | (MCB & poles(2)) | FUSE & a("fuse_size", "10x38")),
        ("rozłącznik DC do fotowoltaiki", "plain"),
    ),
    G(
        "pv-fuse",
        J(PV_DC & sku_starts("PV-FUSE"), confusers=FUSE & a("fuse_size", "10x38") & amps(16)),
        ("bezpiecznik do stringu PV 15A", "plain"),
    ),
    G(
        "spd-pv",
        J(SPD_PV, confusers=SPD_AC | PV_DC | INVERTER),
        ("ogranicznik przepiec do fotowoltaiki", "no_diacritics"),
    ),
    G(
        "spd-t1t2-31",
        J(
            SPD_AC,
            a("spd_type", "T1+T2"),
            a("configuration", "3+1"),
            confusers=(RCD & poles(4)) | (MCB & poles(4)),
        ),
        ("ogranicznik przepięć T1+T2 3+1", "spec"),
    ),
    G(
        "spd-t2-typo",
        J(SPD_AC, a("spd_type", "T2"), related=SPD_PV, confusers=STRIPS & a("variant", "surge")),
        ("ogranicznk przepięć T2", "typo"),
        ("surge arrester typ 2 do rozdzielnicy", "mixed"),
    ),
    G(
        "spd-dehn",
        J(SPD_AC, brand("DEHN"), related=SPD_PV & brand("DEHN"), confusers=(STRIPS & a("variant", "surge"))),
        ("ogranicznik przepięć DEHN", "brand"),
    ),
    G(
        "fuse-nh00-100",
        J(FUSE, a("fuse_size", "NH00"), amps(100), confusers=(RCD & amps(100)) | (MCB & amps(63))),
        ("wkładka NH00 100A", "spec"),
    ),
    G(
        "fuse-10x38-16-gg",
        J(
            FUSE,
            a("fuse_size", "10x38"),
            amps(16),
            a("characteristic", "gG"),
            confusers=(MCB & amps(16) & poles(1)) | (PV_DC & sku_starts("PV-FUSE")),
        ),
        ("wkładka bezpiecznikowa 10x38 16A gG", "spec"),
    ),
    G(
        "contactor-mod-40",
        J(CONTACTOR, MODULAR, amps(40), confusers=RELAY | MCB & amps(40) & poles(1)),
        ("stycznk modułowy 40A", "typo"),
    ),
    G(
        "contactor-mod-40-24",
        J(CONTACTOR, MODULAR, amps(40), a("coil_voltage_v", 24), confusers=RELAY & a("coil_voltage_v", 24)),
        ("stycznik modulowy 40a 24v", "no_diacritics"),
    ),
    G(
        "contactor-18-230",
        J(
            CONTACTOR,
            amps(18),
            P(
                lambda r: (
                    r["attributes"].get("coil_voltage") == "230 V AC"
                    or r["attributes"].get("coil_voltage_v") == 230
                )
            ),
            confusers=RELAY & a("coil_voltage_v", 230),
        ),
        ("stycznik 18A cewka 230V", "spec"),
    ),
    G(
        "contactor-motor-4kw",
        J(
            POWER_CONTACTOR,
            a("power_kw", 4),
            confusers=(INVERTER & a("power_kw", 4)) | (MCB & a("curve", "D")),
        ),
        ("stycznik do silnika 4 kW", "plain"),
    ),
    G(
        "relay-2co-24",
        J(
            RELAY,
            a("changeover_n_co", 2),
            a("coil_voltage_v", 24),
            confusers=(MODULAR & a("coil_voltage_v", 24)),
        ),
        ("przekaźnik 2 styki przełączne 24V", "spec"),
    ),
    G(
        "relay-timer-230",
        J(RELAY, a("timer", True), a("coil_voltage_v", 230), confusers=MODULAR & a("coil_voltage_v", 230)),
        ("przekaźnik czasowy 230V", "plain"),
    ),
    G(
        "relay-finder-230",
        J(RELAY, a("coil_voltage_v", 230), confusers=MODULAR & a("coil_voltage_v", 230)),
        ("Finder przekaźnik 230V", "brand"),
    ),
    G(
        "meter-1f-mid-modbus",
        J(METER, a("phases", 1), a("mid", True), a("communication", "Modbus RTU"), confusers=TESTER | CT),
        ("licznik energii jednofazowy MID Modbus", "spec"),
    ),
    G(
        "meter-1f",
        J(METER, a("phases", 1), confusers=TESTER | CT),
        ("licnzik energii 1-fazowy", "typo"),
        ("licznik prądu na szynę DIN jednofazowy", "plain"),
    ),
    G(
        "meter-3f-mid",
        J(METER, a("phases", 3), a("mid", True), confusers=CT | (TESTER & name_has("phase sequence"))),
        ("licznik trojfazowy mid", "no_diacritics"),
    ),
    G(
        "meter-3f-modbus",
        J(METER, a("phases", 3), a("communication", "Modbus RTU"), confusers=CT | INVERTER),
        ("energy meter 3-fazowy z Modbus", "mixed"),
    ),
    G(
        "meter-orno-3f",
        J(METER, brand("ORNO"), a("phases", 3), confusers=STRIPS | CT),
        ("licznik ORNO trójfazowy", "brand"),
    ),
    G(
        "ct-200",
        J(CT, a("primary_current_a", 200), confusers=(TESTER & CLAMP) | (FUSE & amps(200))),
        ("przekładnik prądowy 200/5", "spec"),
    ),
    G(
        "busbar-3p-12",
        J(BUSBAR, poles(3), a("modules", 12), confusers=(DIN_RAIL & a("modules", 12)) | TERMINAL_BAR),
        ("szyna łączeniowa 3P 12 modułów", "spec"),
    ),
    G(
        "din-1m-perf",
        J(
            DIN_RAIL,
            a("length_mm", 1000),
            a("perforated", True),
            confusers=BUSBAR & a("modules", 57) | PV_MOUNT & sku_starts("K2-RAIL"),
        ),
        ("DIN rail 1m perforowana", "mixed"),
    ),
    G(
        "terminal-bar-pe-15",
        J(
            TERMINAL_BAR,
            a("conductor", "PE"),
            a("clamps", 15),
            confusers=STRIPS | (TERMINAL_BLOCK & a("colour", "green-yellow")),
        ),
        ("listwa zaciskowa PE 15 otworów", "spec"),
    ),
    G(
        "terminal-bar-n",
        J(TERMINAL_BAR, a("conductor", "N"), confusers=STRIPS | (TERMINAL_BLOCK & a("colour", "blue"))),
        ("listwa N do rozdzielnicy", "plain"),
    ),
    G(
        "splice-5-nd",
        J(SPLICE, poles(5), confusers=TERMINAL_BLOCK | (TERMINAL_BAR)),
        ("zlaczka wago 5 przewodow", "no_diacritics"),
    ),
    G(
        "wago-221-413",
        J(SPLICE, sku_has("221-413"), confusers=TERMINAL_BLOCK | FERRULE),
        ("WAGO 221-413", "brand"),
    ),
    G(
        "splice-junction",
        J(SPLICE, confusers=TERMINAL_BLOCK | JUNCTION | FERRULE),
        ("złączki do puszek elektrycznych", "plain"),
    ),
    G(
        "terminal-block-4",
        J(
            TERMINAL_BLOCK,
            a("cross_section_mm2", 4),
            confusers=(SPLICE & a("cross_section_mm2", 4)) | (FERRULE & a("cross_section_mm2", 4)),
        ),
        ("złączka szynowa 4 mm2", "spec"),
    ),
    G(
        "ferrule-15",
        J(FERRULE, a("cross_section_mm2", 1.5), confusers=(WIRE & a("cross_section_mm2", 1.5)) | (SPLICE)),
        ("tulejki kablowe 1,5 mm2", "spec"),
    ),
    G(
        "crimper",
        J(HAND_TOOL & sku_has("CRIMP"), confusers=FERRULE | (HAND_TOOL & sku_has("KOMB"))),
        ("praska do tulejek", "plain"),
    ),
    G(
        "labels-mcb",
        J(
            LABELS & a("label_type", "mcb", "board"),
            a("label_type", "mcb"),
            confusers=MCB & poles(1) & amps(10),
        ),
        ("oznaczniki do opisywania obwodów w rozdzielnicy", "plain"),
    ),
    G(
        "testers-acceptance",
        J(INSTALL_TESTER, related=TESTER & name_has("insulation", "earth resistance"), confusers=METER | CT),
        ("miernik do pomiarów odbiorczych instalacji elektrycznej", "plain"),
    ),
    G(
        "sonel-mpi540",
        J(INSTALL_TESTER, sku_has("MPI-540"), confusers=METER & brand("Schneider Electric") | CT),
        ("Sonel MPI-540", "brand"),
    ),
    G(
        "fluke-multimeter",
        J(MULTIMETER, brand("Fluke"), confusers=(TESTER & brand("Fluke") & ~MULTIMETER) | METER),
        ("multimetr Fluke", "brand"),
    ),
    G("clamp-meter", J(CLAMP, confusers=CT | MULTIMETER), ("miernik cęgowy", "plain")),
    G(
        "voltage-tester",
        J(
            TESTER & name_has("two-pole voltage tester"),
            related=TESTER & name_has("voltage detector"),
            confusers=MULTIMETER | (SWITCH & ONE_WAY),
        ),
        ("wskaźnik napięcia dwubiegunowy", "plain"),
    ),
    G(
        "screwdriver-wiha-ph2",
        J(HAND_TOOL, brand("Wiha"), a("tip", "PH"), a("size", "2"), confusers=HAND_TOOL & sku_has("SET-VDE")),
        ("wkrętak Wiha PH2", "brand"),
    ),
    G(
        "screwdriver-flat",
        J(
            HAND_TOOL & P(lambda r: "tip" in r["attributes"]),
            a("tip", "flat"),
            confusers=HAND_TOOL & sku_has("KOMB", "BOCZ"),
        ),
        ("wkretak izolowany plaski", "no_diacritics"),
    ),
    G(
        "screwdriver-set",
        J(
            HAND_TOOL & sku_has("SET-VDE"),
            related=HAND_TOOL & P(lambda r: "tip" in r["attributes"]),
            confusers=HAND_TOOL & sku_has("KOMB"),
        ),
        ("zestaw wkrętaków VDE", "plain"),
    ),
    G(
        "stripper",
        J(HAND_TOOL & sku_has("STRIP-AUTO"), confusers=HAND_TOOL & sku_has("CUT-CABLE", "BOCZ") | (STRIP)),
        ("ściągacz izolacji automatyczny", "plain"),
    ),
    G(
        "cable-shears",
        J(
            HAND_TOOL & sku_has("CUT-CABLE"),
            related=HAND_TOOL & sku_has("BOCZ"),
            confusers=HAND_TOOL & sku_has("STRIP-AUTO", "CRIMP"),
        ),
        ("nożyce do cięcia kabli", "plain"),
    ),
    G(
        "pliers-knipex",
        J(
            HAND_TOOL & sku_has("BOCZ"),
            brand("Knipex"),
            confusers=HAND_TOOL & sku_has("KOMB", "WYD") & brand("Knipex"),
        ),
        ("szczypce boczne Knipex", "brand"),
    ),
]


def load_rows() -> list[Row]:
    """Return the active catalogue rows of the seed-42 demo (the rows ``salesagent demo`` loads)."""
    from store.demo.catalog import build_catalog

    seed_rng = random.Random(42)  # generate_demo(seed=42) draws the catalogue's seed first
    catalog = build_catalog(random.Random(seed_rng.random()), datetime(2026, 1, 1, tzinfo=UTC))
    return [
        {
            "sku": p["sku"],
            "name": p["name"],
            "category": p["category"],
            "brand": p["brand"] or "",
            "attributes": p["attributes"],
        }
        for p in catalog.products
        if p["active"]
    ]


def judge_group(group: Group, rows: list[Row]) -> list[tuple[str, int]]:
    """Return (sku, grade) judgments of one need, graded products first, then the sampled confusers."""
    graded = [(r["sku"], g) for r in rows if (g := group.judge.grade(r)) is not None]
    judged = {s for s, _ in graded}
    pools = []
    for part in group.judge.confusers.parts:  # each kind of confuser, spread over the catalogue order
        pool = [r["sku"] for r in rows if r["sku"] not in judged and part(r)]
        pools.append(pool[:: max(1, len(pool) // CONFUSERS_PER_NEED)])
    chosen: list[str] = []
    for rank in range(CONFUSERS_PER_NEED):  # round robin over the kinds
        for pool in pools:
            if rank < len(pool) and pool[rank] not in chosen and len(chosen) < CONFUSERS_PER_NEED:
                chosen.append(pool[rank])
    return graded + [(s, 0) for s in chosen]


def build(rows: list[Row]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, int]]]:
    """Return the rows of ``queries.csv`` (query_id, query, kind) and ``qrels.csv`` (query_id, sku, grade)."""
    names = [g.name for g in GROUPS]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate group names: {sorted({n for n in names if names.count(n) > 1})}")
    queries: list[tuple[str, str, str]] = []
    qrels: list[tuple[str, str, int]] = []
    for group in GROUPS:
        judged = judge_group(group, rows)
        if not any(g > 0 for _, g in judged):
            raise ValueError(f"group {group.name} has no relevant product")
        for i, (text, kind) in enumerate(group.queries, start=1):
            qid = f"pl-{group.name}-{i}"
            queries.append((qid, text, kind))
            qrels.extend((qid, sku, g) for sku, g in judged)
    return queries, qrels


def main() -> None:
    argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0]).parse_args()
    queries, qrels = build(load_rows())
    with (HERE / "queries.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["query_id", "query", "kind"])
        out.writerows(queries)
    with (HERE / "qrels.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["query_id", "sku", "relevance"])
        out.writerows(qrels)
    print(f"{len(queries)} queries in {len(GROUPS)} groups, {len(qrels)} judgments")


if __name__ == "__main__":
    main()
