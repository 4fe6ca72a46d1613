"""The words of a follow-up e-mail and its pages, in Polish and English (the company's language), and the
formatting of prices and dates (Babel: ``24,90 zł`` / ``24.90 PLN``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency

LOCALES = {"pl": "pl_PL", "en": "en_GB"}
MONEY_FORMATS: dict[str, str | None] = {"pl": None, "en": "#,##0.00\u00a0¤¤"}

DISCLOSURE = {
    "pl": ("Ten e-mail i dobór produktów przygotował automatycznie asystent AI na podstawie Państwa wizyty w "
           "sklepie i zamówień innych klientów. Mogą Państwo w każdej chwili zrezygnować z profilowania w "
           "ustawieniach konta lub pisząc w czacie „bez profilowania”."),
    "en": ("This e-mail and its choice of products were prepared automatically by an AI sales assistant from your "
           "visit to our shop and other buyers' orders. You can object to profiling at any time in your account "
           "settings or by writing \"no profiling\" in the chat."),
}
"""The AI-disclosure line every follow-up carries (AI Act art. 50)."""

TEXT: dict[str, dict[str, str]] = {
    "pl": {
        "subject": "{name} – i dwa produkty, które klienci dokładają do zamówienia",
        "greeting": "Dzień dobry, {name}!",
        "greeting_anonymous": "Dzień dobry!",
        "intro": "podczas wizyty w naszym sklepie {day} oglądali Państwo:",
        "together": "Inni klienci dodają do tego samego zamówienia:",
        "view": "Zobacz produkt",
        "price": "cena netto",
        "offer_price": "Państwa cena z oferty",
        "in_stock": "dostępne: {stock} {unit}",
        "no_stock": "obecnie na zamówienie",
        "viewed_premise": "oglądany {views} {times} podczas wizyty",
        "together_premise": "dodawany do tego samego zamówienia co {anchor} w {together} z {orders} zamówień",
        "why": "Dlaczego te produkty?",
        "basis_consent": "Otrzymują Państwo tę wiadomość, ponieważ wyrazili Państwo zgodę na informacje handlowe "
                         "drogą elektroniczną.",
        "basis_legitimate_interest": "Otrzymują Państwo tę wiadomość jako nasz klient (prawnie uzasadniony "
                                     "interes administratora).",
        "unsubscribe": "Wypisz się z tych wiadomości",
        "unsubscribe_title": "Wypisanie z wiadomości",
        "unsubscribe_ask": "Czy wypisać adres {address} z wiadomości handlowych e-mail?",
        "unsubscribe_button": "Tak, wypisz mnie",
        "unsubscribed": "Gotowe: adres {address} nie otrzyma od nas więcej wiadomości handlowych e-mail. "
                        "Zgoda została wycofana.",
        "why_title": "Dlaczego te produkty?",
        "why_intro": "Ten e-mail powstał automatycznie, bez udziału modelu językowego, z tych danych:",
        "why_visit": "Państwa wizyta w sklepie {day}: produkt {sku} był oglądany {views} {times}.",
        "why_orders": "Zamówienia wszystkich klientów: {sku} było w {orders} zamówieniach; produkty poniżej "
                      "najczęściej trafiały do tych samych zamówień (co najmniej {min_support}), są dostępne i nie "
                      "kupowali ich Państwo w ostatnich {days} dniach.",
        "why_data": "Imię i adres e-mail są wstawiane dopiero przy wysyłce i nie trafiają do żadnego modelu.",
        "product_title": "Produkt",
        "times_one": "raz", "times_few": "razy", "times_many": "razy",
    },
    "en": {
        "subject": "{name} – and two products buyers add to the same order",
        "greeting": "Hello {name},",
        "greeting_anonymous": "Hello,",
        "intro": "during your visit to our shop on {day} you looked at:",
        "together": "Other buyers add to the same order:",
        "view": "View product",
        "price": "net price",
        "offer_price": "your offer price",
        "in_stock": "in stock: {stock} {unit}",
        "no_stock": "currently to order",
        "viewed_premise": "viewed {views} {times} in your visit",
        "together_premise": "added to the same order as {anchor} in {together} of {orders} orders",
        "why": "Why these products?",
        "basis_consent": "You receive this e-mail because you agreed to receive commercial information by e-mail.",
        "basis_legitimate_interest": "You receive this e-mail as our customer (the shop's legitimate interest).",
        "unsubscribe": "Unsubscribe from these e-mails",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_ask": "Unsubscribe {address} from commercial e-mails?",
        "unsubscribe_button": "Yes, unsubscribe me",
        "unsubscribed": "Done: {address} will get no more commercial e-mails from us. Your consent is withdrawn.",
        "why_title": "Why these products?",
        "why_intro": "This e-mail was put together automatically, without a language model, from these data:",
        "why_visit": "Your visit to our shop on {day}: product {sku} was viewed {views} {times}.",
        "why_orders": "All customers' orders: {sku} was in {orders} orders; the products below were most often in "
                      "the same orders (at least {min_support}), are in stock, and you have not bought them in the "
                      "last {days} days.",
        "why_data": "Your name and e-mail address are filled in only when the e-mail is sent and never reach any "
                    "model.",
        "product_title": "Product",
        "times_one": "time", "times_few": "times", "times_many": "times",
    },
}


def lang_of(language: str | None) -> str:
    """Return ``pl`` or ``en`` (anything else is written to in English)."""
    return "pl" if language == "pl" else "en"


def t(language: str, key: str, **values: object) -> str:
    """Return the text ``key`` in ``language`` with ``values`` filled in."""
    return TEXT[lang_of(language)][key].format(**values)


def times(n: int, language: str) -> str:
    """Return "time(s)" / "raz(y)" for ``n``."""
    lang = lang_of(language)
    if lang == "pl":
        return TEXT["pl"]["times_one"] if n == 1 else TEXT["pl"]["times_few"]
    return TEXT["en"]["times_one"] if n == 1 else TEXT["en"]["times_few"]


def money(amount: Decimal, currency: str, language: str) -> str:
    """Return a price the way the language writes it: ``24,90 zł`` (pl), ``24.90 PLN`` (en)."""
    lang = lang_of(language)
    return str(format_currency(amount, currency, format=MONEY_FORMATS[lang], locale=LOCALES[lang]))


def day(value: date, language: str) -> str:
    """Return a date in words: ``16 listopada 2026`` (pl), ``16 November 2026`` (en)."""
    return str(format_date(value, format="long", locale=LOCALES[lang_of(language)]))
