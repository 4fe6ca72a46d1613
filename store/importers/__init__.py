"""Importers into the store schema: idempotent (upsert by key), bad rows counted by reason, one transaction.

- :func:`import_online_retail` — the UCI Online Retail invoice-line CSV (``.gz`` accepted).
- :func:`import_catalog` — a generic catalogue CSV/JSONL with a documented column mapping.
"""

from __future__ import annotations

from store.importers._common import ImportReport, Progress
from store.importers.catalog import FIELDS as CATALOG_FIELDS
from store.importers.catalog import import_catalog, parse_mapping
from store.importers.online_retail import import_online_retail

__all__ = ["CATALOG_FIELDS", "ImportReport", "Progress", "import_catalog", "import_online_retail", "parse_mapping"]
