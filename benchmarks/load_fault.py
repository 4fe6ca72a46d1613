"""Load and fault suite (issue 17, item 7): N concurrent customers chat for M minutes with the portal served by
``salesagent serve`` on 127.0.0.1 and an OpenAI-compatible model endpoint this script runs on 127.0.0.1, while
faults are injected one phase after another:

    ok       the model answers (a catalogue search, then a short reply)
    garbage  the model answers 200 with unusable content: no JSON, no choices, raw tool-call text, code, links
             to other shops, HTML entities
    hang     the model accepts connections and never answers (after garbage: a circuit breaker the hang opens
             would otherwise keep the garbage from being asked for at all)
    kill     the server is killed with SIGKILL during the load and started again (same data dir)
    ok       the model answers again

It prints, per phase and in total, requests, answers, 429s, errors (injected: transport errors while the server
was down; other: everything else), p50/p95/max latency and who answered; then it compares what the customers
got with what the database holds: every answered turn stored (conversation, user and assistant message,
approvals, recommendations), no half-written turn (a user message without its answer, a conversation without
messages) and SQLite's integrity check.

    .venv/bin/python benchmarks/load_fault.py                          # 8 customers, 5 minutes, ./var-fault
    .venv/bin/python benchmarks/load_fault.py --customers 12 --minutes 10 --data-dir /tmp/fault-var
    .venv/bin/python benchmarks/load_fault.py --phases ok,hang,ok     # a subset, in this order
    .venv/bin/python benchmarks/load_fault.py --no-llm --phases ok,kill,ok   # rule planner: crash recovery only
    .venv/bin/python benchmarks/load_fault.py --body-probe            # one chunked 50 MB body, then stop

The first run on an empty data dir generates the demo (``store.demo``), and the first server start embeds the
catalogue and trains the ranking model (5-9 minutes on 2 shared cores); later runs reuse them. Rate limits are
off unless ``--rate-limits`` (customers send as fast as they are answered; 429s are counted apart, not as errors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

import httpx
from load_chat import MESSAGES, _free_port, percentile

PHASES = ("ok", "garbage", "hang", "kill", "ok")
LEAKS = ("function.", "```", "&#34;", "&quot;", "def ", "console.log", "http://", "https://", "<script")
"""Text of the garbage phase that must not reach a customer (a cheap indicator, printed; not an error)."""


# --- the model endpoint --------------------------------------------------------------------------------------


class FaultyLLM:
    """An OpenAI-compatible ``/v1/chat/completions`` on 127.0.0.1 whose behaviour is switched by ``mode``."""

    GARBAGE: tuple[bytes | dict[str, Any], ...] = (
        b"<html>502 upstream sent nonsense",
        {"id": "x", "object": "chat.completion", "choices": []},
        {"content": 'function.search_catalog:\n{&#34;query&#34;: &#34;S201-B16&#34;}'},
        {"content": "```python\nimport os\nos.system('rm -rf /')\n```"},
        {"content": "S201-B16 is cheaper at https://other-shop.example/s201 - only 5 zł!"},
        {"content": "console.log(&quot;hi&quot;); <script>alert(1)</script>"},
    )

    def __init__(self) -> None:
        self.mode = "ok"
        self.calls: Counter[str] = Counter()
        self._release = threading.Event()
        self._n = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def set_mode(self, mode: str) -> None:
        """Switch behaviour; leaving ``hang`` lets the hanging requests go (they answer 503)."""
        if self.mode == "hang" and mode != "hang":
            self._release.set()
        if mode == "hang":
            self._release.clear()
        self.mode = mode

    def _completion(self, body: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": entry.get("content")}
        if entry.get("tool_calls"):
            message["tool_calls"] = entry["tool_calls"]
        return {"id": "chatcmpl-fault", "object": "chat.completion", "created": int(time.time()),
                "model": body.get("model", "fault"),
                "choices": [{"index": 0, "message": message,
                             "finish_reason": "tool_calls" if entry.get("tool_calls") else "stop"}],
                "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60}}

    def _ok(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages") or [{}]
        if messages[-1].get("role") == "tool":
            return {"content": "Here is what I found in the catalogue for you."}
        query = next((str(m.get("content") or "") for m in reversed(messages) if m.get("role") == "user"), "")
        with self._lock:
            self._n += 1
            n = self._n
        return {"tool_calls": [{"id": f"call_{n}", "type": "function", "function": {
            "name": "search_catalog", "arguments": json.dumps({"query": query[:200] or "circuit breaker"})}}]}

    def __enter__(self) -> Self:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None

            def _send(self, status: int, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw or b"{}")
                mode = outer.mode
                outer.calls[mode] += 1
                if mode == "hang":
                    outer._release.wait(timeout=900)  # connected, never answering (until the phase ends)
                    self._send(503, b'{"error": {"message": "was hanging"}}')
                    return
                if mode == "garbage":
                    with outer._lock:
                        outer._n += 1
                        entry = outer.GARBAGE[outer._n % len(outer.GARBAGE)]
                    if isinstance(entry, bytes):
                        self._send(200, entry)
                    elif "choices" in entry:
                        self._send(200, json.dumps(entry).encode())
                    else:
                        self._send(200, json.dumps(outer._completion(body, entry)).encode())
                    return
                self._send(200, json.dumps(outer._completion(body, outer._ok(body))).encode())

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


# --- the data and the server -----------------------------------------------------------------------------------


def prepare(data_dir: Path, customers: int, seed: int) -> list[tuple[str, int, int]]:
    """Make sure the demo data exists (migrated schema) and return ``(token, company_id, contact_id)`` per
    customer."""
    from sqlmodel import Session

    from core.config import Settings, apply_offline_env
    from portal.auth import issue_token
    from store import companies
    from store.db import make_engine
    from store.migrate import upgrade_head

    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    apply_offline_env(settings)
    engine = make_engine(settings)
    upgrade_head(engine)
    with Session(engine) as s:
        has_data = bool(companies.companies(s))
    if not has_data:
        from store.demo import generate_demo

        started = time.perf_counter()
        report = generate_demo(settings, engine, seed=seed)
        print(f"demo data: {report.products} products, {report.companies} companies, {report.orders} orders "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    out: list[tuple[str, int, int]] = []
    with Session(engine) as s:
        seen: set[int] = set()
        for contact in companies.contacts(s):  # one contact per company
            if contact.company_id in seen or contact.id is None:
                continue
            seen.add(contact.company_id)
            out.append((issue_token(s, role="customer", contact_id=contact.id), contact.company_id, contact.id))
            if len(out) == customers:
                break
        s.commit()
    engine.dispose()
    return out


class Server:
    """``salesagent serve`` as a child process of this script (killed and started again by the kill phase)."""

    def __init__(self, data_dir: Path, port: int, llm_url: str, rate_limits: bool) -> None:
        self.data_dir, self.port = data_dir, port
        self.env = dict(os.environ, SALESAGENT_DATA_DIR=str(data_dir), SALESAGENT_LLM_BASE_URL=llm_url,
                        SALESAGENT_LLM_API_KEY="fault", SALESAGENT_LLM_MODEL="fault",
                        SALESAGENT_RATE_LIMITS_ENABLED="true" if rate_limits else "false",
                        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OPENBLAS_NUM_THREADS="1")
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = (data_dir / "load_fault_server.log").open("ab")
        self.starts = 0

    def start(self) -> None:
        exe = Path(sys.executable).with_name("salesagent")
        self.proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--log-level", "warning"], env=self.env, stdout=self.log, stderr=self.log)
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL (no shutdown hook runs: what a crash or the OOM killer does)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    async def wait_ready(self, client: httpx.AsyncClient, timeout_s: float) -> float:
        """Poll ``/ready`` until it answers 200; return the seconds it took."""
        started = time.monotonic()
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise SystemExit(f"the portal exited with code {self.proc.returncode} (log: {self.log.name})")
            try:
                if (await client.get("/ready", timeout=5)).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            if time.monotonic() - started > timeout_s:
                raise SystemExit(f"the portal was not ready after {timeout_s:.0f} s (log: {self.log.name})")
            await asyncio.sleep(0.5)


# --- the customers ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One chat request as the customer saw it."""

    customer: int
    company_id: int
    phase: str
    started: float
    seconds: float
    status: int | None = None
    """HTTP status, or None for a transport error (``error`` says which)."""
    error: str = ""
    conversation_id: str | None = None
    answered_by: str = ""
    reply: str = ""
    approvals: list[int] = field(default_factory=list)
    recommendations: list[int] = field(default_factory=list)


