"""What the e-mail shows: catalogue prices, or the company's approved and unexpired offer, never a pending or
expired one; the company's language; the contact's name filled in at rendering only, escaped in the HTML part
(issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fu_world import ACCESSORIES, PLAN_AT, VIEWED, World
from sqlmodel import Session

from followups.links import link_secret
from followups.planner import enqueue
from followups.render import build_message, compose, render
from store import followups as store
from store.companies import get_company, get_contact
from store.models import ApprovalStatus, Contact, PriceApproval


def _offer(world: World, company_id: int, sku: str, price: str, *, status: ApprovalStatus,
           expires: timedelta) -> None:
    with Session(world.engine) as s:
        s.add(PriceApproval(company_id=company_id, product_skus=[sku], kind="discount", status=status,
                            expires_at=datetime.now(UTC) + expires, approved_unit_price=Decimal(price)))
        s.commit()


def _set_contact(world: World, contact_id: int, **fields: object) -> None:
    with Session(world.engine) as s:
        row = s.get(Contact, contact_id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)
        s.add(row)
        s.commit()


def _rendered(world: World) -> tuple[str, str, list[str], str, str]:
    with Session(world.engine) as s:
        enqueue(s, world.settings, at=PLAN_AT)
        s.commit()
        row = store.outbox_rows(s)[0]
        contact, company = get_contact(s, contact_id=row.contact_id), get_company(s, company_id=row.company_id)
        assert contact is not None and company is not None
        content = compose(s, world.settings, row=row, contact=contact, company=company,
                          secret=link_secret(world.settings))
        stored = str(row.model_dump())
    rendered = render(content)
    message = build_message(world.settings, content, rendered, message_id="<t@salesagent.invalid>", at=PLAN_AT)
    return rendered.text, rendered.html, [i.price for i in content.items], stored, str(message["To"])


def test_only_catalogue_prices_or_an_approved_unexpired_offer(world: World) -> None:
    company, _ = world.company()
    world.visit(company)
    _offer(world, company, ACCESSORIES[0], "17.50", status=ApprovalStatus.approved, expires=timedelta(days=1))
    _offer(world, company, ACCESSORIES[1], "1.00", status=ApprovalStatus.approved, expires=timedelta(days=-1))
    _offer(world, company, VIEWED, "1.00", status=ApprovalStatus.pending, expires=timedelta(days=1))
    text, html, prices, _, _ = _rendered(world)
    assert prices == ["24,90\u00a0zł", "17,50\u00a0zł", "12,90\u00a0zł"]  # viewed, approved offer, catalogue
    assert "Państwa cena z oferty: 17,50" in text and "Państwa cena z oferty" in html
    assert "1,00" not in text and "1,00" not in html


def test_english_for_a_foreign_company_and_the_name_only_at_rendering(world: World) -> None:
    company, contact = world.company(country="Germany")
    _set_contact(world, contact, full_name="Jan <b>Kowalski</b>")
    world.visit(company)
    text, html, prices, stored, to = _rendered(world)
    assert prices == ["24.90\u00a0PLN", "19.90\u00a0PLN", "12.90\u00a0PLN"]
    assert "Hello Jan <b>Kowalski</b>," in text and "AI sales assistant" in text
    assert "Jan &lt;b&gt;Kowalski&lt;/b&gt;" in html and "<b>Kowalski" not in html
    assert "added to the same order as MCB-B16 in 6 of 10 orders" in html
    assert "Kowalski" not in stored and "@" not in stored  # the outbox row holds no name or address ...
    assert "Kowalski" in to and "@firma2.pl" in to  # ... the message does, filled in at rendering


def test_the_line_under_the_products_follows_the_homes_rules(world: World) -> None:
    """Issue 24: the e-mail uses the portal home's rules: an engineer reads the engineer's value line, a contact
    without a role the default one."""
    from personalisation import value_proposition

    company, contact = world.company()
    _set_contact(world, contact, role="engineer")
    world.visit(company)
    text, html, _, _, _ = _rendered(world)
    line = value_proposition("engineer", "pl")
    assert line != value_proposition("default", "pl")
    assert line in text and '<p class="fu-value"' in html and line in html
