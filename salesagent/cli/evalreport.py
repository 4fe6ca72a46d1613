"""CLI of the offline evaluation report: ``salesagent eval report --out report.html|.json`` (issue 23).

The cheap parts run by default (PII on the chat test split, with its latency); the expensive ones read the
stored output of their own command (``--golden``, ``--run``/``--baseline-run``, ``--ranking``) or run on request
(``--run-ranking``: the time-split baselines of ``salesagent eval ranking``)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from salesagent.cli._app import eval_app

SEARCH_QRELS = Path(__file__).resolve().parents[2] / "evals" / "data" / "search_pl" / "qrels.csv"


def _json_file(path: Path, what: str) -> Any:
    from core.errors import InputError

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read the {what} {path}: {err.strerror or err}") from None
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not JSON ({err.msg}, line {err.lineno})") from None


@eval_app.command("report")
def eval_report_command(
    out: Annotated[Path, typer.Option(help="Report to write: .html (self-contained page) or .json.")],
    golden: Annotated[Path | None, typer.Option(help="A stored golden result (`salesagent eval golden --json`).")
                      ] = None,
    cases: Annotated[Path | None, typer.Option(help="The golden cases (for the languages); default: bundled.")
                     ] = None,
    run: Annotated[Path | None, typer.Option(help="A search run file (`salesagent eval search --out RUN`).")] = None,
    baseline_run: Annotated[Path | None, typer.Option(help="A stored baseline run: significance via ranx compare.")
                            ] = None,
    qrels: Annotated[Path, typer.Option(help="Judgments CSV of the run's queries.")] = SEARCH_QRELS,
    ranking: Annotated[Path | None, typer.Option(help="A stored time-split table (JSON {system: metrics}).")
                       ] = None,
    run_ranking: Annotated[bool, typer.Option(help="Score the popularity and buy-again baselines on the time "
                                                   "split now (minutes; needs ../shared/data).")] = False,
    pii: Annotated[bool, typer.Option(help="Score the PII masker on the chat test split (about a minute).")] = True,
) -> None:
    """Write the offline evaluation report: golden set, search, ranking, PII, latency, with plots; the same
    numbers in JSON. Sections not run are marked as such, with the command that produces them."""
    from core.errors import InputError
    from evals import report as rep

    suffix = out.suffix.lower()
    if suffix not in (".json", ".html", ".htm"):
        raise InputError(f"--out must end in .json or .html, not {out.name!r}")
    sections: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    latency: dict[str, float] = {}
    if golden is not None:
        from evals.golden.runner import CASES, load_cases
        from evals.golden_gate import parse_runs

        data = _json_file(golden, "golden result")
        parse_runs(data, source=str(golden))  # one readable line when it is not a golden result
        first = data[0] if isinstance(data, list) else data
        langs = {c.id: c.lang for c in load_cases(cases or CASES)[: int(first.get("cases") or 0)]}
        sections["golden"] = rep.golden_section(first, langs)
    else:
        skipped["golden"] = "pass --golden FILE (salesagent eval golden --json > golden.json)"
    if run is not None:
        from retrieval.evaluation import load_qrels

        baseline = rep.load_run_file(baseline_run) if baseline_run is not None else None
        sections["search"] = rep.search_section(load_qrels(qrels), rep.load_run_file(run), baseline)
    else:
        skipped["search"] = ("pass --run FILE [--baseline-run FILE] (salesagent eval search --catalog ... --queries "
                             "evals/data/search_pl/queries.csv --out run.jsonl)")
    if ranking is not None:
        table = _json_file(ranking, "ranking table")
        if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
            raise InputError(f"{ranking}: not a table {{system: {{metric: value}}}}")
        sections["ranking"] = table
    elif run_ranking:
        from evals.ranking_eval import DEFAULT_ORDERS
        from evals.ranking_eval import run as ranking_run

        if not DEFAULT_ORDERS.exists():
            raise InputError(f"orders file not found: {DEFAULT_ORDERS}")
        sections["ranking"] = ranking_run(DEFAULT_ORDERS, systems=("popularity", "buy-again"), vectors="none",
                                          log=lambda line: typer.echo(line, err=True))
    else:
        skipped["ranking"] = "pass --ranking FILE or --run-ranking"
    if pii:
        from evals.pii_eval import heldout_lexicon, load_records, our_detector
        from evals.pii_metrics import score

        detect, _masker = our_detector(lexicon=heldout_lexicon())  # the held-out split's names: as evals.pii_eval
        started = time.perf_counter()
        result = score(load_records("heldout"), detect)
        latency["pii_split_total"] = 1000 * (time.perf_counter() - started)
        sections["pii"] = rep.pii_section(result, split="heldout")
        if result.get("median_ms") is not None:
            latency["pii_mask_median"] = float(result["median_ms"])
    else:
        skipped["pii"] = "run without --no-pii"
    report = rep.build(**sections, latency=latency, skipped=skipped)
    rep.write(report, out)
    typer.echo(f"wrote {out}")
