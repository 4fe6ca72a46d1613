"""Slots of a customer message, read from whole tokens (never from substrings): product codes, quantities,
percentages, money, currents, poles, curves, IP ratings, cross-sections, lengths.

"SON-CMM-40" is one code token, so it yields no 40 %; "20 000 zł" is money, so neither a code nor a quantity;
"S201-B16 x 20" is a code and a quantity of 20. Near-miss codes ("S2O1-B16", "S201-B61") are matched to the
catalogue by :func:`near_codes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

_TOKEN = re.compile(r"<[A-Z_]+_\d+>|[0-9A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż]+(?:(?:[./+\-]|(?<=\d),(?=\d))"
                    r"[0-9A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż]+)*"
                    r"|\d+(?:[.,]\d+)?|[%×x]|\S")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})+(?=\s*(?:zł|zl|pln|eur|€|złotych|netto|brutto))", re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?$")
_MONEY_UNITS = {"zł", "zl", "pln", "eur", "euro", "€", "złotych", "zlotych", "usd", "$", "tys", "k"}
_QTY_UNITS = {"szt", "sztuk", "sztuki", "sztuka", "pcs", "pc", "pieces", "piece", "units", "unit", "op", "opak",
              "opakowań", "opakowan", "rolek", "rolki", "krążków", "krazkow", "paczek", "boxes", "packs"}
_QTY_LEMMAS = {"sztuka", "opakowanie", "rolka", "paczka", "krążek", "karton", "bęben", "szpula"}
"""Polish unit nouns in any case ("przy 60 sztukach", "z 3 rolkami"): the unit word is matched by its lemma."""
_PERCENT_WORDS = {"%", "proc", "procent", "procent.", "percent", "pct"}
_LENGTH_UNITS = {"m": 1.0, "mb": 1.0, "metr": 1.0, "metrów": 1.0, "metrow": 1.0, "metry": 1.0, "meters": 1.0,
                 "metres": 1.0, "km": 1000.0}

SPEC_SHAPES = [
    ("current_a", re.compile(r"^(\d{1,4}(?:[.,]\d)?)a$", re.IGNORECASE)),
    ("residual_ma", re.compile(r"^(\d{1,4})ma$", re.IGNORECASE)),
    ("breaking_ka", re.compile(r"^(\d{1,3}(?:[.,]\d)?)ka$", re.IGNORECASE)),
    ("poles", re.compile(r"^([1-4])p(?:\+n)?$", re.IGNORECASE)),
    ("curve_current", re.compile(r"^([bcdk])(\d{1,3})$", re.IGNORECASE)),
    ("ip", re.compile(r"^ip(\d{2})$", re.IGNORECASE)),
    ("cross_section", re.compile(r"^(\d{1,2})x(\d{1,3}(?:[.,]\d{1,2})?)(?:mm2|mm²)?$", re.IGNORECASE)),
    ("power_kw", re.compile(r"^(\d{1,4}(?:[.,]\d)?)kw$", re.IGNORECASE)),
    ("power_w", re.compile(r"^(\d{1,5})w$", re.IGNORECASE)),
    ("length_m", re.compile(r"^(\d{1,5})m$", re.IGNORECASE)),
    ("voltage_v", re.compile(r"^(\d{2,4})v(?:ac|dc)?$", re.IGNORECASE)),
    ("modules", re.compile(r"^(\d{1,3})(?:mod|modules?)$", re.IGNORECASE)),
]
"""Token shapes that are specifications, never product codes ("16A", "30mA", "4P", "C32", "IP65", "3x2,5")."""


@dataclass(frozen=True)
class Slots:
    """What a message names, from its tokens."""

    codes: tuple[str, ...] = ()
    """Tokens shaped like product codes (letters and digits, not a specification): checked against the catalogue."""
    quantity: int | None = None
    percent: float | None = None
    money: float | None = None
    """An amount of money ("powyżej 20 000 zł"): a threshold, never a code or a quantity."""
    specs: dict[str, str] = field(default_factory=dict)
    """current_a, residual_ma, breaking_ka, poles, curve, ip, cross_section, length_m, power_kw, ... as written."""
    counts: tuple[tuple[int, str], ...] = ()
    """Numbers followed by a word ("20 sockets", "4 sypialnie"): a project's sizes."""


def tokens(text: str) -> list[str]:
    """Return the message's tokens (codes with their dashes and slashes kept whole, numbers, symbols)."""
    return _TOKEN.findall(text)


