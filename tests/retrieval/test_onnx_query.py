"""Queries and messages are embedded by ONNX Runtime (issue 25): the shipped model exported once per machine to an
int8 graph, its vectors close to the float32 model's; the export is cached and reused, a torn file is exported
again, and a model the exporter does not know (or ``SALESAGENT_QUERY_RUNTIME=torch``) keeps torch."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.config import Settings, apply_offline_env

TEXTS = ["wyłącznik nadprądowy 16A B 1P", "S201-B16", "oprawa hermetyczna LED IP65 do garażu",
         "Do you have a cheaper RCD?", "Czy możemy dostać rabat 10% na całe zamówienie?"]


@pytest.fixture(scope="module")
def onnx_embedder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The default embedder (torch int8 for batches, ONNX Runtime for a few texts), its export in the machine's
    cache as every start uses it."""
    from retrieval.embeddings import load_embedder

    settings = Settings(data_dir=tmp_path_factory.mktemp("onnx"), _env_file=None)  # type: ignore[call-arg]
    apply_offline_env(settings)
    emb = load_embedder(settings)
    assert emb.query_encoder is not None, "onnxruntime is a dependency: the default runtime must load"
    return emb


@pytest.fixture(scope="module")
def float32_vectors(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    from retrieval.embeddings import load_embedder

    settings = Settings(data_dir=tmp_path_factory.mktemp("fp32"), embedding_quantize="none",  # type: ignore[call-arg]
                        query_runtime="torch", _env_file=None)
    apply_offline_env(settings)
    emb = load_embedder(settings)
    assert emb.query_encoder is None
    return emb._model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)


def test_onnx_vectors_are_close_to_float32(onnx_embedder: Any, float32_vectors: np.ndarray) -> None:
    alone = np.vstack([onnx_embedder.query_encoder.encode([t]) for t in TEXTS])
    assert alone.dtype == np.float32 and alone.shape == (len(TEXTS), onnx_embedder.dim)
    assert np.allclose(np.linalg.norm(alone, axis=1), 1.0, atol=1e-4)
    cos = np.sum(alone * float32_vectors, axis=1)
    assert cos.min() > 0.97, cos  # measured 0.990 mean on 100 judged queries (torch int8: 0.975)
    # the embedder routes a few texts (a query, a message) through it; the cache keeps the single text's vector
    onnx_embedder._recent.clear()
    assert np.allclose(onnx_embedder.encode_one(TEXTS[0]), alone[0], atol=1e-6)
    assert onnx_embedder.query_runtime.startswith("onnx-")


def test_batches_stay_on_torch_so_content_hashes_do_not_change(onnx_embedder: Any, tmp_path: Path) -> None:
    """Product texts (indexing) are embedded by torch whichever runtime serves queries: the same fingerprint and
    the same vectors as a torch-only embedder."""
    from retrieval.embeddings import SMALL_BATCH, load_embedder

    many = [f"{t} {i}" for i in range(SMALL_BATCH) for t in TEXTS[:2]]
    assert len(many) > SMALL_BATCH
    import torch

    out = onnx_embedder._model.encode(many, batch_size=16, convert_to_tensor=True).float()
    expected = torch.nn.functional.normalize(out, dim=1).numpy()  # in float32, as the embedder does for bf16
    assert np.allclose(onnx_embedder.encode(many), expected, atol=1e-5)
    assert "onnx" not in onnx_embedder.fingerprint
    torch_only = load_embedder(Settings(data_dir=tmp_path, query_runtime="torch", _env_file=None))  # type: ignore[call-arg]
    assert torch_only is not onnx_embedder and torch_only.fingerprint == onnx_embedder.fingerprint
    # the export traced a copy: the model that embeds the catalogue is the one a torch-only start has
    assert np.allclose(torch_only.encode(many), expected, atol=1e-5)


