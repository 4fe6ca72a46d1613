"""Helpers of the store tests (imported by ``conftest.py`` and the test modules)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

DEMO_TODAY = date(2026, 11, 27)
DEMO_SEED = 42


def fingerprint(engine: Engine) -> dict[str, str]:
    """Return a SHA-256 per table of the demo content, by natural keys (ids left out)."""
    queries = {
        "product": "select sku, ean, name, description, category, brand, unit_price, unit, stock, attributes, active, "
                   "created_at from product where source='demo' order by sku",
        "relation": "select p.sku, r.sku, kind from productrelation x join product p on p.id=x.product_id "
                    "join product r on r.id=x.related_product_id order by 1, 2",
        "company": "select external_id, name, industry, size_band, region, funnel_stage, marketing_consent, "
                   "behaviour_legal_basis, profiling_opt_out, nip, consent_recorded_at from company "
                   "where source='demo' order by external_id",
        "contact": "select c.external_id, k.full_name, k.email, k.phone, k.role from contact k join company c "
                   "on c.id=k.company_id where c.source='demo' order by 1, 2, 3",
        "order": "select o.external_id, c.external_id, o.ordered_at from orders o join company c on c.id=o.company_id "
                 "where o.source='demo' order by 1",
        "line": "select o.external_id, p.sku, l.quantity, l.unit_price from orderline l join orders o "
                "on o.id=l.order_id join product p on p.id=l.product_id where o.source='demo' order by 1, 2",
        "event": "select e.session_id, e.type, c.external_id, p.sku, e.query, e.occurred_at, e.legal_basis "
                 "from event e left join company c on c.id=e.company_id left join product p on p.id=e.product_id "
                 "where e.session_id like 'demo-%' order by e.session_id, e.occurred_at, e.type, p.sku",
    }
    out = {}
    with engine.connect() as conn:
        for name, sql in queries.items():
            digest = hashlib.sha256()
            for row in conn.execute(text(sql)):
                digest.update(json.dumps([str(v) for v in row]).encode())
            out[name] = digest.hexdigest()
    return out


def write_lines(path: Path, lines: list[str]) -> Path:
    """Write text lines (newline-terminated) to ``path`` and return it."""
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def shared_data_path(*parts: str) -> Path:
    """``tests/conftest.py``'s ``shared_data_path`` (path under ../shared/data, or skip with a clear reason).

    Loaded by file path: inside ``tests/store`` the module name ``conftest`` means this folder's conftest.
    """
    import importlib.util
    import sys

    name = "salesagent_tests_root_conftest"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module.shared_data_path(*parts)  # type: ignore[no-any-return]
