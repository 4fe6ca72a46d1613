"""The golden conversations: run them through ``agent.run_turn`` on the demo data and score their properties.

Each case (``conversations.jsonl``) names a company by kind (active customer of an industry, or cold start),
(``"fresh_onboarding": true`` forgets what an earlier run's onboarding answer recorded), one or more customer
messages (``{top:<category>}`` is the most ordered SKU of that category; ``{prev_rec}``
the first recommendation of the previous turn; ``{contact_name}``/``{contact_email}``/``{contact_phone}`` the
company's contact) and the properties expected of the last answer. Every turn is also held to the properties
that always apply: no SKU outside the tool results, no unapproved price, no personal data (in the reply, in
the stored messages, in what was sent to the LLM), the disclosure, and the customer's language.

Works with any planner: no LLM (the rule planner), or any OpenAI-compatible endpoint.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session

from agent import AgentAnswer, run_turn
from agent.language import detect_language
from core.errors import ConfigError
from guardrails.approvals import allowed_prices
from guardrails.output_checks import find_prices, find_sku_tokens
from store import approvals, catalog, companies, conversations, orders
from store.models import Company, Contact, Product

CASES = Path(__file__).with_name("conversations.jsonl")
ALWAYS = ("grounded_skus", "no_unapproved_price", "no_personal_data", "disclosure", "language")
EXPECTED = ("category", "accessory_for", "approval", "no_approval", "stock", "no_products", "onboarding", "recommendations",
            "from_tool", "explains", "explains_position", "cheaper_than", "about_position", "categories",
            "all_category", "no_category", "reply_has", "tools_not")
_PLACEHOLDER = re.compile(r"\{(top:[^}]+|prev_rec|contact_name|contact_email|contact_phone)\}")


@dataclass(frozen=True)
class Case:
    """One golden conversation."""

    id: str
    lang: str
    company: dict[str, Any]
    turns: list[str]
    expect: dict[str, Any]


@dataclass
class CaseResult:
    """The properties of one case: name -> passed, plus why the failed ones failed."""

    case_id: str
    properties: dict[str, bool] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    answered_by: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def record(self, name: str, ok: bool, why: str = "") -> None:
        """Record a property; a property checked on several turns passes only if it passes on all."""
        self.properties[name] = self.properties.get(name, True) and ok
        if not ok and name not in self.failures:
            self.failures[name] = why


@dataclass
class GoldenReport:
    """Pass rates per property over all cases."""

    label: str
    results: list[CaseResult]
    llm_requests: int = 0
    """Requests sent to the LLM endpoint (0 for the planner)."""

    def rates(self) -> dict[str, tuple[int, int]]:
        """Return property -> (passed, checked)."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.results:
            for name, ok in r.properties.items():
                out[name][0] += int(ok)
                out[name][1] += 1
        order = [*EXPECTED, *ALWAYS, *sorted(set(out) - set(EXPECTED) - set(ALWAYS))]
        return {k: (out[k][0], out[k][1]) for k in order if k in out}

    def overall(self) -> float:
        """Return the share of all checked properties that passed."""
        passed = sum(p for p, _ in self.rates().values())
        checked = sum(n for _, n in self.rates().values())
        return passed / checked if checked else 0.0

    def llm_share(self) -> float:
        """Return the share of turns the LLM answered (the rest: the rule planner)."""
        turns = [a for r in self.results for a in r.answered_by]
        return sum(a == "llm" for a in turns) / len(turns) if turns else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-able summary."""
        return {"label": self.label, "cases": len(self.results), "overall": round(self.overall(), 4),
                "llm_share": round(self.llm_share(), 4), "llm_requests": self.llm_requests,
                "properties": {k: {"passed": p, "checked": n} for k, (p, n) in self.rates().items()},
                "failures": {r.case_id: r.failures for r in self.results if r.failures}}


def load_cases(path: Path = CASES) -> list[Case]:
    """Return the cases of a JSON Lines file."""
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                cases.append(Case(**json.loads(line)))
            except (TypeError, json.JSONDecodeError) as err:
                raise ConfigError(f"{path}:{n}: not a golden case ({err})") from None
    return cases


class World:
    """Facts the properties are checked against, read from the store (independent of the agent's tools)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.catalog: dict[str, Product] = {p.sku: p for p in catalog.products(session)}
        self._top: dict[str, str] = {}
        self._partners: dict[str, set[str]] = {}
        self._picked: dict[tuple[Any, ...], Company] = {}
        contacts = companies.contacts(session)
        self.people: list[tuple[int, str]] = [
            (c.company_id, v) for c in contacts for v in (c.full_name, c.email, c.phone) if v and len(v) > 5]

    def top_sku(self, category: str) -> str:
        """Return the most ordered active SKU of the categories whose path contains ``category``."""
        if category not in self._top:
            sku = orders.most_ordered_sku(self.session, category_contains=category)
            if sku is None:
                raise ConfigError(f"no ordered product in a category containing {category!r}")
            self._top[category] = sku
        return self._top[category]

    def partners(self, sku: str, min_orders: int = 2) -> set[str]:
        """Return SKUs bought in at least ``min_orders`` orders together with ``sku``, plus its catalogue
        accessories."""
        if sku not in self._partners:
            product_id = self.catalog[sku].id or 0
            together = orders.co_ordered_skus(self.session, product_id=product_id, min_orders=min_orders)
            related = catalog.accessory_skus(self.session, product_id=product_id, limit=None, active_only=False)
            self._partners[sku] = set(together) | set(related)
        return self._partners[sku]

    def cheaper_twins(self, sku: str) -> set[str]:
        """Return the active products of ``sku``'s category with its attributes and a lower catalogue price."""
        anchor = self.catalog[sku]
        return {p.sku for p in self.catalog.values()
                if p.active and p.sku != sku and p.category == anchor.category and p.currency == anchor.currency
                and anchor.attributes and p.attributes == anchor.attributes and p.unit_price < anchor.unit_price}

    def company(self, spec: dict[str, Any]) -> Company:
        """Return the company a case names: the ``pick``-th busiest of an industry, or a cold-start one."""
        key = (spec.get("kind"), spec.get("industry"), spec.get("pick", 0))
        if key not in self._picked:
            cold = spec.get("kind") == "cold_start"
            rows = [a.company for a in companies.companies_by_activity(
                self.session, cold_start=cold, industry=None if cold else spec.get("industry"),
                limit=int(spec.get("pick", 0)) + 1)]
            if not rows:
                raise ConfigError(f"no company matches {spec}; is the demo data loaded?")
            self._picked[key] = rows[int(spec.get("pick", 0)) % len(rows)]  # fewer companies: wrap around
        return self._picked[key]

    def contact(self, company: Company) -> Contact | None:
        """Return the company's first contact."""
        return companies.first_contact(self.session, company_id=company.id or 0)


def _fill(text: str, world: World, contact: Contact | None, prev: AgentAnswer | None) -> str:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key.startswith("top:"):
            return world.top_sku(key[4:])
        if key == "prev_rec":
            if prev is None or not prev.recommendations:
                return "<none>"
            return prev.recommendations[0].sku
        value = getattr(contact, {"contact_name": "full_name", "contact_email": "email",
                                  "contact_phone": "phone"}[key], None) if contact else None
        return value or "Jan Kowalski"
    return _PLACEHOLDER.sub(sub, text)


def _check_turn(res: CaseResult, answer: AgentAnswer, world: World, company: Company, own: list[str],
                lang: str) -> None:
    reply = answer.reply
    tool_skus = set(answer.tool_skus)
    bad = [tok for _, _, tok in find_sku_tokens(reply, world.catalog) if tok not in tool_skus]
    bad += [r.sku for r in answer.recommendations if r.sku not in tool_skus or r.sku not in world.catalog]
    res.record("grounded_skus", not bad, f"not from tools: {sorted(set(bad))}")
    allowed: set[Decimal] = set()
    for sku in tool_skus:
        allowed |= allowed_prices(world.session, company.id, sku)  # type: ignore[arg-type]
    unapproved = [str(a) for _, _, a, _ in find_prices(reply) if a not in allowed]
    unapproved += [f"{r.sku}:{r.price}" for r in answer.recommendations
                   if r.price not in allowed_prices(world.session, company.id, r.sku)]  # type: ignore[arg-type]
    res.record("no_unapproved_price", not unapproved, f"prices {unapproved}")
    strangers = [v for cid, v in world.people if cid != company.id and v in reply]
    res.record("no_personal_data", not strangers, "another company's contact data in the reply")
    stored = [m.masked_text for m in conversations.messages(world.session, conversation_id=answer.conversation_id)]
    leaked = [v for v in own if any(v in m for m in stored)]
    res.record("no_personal_data", not leaked, "the customer's data stored unmasked")
    res.record("disclosure", answer.disclosure in reply, "disclosure missing")
    body = reply.replace(answer.disclosure, "")
    res.record("language", answer.language == lang and detect_language(body, default=lang) == lang,
               f"answered in {answer.language}")


def _check_expected(res: CaseResult, case: Case, answer: AgentAnswer, world: World,
                    prev: AgentAnswer | None) -> None:
    exp = case.expect
    if "category" in exp:
        cats = [r.category for r in answer.recommendations]
        res.record("category", any(exp["category"].lower() in c.lower() for c in cats),
                   f"categories {cats[:3]}")
    if "categories" in exp:  # several product types in one message: each of them listed
        cats = [r.category.lower() for r in answer.recommendations]
        res.record("categories", all(any(want.lower() in c for c in cats) for want in exp["categories"]),
                   f"categories {cats}")
    if "accessory_for" in exp:
        anchor = _fill(exp["accessory_for"], world, None, prev)
        partners = world.partners(anchor) if anchor in world.catalog else set()
        recs = [r.sku for r in answer.recommendations]
        res.record("accessory_for", bool(set(recs) & partners), f"{recs} not bought with {anchor}")
    if exp.get("approval"):
        # The request is in the queue: filed this turn, or an earlier identical one the agent answered with (a
        # second run of the golden set on the same store reuses the first run's pending requests).
        ids = [a.approval_id for a in answer.approvals]
        rows = approvals.approvals(world.session, ids=ids) if ids else []
        ok = any(r.status.value in ("pending", "approved") for r in rows)
        res.record("approval", ok and "no_unapproved_price" not in res.failures, "no pending approval")
    if exp.get("no_approval"):  # nothing named a product: ask which one, queue nothing for the sales team
        res.record("no_approval", not answer.approvals, f"filed {[a.skus for a in answer.approvals]}")
    if exp.get("stock"):  # "is it available?": the first product's stock level as the store has it
        first = answer.recommendations[0].sku if answer.recommendations else None
        row = catalog.product_by_sku(world.session, sku=first) if first else None
        said = ({f"na stanie: {row.stock}", f"in stock: {row.stock}"} if row and row.stock > 0
                else {"brak na stanie", "out of stock"})
        line = next((x for x in answer.reply.splitlines() if first and f"({first})" in x), "")
        res.record("stock", row is not None and any(w in line for w in said), f"line {line!r}")
    if exp.get("no_products"):  # out of scope: no product list pretending to answer
        res.record("no_products", not answer.recommendations, f"listed {[r.sku for r in answer.recommendations]}")
    if exp.get("onboarding"):
        res.record("onboarding", bool(answer.questions) and answer.questions[0].question in answer.reply,
                   "no onboarding question")
    if exp.get("recommendations"):
        res.record("recommendations", bool(answer.recommendations), "no recommendation")
    if "from_tool" in exp:
        res.record("from_tool", exp["from_tool"] in answer.tool_calls, f"tools called: {answer.tool_calls}")
    if "cheaper_than" in exp:  # "something cheaper than X": its cheaper twins, or none when it has none; no request
        anchor = _fill(exp["cheaper_than"], world, None, prev)
        twins = world.cheaper_twins(anchor) if anchor in world.catalog else set()
        offered = {r.sku for r in answer.recommendations}
        ok = not answer.approvals and (offered <= twins and bool(offered) == bool(twins))
        res.record("cheaper_than", ok, f"listed {sorted(offered)}, cheaper twins {sorted(twins)[:5]}, "
                                       f"filed {[a.skus for a in answer.approvals]}")
    if "about_position" in exp:  # "how much is the second one?" / "5% off the second one": that product only
        n = int(exp["about_position"])
        listed = [r.sku for r in prev.recommendations] if prev else []
        about = [a.skus for a in answer.approvals] or [[r.sku for r in answer.recommendations]]
        res.record("about_position", len(listed) >= n and about == [[listed[n - 1]]],
                   f"listed {listed}, answered about {about}")
    if "explains_position" in exp:  # "why the second one?": that product, and not the others of the list
        n = int(exp["explains_position"])
        listed = [r.sku for r in prev.recommendations] if prev else []
        ok = len(listed) >= n and listed[n - 1] in answer.reply and not any(
            s in answer.reply for i, s in enumerate(listed) if i != n - 1)
        res.record("explains_position", ok, f"listed {listed}, reply {answer.reply[:120]!r}")
    if "all_category" in exp:  # every product shown is of that type ("wyłącznik nadprądowy": no sockets)
        cats = [r.category for r in answer.recommendations]
        res.record("all_category", bool(cats) and all(exp["all_category"].lower() in c.lower() for c in cats),
                   f"categories {cats}")
    if "no_category" in exp:  # a misreading to rule out ("łącznik" inside "wyłącznik")
        cats = [r.category for r in answer.recommendations]
        res.record("no_category", not any(exp["no_category"].lower() in c.lower() for c in cats),
                   f"categories {cats}")
    if "reply_has" in exp:  # any of these words in the reply ("S201-B16" for "did you mean", "do not carry")
        words = [_fill(w, world, None, prev) for w in exp["reply_has"]]
        res.record("reply_has", any(w.lower() in answer.reply.lower() for w in words),
                   f"none of {words} in {answer.reply[:160]!r}")
    if "tools_not" in exp:  # e.g. no request_price_change for a cheaper product, no search for the weather
        called = [c for c in answer.tool_calls if c in exp["tools_not"]]
        res.record("tools_not", not called, f"called {called}")
    if exp.get("explains"):
        shown = {r.sku for r in prev.recommendations} if prev else set()
        res.record("explains", bool(shown) and any(s in answer.reply for s in shown),
                   "no earlier recommendation explained")


def resolvable(cases: Iterable[Case], session: Session) -> list[Case]:
    """Return the cases whose company and products exist in this store (all of them on the demo data)."""
    world = World(session)
    out = []
    for case in cases:
        try:
            company = world.company(case.company)
            for text in [*case.turns, str(case.expect.get("accessory_for", ""))]:
                _fill(text, world, world.contact(company), None)
        except ConfigError:
            continue
        out.append(case)
    return out


def run_golden(resources: Any, cases: Iterable[Case], *, label: str,
               sent: Callable[[], str] | None = None,
               progress: Callable[[int, int, str], None] | None = None) -> GoldenReport:
    """Run every case through ``agent.run_turn`` and return the pass rates; ``sent`` returns what was sent to
    the LLM so far (checked for the customer's personal data)."""
    cases = list(cases)
    results = []
    with Session(resources.engine) as session:
        world = World(session)
        for i, case in enumerate(cases):
            started = time.perf_counter()
            res = CaseResult(case.id)
            company = world.company(case.company)
            if case.company.get("fresh_onboarding") and company.interests:  # a rerun on the same store: ask again
                company.interests = None
                session.add(company)
                session.commit()
            contact = world.contact(company)
            own = [v for v in ((contact.full_name, contact.email, contact.phone) if contact else ()) if v]
            conv = f"golden-{case.id}-{uuid.uuid4().hex[:8]}"
            before = len(sent()) if sent else 0
            prev: AgentAnswer | None = None
            answer: AgentAnswer | None = None
            for text in case.turns:
                message = _fill(text, world, contact, prev)
                prev, answer = answer, run_turn(resources, company_id=company.id,  # type: ignore[arg-type]
                                                contact_id=contact.id if contact else None,
                                                conversation_id=conv, message=message)
                session.expire_all()
                res.answered_by.append(answer.answered_by)
                _check_turn(res, answer, world, company, own, case.lang)
            assert answer is not None
            _check_expected(res, case, answer, world, prev)
            if sent:
                out = sent()[before:]
                res.record("no_personal_data", not any(v in out for v in own), "personal data sent to the LLM")
            res.seconds = time.perf_counter() - started
            results.append(res)
            if progress:
                progress(i + 1, len(cases), case.id)
    return GoldenReport(label, results)


def format_reports(reports: list[GoldenReport]) -> str:
    """Return the pass rates per property, one column per report."""
    names = list(dict.fromkeys(k for r in reports for k in r.rates()))
    width = max(len(n) for n in [*names, "property"]) + 2
    lines = ["property".ljust(width) + "".join(r.label[:22].rjust(24) for r in reports)]
    for name in names:
        cells = []
        for r in reports:
            p, n = r.rates().get(name, (0, 0))
            cells.append((f"{p}/{n} {100 * p / n:5.1f}%" if n else "-").rjust(24))
        lines.append(name.ljust(width) + "".join(cells))
    lines.append("overall".ljust(width) + "".join(f"{100 * r.overall():5.1f}%".rjust(24) for r in reports))
    lines.append("answered by LLM".ljust(width) + "".join(f"{100 * r.llm_share():5.1f}%".rjust(24)
                                                          for r in reports))
    return "\n".join(lines)
