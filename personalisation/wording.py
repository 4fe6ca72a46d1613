"""The home page's words per persona and language, from this package's own message catalogues
(``personalisation/messages/<lang>.toml``, the same TOML + Jinja2 mechanism as ``messages/``), so the shared
catalogues stay untouched. A persona without its own text for a section reads the default one."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

from messages import LANGUAGES
from personalisation.rules import Persona, SectionId

HERE = Path(__file__).resolve().parent / "messages"


@cache
def catalogue(lang: str) -> dict[str, Any]:
    """Return the home catalogue of a language (nested tables as in the file)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no home catalogue for language {lang!r}; there are {', '.join(LANGUAGES)}")
    with (HERE / f"{lang}.toml").open("rb") as f:
        return tomllib.load(f)


@cache
def _environment() -> Environment:
    return Environment(undefined=StrictUndefined, autoescape=False)


def page_text(key: str, lang: str, **values: Any) -> str:
    """Return a page message (``[page]`` table) filled with ``values``."""
    return _environment().from_string(catalogue(lang)["page"][key]).render(**values).strip()


def value_proposition(persona: Persona, lang: str) -> str:
    """Return the value-proposition line of a persona."""
    values: dict[str, str] = catalogue(lang)["value"]
    return values.get(persona, values["default"])


def _pick(table: str, persona: Persona, section: SectionId, lang: str) -> str:
    groups: dict[str, dict[str, str]] = catalogue(lang)[table]
    return groups.get(persona, {}).get(section) or groups["default"][section]


def section_title(persona: Persona, section: SectionId, lang: str) -> str:
    """Return a section's heading in a persona's words."""
    return _pick("title", persona, section, lang)


def section_subtitle(persona: Persona, section: SectionId, lang: str) -> str:
    """Return a section's one-line explanation in a persona's words."""
    return _pick("subtitle", persona, section, lang)