def test_the_export_is_cached_and_a_torn_file_is_exported_again(onnx_embedder: Any, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from retrieval import onnx_query

    model = onnx_embedder._model  # torch int8 by now; the export itself is never redone here
    good = onnx_embedder.query_encoder.path
    target = tmp_path / f"query-demo-{onnx_query.EXPORT_VERSION}.onnx"
    shutil.copy(good, target)
    exports: list[Path] = []

    def fake_export(_model: Any, path: Path) -> None:
        exports.append(path)
        shutil.copy(good, path)

    monkeypatch.setattr(onnx_query, "_export_int8", fake_export)
    first = onnx_query.load_or_export(model, tmp_path, "demo")
    assert first is not None and first.path == target and exports == []  # read from the cache, not exported
    target.write_bytes(b"half a file")  # a torn write, or a file of another onnxruntime
    again = onnx_query.load_or_export(model, tmp_path, "demo")
    assert again is not None and exports == [target]
    assert np.allclose(again.encode(TEXTS[:1]), first.encode(TEXTS[:1]), atol=1e-6)


def test_a_failed_export_falls_back_to_torch(onnx_embedder: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from retrieval import onnx_query

    def broken(_model: Any, _path: Path) -> None:
        raise RuntimeError("no exporter for this model")

    monkeypatch.setattr(onnx_query, "_export_int8", broken)
    assert onnx_query.load_or_export(onnx_embedder._model, tmp_path / "new", "other") is None
    assert not list((tmp_path / "new").glob("*.onnx"))  # nothing half-written left behind


def test_models_other_than_transformer_and_mean_pooling_keep_torch(tmp_path: Path) -> None:
    from retrieval.onnx_query import load_or_export, supported

    class Transformer:
        pass

    class Pooling:
        def __init__(self, mode: str) -> None:
            self.pooling_mode = mode

    class Dense:
        pass

    class Fake:
        def __init__(self, *modules: Any) -> None:
            self._modules = {str(i): m for i, m in enumerate(modules)}

    assert supported(Fake(Transformer(), Pooling("mean")))
    assert not supported(Fake(Transformer(), Pooling("cls")))
    assert not supported(Fake(Transformer(), Pooling("mean"), Dense()))
    assert load_or_export(Fake(Transformer(), Pooling("cls")), tmp_path, "cls-model") is None
    assert not any(tmp_path.iterdir())


def test_query_runtime_torch_loads_no_onnx(tmp_path: Path) -> None:
    from retrieval.embeddings import load_embedder

    settings = Settings(data_dir=tmp_path, query_runtime="torch", _env_file=None)  # type: ignore[call-arg]
    apply_offline_env(settings)
    emb = load_embedder(settings)
    assert emb.query_encoder is None and emb.query_runtime == "torch"


def test_the_cache_folder_is_the_users_unless_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings(_env_file=None).onnx_cache_path == tmp_path / "xdg" / "salesagent" / "onnx"  # type: ignore[call-arg]
    chosen = Settings(onnx_cache_dir=tmp_path / "mine", _env_file=None)  # type: ignore[call-arg]
    assert chosen.onnx_cache_path == tmp_path / "mine"


def test_exporting_leaves_the_float32_torch_model_as_it_was(tmp_path: Path) -> None:
    """Tracing for the export leaves state in the modules it runs (seen: the float32 model's vectors at cosine
    0.93-0.95 to its own before); the export traces a copy, so with ``embedding_quantize=none`` the catalogue is
    embedded exactly as by a torch-only start."""
    from retrieval.embeddings import load_embedder

    def settings(runtime: str) -> Settings:
        return Settings(data_dir=tmp_path, embedding_quantize="none", query_runtime=runtime,  # type: ignore[call-arg]
                        onnx_cache_dir=tmp_path / "onnx", _env_file=None)

    apply_offline_env(settings("torch"))
    with_onnx = load_embedder(settings("onnx"))
    assert with_onnx.query_encoder is not None
    torch_only = load_embedder(settings("torch"))
    assert np.allclose(with_onnx._forward_torch(TEXTS), torch_only._forward_torch(TEXTS), atol=1e-5)
