"""The offline evaluation report (issue 23): one self-contained HTML page (plots as inline SVG, nothing fetched)
and the same numbers as JSON, assembled from the existing evals: the golden set (``GoldenReport.as_dict()``, per
property and per language), search (nDCG/recall against given qrels with ranx, significance against a stored
baseline run with ranx's ``compare``), ranking (the time-split table of ``evals.ranking_eval.run``), PII (per
type, ``evals.pii_metrics.score``) and latency. Every section is optional: one that was not run says so and how
to run it, so the page is never silently partial. Section builders are pure; the CLI runs the evals."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.errors import InputError

SEARCH_METRICS = ("ndcg@10", "recall@10", "mrr")


class Section(BaseModel):
    """One part of the report: ``data`` when it ran, else ``skipped`` (why, and how to run it)."""

    data: dict[str, Any] | None = None
    skipped: str | None = None


class EvalReport(BaseModel):
    """The report's JSON: one section per eval; the HTML shows exactly these numbers."""

    generated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    golden: Section
    search: Section
    ranking: Section
    pii: Section
    latency: dict[str, float] = Field(default_factory=dict)
    """Milliseconds, by what was timed (``pii_mask_median``, ``search_p50``, ...)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-able report."""
        return json.loads(self.model_dump_json())


# --- sections (pure) -------------------------------------------------------------------------------------------


def golden_section(run: Mapping[str, Any], case_langs: Mapping[str, str]) -> dict[str, Any]:
    """Return the golden run's pass rate per property and, per language, the share of cases with no failure
    (``as_dict`` keeps the failures by case; ``case_langs`` maps a case id to its language)."""
    props = {name: {"passed": int(p["passed"]), "checked": int(p["checked"]),
                    "rate": round(p["passed"] / p["checked"], 4) if p["checked"] else None}
             for name, p in (run.get("properties") or {}).items()}
    failed = set((run.get("failures") or {}).keys())
    langs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case_id, lang in case_langs.items():
        langs[lang][0] += case_id not in failed
        langs[lang][1] += 1
    return {"label": run.get("label"), "cases": run.get("cases"), "overall": run.get("overall"),
            "properties": props,
            "languages": {lang: {"cases": n, "all_passed": ok, "rate": round(ok / n, 4) if n else None}
                          for lang, (ok, n) in sorted(langs.items())}}


def load_run_file(path: Path) -> dict[str, dict[str, float]]:
    """Read a run file of ``salesagent eval search`` (JSON lines ``{"query_id", "items": [sku, ...]}``) as a ranx
    run: the first of k items scores k, the last 1."""
    run: dict[str, dict[str, float]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"cannot read the run {path}: {err.strerror or err}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items = [str(s) for s in row["items"]]
            run[str(row["query_id"])] = {sku: float(len(items) - i) for i, sku in enumerate(items)}
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise InputError(f"{path}:{number}: not a run line ({type(err).__name__}: {err})") from None
    if not run:
        raise InputError(f"{path}: no query in the run")
    return run


def search_section(qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Mapping[str, float]],
                   baseline: Mapping[str, Mapping[str, float]] | None = None, *, max_p: float = 0.05
                   ) -> dict[str, Any]:
    """Return nDCG@10, recall@10 and MRR of ``run`` (ranx, over the judged queries) and, with a ``baseline``
    run, both runs' scores and the paired two-sided t-test p-value of each difference (ranx ``compare``)."""
    from ranx import Qrels, Run, compare, evaluate

    judged = {q: dict(d) for q, d in qrels.items() if any(r > 0 for r in d.values())}
    if not judged:
        raise InputError("qrels has no query with a relevant (relevance > 0) product")
    q = Qrels(judged)

    def full(r: Mapping[str, Mapping[str, float]], name: str) -> Any:
        return Run({k: dict(r.get(k) or {}) for k in judged}, name=name)

    current = full(run, "run")
    scores = evaluate(q, current, list(SEARCH_METRICS), make_comparable=True)
    out: dict[str, Any] = {"queries": len(judged), "metrics": {m: round(float(v), 4) for m, v in scores.items()}}
    if baseline is not None:
        report = compare(q, [current, full(baseline, "baseline")], list(SEARCH_METRICS), stat_test="student",
                         max_p=max_p, make_comparable=True, rounding_digits=6).to_dict()
        out["baseline"] = {m: round(float(report["baseline"]["scores"][m]), 4) for m in SEARCH_METRICS}
        out["p_values"] = {m: float(report["run"]["comparisons"]["baseline"][m]) for m in SEARCH_METRICS}
        out["significant"] = {m: out["p_values"][m] < max_p for m in SEARCH_METRICS}
        out["test"] = f"paired two-sided t-test (ranx compare), max p {max_p}"
    return out


