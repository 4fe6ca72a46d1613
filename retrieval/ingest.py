"""Products → LlamaIndex nodes: rows of the store (or CSV lines) become ``ProductDoc``s, then ``TextNode``s.

The node text is what the dense model reads (name, brand, category, attributes, description); the node metadata
is the Qdrant payload the filters, identifier look-ups and premises use.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from retrieval.models import ProductDoc, as_payload_scalar
from retrieval.text import DenseFields, category_levels, content_hash, dense_text, normalise, numeric_value

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode

_ID_NAMESPACE = uuid.UUID("6f1c4f2e-8a0d-4a43-9d3c-2b7f6f0b5a11")


def point_id(sku: str) -> str:
    """Return the stable point id of a SKU (UUIDv5, so re-ingesting overwrites instead of duplicating)."""
    return str(uuid.uuid5(_ID_NAMESPACE, sku))


def doc_from_product(product: Any) -> ProductDoc:
    """Return the ``ProductDoc`` of a ``store.models.Product`` row."""
    return ProductDoc(
        sku=product.sku, name=product.name, ean=product.ean, description=product.description or "",
        category=product.category or "", brand=product.brand, price=product.unit_price,
        currency=product.currency or "PLN", stock=product.stock, attributes=dict(product.attributes or {}),
    )


def docs_from_store(session: Any) -> list[ProductDoc]:
    """Return a ``ProductDoc`` for every active product in the store."""
    from store.catalog import products

    return [doc_from_product(p) for p in products(session, active_only=True)]


def embed_store_catalogue(session: Any, embedder: Any, fields: DenseFields = "full") -> dict[str, Any]:
    """Return ``{sku: vector}`` for every active product, embedding the same text the index stores, without
    opening the index: for a retrain while a running portal holds the embedded index."""
    docs = docs_from_store(session)
    vectors = embedder.encode([dense_text(d, fields) for d in docs])
    return {d.sku: v for d, v in zip(docs, vectors, strict=True)}


def payload_of(doc: ProductDoc, encoders: str = "") -> dict[str, Any]:
    """Return the Qdrant payload of a product (filters, look-ups, hits and premises read it); ``encoders`` goes
    into the content hash (see ``content_hash``)."""
    attrs = {k: as_payload_scalar(v) for k, v in doc.attributes.items() if v is not None}
    return {
        "sku": doc.sku,
        "sku_key": doc.sku.strip().upper(),
        "ean": (doc.ean or "").strip() or None,
        "name": doc.name,
        "category": doc.category,
        "category_levels": category_levels(doc.category),
        "brand": doc.brand,
        "brand_key": normalise(doc.brand).strip() if doc.brand else None,
        "price": as_payload_scalar(doc.price) if doc.price is not None else None,
        "currency": doc.currency,
        "stock": doc.stock,
        "attributes": attrs,
        "attr_num": {k: n for k, v in attrs.items() if (n := numeric_value(v)) is not None},
        "attr_key": {k: normalise(str(v)).strip() for k, v in attrs.items() if not isinstance(v, list | dict)},
        "content_hash": content_hash(doc, encoders),
    }


def node_of(doc: ProductDoc, encoders: str = "", fields: DenseFields = "full") -> TextNode:
    """Return the LlamaIndex node of a product: text for the embedder, payload as metadata."""
    from llama_index.core.schema import TextNode

    metadata = payload_of(doc, encoders)
    text = dense_text(doc, fields)
    metadata["text"] = text
    keys = list(metadata)
    return TextNode(id_=point_id(doc.sku), text=text, metadata=metadata,
                    excluded_embed_metadata_keys=keys, excluded_llm_metadata_keys=keys)


def parse_price(value: str) -> Decimal | None:
    """Return a price from CSV text ('12.50', '12,50', ''), or None."""
    value = (value or "").strip().replace(" ", "").replace(",", ".")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None
