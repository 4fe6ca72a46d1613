"""The offline evaluation report (issue 23) on small inputs: every figure on the HTML page is the JSON's (read
back from the page's ``data-value`` cells), the search significance comes from ranx's ``compare``, sections that
did not run say so, and the page fetches nothing (no external URL)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from core.errors import InputError
from evals.golden.runner import CaseResult, GoldenReport
from evals.report import build, golden_section, load_run_file, pii_section, search_section, write

QRELS = {f"q{i}": {f"S{i}": 2, f"S{i}b": 1} for i in range(12)}


def _run(hit_every: int) -> dict[str, dict[str, float]]:
    """Queries whose relevant product is ranked first on every ``hit_every``-th query, last otherwise."""
    return {q: ({f"S{i}": 3.0, "X": 2.0, "Y": 1.0} if i % hit_every == 0 else {"X": 3.0, "Y": 2.0, f"S{i}": 1.0})
            for i, q in enumerate(QRELS)}


def _golden() -> dict[str, Any]:
    results = []
    for i in range(6):
        r = CaseResult(f"c{i}")
        r.record("answers", True)
        r.record("grounded", i != 4, "a SKU not from a tool")
        results.append(r)
    return GoldenReport("planner", results).as_dict()


def _pii() -> dict[str, Any]:
    from evals.pii_metrics import score

    records = [{"text": "Call Jan Kowalski at 601 234 567", "lang": "en",
                "spans": [{"start": 5, "end": 17, "type": "PERSON"}, {"start": 21, "end": 32, "type": "PHONE"}]},
               {"text": "Mail jan@example.com please", "lang": "en",
                "spans": [{"start": 5, "end": 20, "type": "EMAIL"}]}]
    return score(records, lambda text: [(m.start(), m.end(), "EMAIL") for m in re.finditer(r"\S+@\S+", text)])


@pytest.fixture(scope="module")
def report() -> Any:
    langs = {"c0": "pl", "c1": "pl", "c2": "pl", "c3": "en", "c4": "en", "c5": "en"}
    return build(golden=golden_section(_golden(), langs),
                 search=search_section(QRELS, _run(1), _run(3)),
                 ranking={"popularity": {"recall@10": 0.12, "ndcg@10": 0.08, "seconds": 1.5},
                          "blender": {"recall@10": 0.2, "ndcg@10": 0.14, "seconds": 9.0}},
                 pii=pii_section(_pii(), split="tiny"), latency={"pii_mask_median": 1.25})


def _cells(html: str) -> dict[tuple[str, str], str]:
    return {(s, k): unescape(v) for s, k, v in
            re.findall(r'data-section="([^"]+)" data-key="([^"]+)" data-value="([^"]*)"', html)}


def _get(data: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        data = data[part]
    return data


def test_the_html_figures_are_the_jsons(report: Any, tmp_path: Path) -> None:
    html = write(report, tmp_path / "report.html").read_text(encoding="utf-8")
    data = json.loads(write(report, tmp_path / "report.json").read_text(encoding="utf-8"))
    cells = _cells(html)
    expected: set[tuple[str, str]] = {("golden", "overall"), ("pii", "precision_overall")}
    expected |= {("golden", f"properties.{n}.{f}") for n in data["golden"]["data"]["properties"]
                 for f in ("passed", "checked", "rate")}
    expected |= {("golden", f"languages.{lang}.{f}") for lang in ("en", "pl") for f in ("cases", "all_passed", "rate")}
    expected |= {("search", f"{part}.{m}") for part in ("metrics", "baseline", "p_values")
                 for m in ("ndcg@10", "recall@10", "mrr")}
    expected |= {("ranking", f"{s}.{c}") for s in ("popularity", "blender") for c in ("recall@10", "ndcg@10", "seconds")}
    expected |= {("pii", f"types.{t}.{f}") for t in ("EMAIL", "PERSON", "PHONE")
                 for f in ("support", "recall_masked", "recall_typed")}
    expected.add(("latency", "pii_mask_median"))
    assert set(cells) == expected
    for (section, key), shown in cells.items():
        value = data["latency"][key] if section == "latency" else (
            _get(data[section]["data"], key) if section != "ranking"
            else data["ranking"]["data"][key.split(".")[0]][key.split(".", 1)[1]])
        assert shown == ("" if value is None else str(value)), (section, key)
    for fig in ("golden", "search", "pii"):
        assert re.search(rf'<figure id="fig-{fig}"><svg', html), fig
    assert not re.search(r'(src|href)="https?://', html)  # self-contained


def test_the_numbers_are_the_evals(report: Any) -> None:
    d = report.to_dict()
    golden = d["golden"]["data"]
    assert golden["properties"]["grounded"] == {"passed": 5, "checked": 6, "rate": 0.8333}
    assert golden["languages"] == {"en": {"cases": 3, "all_passed": 2, "rate": 0.6667},
                                   "pl": {"cases": 3, "all_passed": 3, "rate": 1.0}}
    search = d["search"]["data"]
    assert search["metrics"]["mrr"] == 1.0 and search["baseline"]["mrr"] < 0.6
    assert search["significant"]["mrr"] and search["p_values"]["mrr"] < 0.05
    pii = d["pii"]["data"]["types"]
    assert pii["EMAIL"]["recall_masked"] == 1.0 and pii["PERSON"]["recall_masked"] == 0.0


def test_a_section_not_run_says_why(tmp_path: Path) -> None:
    partial = build(search=search_section(QRELS, _run(1)), skipped={"ranking": "pass --ranking FILE"})
    assert "baseline" not in partial.to_dict()["search"]["data"]
    html = write(partial, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Not run: pass --ranking FILE" in html and "Not run: not run" in html
    with pytest.raises(InputError, match="must end in .json or .html"):
        write(partial, tmp_path / "r.txt")


def test_a_bad_run_file_is_a_readable_error(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text('{"query_id": "q1", "items": ["A", "B"]}\n{"query": "q2"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"run.jsonl:2: not a run line"):
        load_run_file(path)
    path.write_text('{"query_id": "q1", "items": ["A", "B"]}\n', encoding="utf-8")
    assert load_run_file(path) == {"q1": {"A": 2.0, "B": 1.0}}
    with pytest.raises(InputError, match="no query with a relevant"):
        search_section({"q1": {"A": 0}}, {"q1": {"A": 1.0}})