def pii_section(result: Mapping[str, Any], *, split: str) -> dict[str, Any]:
    """Return per gold type its support and recall (masked, right type), the precision per detector label and
    the median masking time (from ``evals.pii_metrics.score``; tags like ``PERSON/declined`` left out)."""
    support = result.get("support") or {}
    types = {t: {"support": int(n), "recall_masked": result["recall_masked"].get(t),
                 "recall_typed": result["recall_typed"].get(t)}
             for t, n in support.items() if "/" not in t}
    return {"split": split, "messages": result.get("messages"), "types": types,
            "precision": dict(result.get("precision") or {}), "precision_overall": result.get("precision_overall"),
            "median_ms": result.get("median_ms")}


def build(*, golden: dict[str, Any] | None = None, search: dict[str, Any] | None = None,
          ranking: dict[str, Any] | None = None, pii: dict[str, Any] | None = None,
          latency: Mapping[str, float] | None = None, skipped: Mapping[str, str] | None = None) -> EvalReport:
    """Return the report of the sections given; ``skipped`` says why a missing one was not run."""
    why = dict(skipped or {})

    def section(name: str, data: dict[str, Any] | None) -> Section:
        return Section(data=data) if data is not None else Section(skipped=why.get(name, "not run"))

    return EvalReport(golden=section("golden", golden), search=section("search", search),
                      ranking=section("ranking", ranking), pii=section("pii", pii),
                      latency={k: round(float(v), 3) for k, v in (latency or {}).items()})


# --- HTML -------------------------------------------------------------------------------------------------------


def _bars(title: str, labels: list[str], series: dict[str, list[float | None]], name: str) -> str:
    """Return a horizontal bar chart (shares 0..1) as inline SVG markup."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 0.35 * max(3, len(labels)) * max(1, len(series)) ** 0.5 + 0.8))
    height = 0.8 / max(1, len(series))
    for i, (label, values) in enumerate(series.items()):
        ax.barh([j + i * height for j in range(len(labels))], [v or 0.0 for v in values], height=height,
                label=label)
    ax.set_yticks([j + height * (len(series) - 1) / 2 for j in range(len(labels))], labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(title, fontsize=10)
    if len(series) > 1:
        ax.legend(fontsize=8, loc="lower right")
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"evalreport-{name}", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def figures(report: EvalReport) -> dict[str, str]:
    """Return the report's plots as inline SVG: golden pass rates, search against baseline, PII recall."""
    out = {}
    if (g := report.golden.data) is not None and g["properties"]:
        names = list(g["properties"])
        out["golden"] = _bars("Golden set: pass rate per property", names,
                              {"pass rate": [g["properties"][n]["rate"] for n in names]}, "golden")
    if (s := report.search.data) is not None:
        series = {"run": [s["metrics"][m] for m in SEARCH_METRICS]}
        if "baseline" in s:
            series["baseline"] = [s["baseline"][m] for m in SEARCH_METRICS]
        out["search"] = _bars("Search", list(SEARCH_METRICS), series, "search")
    if (p := report.pii.data) is not None and p["types"]:
        types = list(p["types"])
        out["pii"] = _bars("PII: recall per type", types,
                           {"masked": [p["types"][t]["recall_masked"] for t in types],
                            "right type": [p["types"][t]["recall_typed"] for t in types]}, "pii")
    return out


