"""Checks on every agent reply before the customer sees it: SKUs, prices, personal data, AI disclosure.

:func:`check_reply` is pure: the caller builds a :class:`CheckContext` (``CheckContext.from_session`` reads the
catalogue facts and allowed prices) and stores the returned :class:`CheckReport` in the AuditLog
(:func:`record_report`). A failing check repairs the reply (drops the offending sentence or SKU, removes a
stranger's personal data, appends the disclosure) or, when nothing useful is left or ``policy="block"``,
blocks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from guardrails.pii.products import PRICE_PATTERN, SPEC_PATTERNS

if TYPE_CHECKING:
    from sqlmodel import Session

    from guardrails.pii import PiiMasker, PiiVault
    from store.models import AuditLog

DISCLOSURE_EN = ("Answers and recommendations in this chat are generated automatically by an AI assistant. You can "
                 "opt out of profiling at any time in your account settings or by writing \"no profiling\".")
DISCLOSURE_PL = ("Odpowiedzi i rekomendacje w tym czacie generuje automatycznie asystent AI. Mogą Państwo w każdej "
                 "chwili zrezygnować z profilowania w ustawieniach konta lub pisząc „bez profilowania”.")
"""AI Act art. 50 transparency line (automatically generated answers and recommendations + how to opt out of
profiling). True of every reply, also one without products (a request's status, an out-of-scope answer: found in
use, "These recommendations were generated..." closed replies that recommended nothing), and in the formal
"Państwo" of the Polish replies."""

_SKU_TOKEN = re.compile(r"(?<![\w/-])(?=[A-Z0-9./-]*\d)(?=[A-Z0-9./-]*[A-Z])[A-Z0-9]{2,}(?:[-./][A-Z0-9]+)*(?![\w/-])")
_SKU_CANDIDATE = re.compile(r"(?<![\w/-])(?=[\w./-]*\d)[A-Za-z0-9][\w]*(?:[-./][\w]+)+(?![\w/-])|(?<![\w/-])"
                            r"(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{3,}(?![\w/-])")
"""Looser than ``_SKU_TOKEN`` ("YKXS-5x10-M"): used only to look tokens up in the catalogue, never to flag them."""
_SPEC = re.compile("|".join(f"(?:{rx})" for name, rx in SPEC_PATTERNS if name not in ("sku", "ean")))
_PRICE = re.compile(PRICE_PATTERN)
_CURRENCY = {"zł": "PLN", "zl": "PLN", "pln": "PLN", "eur": "EUR", "€": "EUR", "usd": "USD", "$": "USD",
             "gbp": "GBP", "£": "GBP"}
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?]+(?=\s|$)|(?=\n)|$)")
_POLISH = re.compile(r"[ąćęńśźż]|ł(?<!zł)|\b(?:się|jest|proszę|dzień|dobry|oraz|będzie|że|dla|polecam|cena|netto)\b",
                     re.IGNORECASE)

CheckName = Literal["sku", "price", "pii", "disclosure"]

# --- what a model may not be trusted with (applied to model-written text only) ----------------------------------
_MONEY_WORDS = r"(?:z[łl]otych|z[łl]ote|z[łl]oty|z[łl]|pln|euro|eur|€|usd|\$|gbp|£|groszy|net|netto|brutto|gross)"
_LOOSE_AMOUNT = re.compile(
    rf"(?<![\w.,-])(?P<n>\d{{1,3}}(?:[ \u00a0.,]\d{{3}})*(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d{{1,2}})?)(?:,-)?"
    rf"\s?(?={_MONEY_WORDS}(?!\w))"  # "5.00 net", "5 złotych", "5,- zł"
    rf"|(?<![\w.,-])(?P<d>\d{{1,6}},-)"  # "5,-"
    rf"|(?:[=≈~]|\bequals|\brówna się|\bwynosi)\s*(?P<c>\d{{1,6}}(?:[.,]\d{{1,2}})?)(?![\d\w.,])"  # "= 12.70"
    rf"|(?:\b(?:costs?|priced? at|price is|for only|only|kosztuje|koszt|cena|cen[aąę] to|za jedyne|za|po)\s+)"
    rf"(?P<w>\d+(?:[.,]\d{{1,2}})?)(?![\d.,]*\s?(?:mm|m\b|cm|a\b|ka|ma|v\b|w\b|szt|pcs|x\b|%))",
    re.IGNORECASE)
"""Amounts a model may write without a currency sign: "5.00 net", "5 złotych", "5,- zł", "= 12.70", "costs 5"."""
_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,2})?)\s?(?:%|proc\.?|procent\w*|percent)", re.IGNORECASE)
_APPROVAL_CLAIM = re.compile(
    r"\b(?:approved|applied|granted|authori[sz]ed|confirmed|accepted|"
    r"zatwierdz\w*|zaakceptowan\w*|przyznan\w*|naliczon\w*|udzielon\w*|zastosowan\w*|potwierdzon\w*)\b",
    re.IGNORECASE)
"""Words that claim a price decision was made (only a sales user makes it)."""
UNSAFE_CONTENT: list[tuple[str, re.Pattern[str]]] = [
    ("tool_call_syntax", re.compile(r"\bfunctions?\.\w+|<\s*/?\s*tool_call|\"(?:arguments|tool_calls?|function)\"\s*:"
                                    r"|\b(?:search_catalog|get_product|recommend_for_customer|bought_together|"
                                    r"similar_products|segment_bestsellers|get_order_history|request_price_change|"
                                    r"ask_onboarding_question|record_onboarding_answer|explain_recommendations|"
                                    r"object_to_profiling)\b", re.IGNORECASE)),
    ("code", re.compile(r"```|^\s*(?:def|class|import|from\s+\S+\s+import|function|const|let|var|return|print\(|"
                        r"console\.|SELECT\s|<script)\b|=>|\)\s*\{|;\s*$", re.IGNORECASE | re.MULTILINE)),
    ("raw_json", re.compile(r"[\[{]\s*\"[^\"\n]{1,60}\"\s*:")),
    ("html_entity", re.compile(r"&#x?[0-9a-f]{1,6};|&(?:quot|amp|lt|gt|apos|nbsp);", re.IGNORECASE)),
    ("link", re.compile(r"\b(?:https?://|www\.)[^\s)>\]]+", re.IGNORECASE)),
]
"""What no reply of ours contains: model-written text showing any of it is replaced, not repaired."""


def unsafe_content(text: str, *, shop_hosts: Iterable[str] = (), other_companies: Iterable[str] = ()) -> list[str]:
    """Return why a model-written reply may not be shown at all (tool-call syntax, code, raw JSON, HTML entities,
    links outside the shop, another customer company named); empty when it may be checked and repaired."""
    hosts = {h.lower() for h in shop_hosts}
    found = []
    for name, rx in UNSAFE_CONTENT:
        hits = [m.group() for m in rx.finditer(text)]
        if name == "link":
            hits = [h for h in hits if _host(h) not in hosts]
        if hits:
            found.append(name)
    folded = f" {' '.join(text.casefold().split())} "
    if any(len(n) >= 4 and f" {' '.join(n.casefold().split())} " in folded for n in other_companies):
        found.append("other_company")
    return found


def _host(link: str) -> str:
    rest = re.sub(r"^(?:https?://)", "", link, flags=re.IGNORECASE)
    return rest.split("/", 1)[0].split(":", 1)[0].lower()


class AgentReplyDraft(BaseModel):
    """What the agent wants to show: reply text (placeholders or re-inserted details) and recommended SKUs."""

    text: str = Field(max_length=20_000)
    recommended_skus: list[str] = Field(default_factory=list)
    language: Literal["en", "pl"] | None = None


@dataclass(frozen=True)
class ProductFact:
    """What the checks need to know about one catalogue product."""

    sku: str
    active: bool
    currency: str = "PLN"
    allowed_prices: frozenset[Decimal] = frozenset()
    approved_percents: frozenset[Decimal] = frozenset()
    """Discounts in percent an approved, unexpired offer grants this company on this product."""
    names: tuple[str, ...] = ()
    """How a reply may name the product without its SKU (its catalogue name)."""
    approved: bool = False
    """The company holds an approved, unexpired offer for this product (a claim of approval may stand)."""


@dataclass(frozen=True)
class CheckContext:
    """Facts for one turn: catalogue facts of relevant SKUs, SKUs from tool results, the conversation's vault."""

    products: Mapping[str, ProductFact]
    tool_result_skus: frozenset[str] = frozenset()
    extra_allowed_prices: frozenset[Decimal] = frozenset()
    """Amounts a tool computed this turn (e.g. a cart total) that may also be quoted."""
    vault: PiiVault | None = None
    masker: PiiMasker | None = None
    company_id: int | None = None
    require_disclosure: bool = True
    shop_contact_values: frozenset[str] = frozenset()
    """The shop's own published contacts (sales e-mail, hotline) that a reply may always mention."""
    model_written: bool = False
    """The text (or part of it) was written by a model: every amount, percentage and approval claim it makes must
    be provably allowed for the product it is about, not only prices written with a currency."""
    agent_texts: tuple[str, ...] = ()
    """Texts the agent itself wrote from tool data (templates, premises, product names, the disclosure): exempt
    from the model-text checks (a premise's "similarity 63%" is no discount claim)."""

    @classmethod
    def from_session(cls, session: Session, *, company_id: int | None, draft: AgentReplyDraft,
                     tool_result_skus: Iterable[str], vault: PiiVault | None = None,
                     masker: PiiMasker | None = None, extra_allowed_prices: Iterable[Decimal] = (),
                     model_written: bool = False) -> CheckContext:
        """Return a context with facts for every SKU the draft or the tools mention (one catalogue query)."""
        from guardrails.approvals import CENT, allowed_prices, approved_offers
        from store import catalog

        tool_skus = frozenset(tool_result_skus)
        wanted = set(draft.recommended_skus) | tool_skus | {m.group() for m in _SKU_TOKEN.finditer(draft.text)}
        wanted |= {m.group() for m in _SKU_CANDIDATE.finditer(draft.text)}
        products: dict[str, ProductFact] = {}
        if wanted:
            offers = approved_offers(session, company_id) if company_id is not None else []
            for p in catalog.products_by_sku(session, skus=sorted(wanted), active_only=False).values():
                prices = allowed_prices(session, company_id, p.sku) if company_id is not None else {
                    Decimal(p.unit_price).quantize(CENT)}
                covering = [o for o in offers if p.sku in (o.product_skus or [])]
                percents = {Decimal(str(o.proposed_change["discount_percent"])).quantize(CENT) for o in covering
                            if (o.proposed_change or {}).get("discount_percent") is not None}
                products[p.sku] = ProductFact(p.sku, p.active, p.currency, frozenset(prices), frozenset(percents),
                                              names=(p.name,), approved=bool(covering))
        return cls(products=products, tool_result_skus=tool_skus, vault=vault, masker=masker, company_id=company_id,
                   extra_allowed_prices=frozenset(Decimal(x) for x in extra_allowed_prices),
                   model_written=model_written)


