"""Evidence (data) -> premises: ``kind`` + ``data`` in a buyer's terms (product codes and names, counts), with
``text`` the English rendering of the message catalogue. No score, similarity or lift reaches the words; the
numbers stay in ``data`` for audits and the eval suite."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import messages
from ranking.models import Explanation, Premise

ItemNamer = Callable[[int], tuple[str, str]]
"""An item code -> (SKU, product name) of the catalogue the model was trained on."""

DESCRIBED_FLOOR = 0.2
"""Below this cosine all-MiniLM-L6-v2 texts are unrelated (0-0.15), so "matches what you described" is not said."""


def premise(kind: str, data: dict[str, Any]) -> Premise:
    """Return a premise whose ``text`` is its English sentence from the message catalogue (other languages
    render ``kind`` + ``data`` at the edge)."""
    return Premise(kind=kind, data=data, text=messages.premise_text(kind, data, "en") or kind)


OPT_OUT = premise("not_personalised", {"profiling_opt_out": True})
OPT_OUT_TEXT = OPT_OUT.text


def _anchor(item: ItemNamer, code: int) -> dict[str, str]:
    sku, name = item(code)
    return {"anchor_sku": sku, "anchor_name": name or sku}


def _label(item: ItemNamer, code: int) -> str:
    sku, name = item(code)
    return f"{name} ({sku})" if name else sku


def premises_for(explanations: Mapping[str, Explanation], item: ItemNamer, *,
                 personal: bool = True) -> list[Premise]:
    """Return one premise per contributing source, strongest evidence first."""
    out: list[Premise] = []
    for src, ex in explanations.items():
        e = dict(ex.evidence)
        if src == "buy_again" and e.get("times"):
            out.append(premise("buy_again", e))
        elif src == "bought_together" and e.get("together"):
            out.append(premise("bought_together", e | _anchor(item, int(e["anchor"]))))
        elif src == "co_purchase" and e.get("contributions"):
            out.append(premise("co_purchase", e | _anchor(item, int(e["contributions"][0][0]))))
        elif src == "als" and e.get("contributions"):
            out.append(premise("als", e | {"anchors": [_label(item, int(i)) for i, _ in e["contributions"][:2]]}))
        elif src == "popularity":
            if e.get("segment"):
                industry, size = (str(v) for v in e["segment"])
                out.append(premise("segment_popularity", e | {"industry": industry, "size_band": size}))
            else:
                out.append(premise("popularity", e))
        elif src in ("content", "exploration", "context") and "anchor" in e:
            out.append(premise(src, {"anchor_bought": False} | e | _anchor(item, int(e["anchor"]))))
        elif src == "query" and e.get("similarity", 1.0) >= DESCRIBED_FLOOR:
            out.append(premise("query", {"text": ""} | e))
    if not personal:
        out.insert(0, OPT_OUT.model_copy(deep=True))
    return out


def similar_premise(anchor_sku: str, anchor_name: str, similarity: float, *, by_content: bool) -> Premise:
    """Return the premise of a "similar product": close in content (description and attributes) or bought by
    the same kind of customers (ALS item factors)."""
    return premise("similar_content" if by_content else "similar_als",
                   {"anchor": anchor_sku, "anchor_sku": anchor_sku, "anchor_name": anchor_name or anchor_sku,
                    "similarity": float(similarity)})
