"""CLI of the agent: ``chat`` (interactive or one turn), ``customers`` (whom to chat as), ``eval golden``,
``eval intents``."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from core.errors import NotFoundError
from salesagent.cli._app import app, eval_app

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from core.config import Settings
    from tools.context import Resources


def _settings(llm_base_url: str | None = None, llm_model: str | None = None, llm_api_key: str | None = None) -> Any:
    from core.config import apply_offline_env, get_settings

    settings = get_settings()
    update = {k: v for k, v in {"llm_base_url": llm_base_url, "llm_model": llm_model,
                                "llm_api_key": llm_api_key}.items() if v}
    if update:
        settings = settings.model_copy(update=update)
    apply_offline_env(settings)
    return settings


def _resolve_customer(resources: Resources, customer: str) -> tuple[int, int | None]:
    """Return (company id, first contact id) for a company id or external id."""
    from store import companies

    with resources.session() as s:
        company = companies.get_company(s, company_id=int(customer)) if customer.isdigit() else None
        if company is None:
            company = companies.company_by_external_id(s, external_id=customer)
        if company is None or company.id is None:
            raise NotFoundError(f"no customer {customer!r}; `salesagent customers` lists them")
        contact = companies.first_contact(s, company_id=company.id)
        return company.id, contact.id if contact else None


def _print_answer(console: Any, answer: Any) -> None:
    from rich.table import Table

    console.print(f"[bold cyan]agent[/bold cyan] [dim]({answer.answered_by})[/dim]: {answer.reply}",
                  highlight=False)
    if answer.recommendations:
        table = Table("SKU", "product", "price", "why", "rec id", show_lines=False)
        for r in answer.recommendations:
            table.add_row(r.sku, r.name, f"{r.price} {r.currency}", r.justification, str(r.recommendation_id))
        console.print(table)
    for a in answer.approvals:
        console.print(f"[yellow]price request #{a.approval_id}[/yellow] ({a.kind}, {a.status}) for "
                      f"{', '.join(a.skus)}", highlight=False)


def _schema_checked(settings: Settings) -> tuple[Settings, Engine]:
    """Return the settings and an engine whose database has the code's schema revision (else one readable
    error: an old data dir would otherwise fail on its first query with "no such column")."""
    from store.db import make_engine
    from store.migrate import require_schema

    engine = make_engine(settings)
    require_schema(engine)
    return settings, engine


@app.command("chat")
def chat_command(
    customer: Annotated[str, typer.Option("--customer", help="Company id or external id (see `customers`).")],
    once: Annotated[str | None, typer.Option("--once", help="Send one message, print the answer, exit.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structured answer as JSON.")] = False,
    conversation: Annotated[str | None, typer.Option(help="Continue this conversation id.")] = None,
    llm_base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint (overrides settings).")] = None,
    llm_model: Annotated[str | None, typer.Option(help="Model name at the endpoint.")] = None,
) -> None:
    """Chat with the sales agent as a customer company (interactive, or one turn with --once)."""
    from rich.console import Console

    from agent import run_turn
    from salesagent.wiring import build_resources

    console = Console()
    settings, engine = _schema_checked(_settings(llm_base_url, llm_model))
    resources = build_resources(settings, engine=engine)
    try:
        company_id, contact_id = _resolve_customer(resources, customer)
        conv = conversation or str(uuid.uuid4())
        if once is not None:
            answer = run_turn(resources, company_id=company_id, contact_id=contact_id, conversation_id=conv,
                              message=once)
            if as_json:
                typer.echo(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
            else:
                _print_answer(console, answer)
            return
        console.print(f"[dim]conversation {conv}; answering: "
                      f"{'LLM ' + resources.settings.llm_model if resources.llm else 'rule planner'}; "
                      "type 'exit' to leave[/dim]")
        while True:
            try:
                message = console.input("[bold green]you[/bold green]: ").strip()
            except EOFError:
                break
            if message.lower() in {"exit", "quit", ":q"}:
                break
            if not message:
                continue
            answer = run_turn(resources, company_id=company_id, contact_id=contact_id, conversation_id=conv,
                              message=message)
            if as_json:
                typer.echo(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False))
            else:
                _print_answer(console, answer)
    finally:
        resources.close()


@app.command("customers")
def customers_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option(help="How many companies (busiest first, then cold start).")] = 30,
) -> None:
    """List customer companies (id, industry, size band, orders) so you know whom to chat as."""
    from rich.console import Console
    from rich.table import Table
    from sqlmodel import Session

    from store.companies import companies_by_activity
    from store.db import make_engine

    engine = make_engine(_settings())
    with Session(engine) as s:
        rows = companies_by_activity(s)
    engine.dispose()
    cold = [r for r in rows if r.orders == 0]
    shown = list(rows[: max(0, limit - min(5, len(cold)))]) + [r for r in cold[:5] if r not in rows[:limit]]
    data: list[dict[str, Any]] = [
        {"id": r.company.id, "external_id": r.company.external_id, "industry": r.company.industry,
         "size_band": r.company.size_band, "funnel_stage": r.company.funnel_stage, "orders": r.orders}
        for r in shown[:limit]]
    if as_json:
        typer.echo(json.dumps({"data": data, "count": len(rows)}, ensure_ascii=False, indent=2))
        return
    table = Table("id", "external id", "industry", "size", "stage", "orders",
                  title=f"{len(rows)} companies (busiest first; cold-start ones last)")
    for d in data:
        table.add_row(str(d["id"]), d["external_id"], d["industry"] or "-", d["size_band"] or "-",
                      d["funnel_stage"], str(d["orders"]))
    Console().print(table)


@eval_app.command("golden")
def eval_golden_command(
    llm_base_url: Annotated[str | None, typer.Option(help="Also run against this OpenAI-compatible endpoint.")] = None,
    llm_model: Annotated[str | None, typer.Option(help="Model name at the endpoint.")] = None,
    llm_api_key: Annotated[str | None, typer.Option(help="Key for the endpoint.")] = None,
    cases: Annotated[Path | None, typer.Option(help="Cases file (JSON Lines); default: the bundled set.")] = None,
    limit: Annotated[int | None, typer.Option(help="Run only the first N cases.")] = None,
    planner: Annotated[bool, typer.Option(help="Run the rule planner column.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    baseline: Annotated[Path | None, typer.Option(help="Gate: compare with this stored `--json` result; exit 1 on "
                                                       "a regression (evals/golden_gate.py).")] = None,
    tolerance: Annotated[float, typer.Option(min=0.0, max=1.0, help="Gate: allowed drop of a pass rate (a share).")
                         ] = 0.0,
) -> None:
    """Run the golden conversations on the demo data; print pass rates per property (planner vs LLM)."""
    from rich.console import Console

    from evals import golden_gate
    from evals.golden.runner import CASES, format_reports, load_cases, run_golden
    from salesagent.wiring import build_resources

    selected = load_cases(cases or CASES)[:limit]
    baselines = golden_gate.load_runs(baseline) if baseline is not None else None  # a bad file fails before the run
    console = Console(stderr=True)
    settings = _settings()
    base_settings, engine = _schema_checked(settings.model_copy(update={"llm_base_url": None}))
    base = build_resources(base_settings, engine=engine)
    reports = []
    try:
        def progress(i: int, n: int, case_id: str) -> None:
            console.print(f"[dim]{i}/{n} {case_id}[/dim]", highlight=False)

        if planner:
            reports.append(run_golden(base, selected, label="planner", progress=progress))
        if llm_base_url:
            reports.append(run_llm_golden(base, selected, _settings(llm_base_url, llm_model, llm_api_key),
                                          progress=progress))
    finally:
        base.close()
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        typer.echo(format_reports(reports))
    if baselines is not None:  # the golden-set gate (issue 23)
        results = golden_gate.gate(golden_gate.parse_runs([r.as_dict() for r in reports], source="this run"),
                                   baselines, tolerance=tolerance)
        typer.echo(golden_gate.format_results(results), err=as_json)
        if not all(r.passed for r in results):
            raise typer.Exit(1)


@eval_app.command("intents")
def eval_intents_command(
    cv: Annotated[bool, typer.Option("--cv", help="5-fold CV on the training files instead (model selection).")] = False,
    heldout: Annotated[Path | None, typer.Option(help="Labelled JSON Lines to score; default: the held-out split.")
                       ] = None,
    confusion: Annotated[bool, typer.Option(help="Print the confusion matrix.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score the intent classifier: accuracy, macro-F1 and F1 per intent on the held-out split, and the
    confusion matrix (fitted on train + extra examples; the held-out split is never tuned on)."""
    from core.errors import InputError
    from evals.intents_eval import HELDOUT, cross_validate, format_report, score_heldout
    from retrieval.embeddings import load_embedder

    path = heldout or HELDOUT
    if not path.is_file():
        raise InputError(f"no labelled examples at {path}")
    embedder = load_embedder(_settings())
    try:
        report = cross_validate(embedder) if cv else score_heldout(embedder, path)
    except (KeyError, ValueError) as err:
        raise InputError(f"{path}: not labelled intent examples ({err})") from None
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) if as_json
               else format_report(report, confusion=confusion))