@dataclass
class Run:
    """The shared state of one run: phase now, server down windows, outcomes."""

    phase: str = ""
    began: datetime = field(default_factory=lambda: datetime.now(UTC))
    """Wall clock at the start: conversations of earlier runs on the same data dir are not this run's."""
    down: list[tuple[float, float]] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


async def customer_loop(client: httpx.AsyncClient, run: Run, n: int, token: str, company_id: int,
                        until: float) -> None:
    """One customer: messages one after another, in one conversation (a new one after a failure)."""
    headers = {"Authorization": f"Bearer {token}"}
    conversation_id: str | None = None
    i = n
    while time.monotonic() < until:
        body: dict[str, Any] = {"message": MESSAGES[i % len(MESSAGES)]}
        i += 1
        if conversation_id:
            body["conversation_id"] = conversation_id
        started = time.monotonic()
        out = Outcome(customer=n, company_id=company_id, phase=run.phase, started=started, seconds=0.0)
        try:
            r = await client.post("/chat", json=body, headers=headers)
            out.status = r.status_code
            if r.status_code == 200:
                data = r.json()
                conversation_id = out.conversation_id = data["conversation_id"]
                out.answered_by, out.reply = data["answered_by"], data["reply"]
                out.approvals = [t["approval_id"] for t in data["approvals"]]
                out.recommendations = [rec["recommendation_id"] for rec in data["recommendations"]
                                       if rec.get("recommendation_id") is not None]
            elif r.status_code == 429:
                await asyncio.sleep(min(float(r.headers.get("retry-after", "1")), 5.0))
        except httpx.HTTPError as err:
            out.error = type(err).__name__
            conversation_id = None
            await asyncio.sleep(0.5)  # the server is gone: do not spin
        out.seconds = time.monotonic() - started
        run.outcomes.append(out)


