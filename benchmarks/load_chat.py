"""Load test of ``POST /chat``: N concurrent customer sessions (a bounded async httpx client) against the portal
served by uvicorn on 127.0.0.1, answered by the real agent with the rule planner (no LLM configured).

Prints requests/s and latency percentiles (p50, p95, max) and the status codes seen.

    .venv/bin/python benchmarks/load_chat.py                    # demo data in ./var-bench, 20 sessions
    .venv/bin/python benchmarks/load_chat.py --sessions 20 --turns 10 --data-dir /tmp/bench
    .venv/bin/python benchmarks/load_chat.py --url http://127.0.0.1:8000 --token sac_... --token sac_...

Without ``--url`` it generates the demo data (``store.demo.generate_demo``) in ``--data-dir`` if the database is
empty, issues one customer token per session, starts ``salesagent serve`` on a free port and stops it at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

MESSAGES = [
    "I need a 16A circuit breaker",
    "What residual current device goes with it?",
    "Do you have a distribution board for 12 modules?",
    "Potrzebuję przewodu YDYp 3x2,5",
    "What else do customers buy with DIN rails?",
    "Can I get a 5% discount on this?",
    "Show me LED panels",
    "Which cable for a kitchen socket circuit?",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(data_dir: Path, sessions: int, seed: int) -> list[str]:
    """Make sure the demo data exists in ``data_dir`` and return one customer token per session."""
    from sqlmodel import Session

    from core.config import Settings, apply_offline_env
    from portal.auth import issue_token
    from store import companies
    from store.db import create_all, make_engine

    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    settings.ensure_dirs()
    apply_offline_env(settings)
    engine = make_engine(settings)
    create_all(engine)
    with Session(engine) as s:
        has_data = bool(companies.companies(s))
    if not has_data:
        from store.demo import generate_demo

        started = time.perf_counter()
        report = generate_demo(settings, engine, seed=seed)
        print(f"demo data: {report.products} products, {report.companies} companies, {report.orders} orders "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    tokens = []
    with Session(engine) as s:
        contacts = companies.contacts(s)
        seen: set[int] = set()
        for contact in contacts:  # one contact per company, spread over the first companies with contacts
            if contact.company_id in seen:
                continue
            seen.add(contact.company_id)
            tokens.append(issue_token(s, role="customer", contact_id=contact.id))  # type: ignore[arg-type]
            if len(tokens) == sessions:
                break
        s.commit()
    engine.dispose()
    return tokens


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start ``salesagent serve`` on 127.0.0.1:port with the data dir and no LLM."""
    env = dict(os.environ, SALESAGENT_DATA_DIR=str(data_dir), SALESAGENT_LLM_BASE_URL="",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OPENBLAS_NUM_THREADS="1")
    exe = Path(sys.executable).with_name("salesagent")
    return subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level",
                             "warning"], env=env)


async def wait_ready(client: httpx.AsyncClient, timeout_s: float,
                     server: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``/ready`` until it answers 200; give up if the server process exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"the portal exited with code {server.returncode} before it was ready")
        try:
            r = await client.get("/ready")
            if r.status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the portal did not become ready in time")
        await asyncio.sleep(0.5)


async def session_loop(client: httpx.AsyncClient, token: str, turns: int, offset: int,
                       latencies: list[float], codes: Counter[int],
                       by_message: dict[str, list[float]] | None = None) -> None:
    """One customer: ``turns`` messages in one conversation, each sent after the previous answer."""
    headers = {"Authorization": f"Bearer {token}"}
    conversation_id = None
    for i in range(turns):
        body = {"message": MESSAGES[(offset + i) % len(MESSAGES)]}
        if conversation_id:
            body["conversation_id"] = conversation_id
        started = time.perf_counter()
        r = await client.post("/chat", json=body, headers=headers)
        latencies.append(time.perf_counter() - started)
        if by_message is not None:
            by_message.setdefault(body["message"], []).append(latencies[-1])
        codes[r.status_code] += 1
        if r.status_code == 200:
            conversation_id = r.json()["conversation_id"]


def percentile(values: list[float], q: float) -> float:
    """Return the nearest-rank percentile ``q`` (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, round(q / 100 * len(ordered)) - 1)]


async def run_load(url: str, tokens: list[str], turns: int, warmup: bool,
                   server: subprocess.Popen[bytes] | None = None) -> dict[str, object]:
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        await wait_ready(client, 1800, server)
        if warmup:  # one turn to load lazily built pieces, not counted
            await session_loop(client, tokens[0], 1, 0, [], Counter())
        latencies: list[float] = []
        codes: Counter[int] = Counter()
        by_message: dict[str, list[float]] = {}
        started = time.perf_counter()
        await asyncio.gather(*(session_loop(client, t, turns, i, latencies, codes, by_message)
                               for i, t in enumerate(tokens)))
        elapsed = time.perf_counter() - started
    return {"sessions": len(tokens), "requests": len(latencies), "seconds": elapsed,
            "rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": percentile(latencies, 95) * 1000, "max_ms": max(latencies) * 1000, "ok": codes.get(200, 0),
            "errors": sum(v for k, v in codes.items() if k != 200),
            "by_message": {m: (statistics.median(v) * 1000, percentile(v, 95) * 1000) for m, v in by_message.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent customer sessions")
    parser.add_argument("--turns", type=int, default=10, help="messages per session")
    parser.add_argument("--data-dir", type=Path, default=Path("var-bench"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--url", help="an already running portal (then pass --token once per session)")
    parser.add_argument("--token", action="append", default=[])
    args = parser.parse_args()

    server = None
    if args.url:
        url, tokens = args.url, args.token
        if not tokens:
            raise SystemExit("--url needs at least one --token")
    else:
        tokens = prepare(args.data_dir.resolve(), args.sessions, args.seed)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(args.data_dir.resolve(), port)
    try:
        result = asyncio.run(run_load(url, tokens, args.turns, warmup=True, server=server))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    print(f"POST /chat, rule planner, {result['sessions']} concurrent sessions x {args.turns} turns, "
          f"{os.cpu_count()} CPUs")
    print(f"  requests: {result['requests']} ({result['ok']} ok, {result['errors']} errors) in "
          f"{result['seconds']:.1f} s")
    print(f"  throughput: {result['rps']:.1f} requests/s")
    print(f"  latency: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms")
    print("  by message (p50 / p95 ms):")
    for message, (p50, p95) in sorted(result["by_message"].items(), key=lambda kv: -kv[1][1]):  # type: ignore[attr-defined]
        print(f"    {p50:6.0f} / {p95:6.0f}  {message}")


if __name__ == "__main__":
    main()
