"""Hold the embedded catalogue index in another process, as a running portal does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def index_held_elsewhere(path: Path, dim: int = 384) -> Iterator[None]:
    """Open (creating it when missing) the qdrant-edge shard in ``path`` in a child process until the block ends."""
    hold = (f"import sys, pathlib; from retrieval._edge import EdgeEngine; e = EdgeEngine(pathlib.Path({str(path)!r}));"
            f" e.ensure_collection({dim}); print('ready', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready", "the holder did not start"
        yield
    finally:
        holder.communicate(timeout=60)
