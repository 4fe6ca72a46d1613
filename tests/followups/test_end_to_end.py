"""End to end over a real SMTP server on 127.0.0.1 (aiosmtpd) and the real portal app: the e-mail arrives with
both parts, the right products, tracked links and both unsubscribe headers; following a link records a click
attributed to the e-mail and redirects to the product; one-click unsubscribing withdraws the consent with an
audit row and the next plan skips the contact; two ``send`` processes started together send each e-mail once
(issue 19)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fu_world import ACCESSORIES, PLAN_AT, VIEWED, World
from smtp_server import smtp_server
from sqlmodel import Session

from followups import models as m
from followups.links import link_secret, product_url, verify
from followups.planner import plan
from followups.sender import run_once
from measurement.kpi import KpiOptions
from measurement.source import report_from_store
from store import followups as store
from store import measurement as log
from store.audit import audit_trail
from store.migrate import upgrade_head
from store.models import FollowupStatus
from store.orders import order_line_rows

SALESAGENT = Path(sys.executable).parent / "salesagent"


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_the_email_arrives_is_clicked_and_unsubscribed(world: World, portal_client: Any) -> None:
    # sent now (a fixed one-hour delay): the portal records the click at the real time, and the KPI report
    # attributes it to the e-mail's impression only within the attribution window
    now = datetime.now(UTC).replace(microsecond=0)
    company, contact = world.company()
    world.visit(company, end=now - timedelta(hours=3))
    with smtp_server() as (inbox, port):
        settings = world.with_settings(smtp_url=f"smtp://127.0.0.1:{port}", followup_delay_hours=1)
        planned, report = run_once(world.engine, settings, at=now)
        assert planned is not None and planned.by_status == {"queued": 1}
        assert (report.sent, report.failed, report.retry) == (1, 0, 0), report.errors
        messages = inbox.messages
    assert len(messages) == 1 and inbox.recipients == [["jan.kowalski2@firma2.pl"]]
    msg = messages[0]
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    plain, html = _parts(msg)
    for sku, name in ((VIEWED, "ABB S201 MCB B16 1P"), ("BUSBAR-1P", "Busbar 1P 12 modules"),
                      ("RAIL-TH35", "DIN rail TH35 1 m")):
        assert sku in plain and sku in html and name in plain and name in html
    assert "w 6 z 10 zamówień" in plain and "w 5 z 10 zamówień" in html  # the premises in numbers, in Polish
    assert "24,90" in plain and "asystent AI" in plain and "asystent AI" in html  # catalogue price, disclosure
    assert "Dlaczego te produkty?" in html and "style=" in html and "<style" not in html  # CSS inlined
    assert "Jan Kowalski 2" in plain  # the name, filled in at rendering

    # tracked links: one per product, each signed for this recipient, this send and its own SKU
    secret = link_secret(settings)
    links = re.findall(r'href="(http://127\.0\.0\.1:8000/ui/email/c/[^"]+)"', html)
    tokens = [verify(secret, url.rsplit("/", 1)[1], "c") for url in links]
    assert [t.sku for t in tokens if t] == [VIEWED, *ACCESSORIES]
    with Session(world.engine) as s:
        row = store.outbox_rows(s)[0]
    assert {(t.send_id, t.contact_id) for t in tokens if t} == {(row.id, contact)}
    assert row.status == FollowupStatus.sent and row.rec_request_id and row.sent_at == now

    # both unsubscribe headers (RFC 8058)
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(msg["List-Unsubscribe"]).strip().strip("<>")  # a long header is folded: leading space
    assert unsubscribe.startswith("http://127.0.0.1:8000/ui/email/u/")

    # following a product link records a click attributed to the e-mail and redirects to the product
    answer = portal_client.get(urlsplit(links[1]).path)
    assert answer.status_code == 303 and answer.headers["location"] == product_url(settings, "BUSBAR-1P")
    with Session(world.engine) as s:
        events = log.company_events(s, company="FU-C0002")
        report_kpi = report_from_store(s, KpiOptions())
    assert [(e.type.value, e.sku, e.surface) for e in events] == [
        ("impression", VIEWED, "email"), ("impression", "BUSBAR-1P", "email"), ("impression", "RAIL-TH35", "email"),
        ("click", "BUSBAR-1P", "email")]
    assert events[-1].rec_request_id == row.rec_request_id and events[0].session_id == row.session_id
    assert report_kpi.impressions["email"] == 3 and report_kpi.clicks["email"] == 1
    assert abs((report_kpi.ctr["email"] or 0) - 1 / 3) < 1e-6
    assert portal_client.get(urlsplit(links[1]).path[:-3] + "AAA").status_code == 404  # a changed token

    # the confirmation page changes nothing; the one-click POST withdraws the consent with an audit row
    page = portal_client.get(urlsplit(unsubscribe).path)
    assert page.status_code == 200 and "j***@firma2.pl" in page.text and 'method="post"' in page.text
    with Session(world.engine) as s:
        assert store.email_consent(s, contact_id=contact) is None
    done = portal_client.post(urlsplit(unsubscribe).path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "fu-unsubscribed" in done.text
    with Session(world.engine) as s:
        consent = store.email_consent(s, contact_id=contact)
        trail = audit_trail(s, entity="contact", entity_id=contact)
    assert consent is not None and not consent.granted and consent.via == "one_click"
    assert [(a.action, a.details["via"]) for a in trail] == [("email_consent_withdrawn", "one_click")]

    # the next plan skips the contact
    later = world.visit(company, end=now + timedelta(days=14))
    with Session(world.engine) as s:
        decisions = plan(s, settings, at=now + timedelta(days=14, hours=2))
    assert [(d.line.session_id, d.line.reason) for d in decisions] == [(later, m.UNSUBSCRIBED)]


def test_why_and_product_pages_and_bad_tokens(world: World, portal_client: Any) -> None:
    company, _ = world.company()
    world.visit(company)
    with smtp_server() as (inbox, port):
        run_once(world.engine, world.with_settings(smtp_url=f"smtp://127.0.0.1:{port}"), at=PLAN_AT)
        _, html = _parts(inbox.messages[0])
    why = re.search(r'href="http://127\.0\.0\.1:8000(/ui/email/why/[^"]+)"', html)
    assert why is not None
    page = portal_client.get(why.group(1))
    assert page.status_code == 200
    assert "w 6 z 10 zamówień" in page.text and "MCB-B16 było w 10 zamówieniach" in page.text
    assert "asystent AI" in page.text
    product = portal_client.get(f"/ui/email/p/{VIEWED}")
    assert product.status_code == 200 and "ABB S201 MCB B16 1P" in product.text
    assert portal_client.get("/ui/email/p/OLD-CLAMP").status_code == 404  # inactive
    assert portal_client.get("/ui/email/c/bm90.dmFsaWQ").status_code == 404
    assert portal_client.get("/ui/email/u/x").status_code == 422
    assert portal_client.post("/ui/email/u/bm90.dmFsaWQ").status_code == 404
    assert "Content-Security-Policy" in page.headers and "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_two_send_processes_started_together_send_each_email_once(world: World) -> None:
    companies = [world.company()[0] for _ in range(6)]
    for c in companies:
        world.visit(c)
    upgrade_head(world.engine)  # stamp the test database once, before two processes open it
    with smtp_server() as (inbox, port):
        env = os.environ | {"SALESAGENT_DATA_DIR": str(world.settings.data_dir),
                            "SALESAGENT_SMTP_URL": f"smtp://127.0.0.1:{port}",
                            "SALESAGENT_FOLLOWUP_LINK_SECRET": "test-link-secret-0123456789",
                            "SALESAGENT_FOLLOWUP_INTERVAL_MINUTES": "0"}
        command = [str(SALESAGENT), "followups", "send", "--at", PLAN_AT.isoformat(), "--json"]
        procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        outputs = [p.communicate(timeout=240) for p in procs]
        messages = inbox.messages
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sum(r["recorded"] for r in reports) == 6  # each decision recorded once (ON CONFLICT DO NOTHING)
    assert sum(r["sent"] for r in reports) == 6 and sum(r["claimed"] for r in reports) == 6
    ids = [str(msg["X-Salesagent-Outbox-Id"]) for msg in messages]
    assert len(messages) == 6 and len(set(ids)) == 6
    with Session(world.engine) as s:
        rows = store.outbox_rows(s)
        lines = order_line_rows(s)
    assert sorted(r.status.value for r in rows) == ["sent"] * 6 and all(r.attempts == 1 for r in rows)
    assert lines  # the store the processes read is this test's
