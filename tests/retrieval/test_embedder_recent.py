"""The embedder keeps the vectors of texts it embedded one at a time: a search or a message repeated runs no
forward pass (issue 25), and the vector is the one the model gives for the text alone. Batches are never kept:
with int8 activations scaled per batch, a text's vector depends on its batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from core.config import Settings, apply_offline_env


class CountingModel:
    """The real sentence-transformers model, counting the texts it is asked to embed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def encode(self, texts: list[str], **kw: Any) -> Any:
        self.texts += list(texts)
        return self.inner.encode(texts, **kw)

    def preprocess(self, texts: list[str]) -> Any:  # the direct forward pass of a few texts
        self.texts += list(texts)
        prepare = getattr(self.inner, "preprocess", None) or self.inner.tokenize
        return prepare(texts)

    def __call__(self, features: Any) -> Any:
        return self.inner(features)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_recent_short_texts_are_embedded_once(tmp_path: Path) -> None:
    from retrieval.embeddings import RECENT, Embedder, load_embedder

    settings = Settings(data_dir=tmp_path, query_runtime="torch", _env_file=None)  # type: ignore[call-arg]
    apply_offline_env(settings)
    real = load_embedder(settings)
    model = CountingModel(real._model)
    emb = Embedder(model, real.name)
    first = emb.encode_one("wyłącznika B16 1P")
    again = emb.encode_one("wyłącznika B16 1P")
    assert model.texts == ["wyłącznika B16 1P"]  # the second call ran no model
    assert np.array_equal(first, again) and again.dtype == np.float32
    again[:] = 0  # a caller writing into its array does not change what the next caller gets
    assert np.array_equal(emb.encode_one("wyłącznika B16 1P"), first)
    assert np.allclose(real.encode(["wyłącznika B16 1P"])[0], first, atol=1e-6)  # the model's own vector
    batch = ["Szukam wyłącznika B16 1P", "wyłącznika B16 1P"]
    emb.encode(batch)
    emb.encode(batch)
    assert model.texts[1:] == batch + batch  # a batch is embedded each time, never kept or served from the cache
    assert len(emb._recent) == 1 <= RECENT


def test_a_few_texts_get_the_vectors_sentence_transformers_encode_gives(tmp_path: Path) -> None:
    """Queries skip ``SentenceTransformer.encode``'s per-call set-up (one direct forward pass); the vectors are
    the same, for one text and for a small batch (the torch path; ONNX Runtime's is in test_onnx_query)."""
    from retrieval.embeddings import SMALL_BATCH, load_embedder

    settings = Settings(data_dir=tmp_path, query_runtime="torch", _env_file=None)  # type: ignore[call-arg]
    apply_offline_env(settings)
    emb = load_embedder(settings)
    texts = ["wyłącznik nadprądowy 16A B 1P", "S201-B16", "oprawa hermetyczna LED IP65 do garażu"]
    assert len(texts) <= SMALL_BATCH
    import torch

    def st_encode(batch: list[str]) -> np.ndarray:  # normalised in float32 (a bf16 model's own rounds to bf16)
        out = emb._model.encode(batch, convert_to_tensor=True).float()
        return torch.nn.functional.normalize(out, dim=1).numpy()

    reference = st_encode(texts)
    assert np.allclose(emb._encode(texts, 16), reference, atol=1e-5)
    many = texts * 3  # more than SMALL_BATCH: sentence-transformers' own batching, the same vectors unless int8
    if "#int8" not in emb.name:  # (int8 activations are scaled per batch, so a batch changes the vectors)
        assert len(many) > SMALL_BATCH and np.allclose(emb._encode(many, 16), reference[[0, 1, 2] * 3], atol=1e-5)
    assert np.allclose(emb._encode(texts[:1], 16)[0], st_encode(texts[:1])[0], atol=1e-5)
