"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1 (the only fake in the agent tests).

Each POST to ``/v1/chat/completions`` takes the next scripted entry: a reply dict (turned into a completion),
``{"status": 500}`` for an HTTP error, or ``{"delay": seconds, ...}`` to answer late (a timeout for the client).
An entry may also be a callable ``(request_json) -> entry`` to build the reply from what the agent sent. Every
raw request body is recorded, so tests can assert what left the process.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

Entry = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]


def tool_call(name: str, arguments: dict[str, Any] | str, call_id: str | None = None) -> dict[str, Any]:
    """Return one tool call as the API writes it (``arguments`` may be a raw, even malformed, string)."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": call_id or f"call_{name}_{abs(hash(args)) % 10_000}", "type": "function",
            "function": {"name": name, "arguments": args}}


def calls(*tool_calls: dict[str, Any]) -> dict[str, Any]:
    """Return a scripted assistant turn that calls tools (several: parallel tool calls)."""
    return {"tool_calls": list(tool_calls)}


def say(text: str) -> dict[str, Any]:
    """Return a scripted final assistant message."""
    return {"content": text}


def completion(entry: dict[str, Any], model: str) -> dict[str, Any]:
    """Return a chat.completion object for a scripted reply."""
    message: dict[str, Any] = {"role": "assistant", "content": entry.get("content")}
    if entry.get("tool_calls"):
        message["tool_calls"] = entry["tool_calls"]
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if entry.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


class FakeLLMServer:
    """Start with ``with FakeLLMServer([...]) as server:``; ``server.base_url`` goes into the settings."""

    def __init__(self, script: list[Entry] | None = None, default: Entry | None = None) -> None:
        self.script: list[Entry] = list(script or [])
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.raw_bodies: list[bytes] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, *entries: Entry) -> None:
        """Append entries to the script."""
        with self._lock:
            self.script.extend(entries)

    def _next(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            entry = self.script.pop(0) if self.script else self.default
        if entry is None:
            return {"status": 500, "error": "script exhausted"}
        return entry(body) if callable(entry) else entry

    def __enter__(self) -> Self:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw or b"{}")
                with outer._lock:
                    outer.raw_bodies.append(raw)
                    outer.requests.append(body)
                entry = outer._next(body)
                if entry.get("delay"):
                    time.sleep(float(entry["delay"]))
                status = int(entry.get("status", 200))
                payload = (completion(entry, body.get("model", "test")) if status == 200
                           else {"error": {"message": entry.get("error", "scripted failure"), "type": "server"}})
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def bodies_text(self) -> str:
        """Return every request body received, decoded (what left the process), JSON escapes resolved."""
        return "\n".join(json.dumps(json.loads(b), ensure_ascii=False) for b in self.raw_bodies)
