"""The home page's words: every key in both languages, a value proposition per persona that speaks of what
the role cares about, and a persona's own section titles with the default ones as fallback."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from messages import LANGUAGES
from personalisation import SECTIONS, page_text, section_subtitle, section_title, value_proposition
from personalisation.wording import catalogue

PERSONAS = ("purchasing", "engineer", "manager", "default")


def _keys(table: dict[str, object], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for k, v in table.items():
        out |= _keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}"}
    return out


def test_every_key_is_in_every_catalogue() -> None:
    keys = {lang: _keys(catalogue(lang)) for lang in LANGUAGES}
    assert keys["en"] == keys["pl"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_persona_and_section_has_words(lang: str) -> None:
    for persona in PERSONAS:
        assert value_proposition(persona, lang)  # type: ignore[arg-type]
        for section in SECTIONS:
            assert section_title(persona, section, lang) and section_subtitle(persona, section, lang)  # type: ignore[arg-type]


@pytest.mark.parametrize(("persona", "lang", "words"), [
    ("purchasing", "en", ("price", "terms", "availability")),
    ("engineer", "en", ("specification", "standard")),
    ("manager", "en", ("time", "total cost")),
    ("purchasing", "pl", ("ceny", "warunki", "dostępność")),
    ("engineer", "pl", ("specyfikacji", "norm")),
    ("manager", "pl", ("czas", "całkowity koszt")),
])
def test_the_value_proposition_speaks_of_what_the_role_cares_about(persona: str, lang: str,
                                                                   words: tuple[str, ...]) -> None:
    line = value_proposition(persona, lang).lower()  # type: ignore[arg-type]
    assert all(w in line for w in words), line


def test_a_persona_reads_its_own_title_or_the_default_one() -> None:
    assert section_title("purchasing", "reorder", "en") != section_title("default", "reorder", "en")
    assert section_title("engineer", "reorder", "en") == section_title("default", "reorder", "en")
    assert section_title("purchasing", "reorder", "pl") == "Zamów ponownie w swoich cenach"


def test_page_texts_fill_their_values() -> None:
    assert page_text("reorder_premise", "en", orders=3, last="2026-10-01") == "in 3 of your orders, last on 2026-10-01"
    with pytest.raises(UndefinedError):  # a missing value is an error, never an empty hole in the sentence
        page_text("reorder_premise", "en", orders=3)
