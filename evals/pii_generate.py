"""Seeded generator of the Polish/English B2B chat PII test set (Faker pl_PL + en_US).

Each record: ``id``, ``lang``, ``split`` ("main" or "heldout"), ``text``, ``spans`` (PII that must be masked:
type, start, end, value) and ``product_tokens`` (SKUs, EANs, specs, order numbers, quantities that must survive:
kind, start, end, value, known = whether the code is in the catalogue allow-list).

Names: the masker's default lexicon *is* Faker's name lists, so the "main" split measures names the lexicon
knows. The "heldout" split draws names only from a seeded 20 % of those lists (:func:`heldout_names`); the
evaluation masks it with a lexicon from which exactly those names were removed, so it measures unseen names.

The issue-22 splits (``names``, ``names_fresh``, ``intl``, ``intl_fresh``) come from :mod:`evals.pii_generate_intl`.

Run: ``.venv/bin/python -m evals.pii_dataset [--all]`` (writes evals/data/pii_chat.jsonl and pii_catalogue.txt).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker

from guardrails.pii.lexicon import faker_names, feminine_surname

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 20261127
HELDOUT_SHARE = 0.2

MOBILE = ["45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"]
AREA = ["12", "22", "32", "42", "52", "58", "61", "71", "81", "85", "91"]


def catalogue(rng: random.Random) -> tuple[list[str], list[str], list[str], list[str]]:
    """Return (known SKUs, known EANs, unknown SKUs, unknown EANs): code shapes of an electrical wholesaler."""
    def ean13() -> str:
        body = "590" + "".join(rng.choice("0123456789") for _ in range(9))
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
        return body + str((10 - total % 10) % 10)

    shapes = [
        lambda: f"S20{rng.randint(1, 4)}-{rng.choice('BCD')}{rng.choice([6, 10, 16, 20, 25, 32])}",
        lambda: f"2CDS2{rng.randint(10000, 99999)}R{rng.randint(1000, 9999)}",
        lambda: f"GW{rng.randint(10000, 99999)}",
        lambda: f"LX-{rng.randint(1, 4)}P-{rng.choice([16, 25, 40, 63])}A",
        lambda: f"EL{rng.randint(100, 999)}-{rng.choice(['W', 'B', 'G'])}{rng.randint(10, 99)}",
        lambda: f"MCB-{rng.choice('BC')}{rng.choice([10, 16, 20])}-{rng.randint(1, 3)}P",
        lambda: f"{rng.choice(['KAB', 'PRZ', 'OBD', 'ROZ'])}{rng.randint(1000, 9999)}",
        lambda: f"5SL{rng.randint(1000, 9999)}-{rng.randint(1, 9)}",
    ]
    known = sorted({rng.choice(shapes)() for _ in range(80)})
    unknown = sorted({rng.choice(shapes)() for _ in range(40)} - set(known))
    return known, [ean13() for _ in range(30)], unknown, [ean13() for _ in range(15)]


SPECS = ["YDY 3x2.5", "YDYp 3x1,5", "YKY 5x10", "OWY 3x1.5", "YDY 5x4", "H07RN-F 3G2.5", "RCBO 1P+N B16",
         "RCBO 1P+N C20", "IP65", "IP44", "IP20", "400 V", "230V", "30mA", "300 mA", "16 A", "63A", "2,5 mm2",
         "4P", "3P+N", "B16", "C32", "1000 W", "50 Hz", "6 kA"]
QUANTITIES = ["100 m", "25 szt.", "10 pcs", "3 rolki", "50 szt", "200 m", "12 szt.", "5 pcs", "500 m", "2 kpl."]


def order_no(rng: random.Random) -> str:
    y = rng.choice([2025, 2026])
    return rng.choice([
        f"ZAM/{y}/{rng.randint(1, 12):02d}/{rng.randint(1, 9999):04d}", f"FV {y}/{rng.randint(1, 12):02d}/{rng.randint(1, 999)}",
        f"FV/{y}/{rng.randint(1, 12):02d}/{rng.randint(1, 9999):04d}", f"WZ-{y}-{rng.randint(1, 99999):05d}",
        f"PO-{y}-{rng.randint(100, 9999)}", f"#{rng.randint(10000, 999999)}",
    ])


@dataclass
class Builder:
    """Assembles a message while recording where each PII value and product token lands."""

    parts: list[str] = field(default_factory=list)
    spans: list[dict] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)
    pos: int = 0

    def lit(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def pii(self, kind: str, value: str) -> None:
        self.spans.append({"type": kind, "start": self.pos, "end": self.pos + len(value), "value": value})
        self.lit(value)

    def prod(self, kind: str, value: str, known: bool = False) -> None:
        self.products.append({"kind": kind, "start": self.pos, "end": self.pos + len(value), "value": value,
                              "known": known})
        self.lit(value)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Values:
    """Seeded value factories for every placeholder a template can use."""

    def __init__(self, rng: random.Random, names: dict[str, list[str]], cat: tuple[list[str], ...]) -> None:
        self.rng = rng
        self.pl = Faker("pl_PL")
        self.en = Faker("en_US")
        self.others = [Faker(loc) for loc in ("de_DE", "en_GB", "fr_FR", "nl_NL")]
        for i, f in enumerate([self.pl, self.en, *self.others]):
            f.seed_instance(rng.randint(0, 10**9) + i)
        self.names = names
        self.known_skus, self.known_eans, self.unknown_skus, self.unknown_eans = cat

    def person(self, lang: str) -> str:
        r = self.rng
        if lang == "pl":
            female = r.random() < 0.5
            first = r.choice(self.names["pl_first_f" if female else "pl_first_m"])
            last = r.choice(self.names["pl_last"])
            last = feminine_surname(last) if female else last
            return f"{last} {first}" if r.random() < 0.12 else f"{first} {last}"
        return f"{r.choice(self.names['en_first'])} {r.choice(self.names['en_last'])}"

    def email(self, name: str | None = None) -> str:
        r = self.rng
        if name and r.random() < 0.6:
            a, b = (_ascii(x).lower() for x in name.split()[:2])
            dom = r.choice(["elektro-mont.pl", "instalbud.com.pl", "firma.pl", "acme-electric.co.uk", "wp.pl",
                            "gmail.com", "onet.pl", "energo.eu"])
            return r.choice([f"{a}.{b}@{dom}", f"{a[0]}.{b}@{dom}", f"{a}{b[0]}@{dom}"])
        return (self.pl if r.random() < 0.6 else self.en).email()

    def phone(self) -> str:
        r = self.rng
        if r.random() < 0.65:
            d = r.choice(MOBILE) + str(r.randint(1, 9)) + "".join(str(r.randint(0, 9)) for _ in range(6))
            a, b, c = d[:3], d[3:6], d[6:]
            return r.choice([f"+48 {a} {b} {c}", f"+48{a}{b}{c}", f"{a} {b} {c}", f"{a}-{b}-{c}", f"{a}{b}{c}",
                             f"0048 {a} {b} {c}", f"+48 {a}-{b}-{c}"])
        d = r.choice(AREA) + str(r.randint(2, 9)) + "".join(str(r.randint(0, 9)) for _ in range(6))
        a, b, c, e = d[:2], d[2:5], d[5:7], d[7:]
        return r.choice([f"({a}) {b} {c} {e}", f"{a} {b} {c} {e}", f"+48 {a} {b} {c} {e}", f"+48 {a} {b}-{c}-{e}",
                         f"{a}-{b}-{c}-{e}"])

    def nip(self) -> str:
        d = self.pl.nip()
        return self.rng.choice([d, f"{d[:3]}-{d[3:6]}-{d[6:8]}-{d[8:]}", f"{d[:3]}-{d[3:5]}-{d[5:7]}-{d[7:]}",
                                f"PL{d}", f"PL {d}", f"{d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"])

    def regon(self) -> str:
        return self.pl.regon() if self.rng.random() < 0.7 else self.pl.local_regon()

    def pesel(self) -> str:
        return self.pl.pesel()

    def iban(self) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.25:
            return r.choice(self.others).iban()
        iban = self.pl.iban()
        if roll < 0.5:
            return iban
        if roll < 0.75:
            return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        nrb = iban[2:]
        return nrb if r.random() < 0.3 else nrb[:2] + " " + " ".join(nrb[i:i + 4] for i in range(2, 26, 4))

    def address(self) -> str:
        street = self.pl.street_address()
        if self.rng.random() < 0.5:
            street = street.replace("ulica ", "ul. ").replace("aleja ", "al. ").replace("plac ", "pl. ")
        sep = self.rng.choice([", ", ", ", " "])
        return f"{street}{sep}{self.pl.postcode()} {self.pl.city()}"

    def sku(self) -> tuple[str, bool]:
        if self.rng.random() < 0.75:
            return self.rng.choice(self.known_skus), True
        return self.rng.choice(self.unknown_skus), False

    def ean(self) -> tuple[str, bool]:
        if self.rng.random() < 0.7:
            return self.rng.choice(self.known_eans), True
        return self.rng.choice(self.unknown_eans), False


def _ascii(s: str) -> str:
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return re.sub(r"[^A-Za-z]", "", s.translate(table))


PL_TEMPLATES = [
    "Dzień dobry, tu {PERSON} z firmy Elektro-Mont. Proszę o ofertę na {SPEC} {QTY} oraz {SKU}. Tel. {PHONE}.",
    "Witam, proszę o fakturę do zamówienia {ORDER} na NIP {NIP}. Kontakt: {EMAIL}",
    "Proszę o wysyłkę {QTY} {SKU} na adres {ADDRESS}, odbierze {PERSON}, tel. {PHONE}.",
    "Przelew za {ORDER} wyszedł z konta {IBAN}. Pozdrawiam, {PERSON}",
    "Nasz REGON to {REGON}, NIP {NIP}. Potrzebujemy {SPEC} i {SPEC}, {QTY}.",
    "Czy {SKU} (EAN {EAN}) jest na stanie? Proszę o kontakt z Panią {PERSON}: {EMAIL} lub {PHONE}.",
    "Pan {PERSON} prosi o korektę faktury {ORDER}. PESEL do umowy: {PESEL}.",
    "Zamówienie {ORDER}: {QTY} {SPEC}, {QTY} {SKU}. Dostawa: {ADDRESS}.",
    "Dzień dobry, nazywam się {PERSON}. Szukam zamiennika dla {SKU}, wersja {SPEC} {SPEC}.",
    "Osoba kontaktowa: {PERSON}, {PHONE}, {EMAIL}. Numer konta do zwrotu: {IBAN}.",
    "Proszę dopisać do {ORDER} jeszcze {QTY} {SKU} oraz {QTY} kabla {SPEC}. {PERSON}",
    "Dane do faktury: NIP {NIP}, REGON {REGON}, {ADDRESS}. Zamawia {PERSON}.",
    "Witam, {PERSON} z tej strony. Czy wyłącznik {SPEC} {SPEC} pasuje do {SKU}? Mój numer {PHONE}.",
    "Reklamacja do {ORDER}: {SKU} uszkodzony. Zwrot proszę na rachunek {IBAN}. {PERSON}, {EMAIL}",
    "Potrzebuję {QTY} {SPEC} na budowę przy {ADDRESS}. Kierownik budowy {PERSON}, kom. {PHONE}.",
    "Czy EAN {EAN} to to samo co {SKU}? Pytam w imieniu {PERSON}, NIP firmy {NIP}.",
]

EN_TEMPLATES = [
    "Hi, this is {PERSON} from Acme Electric. Please quote {QTY} of {SPEC} and {SKU}. Call me on {PHONE}.",
    "Hello, please send the invoice for {ORDER} to {EMAIL}. Our VAT number is {NIP}.",
    "Please ship {QTY} {SKU} to {ADDRESS}, attention {PERSON}, phone {PHONE}.",
    "We paid {ORDER} from account {IBAN}. Regards, {PERSON}",
    "Is {SKU} (EAN {EAN}) in stock? Contact {PERSON} at {EMAIL} or {PHONE}.",
    "Order {ORDER}: {QTY} {SPEC} plus {QTY} {SKU}. Our REGON is {REGON}.",
    "Dear team, {PERSON} here. Does the {SPEC} {SPEC} breaker fit {SKU}? Mobile {PHONE}.",
    "Contact person: {PERSON}, {EMAIL}. Refund to IBAN {IBAN} please, re {ORDER}.",
    "I need a replacement for {SKU}, rated {SPEC}, {SPEC}. Thanks, {PERSON}",
    "Please add {QTY} {SPEC} cable to {ORDER}. Delivery to {ADDRESS}. Ask for {PERSON}.",
    "Mr {PERSON} asked for a copy of {ORDER}; his PESEL for the contract is {PESEL}.",
    "Our tax id is {NIP} and REGON {REGON}; the buyer is {PERSON} ({EMAIL}).",
]


# Written after the recognizers were tuned and never used for tuning: the "fresh" split reports them as they
# come out (names held out of the lexicon, new phrasings, and messages with no personal data at all).
FRESH_PL = [
    "Hej, mówi {PERSON}. Macie {SKU} w cenie sprzed tygodnia? Biorę {QTY}.",
    "W załączeniu zamówienie {ORDER}. Odbiór osobisty: {PERSON}, dowód do wglądu. Telefon {PHONE}",
    "Faktura {ORDER} ma zły NIP, poprawny: {NIP}. Dziękuję, {PERSON} (dział zakupów)",
    "Szef ({PERSON}) prosi o rabat na {QTY} {SPEC}. Odpowiedź proszę na {EMAIL}",
    "Zmiana adresu dostawy na {ADDRESS} dla {ORDER}. Kierowca niech dzwoni pod {PHONE}.",
    "Kabel {SPEC} i puszki {SPEC} — {QTY}. Płatność przelewem z rachunku {IBAN}. Zlecający: {PERSON}",
    "Schneider Electric Acti9 czy Legrand DX3? Potrzebujemy {SPEC} {SPEC} do rozdzielnicy, {QTY}.",
    "Czy Hager Volta pasuje do {SKU}? Na budowie w Gdańsku potrzebujemy {QTY} sztuk {SPEC}.",
]
FRESH_EN = [
    "Hey, it's {PERSON} again. Any news on {ORDER}? You can reach me at {PHONE}.",
    "{PERSON} will collect {QTY} {SKU} tomorrow morning; invoice to {EMAIL}, tax id {NIP}.",
    "Our accountant {PERSON} says {ORDER} was paid twice from {IBAN}. Please check.",
    "New site address: {ADDRESS}. Site manager is {PERSON}, cell {PHONE}.",
    "Do you stock Schneider Electric Acti9 {SPEC}? We need {QTY} for the Warsaw project, plus {SKU}.",
    "Is the Legrand DX3 {SPEC} {SPEC} compatible with {SKU}? Order ref {ORDER}.",
]


def render(template: str, lang: str, v: Values) -> Builder:
    """Fill ``template`` and return the builder with recorded spans."""
    b = Builder()
    last_person: str | None = None
    for piece in re.split(r"(\{[A-Z]+\})", template):
        if not piece:
            continue
        key = piece[1:-1] if piece.startswith("{") else None
        if key is None:
            b.lit(piece)
        elif key == "PERSON":
            last_person = v.person(lang)
            b.pii("PERSON", last_person)
        elif key == "EMAIL":
            b.pii("EMAIL", v.email(last_person))
        elif key in ("PHONE", "NIP", "REGON", "PESEL", "IBAN", "ADDRESS"):
            b.pii(key, getattr(v, key.lower())())
        elif key == "SKU":
            code, known = v.sku()
            b.prod("sku", code, known)
        elif key == "EAN":
            code, known = v.ean()
            b.prod("ean", code, known)
        elif key == "SPEC":
            b.prod("spec", v.rng.choice(SPECS))
        elif key == "QTY":
            b.prod("quantity", v.rng.choice(QUANTITIES))
        elif key == "ORDER":
            b.prod("order_number", order_no(v.rng))
        else:
            raise ValueError(f"unknown placeholder {piece}")
    return b


def name_lists() -> dict[str, list[str]]:
    """Return Faker's pl_PL/en_US name lists (the same lists the default lexicon is built from)."""
    from faker.providers.person.en_US import Provider as En
    from faker.providers.person.pl_PL import Provider as Pl

    lists = {"pl_first_m": sorted({n for n in Pl.first_names_male if " " not in n}),
             "pl_first_f": sorted({n for n in Pl.first_names_female if " " not in n}),
             "pl_last": sorted(set(Pl.unisex_last_names) | set(Pl.male_last_names)),
             "en_first": sorted(set(En.first_names)), "en_last": sorted(set(En.last_names))}
    # added for issue 22 (after the keys above, so their held-out samples stay the same)
    for key, locale in (("de", "de_DE"), ("cs", "cs_CZ"), ("sk", "sk_SK"), ("uk", "uk_UA"), ("lt", "lt_LT"),
                        ("gb", "en_GB")):
        first, last = faker_names(locale)
        lists[f"{key}_first"] = sorted(n for n in first if " " not in n)
        lists[f"{key}_last"] = sorted(n for n in last if " " not in n)
    return lists