async def drive(args: argparse.Namespace, server: Server, llm: FaultyLLM, customers: list[tuple[str, int, int]],
                phases: list[str]) -> Run:
    url = f"http://127.0.0.1:{server.port}"
    limits = httpx.Limits(max_connections=len(customers) + 4, max_keepalive_connections=len(customers) + 4)
    run = Run(phase=f"1:{phases[0]}")
    async with httpx.AsyncClient(base_url=url, timeout=args.client_timeout, limits=limits) as client:
        print("waiting for the portal (first start embeds and trains) ...", flush=True)
        took = await server.wait_ready(client, 1800)
        print(f"ready after {took:.0f} s", flush=True)
        phase_s = args.minutes * 60 / len(phases)
        started = time.monotonic()
        until = started + phase_s * len(phases)
        tasks = [asyncio.create_task(customer_loop(client, run, n, token, company, until))
                 for n, (token, company, _) in enumerate(customers)]
        for k, phase in enumerate(phases):
            run.phase = f"{k + 1}:{phase}"
            llm.set_mode("ok" if phase == "kill" else phase)
            print(f"[{time.monotonic() - started:6.0f} s] phase {k + 1}/{len(phases)}: {phase}", flush=True)
            phase_end = started + phase_s * (k + 1)
            if phase == "kill":
                await asyncio.sleep(min(3.0, phase_s / 4))  # in the middle of the burst
                down = time.monotonic()
                server.kill()
                server.start()
                took = await server.wait_ready(client, 600)
                run.down.append((down, time.monotonic()))
                print(f"           killed (SIGKILL) and restarted: down {took:.1f} s", flush=True)
            await asyncio.sleep(max(0.0, phase_end - time.monotonic()))
        llm.set_mode("ok")
        await asyncio.gather(*tasks)
    return run


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def body_probe(port: int, token: str, pid: int, total: int = 50 * 1024 * 1024) -> dict[str, Any]:
    """Send a chunked ``total``-byte body to ``POST /chat`` over a raw socket; return the answer's status line,
    how many bytes the client had pushed when the answer came, and the server's RSS before and after."""
    import socket

    before = rss_mb(pid)
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.sendall(b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.encode()
                 + b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    reply = bytearray()
    sent = 0
    answered: list[int] = []
    peak = [before]

    def read() -> None:
        try:
            while data := sock.recv(65536):
                if not answered:
                    answered.append(sent)
                reply.extend(data)
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    chunk = b" " * 65536
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    started = time.monotonic()
    try:
        while sent < total and not answered:
            sock.sendall(frame)
            sent += len(chunk)
            if sent % (4 * 1024 * 1024) == 0:
                peak.append(rss_mb(pid))
        if sent >= total:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    reader.join(timeout=120)
    sock.close()
    seconds = time.monotonic() - started
    return {"status": bytes(reply.split(b"\r\n", 1)[0]).decode(errors="replace"),
            "client_bytes_when_answered": answered[0] if answered else None, "bytes_sent": sent,
            "seconds": round(seconds, 2), "rss_before_mb": round(before, 1),
            "rss_peak_mb": round(max(peak + [rss_mb(pid)]), 1)}


# --- the report ------------------------------------------------------------------------------------------------


def injected(out: Outcome, run: Run) -> bool:
    """A connection error (refused, dropped) of a request that overlapped a window in which the server was down;
    a timeout is never injected: it means an answer took longer than ``--client-timeout``."""
    end = out.started + out.seconds
    return (out.status is None and "Timeout" not in out.error
            and any(out.started <= b and end >= a for a, b in run.down))


def phase_table(run: Run, phases: list[str]) -> None:
    print(f"{'phase':<10}{'requests':>9}{'200':>6}{'429':>6}{'inj.err':>8}{'errors':>7}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'max ms':>9}  answered by / errors seen")
    names = [f"{k + 1}:{phase}" for k, phase in enumerate(phases)] + ["total"]
    for name in names:
        rows = [o for o in run.outcomes if name == "total" or o.phase == name]
        if not rows:
            continue
        ok = [o for o in rows if o.status == 200]
        inj = [o for o in rows if injected(o, run)]
        errors = [o for o in rows if o.status not in (200, 429) and not injected(o, run)]
        lat = [o.seconds * 1000 for o in rows if o.status in (200, 429)] or [0.0]
        by = Counter(o.answered_by.split(":")[0] for o in ok)
        seen = Counter(o.error or str(o.status) for o in errors)
        print(f"{name:<10}{len(rows):>9}{len(ok):>6}{sum(o.status == 429 for o in rows):>6}{len(inj):>8}"
              f"{len(errors):>7}{statistics.median(lat):>9.0f}{percentile(lat, 95):>9.0f}{max(lat):>9.0f}  "
              f"{dict(by)} {dict(seen) if seen else ''}")


def check_data(data_dir: Path, run: Run, contacts: dict[int, int]) -> dict[str, Any]:
    """Compare what customers were told with what the database holds (after the server stopped).

    ``contacts`` maps each customer to its contact: every conversation of those contacts is checked, also the
    ones whose first answer never reached the customer."""
    from sqlmodel import Session

    from core.config import Settings
    from store import approvals, conversations
    from store.db import integrity_check, make_engine

    engine = make_engine(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    answered: Counter[str] = Counter(o.conversation_id for o in run.outcomes if o.status == 200 and o.conversation_id)
    told_approvals = {i for o in run.outcomes for i in o.approvals}
    told_recs = {i for o in run.outcomes for i in o.recommendations}
    try:
        verdict = integrity_check(engine)
        with Session(engine) as s:
            roles: dict[str, Counter[str]] = {}
            for contact_id in sorted(set(contacts.values())):
                for conv in conversations.contact_conversations(s, contact_id=contact_id):
                    if conv.started_at < run.began and conv.id not in answered:
                        continue  # an earlier run's
                    roles[conv.id] = Counter(m.role for m in conversations.messages(s, conversation_id=conv.id))
            lost_turns = sum(max(0, n - roles.get(conv, Counter())["assistant"]) for conv, n in answered.items())
            missing_approvals = sum(approvals.get_approval(s, approval_id=i) is None for i in told_approvals)
            missing_recs = sum(conversations.get_recommendation(s, recommendation_id=i) is None for i in told_recs)
    finally:
        engine.dispose()
    return {"integrity": verdict, "answered_turns": sum(answered.values()),
            "stored_turns": sum(c["assistant"] for c in roles.values()), "lost_turns": lost_turns,
            "conversations": len(roles), "empty_conversations": sum(1 for c in roles.values() if not c),
            "half_written_conversations": sum(1 for c in roles.values() if c and c["user"] != c["assistant"]),
            "approvals_told": len(told_approvals), "approvals_missing": missing_approvals,
            "recommendations_told": len(told_recs), "recommendations_missing": missing_recs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=8, help="concurrent customers (one company each)")
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the whole run")
    parser.add_argument("--phases", default=",".join(PHASES), help="comma-separated: ok, hang, garbage, kill")
    parser.add_argument("--data-dir", type=Path, default=Path("var-fault"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--client-timeout", type=float, default=30.0, help="seconds a customer waits for an answer")
    parser.add_argument("--rate-limits", action="store_true", help="keep the portal's rate limits on")
    parser.add_argument("--no-llm", action="store_true",
                        help="serve without a model (the rule planner answers): phases ok and kill only")
    parser.add_argument("--body-probe", action="store_true",
                        help="only send one chunked 50 MB body to a ready server and print what happened")
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = [p for p in phases if p not in {"ok", "hang", "garbage", "kill"}]
    if unknown or not phases:
        raise SystemExit(f"unknown phase(s) {unknown}: use ok, hang, garbage, kill")
    if args.no_llm and {"hang", "garbage"} & set(phases):
        raise SystemExit("--no-llm serves no model: the hang and garbage phases need one (use --phases ok,kill,ok)")

    data_dir = args.data_dir.resolve()
    customers = prepare(data_dir, args.customers, args.seed)
    load = os.getloadavg()
    with FaultyLLM() as llm:
        server = Server(data_dir, _free_port(), "" if args.no_llm else llm.base_url, args.rate_limits)
        server.start()
        try:
            if args.body_probe:
                async def ready() -> None:
                    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
                        await server.wait_ready(client, 1800)

                asyncio.run(ready())
                assert server.proc is not None
                print(f"chunked 50 MB body to POST /chat: {body_probe(server.port, customers[0][0], server.proc.pid)}")
                return
            run = asyncio.run(drive(args, server, llm, customers, phases))
        finally:
            server.stop()
        calls = dict(llm.calls)
    print()
    print(f"POST /chat with faults: {len(customers)} customers, {args.minutes:g} min, phases {' > '.join(phases)}"
          f"{' (no model: rule planner)' if args.no_llm else ''}; "
          f"{os.cpu_count()} CPUs, load average at start {load[0]:.2f} / end {os.getloadavg()[0]:.2f}; "
          f"server started {server.starts}x; model calls by mode {calls}")
    phase_table(run, phases)
    leaks = [o for o in run.outcomes if o.status == 200 and any(m in o.reply for m in LEAKS)]
    print(f"garbage shown to customers (tool-call text, code, links, entities in a reply): {len(leaks)}"
          + (f", e.g. {leaks[0].reply[:120]!r}" if leaks else ""))
    data = check_data(data_dir, run, {n: contact for n, (_, _, contact) in enumerate(customers)})
    print("data: " + ", ".join(f"{k} {v}" for k, v in data.items()))
    lost = data["lost_turns"] + data["approvals_missing"] + data["recommendations_missing"]
    half = data["empty_conversations"] + data["half_written_conversations"]
    print(f"lost: {lost}, half-written: {half}, integrity: {data['integrity']}")


if __name__ == "__main__":
    main()
