"""Seeded generator of the chat set's issue-22/17 splits: names in every case and language, EU/UK/US identifiers,
identifiers with any separators, obfuscated e-mails.

Splits (records in the format of :mod:`evals.pii_generate`):
- ``names`` / ``names_fresh``: held-out names only (PL, EN, DE, CZ, SK, UA transliterated, LT, GB lists; the
  evaluation removes them from the lexicon), written as they are, in lower case, in capitals, or without
  diacritics; foreign names in Polish sentences, Polish names in English ones, some whole messages in lower case;
- ``intl`` / ``intl_fresh``: VAT numbers of every EU member state and the UK, national ids of DE/CZ/SK/UA/LT/UK and
  PL ID cards, phones of DE/CZ/SK/UA/LT/GB/US, card numbers, PESEL/NIP/REGON/phone/IBAN with unusual separators
  (``440514-01359``, ``4405 1401 359``, dots, slashes, mixed spacing), obfuscated e-mails (``(at)``, ``[dot]``,
  `` at `` ... `` dot ``), dates of birth, IP addresses and URLs.
The ``*_fresh`` splits use the FRESH templates, written together with the others before any recognizer was tuned
on this data, and never looked at while tuning. Valid check digits come from rejection sampling against
python-stdnum (a random body is drawn until the checksum passes).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import phonenumbers
from faker import Faker

from evals.pii_generate import QUANTITIES, SPECS, Builder, Values, order_no
from guardrails.pii import checksums as cs
from guardrails.pii.lexicon import fold

SEED = 20261201
VAT_BODIES: dict[str, Callable[[random.Random], str]] = {
    "AT": lambda r: "U" + _d(r, 8), "BE": lambda r: "0" + _d(r, 9), "BG": lambda r: _d(r, 9),
    "CY": lambda r: "1" + _d(r, 7) + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ"), "CZ": lambda r: _d(r, 8),
    "DE": lambda r: _d(r, 9), "DK": lambda r: _d(r, 8), "EE": lambda r: "10" + _d(r, 7), "EL": lambda r: _d(r, 9),
    "ES": lambda r: r.choice("ABCDEFGHJ") + _d(r, 8), "FI": lambda r: _d(r, 8), "FR": lambda r: _d(r, 11),
    "HR": lambda r: _d(r, 11), "HU": lambda r: _d(r, 8), "IE": lambda r: _d(r, 7) + r.choice("ABCDEFGHW"),
    "IT": lambda r: _d(r, 11), "LT": lambda r: _d(r, 9), "LU": lambda r: _d(r, 8), "LV": lambda r: "4" + _d(r, 10),
    "MT": lambda r: _d(r, 8), "NL": lambda r: _d(r, 9) + "B" + _d(r, 2), "PT": lambda r: "5" + _d(r, 8),
    "RO": lambda r: _d(r, 8), "SE": lambda r: _d(r, 10) + "01", "SI": lambda r: _d(r, 8), "SK": lambda r: _d(r, 10),
    "XI": lambda r: _d(r, 9), "GB": lambda r: _d(r, 9),
}
PHONE_REGIONS = ("DE", "CZ", "SK", "UA", "LT", "GB", "US")
SEPARATORS = (" ", "-", ".", "/", "  ", " - ", " . ")

PL_TEMPLATES = [
    "Dzień dobry, tu {PERSON} z firmy Elektro-Mont. Proszę o ofertę na {QTY} {SKU}.",
    "Proszę o kontakt z {PERSON} w sprawie {ORDER}, dziękuję.",
    "Zamawia {PERSON}, dostawa {QTY} {SPEC} na przyszły tydzień.",
    "Pozdrawiam, {PERSON}",
    "Nasz NIP UE to {VAT}, faktura na {ORDER}. Tel. {PHONE}.",
    "Mój PESEL: {PESEL_SEP}, NIP {NIP_SEP}. Zamawiam {QTY} {SKU}.",
    "Proszę dzwonić pod {PHONE_SEP} albo pisać na {EMAIL_OBF}.",
    "Zwrot proszę na konto {IBAN_SEP}. Data urodzenia: {DOB}.",
    "Numer dowodu osobistego {ID_CARD}, paszport nr {PASSPORT}. Proszę o {SKU}.",
    "Klient z Niemiec: Steuer-ID {DE_IDNR}, Handy {PHONE}. Potrzebuje {QTY} {SPEC}.",
]
EN_TEMPLATES = [
    "Hi, this is {PERSON} from Instal-Bud, please quote {QTY} {SKU}.",
    "Please send the invoice for {ORDER} to {PERSON}.",
    "Regards, {PERSON}",
    "Our VAT number is {VAT}; call me on {PHONE} about {SKU}.",
    "My card {CARD} was charged twice for {ORDER}.",
    "Rodné číslo {RC}, phone {PHONE}. I need {QTY} {SPEC}.",
    "My NHS number is {NHS} and NINO {NINO}; ship {QTY} {SKU}.",
    "Ukrainian tax number (RNTRC) {UA_RNTRC}, asmens kodas {LT_ASMENS}, order {ORDER}.",
    "Write to {EMAIL_OBF} or call {PHONE_SEP}; REGON {REGON_SEP}.",
    "Born on {DOB}, the portal shows error for IP {IP}, see {URL}.",
]
FRESH_PL = [
    "Hej, z tej strony {PERSON}, czy {SKU} jest dostępny?",
    "W imieniu {PERSON} proszę o korektę {ORDER}.",
    "Kontrahent {VAT} prosi o {QTY} {SKU}; numer kontaktowy {PHONE}.",
    "PESEL {PESEL_SEP} i NIP {NIP_SEP} do umowy, rachunek {IBAN_SEP}.",
    "Piszcie proszę na {EMAIL_OBF}, telefon {PHONE_SEP}.",
]
FRESH_EN = [
    "Thanks a lot, {PERSON} (purchasing)",
    "{PERSON} will pick up {QTY} {SKU} tomorrow.",
    "Invoice to VAT id {VAT}, contact {EMAIL_OBF}, mobile {PHONE}.",
    "Steuer-ID {DE_IDNR}, birth number {RC}, date of birth {DOB}.",
    "Please refund card {CARD}; my number is {PHONE_SEP}.",
]
NAME_TEMPLATES = {"pl": PL_TEMPLATES[:4], "en": EN_TEMPLATES[:3]}
NAME_FRESH = {"pl": FRESH_PL[:2], "en": FRESH_EN[:2]}
INTL_TEMPLATES = {"pl": PL_TEMPLATES[4:], "en": EN_TEMPLATES[3:]}
INTL_FRESH = {"pl": FRESH_PL[2:], "en": FRESH_EN[2:]}


def _d(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def _until(r: random.Random, make: Callable[[], str], ok: Callable[[str], bool]) -> str:
    for _ in range(10000):
        v = make()
        if ok(v):
            return v
    raise RuntimeError("no valid value drawn")


def _separate(r: random.Random, digits: str) -> str:
    """Write ``digits`` in random groups joined by unusual separators ("4405 1401 359", "440514-01359")."""
    out, i = [], 0
    while i < len(digits):
        k = r.randint(2, 5)
        out.append(digits[i:i + k])
        i += k
    seps = [r.choice(SEPARATORS) for _ in out[1:]] if r.random() < 0.5 else [r.choice(SEPARATORS)] * (len(out) - 1)
    return out[0] + "".join(s + g for s, g in zip(seps, out[1:], strict=True))


class IntlValues:
    """Value factories for the identifiers of the new splits."""

    def __init__(self, r: random.Random) -> None:
        self.r = r
        self.fake = Faker(["pl_PL", "en_US", "de_DE"])
        self.fake.seed_instance(r.randint(0, 10**9))

    def vat(self) -> str:
        cc = self.r.choice(sorted(VAT_BODIES))
        body = _until(self.r, lambda: VAT_BODIES[cc](self.r), lambda b: cs.is_valid_vat(cc + b))
        return self.r.choice([f"{cc}{body}", f"{cc} {body}", f"{cc}-{body}" if body.isdigit() else f"{cc}{body}"])

    def pesel(self) -> str:
        return _until(self.r, lambda: f"{self.r.randint(40, 99):02d}{self.r.randint(1, 12):02d}"
                                      f"{self.r.randint(1, 28):02d}{_d(self.r, 5)}", cs.is_valid_pesel)

    def nip(self) -> str:
        return _until(self.r, lambda: str(self.r.randint(1, 9)) + _d(self.r, 9), cs.is_valid_nip)

    def regon(self) -> str:
        return _until(self.r, lambda: str(self.r.randint(1, 9)) + _d(self.r, 8), cs.is_valid_regon)

    def phone_pl(self) -> str:
        return self.r.choice(["50", "51", "60", "69", "72", "79", "88"]) + _d(self.r, 7)

    def phone(self) -> str:
        region = self.r.choice(PHONE_REGIONS)
        kind = self.r.choice([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
        example = phonenumbers.example_number_for_type(region, kind)
        assert example is not None, region
        nsn = str(example.national_number)

        def draw() -> phonenumbers.PhoneNumber:
            keep = 3 if len(nsn) > 7 else 2
            return phonenumbers.parse("+" + str(example.country_code) + nsn[:keep] + _d(self.r, len(nsn) - keep))

        num = draw()
        for _ in range(200):
            if phonenumbers.is_valid_number(num):
                break
            num = draw()
        fmt = self.r.choice([phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL])
        return phonenumbers.format_number(num, fmt)

    def iban(self) -> str:
        return re.sub(r"\s", "", self.fake["pl_PL"].iban() if self.r.random() < 0.6 else self.fake["de_DE"].iban())

    def email_obfuscated(self) -> str:
        user = re.sub(r"[^a-z.]", "", fold(self.fake["pl_PL"].first_name().lower())) + "." + re.sub(
            r"[^a-z]", "", fold(self.fake["pl_PL"].last_name().lower()))
        dom, tld = self.r.choice([("instal-pro", "pl"), ("elektro-mont", "pl"), ("firma", "com"), ("bau-technik", "de")])
        at = self.r.choice(["(at)", "[at]", " at ", " (at) ", "{at}", "(małpa)", " @ "])
        dot = self.r.choice([".", "[dot]", " dot ", "(dot)", " [dot] ", "."])
        user = user.replace(".", dot) if self.r.random() < 0.4 else user
        return f"{user}{at}{dom}{dot}{tld}"

    def card(self) -> str:
        number = self.fake["en_US"].credit_card_number(card_type=self.r.choice(["visa16", "mastercard", "amex"]))
        groups = [number[i:i + 4] for i in range(0, len(number), 4)]
        return self.r.choice([number, " ".join(groups), "-".join(groups)])

    def rc(self) -> str:
        def draw() -> str:
            y, m, d = self.r.randint(54, 99), self.r.randint(1, 12) + self.r.choice([0, 50]), self.r.randint(1, 28)
            return f"{y:02d}{m:02d}{d:02d}{_d(self.r, 4)}"
        v = _until(self.r, draw, cs.is_valid_birth_number)
        return self.r.choice([f"{v[:6]}/{v[6:]}", v])

    def dob(self) -> str:
        y, m, d = self.r.randint(1950, 2002), self.r.randint(1, 12), self.r.randint(1, 28)
        return self.r.choice([f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}", f"{m}/{d}/{y}"])

    def value(self, key: str) -> str:
        r = self.r
        if key == "VAT":
            return self.vat()
        if key == "PHONE":
            return self.phone()
        if key == "PESEL_SEP":
            return _separate(r, self.pesel())
        if key == "NIP_SEP":
            return _separate(r, self.nip())
        if key == "REGON_SEP":
            return _separate(r, self.regon())
        if key == "PHONE_SEP":
            return r.choice(["+48 ", "0048 ", ""]) + _separate(r, self.phone_pl())
        if key == "IBAN_SEP":
            iban = self.iban()
            return iban[:4] + r.choice(SEPARATORS) + _separate(r, iban[4:])
        if key == "EMAIL_OBF":
            return self.email_obfuscated()
        if key == "DOB":
            return self.dob()
        if key == "ID_CARD":
            return _until(r, lambda: "".join(r.choice("ABCDEFGHJKLMNPRSTUWXYZ") for _ in range(3)) + _d(r, 6),
                          cs.is_valid_pl_id_card)
        if key == "PASSPORT":
            return "".join(r.choice("ABCEFGHKLMNPRSTZ") for _ in range(2)) + _d(r, 7)
        if key == "DE_IDNR":
            v = _until(r, lambda: str(r.randint(1, 9)) + _d(r, 10), cs.is_valid_de_idnr)
            return r.choice([v, f"{v[:2]} {v[2:5]} {v[5:8]} {v[8:]}"])
        if key == "CARD":
            return self.card()
        if key == "RC":
            return self.rc()
        if key == "NHS":
            v = _until(r, lambda: str(r.randint(4, 9)) + _d(r, 9), cs.is_valid_nhs)
            return f"{v[:3]} {v[3:6]} {v[6:]}"
        if key == "NINO":
            return (r.choice("ABCEGHJKLMNPRSTWXYZ") + r.choice("ABCEGHJKLMNPRSTWXYZ") + " " + _d(r, 2) + " "
                    + _d(r, 2) + " " + _d(r, 2) + " " + r.choice("ABCD"))
        if key == "UA_RNTRC":
            return _until(r, lambda: str(r.randint(1, 4)) + _d(r, 9), cs.is_valid_ua_rntrc)
        if key == "LT_ASMENS":
            return _until(r, lambda: str(r.randint(3, 6)) + f"{r.randint(50, 99):02d}{r.randint(1, 12):02d}"
                                     f"{r.randint(1, 28):02d}" + _d(r, 4), cs.is_valid_lt_asmens)
        if key == "IP":
            return r.choice([self.fake["en_US"].ipv4_public(), self.fake["en_US"].ipv6()])
        if key == "URL":
            return f"https://www.{self.fake['en_US'].domain_word()}.com/profile/{self.fake['en_US'].user_name()}"
        raise ValueError(key)


LABEL_OF = {"VAT": "VAT", "PHONE": "PHONE", "PESEL_SEP": "PESEL", "NIP_SEP": "NIP", "REGON_SEP": "REGON",
            "PHONE_SEP": "PHONE", "IBAN_SEP": "IBAN", "EMAIL_OBF": "EMAIL", "DOB": "DATE", "ID_CARD": "ID_CARD",
            "PASSPORT": "PASSPORT", "DE_IDNR": "NATIONAL_ID", "CARD": "CREDIT_CARD", "RC": "NATIONAL_ID",
            "NHS": "NHS", "NINO": "NINO", "UA_RNTRC": "NATIONAL_ID", "LT_ASMENS": "NATIONAL_ID", "IP": "IP_ADDRESS",
            "URL": "URL"}


def name_variant(r: random.Random, name: str) -> str:
    """Return ``name`` as written, lower-cased, in capitals or without diacritics (seeded)."""
    return r.choice([name, name.lower(), name.upper(), fold(name), fold(name).lower()])


def _person(r: random.Random, names: dict[str, list[str]], lang: str) -> str:
    """A held-out name: foreign ones in Polish messages, Polish ones in English messages (and some of each)."""
    foreign = ["de", "cs", "sk", "uk", "lt", "gb"]
    if lang == "pl":
        src = r.choice(foreign + ["en"])
    else:
        src = r.choice(["pl", "pl", "pl", *foreign])
    if src == "pl":
        female = r.random() < 0.5
        first = r.choice(names["pl_first_f" if female else "pl_first_m"])
        last = r.choice(names["pl_last"])
        from guardrails.pii.lexicon import feminine_surname

        last = feminine_surname(last) if female else last
    else:
        first, last = r.choice(names[f"{src}_first"]), r.choice(names[f"{src}_last"])
    return f"{first} {last}"


def render(template: str, lang: str, v: Values, iv: IntlValues, names: dict[str, list[str]],
           name_case: bool) -> Builder:
    """Fill ``template`` (the placeholders of :mod:`evals.pii_generate` plus this module's) and record spans."""
    r = iv.r
    b = Builder()
    for piece in re.split(r"(\{[A-Z_]+\})", template):
        if not piece:
            continue
        key = piece[1:-1] if piece.startswith("{") else None
        if key is None:
            b.lit(piece)
        elif key == "PERSON":
            person = _person(r, names, lang)
            b.pii("PERSON", name_variant(r, person) if name_case else person)
        elif key == "SKU":
            code, known = v.sku()
            b.prod("sku", code, known)
        elif key == "SPEC":
            b.prod("spec", r.choice(SPECS))
        elif key == "QTY":
            b.prod("quantity", r.choice(QUANTITIES))
        elif key == "ORDER":
            b.prod("order_number", order_no(r))
        else:
            b.pii(LABEL_OF[key], iv.value(key))
    return b


def _lower_record(b: Builder) -> Builder:
    """The same message typed all in lower case (spans and product tokens keep their offsets)."""
    out = Builder()
    out.parts = [b.text.lower()]
    out.pos = len(out.parts[0])
    out.spans = [dict(s, value=s["value"].lower()) for s in b.spans]
    out.products = [dict(p, value=p["value"].lower()) for p in b.products]
    return out


def generate(held: dict[str, list[str]], cat: tuple[list[str], ...], n: int = 150, n_fresh: int = 60,
             seed: int = SEED) -> list[dict]:
    """Return the records of the ``names``, ``names_fresh``, ``intl`` and ``intl_fresh`` splits."""
    r = random.Random(seed)
    v = Values(r, held, cat)
    iv = IntlValues(r)
    records = []
    for split, count, templates, name_case in (("names", n, NAME_TEMPLATES, True),
                                               ("names_fresh", n_fresh, NAME_FRESH, True),
                                               ("intl", n, INTL_TEMPLATES, False),
                                               ("intl_fresh", n_fresh, INTL_FRESH, False)):
        for i in range(count):
            lang = "pl" if r.random() < 0.6 else "en"
            b = render(r.choice(templates[lang]), lang, v, iv, held, name_case)
            if name_case and r.random() < 0.15:
                b = _lower_record(b)
            records.append({"id": f"{split}-{i:04d}", "split": split, "lang": lang, "text": b.text,
                            "spans": b.spans, "product_tokens": b.products})
    return records