def num(value: Any, digits: int = 4) -> str:
    """Return a figure for reading: counts as they are, shares and scores with ``digits`` decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline evaluation report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem; color: #1d2330; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
.scroll { overflow-x: auto; } table { border-collapse: collapse; margin: .4rem 0; font-size: .9rem; }
td, th { border: 1px solid #dde; padding: .2rem .45rem; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
.skipped { background: #f3f3f6; border-left: 4px solid #889; padding: .4rem .8rem; }
figure { margin: .8rem 0; } figure svg { max-width: 100%; height: auto; } .muted { color: #667; font-size: .85rem; }
</style></head><body>
<h1 id="title">Offline evaluation report</h1>
<p class="muted">Generated {{ r.generated_at.strftime("%Y-%m-%d %H:%M") }} UTC. The same numbers: the JSON
(<code>salesagent eval report --out report.json</code>). How to read it: docs/oversight.md.</p>
{% macro cell(section, key, value, digits=4) %}<td data-section="{{ section }}" data-key="{{ key }}" data-value="{{ value if value is not none else '' }}">{{ num(value, digits) }}</td>{% endmacro %}

<h2 id="golden">Golden set</h2>
{% set g = r.golden.data %}{% if g is none %}<p class="skipped">Not run: {{ r.golden.skipped }}</p>{% else %}
<p>{{ g.label }}: {{ g.cases }} cases, overall pass rate <strong data-section="golden" data-key="overall" data-value="{{ g.overall }}">{{ num(g.overall) }}</strong>.</p>
<div class="scroll"><table id="golden-properties"><tr><th>property</th><th>passed</th><th>checked</th><th>rate</th></tr>
{% for name, p in g.properties.items() %}<tr><td>{{ name }}</td>{{ cell("golden", "properties." ~ name ~ ".passed", p.passed) }}{{ cell("golden", "properties." ~ name ~ ".checked", p.checked) }}{{ cell("golden", "properties." ~ name ~ ".rate", p.rate) }}</tr>
{% endfor %}</table></div>
<div class="scroll"><table id="golden-languages"><tr><th>language</th><th>cases</th><th>all properties passed</th><th>share</th></tr>
{% for lang, l in g.languages.items() %}<tr><td>{{ lang }}</td>{{ cell("golden", "languages." ~ lang ~ ".cases", l.cases) }}{{ cell("golden", "languages." ~ lang ~ ".all_passed", l.all_passed) }}{{ cell("golden", "languages." ~ lang ~ ".rate", l.rate) }}</tr>
{% endfor %}</table></div>
{% if figs.golden %}<figure id="fig-golden">{{ figs.golden | safe }}</figure>{% endif %}{% endif %}

<h2 id="search">Search</h2>
{% set s = r.search.data %}{% if s is none %}<p class="skipped">Not run: {{ r.search.skipped }}</p>{% else %}
<p>{{ s.queries }} judged queries{% if s.test %}; {{ s.test }}{% endif %}.</p>
<div class="scroll"><table id="search-metrics"><tr><th>metric</th><th>run</th>{% if s.baseline %}<th>baseline</th><th>p</th><th>significant</th>{% endif %}</tr>
{% for m, v in s.metrics.items() %}<tr><td>{{ m }}</td>{{ cell("search", "metrics." ~ m, v) }}{% if s.baseline %}{{ cell("search", "baseline." ~ m, s.baseline[m]) }}{{ cell("search", "p_values." ~ m, s.p_values[m]) }}<td>{{ num(s.significant[m]) }}</td>{% endif %}</tr>
{% endfor %}</table></div>
{% if figs.search %}<figure id="fig-search">{{ figs.search | safe }}</figure>{% endif %}{% endif %}

<h2 id="ranking">Ranking (time split)</h2>
{% set k = r.ranking.data %}{% if k is none %}<p class="skipped">Not run: {{ r.ranking.skipped }}</p>{% else %}
{% set cols = k.values() | map("list") | sum(start=[]) | unique | list %}
<div class="scroll"><table id="ranking-table"><tr><th>system</th>{% for c in cols %}<th>{{ c }}</th>{% endfor %}</tr>
{% for system, row in k.items() %}<tr><td>{{ system }}</td>{% for c in cols %}{{ cell("ranking", system ~ "." ~ c, row.get(c)) }}{% endfor %}</tr>
{% endfor %}</table></div>{% endif %}

<h2 id="pii">PII (per type)</h2>
{% set p = r.pii.data %}{% if p is none %}<p class="skipped">Not run: {{ r.pii.skipped }}</p>{% else %}
<p>Split {{ p.split }}: {{ p.messages }} messages; precision overall <span data-section="pii" data-key="precision_overall" data-value="{{ p.precision_overall }}">{{ num(p.precision_overall) }}</span>.</p>
<div class="scroll"><table id="pii-types"><tr><th>type</th><th>support</th><th>recall (masked)</th><th>recall (right type)</th></tr>
{% for t, v in p.types.items() %}<tr><td>{{ t }}</td>{{ cell("pii", "types." ~ t ~ ".support", v.support) }}{{ cell("pii", "types." ~ t ~ ".recall_masked", v.recall_masked) }}{{ cell("pii", "types." ~ t ~ ".recall_typed", v.recall_typed) }}</tr>
{% endfor %}</table></div>
{% if figs.pii %}<figure id="fig-pii">{{ figs.pii | safe }}</figure>{% endif %}{% endif %}

<h2 id="latency">Latency</h2>
{% if not r.latency %}<p class="skipped">Nothing timed in this run.</p>{% else %}
<div class="scroll"><table id="latency-table"><tr><th>what</th><th>ms</th></tr>
{% for name, v in r.latency.items() %}<tr><td>{{ name }}</td>{{ cell("latency", name, v) }}</tr>{% endfor %}</table></div>{% endif %}
</body></html>
"""


def render(report: EvalReport) -> str:
    """Return the self-contained HTML page."""
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default_for_string=True))
    return env.from_string(TEMPLATE).render(r=report.to_dict() | {"generated_at": report.generated_at},
                                            figs=figures(report), num=num)


def write(report: EvalReport, out: Path) -> Path:
    """Write ``out`` as JSON (``.json``) or HTML (``.html``/``.htm``); return the path."""
    suffix = out.suffix.lower()
    if suffix not in (".json", ".html", ".htm"):
        raise InputError(f"--out must end in .json or .html, not {out.name!r}")
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if suffix == ".json" else render(report)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror or err}") from None
    return out
