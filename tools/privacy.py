"""The customer's privacy choices in chat: "no profiling" records the company's objection to profiling."""

from __future__ import annotations

from guardrails.consent import record_profiling_choice
from tools.context import RunContext
from tools.models import ProfilingChoice


def object_to_profiling(ctx: RunContext) -> ProfilingChoice:
    """Record that the customer's company objects to profiling: from now on recommendations use no purchase
    history or behaviour, only the catalogue, the conversation and overall popularity. Call it only when the
    customer asks to stop profiling or opts out ("no profiling"); it cannot be undone here (the account settings
    can).
    """
    # written at once in its own transaction; the recommender reads the flag from the company it is given, and
    # the portal's chat service also clears the loaded model's personal rows before it returns the answer
    with ctx.writing() as w:
        changed = record_profiling_choice(w, ctx.company, opt_out=True, actor=f"contact:{ctx.contact_id}",
                                          via="chat", commit=False)
    return ProfilingChoice(opted_out=True, already=not changed,
                           note="recorded" if changed else "the company had already objected to profiling")
