"""Reversible masking per conversation: stable placeholders, unmask, nothing leaks through repr or pickling."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from typer.testing import CliRunner

from guardrails.pii import PiiVault, VaultStore


def test_same_value_same_placeholder_across_messages(masker) -> None:  # type: ignore[no-untyped-def]
    vault = PiiVault("conv-1")
    a = masker.mask("Tu Anna Kowalska, anna.k@firma.pl, tel. 601 234 567", vault)
    b = masker.mask("Jeszcze raz: Anna Kowalska, telefon +48 601-234-567, ania@firma.pl", vault)
    assert a.text == "Tu <PERSON_1>, <EMAIL_1>, tel. <PHONE_1>"
    assert b.text == "Jeszcze raz: <PERSON_1>, telefon <PHONE_1>, <EMAIL_2>"


def test_offsets_refer_to_input(masker) -> None:  # type: ignore[no-untyped-def]
    text = "Mail: jan@firma.pl, NIP 526-104-08-28"
    res = masker.mask(text)
    assert [(e.type, text[e.start:e.end]) for e in res.entities] == [("EMAIL", "jan@firma.pl"), ("NIP", "526-104-08-28")]


def test_unmask_restores_customers_details(masker) -> None:  # type: ignore[no-untyped-def]
    vault = PiiVault("conv-2")
    masked = masker.mask("Hi, this is John Smith, john@acme.co.uk", vault).text
    reply = "Thank you <PERSON_1>, the offer goes to <EMAIL_1>. <PERSON_9> is unknown."
    assert vault.unmask(reply) == "Thank you John Smith, the offer goes to john@acme.co.uk. <PERSON_9> is unknown."
    assert "John" not in masked


def test_vault_never_shows_values(masker) -> None:  # type: ignore[no-untyped-def]
    vault = PiiVault("conv-3")
    masker.mask("Tu Anna Kowalska, PESEL 44051401458", vault)
    for shown in (repr(vault), str(vault), f"{vault}"):
        assert "Anna" not in shown and "44051401458" not in shown
    with pytest.raises(TypeError):
        pickle.dumps(vault)
    with pytest.raises(TypeError):
        copy.deepcopy(vault)
    with pytest.raises(TypeError):
        json.dumps(vault)


def test_vault_store_is_per_conversation() -> None:
    store = VaultStore()
    a, b = store.get("a"), store.get("b")
    a.placeholder_for("PERSON", "Anna")
    assert store.get("a") is a and len(b) == 0
    store.drop("a")
    assert len(a) == 0 and store.get("a") is not a
    assert "Anna" not in repr(store)


def test_cli_mask_jsonl_in_order(masker) -> None:  # type: ignore[no-untyped-def]
    from salesagent.cli import app

    lines = [{"text": "Tu Anna Kowalska, tel. 601 234 567, YDY 3x2.5"}, {"text": "no PII, S201-B16 x 5"}]
    result = CliRunner().invoke(app, ["mask"], input="\n".join(json.dumps(x) for x in lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert out[0]["text"] == "Tu <PERSON_1>, tel. <PHONE_1>, YDY 3x2.5"
    assert out[0]["entities"] == [{"type": "PERSON", "start": 3, "end": 16}, {"type": "PHONE", "start": 23, "end": 34}]
    assert out[1] == {"text": "no PII, S201-B16 x 5", "entities": []}


def test_cli_mask_bad_line_is_an_input_error(masker) -> None:  # type: ignore[no-untyped-def]
    from core.errors import InputError
    from salesagent.cli import app

    result = CliRunner().invoke(app, ["mask"], input='{"text": "ok"}\nnot json\n')
    assert isinstance(result.exception, InputError)
    assert "line 2" in str(result.exception)
    assert result.stdout.splitlines() == ['{"text": "ok", "entities": []}']