def run_llm_golden(base: Any, cases: list[Any], settings: Any, progress: Any = None) -> Any:
    """Run the golden cases with an LLM endpoint, recording every request body to check what was sent."""
    import httpx

    from evals.golden.runner import run_golden
    from salesagent.wiring import build_llm_client, build_resources

    sent: list[str] = []

    def record(request: httpx.Request) -> None:
        sent.append(json.dumps(json.loads(request.read() or b"{}"), ensure_ascii=False))

    client = httpx.Client(event_hooks={"request": [record]}, timeout=settings.llm_first_token_timeout_s)
    llm = build_llm_client(settings, http_client=client)
    resources = build_resources(settings, engine=base.engine, catalog=base.catalog, recommender=base.recommender,
                                masker=base.masker, llm=llm)
    try:
        report = run_golden(resources, cases, label=f"llm {settings.llm_model}", sent=lambda: "\n".join(sent),
                            progress=progress)
        report.llm_requests = len(sent)
        return report
    finally:
        client.close()


@eval_app.command("opponent")
def eval_opponent_command(
    llm_base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint of the opponent model.")] = None,
    local_smollm: Annotated[bool, typer.Option(
        "--local-smollm", help="Start SmolLM2-135M (llama-cpp-python, the local-llm extra) on 127.0.0.1 instead.")
    ] = False,
    llm_model: Annotated[str, typer.Option(help="Model name at the endpoint.")] = "opponent",
    prompts: Annotated[Path | None, typer.Option(help="Prompt set (JSON Lines); default: the bundled PL/EN set.")
                       ] = None,
    budget: Annotated[float, typer.Option(min=1, help="Seconds a turn may wait for the model (the weak local model "
                                                      "needs long ones).")] = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Run injections, forged approvals and price asks (PL/EN) against a real model on the demo data; print how
    many turns the model answered and whether any unapproved price, approval claim, tool-call or code text, or
    unanswered discount ask reached a customer. Exit code 8 when one did.

    Examples:
      salesagent eval opponent --local-smollm
      salesagent eval opponent --llm-base-url http://127.0.0.1:8080/v1 --llm-model my-model --json
    """
    import tempfile
    from contextlib import nullcontext

    from rich.console import Console

    from core.errors import GuardrailTripped, InputError
    from evals.local_llm import smollm_server
    from evals.opponent import PROMPTS, format_report, load_prompts, run_opponent
    from salesagent.wiring import build_resources

    if bool(llm_base_url) == local_smollm:
        raise InputError("give exactly one of --llm-base-url URL and --local-smollm")
    selected = load_prompts(prompts or PROMPTS)
    console = Console(stderr=True)
    log = Path(tempfile.mkdtemp(prefix="salesagent-opponent-")) / "llama.log"
    with smollm_server(log) if local_smollm else nullcontext(llm_base_url) as base:
        settings, engine = _schema_checked(_settings(base, llm_model if not local_smollm else "smollm2-135m",
                                                     "local"))
        settings = settings.model_copy(update={"llm_turn_budget_s": budget, "llm_first_token_timeout_s": budget,
                                               "llm_max_retries": 0, "agent_max_steps": 3,
                                               # the eval measures the model: no circuit breaker cuts it off
                                               "llm_breaker_failures": 10**6,
                                               "agent_max_tokens": 160 if local_smollm else settings.agent_max_tokens})
        resources = build_resources(settings, engine=engine)
        try:
            report = run_opponent(resources, selected, label=settings.llm_model,
                                  progress=lambda i, n, pid: console.print(f"[dim]{i}/{n} {pid}[/dim]",
                                                                          highlight=False))
        finally:
            resources.close()
    typer.echo(json.dumps(report.figures(), ensure_ascii=False, indent=2) if as_json else format_report(report))
    if not report.holds():
        raise GuardrailTripped("a guardrail did not hold against the opponent (see the violations above)")