def _num(tok: str) -> float | None:
    if _NUMBER.match(tok):
        return float(tok.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    return None


def _spec(tok: str) -> tuple[str, re.Match[str]] | None:
    for name, rx in SPEC_SHAPES:
        m = rx.match(tok)
        if m:
            return name, m
    return None


def _is_quantity_unit(word: str) -> bool:
    """True when a (lower-case) word after a number counts pieces or packs, in any Polish case."""
    if word in _QTY_UNITS:
        return True
    if not word.isalpha():
        return False
    from retrieval.morphology import lemma

    return lemma(word) in _QTY_LEMMAS


def _is_code(tok: str) -> bool:
    return (len(tok) >= 4 and any(c.isdigit() for c in tok) and any(c.isalpha() for c in tok)
            and not tok.startswith("<") and _spec(tok) is None and tok.isascii())


def extract(text: str) -> Slots:
    """Return the slots of a (masked) message."""
    text = _THOUSANDS.sub(lambda m: m.group().replace(" ", "").replace("\u00a0", ""), text)  # "20 000 zł"
    toks = tokens(text)
    low = [t.lower().rstrip(".") for t in toks]
    codes: list[str] = []
    quantity = percent = money = None
    specs: dict[str, str] = {}
    counts: list[tuple[int, str]] = []
    used: set[int] = set()
    for i, tok in enumerate(toks):
        nxt = low[i + 1] if i + 1 < len(toks) else ""
        prev = low[i - 1] if i else ""
        value = _num(tok)
        if value is not None:
            if nxt in _PERCENT_WORDS:
                percent = percent if percent is not None else value
            elif nxt in _MONEY_UNITS or prev in {"€", "$"}:
                money = money if money is not None else value
            elif _is_quantity_unit(nxt) or prev in {"x", "×"} or nxt in {"x", "×"} and i + 2 < len(toks) \
                    and _is_code(toks[i + 2]):
                quantity = quantity if quantity is not None else int(value)
            elif nxt in _LENGTH_UNITS:
                specs.setdefault("length_m", f"{value * _LENGTH_UNITS[nxt]:g}")
            elif nxt in {"a", "ma", "ka", "kw", "w", "v", "mm2", "mm²", "mod", "modułów", "modulow", "modules"}:
                merged = _spec(f"{tok}{nxt}".replace("modułów", "mod").replace("modulow", "mod"))
                if merged:
                    specs.setdefault(merged[0], ",".join(g for g in merged[1].groups() if g))
            elif nxt in {"p", "pole", "poles", "bieguny", "biegunowy", "biegunowe"} and value <= 4:
                specs.setdefault("poles", f"{value:g}")
            elif nxt.isalpha() and value == int(value) and value < 100000:
                counts.append((int(value), nxt))
            used.add(i)
            continue
        m = re.match(r"^(\d{1,6})(?:szt|pcs|x)$", tok, re.IGNORECASE)
        if m:
            quantity = quantity if quantity is not None else int(m.group(1))
            continue
        m = re.match(r"^(\d{1,2}(?:[.,]\d{1,2})?)%$", tok)
        if m:
            percent = percent if percent is not None else float(m.group(1).replace(",", "."))
            continue
        m = re.match(r"^(\d+)-pole$", tok, re.IGNORECASE)
        if m:
            specs.setdefault("poles", m.group(1))
            continue
        shaped = _spec(tok)
        if shaped:
            name, sm = shaped
            if name == "curve_current":
                specs.setdefault("curve", sm.group(1).upper())
                specs.setdefault("current_a", sm.group(2))
            elif name == "cross_section":
                specs.setdefault(name, f"{sm.group(1)}x{sm.group(2)}")
            else:
                specs.setdefault(name, sm.group(1))
            continue
        if tok in {"B", "C", "D"} and (specs or (i + 1 < len(toks) and _spec(toks[i + 1]))
                                       or prev in {"typ", "type", "curve", "krzywa", "charakterystyka", "char"}):
            specs.setdefault("curve", tok)
            continue
        if _is_code(tok):
            codes.append(tok)
    return Slots(codes=tuple(dict.fromkeys(codes)), quantity=quantity, percent=percent, money=money, specs=specs,
                 counts=tuple(counts))


_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


@lru_cache(maxsize=4)
def _code_index(catalogue: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The catalogue's codes upper-cased and with look-alike letters folded, once per catalogue version."""
    upper = [sku.upper() for sku in catalogue]
    return upper, [up.translate(_LOOKALIKE) for up in upper]


def near_codes(code: str, catalogue: Iterable[str], limit: int = 3) -> list[str]:
    """Return the catalogue codes one edit (or a look-alike letter, O for 0) away from ``code``, closest first:
    the "did you mean S201-B16?" of a mistyped code. The edit distance is Damerau-Levenshtein (optimal string
    alignment: a swap of two neighbours is one edit), from rapidfuzz, over the whole catalogue at C speed."""
    skus = tuple(catalogue)
    upper, folded_codes = _code_index(skus)
    want = code.upper()
    folded = want.translate(_LOOKALIKE)
    near = {i: int(d) for _, d, i in process.extract(want, upper, scorer=OSA.distance, score_cutoff=2, limit=None)}
    alike = {i for _, _, i in process.extract(folded, folded_codes, scorer=OSA.distance, score_cutoff=1,
                                              limit=None)}
    found: list[tuple[int, str]] = []
    for i in sorted(near.keys() | alike):
        up = upper[i]
        if up == want or abs(len(up) - len(want)) > 1:
            continue
        if folded_codes[i] == folded:
            found.append((0, skus[i]))
            continue
        dist = near.get(i, 3)
        if dist <= 1 or (dist == 2 and len(want) >= 8 and i in alike):
            found.append((dist, skus[i]))
    best = sorted(found)
    if best and best[0][0] == 0:  # a look-alike letter explains it: that code only
        best = [b for b in best if b[0] == 0]
    return [s for _, s in best[:limit]]
