"""Sparse BM25-style vectors: our tokenizer, Qdrant's BM25 term weighting, IDF applied by the engine.

Weights come from ``qdrant_edge.Bm25`` (Qdrant's own, maintained BM25 embedder, the same code the Qdrant server
runs for its BM25 inference): documents get saturated term frequencies ``tf·(k+1)/(tf + k·(1-b+b·len/avg_len))``,
queries get 1.0 per unique term, and the collection's sparse vector uses ``Modifier.IDF`` so the engine multiplies
in the inverse document frequency at query time (IDF stays correct as the catalogue changes). We feed it our
tokens joined by spaces with its whitespace tokenizer, so product codes survive; it adds lower-casing, English
stemming ("sinks" → "sink") and stopwords. Term ids are hashes, so no vocabulary needs storing.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.text import tokenize

BM25_K = 1.2
BM25_B = 0.75
BM25_AVG_LEN = 40.0
"""Typical token count of a product's sparse text (codes and their parts included)."""


@dataclass(frozen=True)
class Sparse:
    """A sparse vector: term ids and weights."""

    indices: list[int]
    values: list[float]


class SparseEncoder:
    """Turns product and query text into BM25 sparse vectors (see the module docstring)."""

    def __init__(self, k: float = BM25_K, b: float = BM25_B, avg_len: float = BM25_AVG_LEN) -> None:
        from qdrant_edge import Bm25, Bm25Config, TokenizerType

        self._bm25 = Bm25(Bm25Config(k=k, b=b, avg_len=avg_len, tokenizer=TokenizerType.Whitespace,
                                     language="english"))

    def encode_document(self, text: str) -> Sparse:
        """Return the document vector of ``text`` (BM25 tf weights; IDF is applied by the engine)."""
        vec = self._bm25.embed_document(" ".join(tokenize(text)))
        return Sparse(list(vec.indices), list(vec.values))

    def encode_documents(self, texts: list[str]) -> list[Sparse]:
        """Return the document vectors of ``texts``."""
        return [self.encode_document(t) for t in texts]

    def encode_query(self, text: str) -> Sparse:
        """Return the query vector of ``text`` (1.0 per unique term)."""
        vec = self._bm25.embed_query(" ".join(tokenize(text)))
        return Sparse(list(vec.indices), list(vec.values))

    def term_ids(self, token: str) -> set[int]:
        """Return the term ids one token maps to (empty for a stopword)."""
        return set(self._bm25.embed_query(token).indices)
