"""Evidence (data) -> premises (readable sentences with numbers). No bare similarity vectors."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ranking.models import Explanation, Premise

OPT_OUT_TEXT = ("Not personalised: your company opted out of profiling, so this is based only on the product "
                "context and overall popularity.")
DESCRIBED_FLOOR = 0.2
"""Below this cosine all-MiniLM-L6-v2 texts are unrelated (0-0.15), so "matches what you described" is not said."""


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def premises_for(explanations: Mapping[str, Explanation], name: Callable[[int], str], *,
                 personal: bool = True) -> list[Premise]:
    """Return one premise per contributing source, strongest evidence first."""
    out: list[Premise] = []
    for src, ex in explanations.items():
        e = ex.evidence
        if src == "buy_again" and e.get("times"):
            text = f"bought by you {e['times']} times, last {e['days_since_last']} days ago"
            if e.get("typical_interval_days"):
                text += f"; you usually reorder every {e['typical_interval_days']} days"
                if e.get("due"):
                    text += ", so it is due"
            out.append(Premise(kind="buy_again", text=text, data=e))
        elif src == "bought_together" and e.get("together"):
            out.append(Premise(kind="bought_together", data=e, text=(
                f"added to the same order as {name(e['anchor'])} in {e['together']} of "
                f"{e['orders_with_anchor']} orders (lift {e['lift']:.1f})")))
        elif src == "co_purchase" and e.get("contributions"):
            anchor = e["contributions"][0][0]
            out.append(Premise(kind="co_purchase", data=e, text=(
                f"often bought by customers who also bought {name(anchor)}, which you ordered")))
        elif src == "als" and e.get("contributions"):
            anchors = ", ".join(name(i) for i, _ in e["contributions"][:2])
            out.append(Premise(kind="als", data=e, text=f"matches your purchase pattern (driven by {anchors})"))
        elif src == "popularity":
            if e.get("segment"):
                ind, size = (str(v).replace("_", " ") for v in e["segment"])  # "electrical_installer"
                out.append(Premise(kind="segment_popularity", data=e, text=(
                    f"popular with {ind} customers of your size ({size}): bought by {e['buyers']} of "
                    f"{e['segment_customers']} of them")))
            else:
                out.append(Premise(kind="popularity", data=e, text=(
                    f"popular overall: bought by {e['buyers']} customers, recent orders weigh more")))
        elif src in ("content", "exploration") and "anchor" in e:
            verb = "bought" if e.get("anchor_bought") else "viewed"
            lead = "new for you: " if src == "exploration" else ""
            out.append(Premise(kind=src, data=e, text=(
                f"{lead}similar to {name(e['anchor'])} you {verb} (similarity {_pct(e['similarity'])})")))
        elif src == "context" and "anchor" in e:
            out.append(Premise(kind="context", data=e, text=(
                f"similar to {name(e['anchor'])} you are looking at (similarity {_pct(e['similarity'])})")))
        elif src == "query" and e.get("similarity", 1.0) >= DESCRIBED_FLOOR:
            text = f"matches what you described: \"{e.get('text', '')}\""
            if "similarity" in e:
                text += f" (similarity {_pct(e['similarity'])})"
            out.append(Premise(kind="query", data=e, text=text))
    if not personal:
        out.insert(0, Premise(kind="not_personalised", text=OPT_OUT_TEXT, data={"profiling_opt_out": True}))
    return out


def similar_premise(anchor_sku: str, anchor_name: str, similarity: float, *, by_content: bool) -> Premise:
    """Return the premise of a "similar product": close in content (description and attributes) or bought by
    the same kind of customers (ALS item factors)."""
    if by_content:
        text = f"similar to {anchor_name} in description and attributes (similarity {_pct(similarity)})"
    else:
        text = f"bought by the same kind of customers as {anchor_name} (similarity {_pct(similarity)})"
    return Premise(kind="similar_content" if by_content else "similar_als", text=text,
                   data={"anchor": anchor_sku, "similarity": float(similarity)})

