"""Pydantic shapes that cross the retrieval boundary: documents in, filters in, hits and reports out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

SearchMode = Literal["hybrid", "dense", "sparse"]


class ProductDoc(BaseModel):
    """One catalogue product as retrieval sees it (built from a ``store.models.Product`` row or a CSV line)."""

    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    ean: str | None = None
    description: str = ""
    category: str = ""
    """Category path, levels joined by ' > '."""
    brand: str | None = None
    price: Decimal | None = None
    currency: str = "PLN"
    stock: int | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


class AttributeFilter(BaseModel):
    """Equality or range on one product attribute (``eq``, or ``gte``/``lte``; numbers compare numerically)."""

    eq: str | float | int | bool | None = None
    gte: float | None = None
    lte: float | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> AttributeFilter:
        if self.eq is None and self.gte is None and self.lte is None:
            raise ValueError("an attribute filter needs eq, gte or lte")
        if self.eq is not None and (self.gte is not None or self.lte is not None):
            raise ValueError("an attribute filter takes eq or a range (gte/lte), not both")
        return self


class CatalogFilters(BaseModel):
    """Hard filters applied inside the vector engine, before ranking."""

    category: str | None = None
    """Category path prefix: 'Protection' matches 'Protection > MCB' and everything below it."""
    brand: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    in_stock: bool | None = None
    """True: stock > 0 only. False: out-of-stock only. None: both."""
    attributes: dict[str, AttributeFilter] = Field(default_factory=dict)


class SearchPremise(BaseModel):
    """One reason a hit matched, as data (``kind`` + ``data``) with its English sentence in ``text`` (what a
    model reads); the customer's words are rendered from the data at the edge.

    - ``exact``: ``{"identifier": "SKU" | "EAN", "code": str}``: the query holds the product's code;
    - ``matches``: ``{"attributes": [{"key", "label", "value"}], "terms": [word, ...]}``: specifications the
      query names and its words the product text contains;
    - ``similarity``: ``{"similarity": cosine}``: close in meaning, with nothing else matched (or clearly so).
    """

    kind: Literal["exact", "matches", "similarity"]
    text: str
    data: dict[str, Any] = Field(default_factory=dict)


class SearchHit(BaseModel):
    """One search result with the reasons it matched."""

    sku: str
    name: str
    category: str = ""
    brand: str | None = None
    price: Decimal | None = None
    currency: str = "PLN"
    stock: int | None = None
    score: float
    premises: list[SearchPremise] = Field(default_factory=list)


class SearchResult(BaseModel):
    """The hits of one query and the "no match" call: ``no_match`` is True when the best hit most likely is not
    the product type asked for, so an answer should say the shop does not carry it rather than list the hits.

    ``no_match_probability`` is the calibrated P(not carried) (``retrieval.nomatch``; None when no model is
    loaded, and then ``no_match`` is only True for an empty list); ``unknown_words`` are the query's content words
    that no product contains at all ("powerwall"), which an answer can name. An exact SKU/EAN match is never "no
    match". ``reranked`` says whether the learned reranker ordered the hits."""

    query: str
    hits: list[SearchHit] = Field(default_factory=list)
    no_match: bool = False
    no_match_probability: float | None = None
    unknown_words: list[str] = Field(default_factory=list)
    reranked: bool = False


class IngestReport(BaseModel):
    """What one ingestion run changed."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def written(self) -> int:
        """Products embedded and written in this run."""
        return self.added + self.updated

    def summary(self) -> str:
        """One line for the CLI."""
        return (f"{self.added} added, {self.updated} updated, {self.deleted} deleted, "
                f"{self.unchanged} unchanged in {self.seconds:.1f} s")


def as_payload_scalar(value: Any) -> Any:
    """Return a JSON-safe scalar for a payload (Decimal → float)."""
    if isinstance(value, Decimal):
        return float(value)
    return value
