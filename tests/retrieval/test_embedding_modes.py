"""The ways product texts are embedded (``SALESAGENT_EMBEDDING_QUANTIZE``): bf16 is float32 up to rounding and
int8 is further off, and each mode has its own fingerprint, so switching re-embeds the catalogue (issue 25)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.config import Settings

TEXTS = ["Wyłącznik nadprądowy S201-B16 1P 16A charakterystyka B, 6 kA, na szynę TH35",
         "Oprawa hermetyczna LED 36 W IP65 1200 mm, do garaży i hal", "Przewód YDY 3x2,5 450/750 V, krążek 100 m",
         "Ogranicznik przepięć typ 1+2, 4P, 12,5 kA"]


def _embedder(mode: str):  # type: ignore[no-untyped-def]
    """A fresh embedder of ``mode`` (not the process-wide one), queries on torch."""
    from retrieval.embeddings import _load, default_model_path

    return _load(str(default_model_path()), mode)


@pytest.fixture(scope="module")
def float32_vectors() -> np.ndarray:
    return _embedder("none").encode(TEXTS)


def test_bf16_product_vectors_are_float32_ones_up_to_rounding(float32_vectors: np.ndarray) -> None:
    emb = _embedder("bf16")
    vecs = emb.encode(TEXTS)
    assert vecs.dtype == np.float32 and vecs.shape == float32_vectors.shape
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    cosines = (vecs * float32_vectors).sum(axis=1)
    assert cosines.min() > 0.999, cosines  # int8 gives ~0.975 (below)
    one = emb.encode([TEXTS[0]])[0]  # a single text takes the direct forward pass (torch here: no ONNX dir)
    assert one.dtype == np.float32 and float(one @ float32_vectors[0]) > 0.999
    assert "#bf16#" in emb.fingerprint


def test_int8_is_further_from_float32_than_bf16(float32_vectors: np.ndarray) -> None:
    emb = _embedder("int8")
    cosines = (emb.encode(TEXTS) * float32_vectors).sum(axis=1)
    assert 0.9 < cosines.min() and cosines.mean() < 0.999  # the quantisation error bf16 does not have
    assert "#int8#" in emb.fingerprint


def test_each_mode_has_its_own_fingerprint(tmp_path: Path) -> None:
    from retrieval.embeddings import load_embedder

    prints = {load_embedder(Settings(data_dir=tmp_path, embedding_quantize=mode, query_runtime="torch",  # type: ignore[call-arg]
                                     _env_file=None)).fingerprint for mode in ("none", "int8", "bf16")}
    assert len(prints) == 3
