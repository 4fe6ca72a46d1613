"""``salesagent eval intents``: accuracy, macro-F1 per intent and the confusion matrix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.errors import InputError
from evals.intents_eval import format_report, score
from salesagent.cli import app


def test_scores_and_confusion_of_known_predictions() -> None:
    truth = ["find", "find", "cheaper", "discount_request", "cheaper", "out_of_scope"]
    predicted = ["find", "cheaper", "cheaper", "cheaper", "cheaper", "out_of_scope"]
    report = score("toy", truth, predicted, [f"t{i}" for i in range(6)])
    assert report.n == 6 and report.accuracy == pytest.approx(4 / 6)
    assert report.per_intent["cheaper"]["precision"] == pytest.approx(0.5)
    assert report.per_intent["cheaper"]["recall"] == 1.0 and report.per_intent["find"]["recall"] == 0.5
    assert report.per_intent["discount_request"]["f1"] == 0.0
    # macro over the four true labels: find 2/3, cheaper 2/3, discount 0, out_of_scope 1
    assert report.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 0 + 1) / 4)
    rows = dict(zip(report.labels, report.confusion, strict=True))
    assert rows["discount_request"][report.labels.index("cheaper")] == 1
    assert sum(map(sum, report.confusion)) == 6
    assert [e["text"] for e in report.errors] == ["t1", "t3"]
    text = format_report(report)
    assert "macro-F1=" in text and "confusion" in text and "discount_request" in text


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    """The CLI's ``main()`` prints an ``InputError`` as one line with its exit code."""
    result = CliRunner().invoke(app, ["eval", "intents", "--heldout", str(tmp_path / "nope.jsonl")])
    assert isinstance(result.exception, InputError) and "no labelled examples" in str(result.exception)


@pytest.mark.slow
def test_eval_intents_scores_a_labelled_file(tmp_path: Path) -> None:
    """The command fits on the training files (embeddings included) and scores the file it is given."""
    path = tmp_path / "mine.jsonl"
    rows = [("Szukam wyłącznika nadprądowego C16 3P do hali", "find"),
            ("Jaka jest pogoda w Poznaniu w weekend?", "out_of_scope"),
            ("Please don't use our order history for your suggestions", "opt_out")]
    path.write_text("".join(json.dumps({"text": t, "intent": i, "lang": "pl"}, ensure_ascii=False) + "\n"
                            for t, i in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "intents", "--heldout", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 3 and set(report["per_intent"]) >= {"find", "out_of_scope", "opt_out"}
    assert 0 <= report["macro_f1"] <= 1 and len(report["confusion"]) == len(report["labels"])
