"""Small synthetic stores for the oversight tests, built with a known truth: companies in groups, shown lists,
clicks, next month's orders and price requests whose approval share is the same everywhere or lower in one
group by a known amount; chat conversations whose language and message length follow a given distribution."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from store.measurement import add_events
from store.models import (
    ApprovalStatus,
    Company,
    Contact,
    Conversation,
    Message,
    Order,
    OrderLine,
    PriceApproval,
    Product,
)
from store.protected import ProtectedAttributes

MONTH = "2026-10"
START = datetime(2026, 10, 1, tzinfo=UTC)
NEXT = datetime(2026, 11, 1, tzinfo=UTC)
AFTER = datetime(2026, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 5, tzinfo=UTC)
REGIONS = ("mazowieckie", "śląskie", "pomorskie", "małopolskie")
CATEGORIES = ("MCB", "RCD", "Cables", "Boards", "Glands")


@dataclass(frozen=True)
class Bias:
    """Approve the requests of companies whose ``dimension`` is ``group`` with ``approve`` instead of the base."""

    dimension: str = "region"
    group: str = "śląskie"
    approve: float = 0.35


@dataclass
class World:
    """What :func:`build_audit_world` wrote: per group, how many requests were decided and approved."""

    approved: dict[str, int] = field(default_factory=dict)
    decided: dict[str, int] = field(default_factory=dict)


def build_audit_world(engine: Engine, *, seed: int, companies_per_region: int = 60, approve: float = 0.75,
                      bias: Bias | None = None, requests_per_company: int = 3) -> World:
    """Write a month of shown lists, clicks, next-month orders and decided price requests, identical in
    distribution for every group except what ``bias`` says."""
    rng = random.Random(seed)
    world = World()
    with Session(engine) as s:
        products = []
        for c, category in enumerate(CATEGORIES):
            for i in range(12):
                p = Product(sku=f"{category[:3].upper()}-{i:02d}", name=f"{category} {i}", category=category,
                            unit_price=Decimal(10 + 5 * i + c), stock=10)
                s.add(p)
                products.append(p)
        s.flush()
        events: list[dict[str, object]] = []
        n = 0
        for region in REGIONS:
            for _ in range(companies_per_region):
                n += 1
                company = Company(external_id=f"T-{n:04d}", name=f"Firma {n}", region=region,
                                  industry=rng.choice(["construction", "electrical_installer"]),
                                  size_band=rng.choice(["micro", "small"]), source="synthetic")
                s.add(company)
                s.flush()
                contact = Contact(company_id=company.id or 0, full_name=f"Osoba {n}")
                s.add(contact)
                s.flush()
                protected = {"gender": rng.choice(["female", "male"]), "age_band": rng.choice(["30-44", "45-59"]),
                             "nationality": "Polish"}
                s.add(ProtectedAttributes(company_id=company.id or 0, contact_id=contact.id,
                                          gender=protected["gender"], age_band=protected["age_band"],
                                          nationality=protected["nationality"]))
                groups = {"region": region, "industry": company.industry, "size_band": company.size_band,
                          **protected}
                _shown_and_bought(s, rng, company, products, events)
                rate = bias.approve if bias is not None and groups.get(bias.dimension) == bias.group else approve
                key = str(groups[bias.dimension]) if bias is not None else region
                for _ in range(requests_per_company):
                    product = rng.choice(products)
                    at = START + timedelta(days=rng.uniform(0, 29), hours=rng.uniform(0, 8))
                    ok = rng.random() < rate
                    world.decided[key] = world.decided.get(key, 0) + 1
                    world.approved[key] = world.approved.get(key, 0) + ok
                    s.add(PriceApproval(
                        company_id=company.id or 0, product_skus=[product.sku], kind="discount",
                        proposed_change={"discount_percent": 10}, status=ApprovalStatus.approved if ok
                        else ApprovalStatus.rejected, requested_at=at, decided_by="m.nowak",
                        decided_at=at + timedelta(hours=rng.lognormvariate(1.8, 0.6)),
                        expires_at=at + timedelta(hours=72),
                        approved_unit_price=(product.unit_price * Decimal("0.9")).quantize(Decimal("0.01"))
                        if ok else None))
        add_events(s, rows=events, source="synthetic")
        s.commit()
    return world


def _shown_and_bought(s: Session, rng: random.Random, company: Company, products: list[Product],
                      events: list[dict[str, object]]) -> None:
    """Three shown lists of five in the month (some clicked), and an order of a few products next month."""
    for k in range(3):
        at = START + timedelta(days=rng.uniform(0, 29), hours=rng.uniform(8, 16))
        rec = uuid.UUID(int=rng.getrandbits(128)).hex
        shown = rng.sample(products, 5)
        for pos, p in enumerate(shown, start=1):
            events.append({"event_id": f"{rec}:{pos}", "ts": at, "session_id": f"s-{company.external_id}-{k}",
                           "company": company.external_id, "type": "impression", "sku": p.sku,
                           "rec_request_id": rec, "position": pos, "surface": "chat"})
        if rng.random() < 0.3:
            p = rng.choice(shown)
            events.append({"event_id": f"{rec}:click", "ts": at + timedelta(minutes=2),
                           "session_id": f"s-{company.external_id}-{k}", "company": company.external_id,
                           "type": "click", "sku": p.sku, "rec_request_id": rec, "surface": "chat"})
    order = Order(external_id=f"O-{company.external_id}", company_id=company.id or 0,
                  ordered_at=NEXT + timedelta(days=rng.uniform(0, 28)), source="synthetic")
    s.add(order)
    s.flush()
    for p in rng.sample(products, rng.randint(1, 4)):
        s.add(OrderLine(order_id=order.id or 0, product_id=p.id or 0, quantity=1, unit_price=p.unit_price))


# --- chat traffic for the drift monitor ----------------------------------------------------------------------


def add_chat_week(engine: Engine, *, seed: int, start: datetime, days: float, conversations: int,
                  polish_share: float = 0.5, words: tuple[int, int] = (3, 12), pii_share: float = 0.1) -> None:
    """Write ``conversations`` chats of two customer turns each (and the assistant's answers) spread over
    ``[start, start + days)``: language Polish with ``polish_share``, messages of ``words`` words."""
    rng = random.Random(seed)
    pl = ("wyłącznik", "nadprądowy", "16A", "kabel", "YDY", "3x2.5", "rozdzielnica", "listwa", "cena", "proszę")
    en = ("breaker", "16A", "cable", "board", "price", "please", "need", "RCD", "type", "modules")
    with Session(engine) as s:
        company = s.get(Company, 1)
        if company is None:
            company = Company(external_id="D-1", name="Drift", industry="construction", size_band="small")
            s.add(company)
            s.flush()
        for _ in range(conversations):
            at = start + timedelta(seconds=rng.uniform(0, days * 86400 - 600))
            polish = rng.random() < polish_share
            conv = Conversation(id=str(uuid.UUID(int=rng.getrandbits(128))), company_id=company.id,
                                language="pl" if polish else "en", started_at=at)
            s.add(conv)
            vocab = pl if polish else en
            for turn in range(2):
                text = " ".join(rng.choice(vocab) for _ in range(rng.randint(*words)))
                if rng.random() < pii_share:
                    text += " <PERSON_1>"
                t = at + timedelta(minutes=2 * turn)
                s.add(Message(conversation_id=conv.id, role="user", masked_text=text, created_at=t))
                s.add(Message(conversation_id=conv.id, role="assistant", masked_text="ok", answered_by="planner",
                              created_at=t + timedelta(seconds=3)))
        s.commit()