class CheckFinding(BaseModel):
    """One failed check and what was done about it. ``info`` never holds personal data."""

    check: CheckName
    reason: str
    action: Literal["repaired", "blocked"]
    info: dict[str, Any] = Field(default_factory=dict)


class CheckReport(BaseModel):
    """Verdict on a draft: ``pass``, ``repair`` (``text``/``recommended_skus`` are the fixed reply) or ``block``."""

    action: Literal["pass", "repair", "block"]
    reason: str
    text: str
    recommended_skus: list[str]
    findings: list[CheckFinding] = Field(default_factory=list)

    @property
    def tripped(self) -> bool:
        """True when any check failed."""
        return bool(self.findings)

    def audit_details(self) -> dict[str, Any]:
        """Return a JSON-able summary for the AuditLog (no reply text, no personal data)."""
        return {"action": self.action, "reason": self.reason, "findings": [f.model_dump() for f in self.findings]}


def parse_amount(number: str) -> Decimal | None:
    """Return the amount written as "1 234,56", "1.234,56", "1,234.56", "123.45" or "123,45" (None if unclear)."""
    n = number.replace("\u00a0", "").replace(" ", "")
    if "," in n and "." in n:
        dec = "," if n.rfind(",") > n.rfind(".") else "."
        n = n.replace("." if dec == "," else ",", "").replace(dec, ".")
    elif "," in n or "." in n:
        sep = "," if "," in n else "."
        head, _, tail = n.rpartition(sep)
        n = (head.replace(sep, "") + "." + tail) if len(tail) in (1, 2) else n.replace(sep, "")
    try:
        return Decimal(n).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def find_prices(text: str) -> list[tuple[int, int, Decimal, str]]:
    """Return (start, end, amount, ISO currency) for every price written in ``text``."""
    out = []
    for m in _PRICE.finditer(text):
        num = m.group("n1") or m.group("n2")
        cur = _CURRENCY[(m.group("c1") or m.group("c2")).lower()]
        amount = parse_amount(num)
        if amount is not None:
            out.append((m.start(), m.end(), amount, cur))
    return out


