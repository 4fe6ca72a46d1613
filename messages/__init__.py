"""The words of the product: one message catalogue per language (``en.toml``, ``pl.toml``), rendered at the edge.

Replies, premises and labels are Jinja2 templates keyed by name; code passes data (a premise's ``kind`` and
``data``, a reply's values) and gets a sentence in the customer's language. Numbers, prices and plurals come
from Babel (CLDR): ``22,85 zł`` in Polish, ``22.85 PLN`` in English, "1 firma / 2 firmy / 5 firm". Adding a
language is one more ``<lang>.toml`` with the same keys (a test checks every key is in every catalogue).

Imports nothing of the project: every floor may render words.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, StrictUndefined, Template, UndefinedError

Lang = Literal["pl", "en"]
LANGUAGES: tuple[Lang, ...] = ("en", "pl")
LOCALES: dict[str, str] = {"en": "en_GB", "pl": "pl_PL"}
HERE = Path(__file__).resolve().parent


@cache
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """Return the message catalogue of a language (sections -> key -> template text)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no message catalogue for language {lang!r}; there are {', '.join(LANGUAGES)}")
    with (HERE / f"{lang}.toml").open("rb") as f:
        return tomllib.load(f)


def plural_form(n: float, lang: str) -> str:
    """Return the CLDR plural category of ``n`` in ``lang`` ("one", "few", "many", "other")."""
    return str(Locale.parse(LOCALES[lang]).plural_form(abs(n)))


MONEY_FORMATS: dict[str, str | None] = {"en": "#,##0.00\u00a0¤¤", "pl": None}
"""English shows the ISO code after the amount (``22.85 PLN``, as B2B invoices do); Polish the locale's own
(``22,85 zł``)."""


def money(amount: Decimal | float | str, currency: str, lang: str) -> str:
    """Return a price the way the customer's locale writes it: ``22,85 zł`` (pl), ``22.85 PLN`` (en)."""
    return str(format_currency(Decimal(str(amount)), currency, format=MONEY_FORMATS.get(lang), locale=LOCALES[lang]))


def number(value: Decimal | float, lang: str, *, digits: int = 2) -> str:
    """Return a number in the locale's format with at most ``digits`` decimals."""
    return str(format_decimal(value, format=f"#,##0.{'#' * digits}" if digits else "#,##0", locale=LOCALES[lang]))


@cache
def _environment(lang: str) -> Environment:
    env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    labels = catalogue(lang).get("attribute", {})

    def _plural(n: float, one: str, few: str, many: str | None = None) -> str:
        form = plural_form(n, lang)
        if form == "one":
            return one
        if lang == "pl":
            return few if form == "few" else (many or few)
        return few  # English: "other"

    def _attributes(values: Any) -> str:
        """A spec as ``label value, label value`` with the labels in the customer's language."""
        pairs = values.items() if isinstance(values, dict) else values
        return ", ".join(f"{labels.get(str(k), str(k))} {v}".strip() for k, v in pairs)

    env.filters["plural"] = _plural
    env.filters["money"] = lambda amount, currency="PLN": money(amount, currency, lang)
    env.filters["num"] = lambda value, digits=2: number(value, lang, digits=digits)
    env.filters["attributes"] = _attributes
    env.filters["industry"] = lambda code: label("industry", str(code).replace(" ", "_"), lang)
    env.filters["size_band"] = lambda band: label("size_band", str(band), lang)
    return env


@cache
def _template(lang: str, section: str, key: str) -> Template:
    try:
        text = catalogue(lang)[section][key]
    except KeyError:
        raise KeyError(f"no message {section}.{key} in the {lang} catalogue") from None
    return _environment(lang).from_string(text)


def has(section: str, key: str, lang: str = "en") -> bool:
    """True when the catalogue of ``lang`` has ``section.key``."""
    return key in catalogue(lang).get(section, {})


def render(section: str, key: str, lang: str, **values: Any) -> str:
    """Return the message ``section.key`` in ``lang`` filled with ``values`` (a missing value is an error)."""
    return _template(lang, section, key).render(**values).strip()


def reply(key: str, lang: str, **values: Any) -> str:
    """Return a reply template of the assistant."""
    return render("reply", key, lang, **values)


def premise_text(kind: str, data: dict[str, Any], lang: str, *, strict: bool = True) -> str | None:
    """Return a premise in a buyer's words from its kind and data, or None for a kind the catalogue does not
    know (the caller then shows nothing rather than an internal string). ``strict=False``: also None when the
    data lacks a value the template needs (a premise stored by an older version), instead of an error."""
    if not has("premise", kind, lang):
        return None
    try:
        return render("premise", kind, lang, **data)
    except UndefinedError:
        if strict:
            raise
        return None


def label(section: str, key: str, lang: str) -> str:
    """Return a label (an attribute, industry or size band) in ``lang``, or the key when none is given."""
    return catalogue(lang).get(section, {}).get(key, key.replace("_", " "))


def warm() -> None:
    """Load what the first reply of a process would otherwise wait for: each language's CLDR locale data (the
    first price formatted cost 31 ms in Polish, 11 ms in English) and every template compiled."""
    for lang in LANGUAGES:
        money(Decimal("1.5"), "PLN", lang)
        plural_form(2, lang)
        for section, entries in catalogue(lang).items():
            if section in ("reply", "premise", "decision"):
                for key in entries:
                    _template(lang, section, key)
