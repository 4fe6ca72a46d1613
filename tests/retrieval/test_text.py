"""The product-code tokenizer, attribute rendering and numeric parsing."""

from __future__ import annotations

from retrieval.text import category_levels, identifier_candidates, numeric_value, render_attributes, tokenize


def test_codes_are_kept_whole_and_split() -> None:
    toks = tokenize("S201-B16")
    assert toks[0] == "s201-b16"
    assert {"s201", "b16", "201", "16"} <= set(toks)


def test_numbers_join_their_units() -> None:
    assert "16a" in tokenize("16 A") and "16a" in tokenize("16A")
    assert "ip65" in tokenize("IP 65") and "ip65" in tokenize("IP65")
    assert {"3x2.5", "2.5"} <= set(tokenize("YDY 3x2,5 mm²"))


def test_polish_letters_fold() -> None:
    assert tokenize("Wyłącznik nadprądowy") == ["wylacznik", "nadpradowy"]


def test_identifier_candidates_need_a_digit() -> None:
    assert "S201-B16" in identifier_candidates("please S201-B16")
    assert "PLEASE" not in identifier_candidates("please S201-B16")


def test_attribute_rendering_and_numbers() -> None:
    assert render_attributes({"rated_current_a": 16, "poles": 1}) == "poles: 1; rated current: 16 A"
    assert numeric_value("IP65") == 65.0 and numeric_value("16 A") == 16.0 and numeric_value("B") is None
    assert category_levels("Protection > MCB") == ["protection", "protection > mcb"]


def test_name_word_pairs_skip_stopwords_and_stem() -> None:
    from retrieval.sparse import bigrams

    assert bigrams("Bar stools with backrest") == ["bar_stool", "stool_backrest"]
    assert bigrams("bar stool") == ["bar_stool"]  # plural and singular meet
    assert bigrams("Wyłącznik nadprądowy")[0] == bigrams("wylacznik nadpradowy")[0]
    assert bigrams("floodlight") == []


def test_quantize_setting_is_validated(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from pydantic import ValidationError

    from core.config import Settings
    from retrieval.embeddings import quantize_mode

    monkeypatch.setenv("SALESAGENT_EMBEDDING_QUANTIZE", "none")
    assert quantize_mode(Settings(_env_file=None)) == "none"  # type: ignore[call-arg]
    monkeypatch.delenv("SALESAGENT_EMBEDDING_QUANTIZE")
    from retrieval import embeddings

    monkeypatch.setattr(embeddings, "has_native_bf16", lambda: False)
    assert quantize_mode(Settings(_env_file=None)) == "int8"  # type: ignore[call-arg]
    monkeypatch.setattr(embeddings, "has_native_bf16", lambda: True)
    assert quantize_mode(Settings(_env_file=None)) == "bf16"  # type: ignore[call-arg]
    monkeypatch.setenv("SALESAGENT_EMBEDDING_QUANTIZE", "int8")
    assert quantize_mode(Settings(_env_file=None)) == "int8"  # type: ignore[call-arg]
    monkeypatch.setenv("SALESAGENT_EMBEDDING_QUANTIZE", "fp16")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_dense_text_choices_drop_the_description_then_the_attributes() -> None:
    from retrieval.models import ProductDoc
    from retrieval.text import content_hash, dense_text

    doc = ProductDoc(sku="S201-B16", name="ABB S200 MCB B16 1P", brand="ABB", category="Protection > MCB",
                     attributes={"poles": 1}, description="Miniature circuit breaker for socket circuits.")
    full, key, name = dense_text(doc), dense_text(doc, "key"), dense_text(doc, "name")
    assert "socket circuits" in full and "socket circuits" not in key
    assert "Brand: ABB" in key and "1" in key.splitlines()[-1]
    assert name.splitlines() == ["ABB S200 MCB B16 1P", "Category: Protection > MCB"]
    assert dense_text(doc, "full") == full  # the default is the full text (the shipped choice, docs/retrieval.md)
    assert content_hash(doc, "m|s") != content_hash(doc, "m|s|dense:key")