def heldout_names(seed: int = SEED) -> dict[str, list[str]]:
    """Return the seeded 20 % of every name list that the held-out evaluation removes from the lexicon."""
    rng = random.Random(seed + 1)
    out = {}
    for key, names in name_lists().items():
        k = max(3, int(len(names) * HELDOUT_SHARE))
        out[key] = sorted(rng.sample(names, k))
    return out


def generate(n_main: int = 400, n_heldout: int = 150, n_fresh: int = 120, seed: int = SEED) -> tuple[list[dict], list[str]]:
    """Return (records, catalogue codes allow-list) for the given sizes and seed."""
    rng = random.Random(seed)
    cat = catalogue(rng)
    full, held = name_lists(), heldout_names(seed)
    records = []
    for split, n, names in (("main", n_main, full), ("heldout", n_heldout, held), ("fresh", n_fresh, held)):
        v = Values(rng, names, cat)
        for i in range(n):
            lang = "pl" if rng.random() < 0.6 else "en"
            if split == "fresh":
                template = rng.choice(FRESH_PL if lang == "pl" else FRESH_EN)
            else:
                template = rng.choice(PL_TEMPLATES if lang == "pl" else EN_TEMPLATES)
            b = render(template, lang, v)
            records.append({"id": f"{split}-{i:04d}", "split": split, "lang": lang, "text": b.text,
                            "spans": b.spans, "product_tokens": b.products})
    return records, cat[0] + cat[1]