def find_sku_tokens(text: str, known: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """Return SKU-like tokens (known catalogue codes, or code-shaped tokens that are not specs/order numbers)."""
    spec_spans = [(m.start(), m.end()) for m in _SPEC.finditer(text)]
    out: dict[int, tuple[int, int, str]] = {}
    for sku in known:
        for m in re.finditer(rf"(?<![\w-]){re.escape(sku)}(?![\w-])", text):
            out[m.start()] = (m.start(), m.end(), sku)
    for m in _SKU_TOKEN.finditer(text):
        tok = m.group()
        if m.start() in out or len(tok) < 4:
            continue
        if any(s <= m.start() and m.end() <= e for s, e in spec_spans):
            continue
        out[m.start()] = (m.start(), m.end(), tok)
    return sorted(out.values())


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


@dataclass
class _Work:
    text: str
    skus: list[str]
    findings: list[CheckFinding] = field(default_factory=list)
    drop: set[tuple[int, int]] = field(default_factory=set)

    def drop_sentence_at(self, pos: int) -> None:
        for s, e in _sentences(self.text):
            if s <= pos < e:
                self.drop.add((s, e))

    def apply_drops(self) -> None:
        if self.drop:
            parts, last = [], 0
            for s, e in sorted(self.drop):
                parts.append(self.text[last:s])
                last = max(last, e)
            parts.append(self.text[last:])
            text = re.sub(r"[ \t]{2,}", " ", "".join(parts))
            self.text = re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()
            self.drop.clear()


def _check_skus(w: _Work, ctx: CheckContext) -> None:
    for sku in list(w.skus):
        problem = _sku_problem(sku, ctx)
        if problem:
            w.skus.remove(sku)
            w.findings.append(CheckFinding(check="sku", reason=problem, action="repaired",
                                           info={"sku": sku, "where": "recommended"}))
    for start, _end, tok in find_sku_tokens(w.text, ctx.products):
        problem = _sku_problem(tok, ctx)
        if problem:
            w.drop_sentence_at(start)
            w.findings.append(CheckFinding(check="sku", reason=problem, action="repaired",
                                           info={"sku": tok, "where": "text"}))
    w.apply_drops()


def _sku_problem(sku: str, ctx: CheckContext) -> str | None:
    fact = ctx.products.get(sku)
    if fact is None:
        return "unknown_sku"
    if not fact.active:
        return "inactive_sku"
    if sku not in ctx.tool_result_skus:
        return "sku_not_from_tool_result"
    return None


def _blank(text: str, chunks: Iterable[str]) -> str:
    """Return ``text`` with every occurrence of ``chunks`` blanked out (same length, so offsets hold)."""
    for chunk in sorted({c for c in chunks if len(c) > 3}, key=len, reverse=True):
        text = text.replace(chunk, " " * len(chunk))
    return text


def _referents(w: _Work, ctx: CheckContext, sent: tuple[int, int]) -> list[ProductFact]:
    """Return the products a sentence is about: those it names (SKU or catalogue name), else the one product the
    whole reply names when it names exactly one; else none (an amount then refers to nothing provable)."""
    def named(text: str) -> list[str]:
        found = [t for _, _, t in find_sku_tokens(text, ctx.products) if t in ctx.products]
        low = text.casefold()
        found += [f.sku for f in ctx.products.values() if any(len(n) > 5 and n.casefold() in low for n in f.names)]
        return list(dict.fromkeys(found))

    here = named(w.text[sent[0]:sent[1]])
    if not here:
        everywhere = named(w.text)
        here = everywhere if len(everywhere) == 1 else []
    return [ctx.products[s] for s in here]


ClaimKind = Literal["price", "percent", "approval"]


def find_claims(text: str, *, strict: bool = True) -> list[tuple[int, ClaimKind, Decimal | None, str | None]]:
    """Return every price-related claim in ``text`` as (start, kind, amount, ISO currency or None): prices with
    a currency; with ``strict`` (model-written text) also amounts without a currency sign ("5.00 net", "5,-",
    "= 12.70", "costs 5"), percentages and words claiming a price decision ("approved", "zatwierdzony")."""
    claims: list[tuple[int, ClaimKind, Decimal | None, str | None]] = [
        (start, "price", amount, cur) for start, _end, amount, cur in find_prices(text)]
    if strict:
        priced = {start for start, *_ in claims}
        for m in _LOOSE_AMOUNT.finditer(text):
            group = next(g for g in ("n", "d", "c", "w") if m.group(g))
            start = m.start(group)
            if any(s <= start <= s + 12 for s in priced):
                continue  # the same amount, already read with its currency
            claims.append((start, "price", parse_amount(m.group(group).rstrip(",-")), None))
        claims += [(m.start(), "percent", parse_amount(m.group(1)), None) for m in _PERCENT.finditer(text)]
        claims += [(m.start(), "approval", None, None) for m in _APPROVAL_CLAIM.finditer(text)]
    return sorted(claims, key=lambda c: c[0])


def _check_prices(w: _Work, ctx: CheckContext) -> None:
    sentences = _sentences(w.text)
    scan = _blank(w.text, ctx.agent_texts) if ctx.model_written else w.text
    for start, kind, amount, cur in find_claims(scan, strict=ctx.model_written):
        sent = next(((s, e) for s, e in sentences if s <= start < e), (0, len(w.text)))
        facts = _referents(w, ctx, sent)
        if kind == "price":
            ok = amount is not None and (amount in ctx.extra_allowed_prices or any(
                amount in f.allowed_prices and (cur is None or cur == f.currency) for f in facts))
        elif kind == "percent":
            ok = amount is not None and any(amount in f.approved_percents for f in facts)
        else:
            ok = any(f.approved for f in facts)
        if not ok:
            w.drop_sentence_at(start)
            reason = {"price": "price_not_allowed", "percent": "discount_not_approved",
                      "approval": "approval_not_granted"}[kind]
            w.findings.append(CheckFinding(check="price", reason=reason, action="repaired", info={
                "amount": str(amount) if amount is not None else None, "currency": cur,
                "skus": [f.sku for f in facts]}))
    w.apply_drops()


def _check_pii(w: _Work, ctx: CheckContext) -> None:
    from guardrails.pii.vault import PLACEHOLDER_RE

    if ctx.vault is not None:
        w.text = ctx.vault.unmask(w.text)
    for m in reversed(list(PLACEHOLDER_RE.finditer(w.text))):  # placeholders the vault does not know
        w.text = w.text[:m.start()] + "[removed]" + w.text[m.end():]
        w.findings.append(CheckFinding(check="pii", reason="unknown_placeholder", action="repaired",
                                       info={"type": m.group(1)}))
    if ctx.masker is None:
        return
    for d in reversed(ctx.masker.detect(w.text)):
        if ctx.vault is not None and ctx.vault.contains_value(d.label, d.value):
            continue
        if d.value.strip().casefold() in {v.casefold() for v in ctx.shop_contact_values}:
            continue
        w.text = w.text[:d.start] + "[removed]" + w.text[d.end:]
        w.findings.append(CheckFinding(check="pii", reason="personal_data_not_the_customers_own", action="repaired",
                                       info={"type": d.label, "start": d.start, "end": d.end}))


def _contains(text: str, line: str) -> bool:
    return " ".join(line.split()).casefold() in " ".join(text.split()).casefold()


def _without_disclosure(text: str) -> str:
    """Return ``text`` without the disclosure line (either language, any whitespace): it is not reply content."""
    for line in (DISCLOSURE_EN, DISCLOSURE_PL):
        text = re.sub(r"\s+".join(re.escape(w) for w in line.split()), " ", text, flags=re.IGNORECASE)
    return text


def _language(text: str) -> str:
    """Guess the reply language: "pl" on Polish letters or words (the currency "zł" alone does not count)."""
    return "pl" if _POLISH.search(text) else "en"


def _check_disclosure(w: _Work, ctx: CheckContext, language: str | None) -> None:
    if not ctx.require_disclosure:
        return
    lang = language or _language(w.text)
    line = DISCLOSURE_PL if lang == "pl" else DISCLOSURE_EN
    if not _contains(w.text, line):
        w.text = (w.text.rstrip() + "\n\n" + line).strip()
        w.findings.append(CheckFinding(check="disclosure", reason="disclosure_missing", action="repaired",
                                       info={"language": lang}))


def check_reply(reply: AgentReplyDraft, ctx: CheckContext, *,
                policy: Literal["repair", "block"] = "repair") -> CheckReport:
    """Run every check on ``reply``; return the verdict and the repaired reply (see :class:`CheckReport`)."""
    w = _Work(text=reply.text, skus=list(dict.fromkeys(reply.recommended_skus)))
    language: str | None = reply.language
    if language is None:  # either disclosure already there decides; otherwise guess from the text
        language = "pl" if _contains(reply.text, DISCLOSURE_PL) else "en" if _contains(reply.text, DISCLOSURE_EN) \
            else _language(reply.text)
    _check_pii(w, ctx)
    _check_skus(w, ctx)
    _check_prices(w, ctx)
    body_left = _without_disclosure(w.text).strip()  # a disclosure the draft already carried is no content
    _check_disclosure(w, ctx, language)
    if not w.findings:
        return CheckReport(action="pass", reason="all checks passed", text=w.text, recommended_skus=w.skus)
    reasons = sorted({f.reason for f in w.findings})
    content_findings = [f for f in w.findings if f.check != "disclosure"]
    if policy == "block" and content_findings or (content_findings and not body_left):
        blocked = [f.model_copy(update={"action": "blocked"}) for f in w.findings]
        return CheckReport(action="block", reason=", ".join(reasons), text="", recommended_skus=[], findings=blocked)
    return CheckReport(action="repair", reason=", ".join(reasons), text=w.text, recommended_skus=w.skus,
                       findings=w.findings)


def record_report(session: Session, report: CheckReport, *, conversation_id: str | None,
                  actor: str = "guardrails") -> AuditLog:
    """Add the AuditLog row recording a report to the session (written with the turn) and return it."""
    from store.audit import add_audit

    return add_audit(session, actor=actor, action=f"output_check.{report.action}", entity="conversation",
                     entity_id=str(conversation_id or "-"), details=report.audit_details())
