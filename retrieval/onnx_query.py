"""Queries and messages embedded by ONNX Runtime: the shipped sentence model exported once to ONNX (mean pooling and
L2 normalisation inside the graph), its weights quantised to int8 per output channel, run on one thread.

Why: one short text through torch's int8 model costs ~15 ms on this kind of 2-core AVX2 machine, through this
graph ~6 ms, and its vectors are closer to the float32 model's (cosine 0.990 against torch int8's 0.975, 100
judged Polish queries). Large batches (indexing) stay on torch: ONNX Runtime's int8 kernels are slower there
(64 product texts of 128 tokens, 2 threads: 2.6 s against 1.6 s). ``benchmarks/bench_query_runtime.py`` prints
both figures on the machine at hand.

The exported file is cached per machine (``SALESAGENT_ONNX_CACHE_DIR``, default ``~/.cache/salesagent/onnx``) by
the model's identity, so only the first start on a machine pays the export (7 s on a quiet 2-core machine); a
torn or foreign file is exported again.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger("salesagent.retrieval")

EXPORT_VERSION = "q1"
"""Bump when the exported graph or its quantisation changes: part of the file name."""


class OnnxQueryEncoder:
    """``encode(texts) -> (n, dim)`` float32, L2-normalised, for a few short texts at a time."""

    def __init__(self, path: Path, tokenizer: Any, max_length: int, *, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # a query has little to parallelise; the other core serves the next
        options.inter_op_num_threads = 1
        self.path = path
        self.version = EXPORT_VERSION
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = tokenizer
        self._max_length = max_length

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return the embeddings of ``texts`` (as the sentence model, truncated at its sequence length)."""
        enc = self._tokenizer(list(texts), padding=True, truncation=True, max_length=self._max_length,
                              return_tensors="np")
        feed = {name: np.asarray(enc[name], dtype=np.int64) for name in ("input_ids", "attention_mask",
                                                                         "token_type_ids") if name in self._inputs}
        if "token_type_ids" in self._inputs and "token_type_ids" not in enc:
            feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        return np.asarray(self._session.run(None, feed)[0], dtype=np.float32)


def supported(model: Any) -> bool:
    """Return True for a sentence-transformers model this module can export: a transformer, mean pooling and an
    optional normalisation (all-MiniLM-L6-v2 is one)."""
    modules = list(model._modules.values())
    names = [type(m).__name__ for m in modules]
    if len(modules) not in (2, 3) or names[0] != "Transformer" or names[1] != "Pooling":
        return False
    if len(modules) == 3 and names[2] != "Normalize":
        return False
    mode = getattr(modules[1], "pooling_mode", None) or getattr(modules[1], "get_pooling_mode_str", lambda: "")()
    return str(mode) == "mean"


_export_lock = threading.Lock()


def load_or_export(model: Any, cache_dir: Path, identity: str) -> OnnxQueryEncoder | None:
    """Return the ONNX encoder of the (float32) ``model``, exporting and quantising it into ``cache_dir`` first
    when no file for ``identity`` is there; None when onnxruntime is missing or the model cannot be exported (the
    caller keeps torch, and says so in the log)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        logger.info("onnxruntime not installed: queries are embedded by torch")
        return None
    if not supported(model):
        logger.info("embedding model %s is not transformer + mean pooling: queries are embedded by torch", identity)
        return None
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in identity)
    path = cache_dir / f"query-{safe}-{EXPORT_VERSION}.onnx"
    tokenizer = model.tokenizer
    max_length = int(model.max_seq_length)
    with _export_lock:
        if path.exists():
            try:
                return OnnxQueryEncoder(path, tokenizer, max_length)
            except Exception:  # a torn write or another onnxruntime's file: export again
                logger.exception("cached ONNX query model %s unreadable; exporting again", path.name)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            _export_int8(model, path)
            return OnnxQueryEncoder(path, tokenizer, max_length)
        except Exception:
            logger.exception("ONNX export of the embedding model failed: queries are embedded by torch")
            return None


def _export_int8(model: Any, path: Path) -> None:
    """Write ``model`` (transformer + mean pooling + normalisation) as an int8 ONNX graph to ``path``, atomically."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # A copy: tracing leaves state behind in the modules it ran (measured: the torch model's vectors afterwards at
    # cosine 0.93-0.95 to its own before), and the original goes on to embed the catalogue.
    transformer = copy.deepcopy(model._modules[next(iter(model._modules))].auto_model)
    transformer.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    sample = model.tokenizer(["a query", "a longer query with more words"], padding=True, return_tensors="pt")
    args = (sample["input_ids"], sample["attention_mask"],
            sample.get("token_type_ids", torch.zeros_like(sample["input_ids"])))
    float_path = path.with_suffix(f".{os.getpid()}.float.tmp")  # processes exporting at once do not collide
    int8_path = path.with_suffix(f".{os.getpid()}.int8.tmp")
    axes = {"batch": 0, "tokens": 1}
    try:
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(transformer), args, str(float_path), dynamo=False, opset_version=17,
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["sentence_embedding"],
                dynamic_axes={"input_ids": {v: k for k, v in axes.items()},
                              "attention_mask": {v: k for k, v in axes.items()},
                              "token_type_ids": {v: k for k, v in axes.items()},
                              "sentence_embedding": {0: "batch"}})
        root = logging.getLogger()
        was, root.disabled = root.disabled, True  # the quantiser logs a pre-processing tip on the root logger
        try:
            quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.disabled = was
        int8_path.replace(path)
    finally:
        float_path.unlink(missing_ok=True)
        int8_path.unlink(missing_ok=True)
