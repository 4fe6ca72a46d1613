"""``POST /advisor``, the page ``/ui/advisor`` and ``salesagent advise``: the answer follows the table, free text is
masked before it is read, bad input is a readable 422 / exit code 2, and nothing of a request is kept (zero
retention: not in the SQLite file, not in any log record)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from core.config import Settings

NAME, EMAIL, PHONE = "Zofia Wiśniewska", "zofia.wisniewska@hurtownia-przyklad.pl", "+48 793 118 462"
TEXT = (f"Hi, I am {NAME} ({EMAIL}, tel. {PHONE}). We have 5,000 customers and 200,000 orders over 4 years, "
        "12,000 products with descriptions.")


@pytest.fixture(scope="module")
def client(resources: Any, agent_settings: Settings) -> Iterator[TestClient]:
    from portal.app import create_app

    with TestClient(create_app(agent_settings, resources)) as c:
        yield c


def _db_bytes(settings: Settings) -> bytes:
    base = Path(settings.db_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in base.parent.glob(base.name + "*"))


def test_api_answers_from_the_table(client: TestClient) -> None:
    res = client.post("/advisor", json={"facts": {"customers": 300, "skus": 2000, "descriptions": "none",
                                                  "behaviour_collected": False}})
    assert res.status_code == 200, res.text
    body = res.json()
    assert (body["rule"], body["architecture"]) == ("static-names", "static_rules")
    assert body["summary"] == "Start with static rules, plus embeddings with semantic search on product names."
    assert body["key_data"] and body["collect_next"] and body["effort"]["size"] == "small"


def test_form_fields_win_over_the_text(client: TestClient) -> None:
    res = client.post("/advisor", json={"text": "5000 customers, 200000 orders", "facts": {"customers": 200}})
    assert res.status_code == 200
    assert res.json()["facts"]["customers"] == 200 and res.json()["architecture"] == "static_rules"


@pytest.mark.parametrize(("payload", "where"), [
    ({"facts": {"skus": -1}}, "facts.skus"),
    ({"facts": {"descriptions": "lots"}}, "facts.descriptions"),
    ({"facts": {"colour": "red"}}, "facts.colour"),
    ({"text": "x" * 4001}, "text"),
])
def test_bad_input_is_a_readable_422(client: TestClient, payload: dict[str, Any], where: str) -> None:
    res = client.post("/advisor", json=payload)
    assert res.status_code == 422
    assert res.json()["detail"].startswith(where)


def test_a_request_with_a_name_and_an_email_leaves_no_trace(client: TestClient, agent_settings: Settings,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    before = _db_bytes(agent_settings)
    assert all(s.encode() not in before for s in (NAME, EMAIL, "793 118 462"))  # the check below can fail
    res = client.post("/advisor", json={"text": TEXT})
    page = client.post("/ui/advisor", data={"text": TEXT})
    assert res.status_code == 200 and page.status_code == 200
    body = res.json()
    assert body["rule"] == "cf-described" and body["masked_entities"] >= 2
    after = _db_bytes(agent_settings)
    for secret in (NAME, EMAIL, "Wiśniewska", "zofia", "793 118 462"):
        assert secret.encode() not in after, f"{secret!r} reached the database"
        assert secret not in caplog.text, f"{secret!r} reached the logs"
        assert all(secret not in str(r.args) for r in caplog.records)
    assert after == before, "an advisor request changed the database"
    assert NAME not in res.text and EMAIL not in res.text  # the answer does not echo the text either


def test_the_text_is_masked_before_the_advisor_reads_it(monkeypatch: pytest.MonkeyPatch, client: TestClient) -> None:
    import advisor

    seen: list[str] = []
    real = advisor.parse_text
    monkeypatch.setattr(advisor, "parse_text", lambda text: seen.append(text) or real(text))
    assert client.post("/advisor", json={"text": TEXT}).status_code == 200
    assert len(seen) == 1 and EMAIL not in seen[0] and "Wiśniewska" not in seen[0] and "5,000 customers" in seen[0]


def test_page_shows_the_form_and_the_advice(client: TestClient) -> None:
    empty = client.get("/ui/advisor")
    assert empty.status_code == 200 and 'id="advisor-form"' in empty.text and 'id="advice"' not in empty.text
    res = client.post("/ui/advisor", data={"customers": "5000", "order_rows": "200000", "descriptions": "full",
                                           "behaviour_collected": "no"})
    assert res.status_code == 200
    assert 'data-architecture="collaborative_filtering"' in res.text
    assert "Start with collaborative filtering, plus embeddings with semantic search on names and descriptions." in \
        res.text


def test_page_refuses_bad_values_and_foreign_posts(client: TestClient) -> None:
    bad = client.post("/ui/advisor", data={"skus": "lots"})
    assert bad.status_code == 422 and "skus" in bad.text
    foreign = client.post("/ui/advisor", data={"skus": "10"}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403


def test_cli_advises_from_options_and_text(agent_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from salesagent.cli import app

    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(agent_settings.data_dir))
    res = CliRunner().invoke(app, ["advise", "--customers", "300", "--skus", "2000", "--descriptions", "none",
                                   "--no-behaviour"])
    assert res.exit_code == 0, res.output
    assert "Start with static rules, plus embeddings with semantic search on product names." in res.output
    res = CliRunner().invoke(app, ["advise", "-", "--json"], input=TEXT)
    assert res.exit_code == 0, res.output
    assert '"rule": "cf-described"' in res.output and EMAIL not in res.output


@pytest.mark.parametrize(("args", "message"), [
    (["advise", "--descriptions", "lots"], "--descriptions"),
    (["advise"], "describe the shop"),
])
def test_cli_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    from salesagent.cli import app

    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2 or isinstance(res.exception, Exception)
    err = res.exception
    from core.errors import InputError

    assert isinstance(err, InputError) and message in str(err) and "\n" not in str(err)
