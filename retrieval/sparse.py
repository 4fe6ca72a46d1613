"""Sparse BM25-style vectors: our tokenizer, Qdrant's BM25 term weighting, IDF applied by the engine.

Weights come from ``qdrant_edge.Bm25`` (Qdrant's own, maintained BM25 embedder, the same code the Qdrant server
runs for its BM25 inference): documents get saturated term frequencies ``tf·(k+1)/(tf + k·(1-b+b·len/avg_len))``,
queries get 1.0 per unique term, and the collection's sparse vector uses ``Modifier.IDF`` so the engine multiplies
in the inverse document frequency at query time (IDF stays correct as the catalogue changes). We feed it our
tokens joined by spaces with its whitespace tokenizer, so product codes survive; it adds lower-casing, English
stemming ("sinks" → "sink") and stopwords. Term ids are hashes, so no vocabulary needs storing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from retrieval.text import normalise, tokenize

TERMS_CACHE = 8192
"""Product texts and query words whose term ids an encoder remembers (a few MB)."""
BM25_K = 1.2
BM25_B = 0.75
BM25_AVG_LEN = 40.0
"""Typical token count of a product's sparse text (codes and their parts included)."""
BIGRAMS = True
"""Add word-pair terms ("bar stool" → ``bar_stool``) from the product name and the query (see ``bigrams``)."""
MORPHOLOGY = "pl1"
"""Polish lemmas added next to the surface tokens of products and queries (``retrieval.morphology``); "" turns it
off. The value is part of the encoder fingerprint, so changing it re-indexes the catalogue."""

_WORD = re.compile(r"[a-z0-9]+(?:[./][0-9]+)?")
_STOPWORDS = frozenset({"a", "an", "and", "the", "with", "for", "of", "in", "on", "to", "by", "or", "from", "at",
                        "w", "z", "i", "do", "na", "oraz", "dla"})


@dataclass(frozen=True)
class Sparse:
    """A sparse vector: term ids and weights."""

    indices: list[int]
    values: list[float]


class SparseEncoder:
    """Turns product and query text into BM25 sparse vectors (see the module docstring)."""

    def __init__(self, k: float = BM25_K, b: float = BM25_B, avg_len: float = BM25_AVG_LEN,
                 bigrams: bool = BIGRAMS, morphology: str = MORPHOLOGY) -> None:
        from qdrant_edge import Bm25, Bm25Config, TokenizerType

        self._bm25 = Bm25(Bm25Config(k=k, b=b, avg_len=avg_len, tokenizer=TokenizerType.Whitespace,
                                     language="english"))
        self.bigrams = bigrams
        self.morphology = morphology
        self.fingerprint = f"bm25 k={k} b={b} len={avg_len} pairs={bigrams}" + (
            f" morph={morphology}" if morphology else "")
        """The settings that shape document vectors (part of the content hash)."""
        # premises ask which query words a hit holds, for the same products and words again and again: both
        # answers are pure functions of the text, remembered (a search spent 11 ms of 40 re-analysing its hits)
        self._document_terms_cached = lru_cache(maxsize=TERMS_CACHE)(self._document_terms)
        self._word_ids_cached = lru_cache(maxsize=TERMS_CACHE)(self._word_ids)

    def tokens(self, text: str) -> list[str]:
        """Return the word tokens of ``text`` (``retrieval.text.tokenize``) plus, with morphology on, the folded
        Polish lemmas of its words ("opraw hermetycznych" adds ``oprawa``, ``hermetyczny``)."""
        tokens = tokenize(text)
        if self.morphology:
            from retrieval.morphology import lemma_words

            tokens += [t for word in lemma_words(text) for t in tokenize(word)]
        return tokens

    def pairs(self, text: str) -> list[str]:
        """Return the word pairs of ``text`` (see ``bigrams``), with morphology on also those of its lemmas."""
        out = bigrams(text)
        if self.morphology:
            from retrieval.morphology import lemmatised

            seen = set(out)
            out += [p for p in bigrams(lemmatised(text)) if p not in seen]
        return out

    def encode_document(self, text: str, phrase_text: str | None = None) -> Sparse:
        """Return the document vector of ``text`` (BM25 tf weights; IDF is applied by the engine), plus the
        word pairs of ``phrase_text`` (the product name) when bigrams are on."""
        tokens = self.tokens(text)
        if self.bigrams and phrase_text:
            tokens += self.pairs(phrase_text)
        vec = self._bm25.embed_document(" ".join(tokens))
        return Sparse(list(vec.indices), list(vec.values))

    def document_terms(self, text: str) -> frozenset[int]:
        """Return the term ids of a product text (its document vector's indices), remembered."""
        return self._document_terms_cached(text)

    def _document_terms(self, text: str) -> frozenset[int]:
        return frozenset(self.encode_document(text).indices)

    def encode_documents(self, texts: list[str], phrase_texts: list[str] | None = None) -> list[Sparse]:
        """Return the document vectors of ``texts`` (``phrase_texts``: the names, for word pairs)."""
        phrases: list[str | None] = list(phrase_texts) if phrase_texts else [None] * len(texts)
        return [self.encode_document(t, ph) for t, ph in zip(texts, phrases, strict=True)]

    def encode_query(self, text: str) -> Sparse:
        """Return the query vector of ``text`` (1.0 per unique term, word pairs included)."""
        tokens = self.tokens(text)
        if self.bigrams:
            tokens += self.pairs(text)
        vec = self._bm25.embed_query(" ".join(tokens))
        return Sparse(list(vec.indices), list(vec.values))

    def word_terms(self, text: str) -> list[Sparse]:
        """Return one single-term query vector per word term of ``text`` (lemmas included, no word pairs), to
        probe how many products contain each word."""
        ids = dict.fromkeys(self._bm25.embed_query(" ".join(self.tokens(text))).indices)
        return [Sparse([int(i)], [1.0]) for i in ids]

    def term_ids(self, token: str) -> set[int]:
        """Return the term ids one token maps to (empty for a stopword)."""
        return set(self._bm25.embed_query(token).indices)

    def word_ids(self, word: str) -> tuple[set[int], set[int]]:
        """Return the term ids of one query word as typed and of its Polish lemma (see ``_word_ids``; remembered:
        treat the sets as read-only)."""
        return self._word_ids_cached(word)

    def _word_ids(self, word: str) -> tuple[set[int], set[int]]:
        """Return the term ids of one query word as typed (its first token: a code stays whole) and of its
        Polish lemma (empty without one): a product holding either contains the word, inflection aside."""
        tokens = tokenize(word)
        surface = self.term_ids(tokens[0]) if tokens else set()
        lemma_ids: set[int] = set()
        if self.morphology:
            from retrieval.morphology import lemma_words

            lemmas = [t for w in lemma_words(word) for t in tokenize(w)]
            lemma_ids = self.term_ids(lemmas[0]) if lemmas else set()
        return surface, lemma_ids


def bigrams(text: str) -> list[str]:
    """Return adjacent word pairs of ``text`` as single terms, stopwords skipped ("bar stools with backrest" →
    ``bar_stool``, ``stool_backrest``). A pair is a phrase match: BM25 then ranks products whose name contains
    the query's two-word product type ("bar stool", "wall decor", "wyłącznik nadprądowy") above products that
    merely contain both words somewhere. Both words are stemmed (Snowball, English), so plurals meet."""
    words = [w for w in _WORD.findall(normalise(text)) if w not in _STOPWORDS]
    stems = [_stem(w) for w in words]
    return [f"{a}_{b}" for a, b in pairwise(stems)]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer().stem(word) if word.isalpha() else word


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")
