"""What ``salesagent train-search`` learned for one catalogue, versioned like the ranking models.

``<data_dir>/search_models/<version>/{manifest.json, reranker.txt}`` and ``search_models/CURRENT``: the manifest
holds the fusion setting chosen by cross-validation, the "no match" model, the popularity table, what it was
trained on and its cross-validated figures; ``reranker.txt`` is the LightGBM model in its own text format (no
pickle), absent when the reranker did not help on held-out folds. Writing is atomic (the version folder is
complete before CURRENT moves); old versions are pruned to ``models_keep``.

A model written by other feature code, or for other encoders (another embedding model, another sparse analysis)
is *stale*: the search runs with the shipped defaults until ``train-search`` is run again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from retrieval.features import FEATURES, FEATURES_VERSION
from retrieval.fusion import FusionConfig
from retrieval.nomatch import NoMatchModel
from retrieval.rerank import Reranker

FORMAT = 1
FOLDER = "search_models"


def _code_fingerprint() -> str:
    """Hash of the code a model's numbers depend on (features and their order)."""
    digest = hashlib.sha1(f"{FEATURES_VERSION}|{','.join(FEATURES)}".encode())
    digest.update((Path(__file__).resolve().parent / "features.py").read_bytes())
    return digest.hexdigest()[:12]


CODE_FINGERPRINT = _code_fingerprint()


class StaleSearchModelError(ConfigError):
    """The stored search model was written by other feature code or for other encoders; retrain it."""


@dataclass
class SearchModel:
    """The learned per-catalogue search setting: fusion, reranker (or None), "no match" model, popularity."""

    fusion: FusionConfig
    reranker: Reranker | None = None
    nomatch: NoMatchModel | None = None
    popularity: dict[str, float] = field(default_factory=dict)
    encoders: str = ""
    version: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)


def models_root(data_dir: Path) -> Path:
    """Return the folder of the versioned search models."""
    return Path(data_dir) / FOLDER


def save(root: Path, model: SearchModel, info: dict[str, Any]) -> str:
    """Write ``model`` as a new version under ``root``, point CURRENT at it and return the version."""
    blob = json.dumps({"fusion": model.fusion.model_dump(), "info": info}, sort_keys=True, default=str)
    version = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{hashlib.sha1(blob.encode()).hexdigest()[:8]}"
    folder = Path(root) / version
    folder.mkdir(parents=True, exist_ok=True)
    if model.reranker is not None:
        (folder / "reranker.txt").write_text(model.reranker.model_text, encoding="utf-8")
    manifest = {
        "format": FORMAT, "code": CODE_FINGERPRINT, "features": list(FEATURES), "version": version,
        "created_at": datetime.now(UTC).isoformat(), "encoders": model.encoders,
        "fusion": model.fusion.model_dump(),
        "reranker_rounds": model.reranker.rounds if model.reranker is not None else None,
        "reranker_prior_scale": model.reranker.prior_scale if model.reranker is not None else None,
        "nomatch": model.nomatch.model_dump() if model.nomatch is not None else None,
        "popularity": model.popularity, **info,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str), encoding="utf-8")
    tmp = Path(root) / "CURRENT.tmp"
    tmp.write_text(version)
    os.replace(tmp, Path(root) / "CURRENT")
    return version


def current_version(root: Path) -> str | None:
    """Return the version CURRENT points at, or None when nothing was trained."""
    path = Path(root) / "CURRENT"
    if not path.exists():
        return None
    version = path.read_text().strip()
    return version if (Path(root) / version / "manifest.json").exists() else None


def load(root: Path, version: str, encoders: str) -> SearchModel:
    """Return the stored model ``version``; ``StaleSearchModelError`` when other code or encoders wrote it."""
    folder = Path(root) / version
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise StaleSearchModelError(f"cannot read search model {version} in {folder}: {err}") from err
    if manifest.get("format") != FORMAT or manifest.get("code") != CODE_FINGERPRINT:
        raise StaleSearchModelError(f"search model {version} was written by other feature code: run "
                                    "`salesagent train-search` again")
    if manifest.get("encoders") != encoders:
        raise StaleSearchModelError(f"search model {version} was trained for other encoders "
                                    f"({manifest.get('encoders')!r}, now {encoders!r}): run `salesagent "
                                    "train-search` again")
    reranker = None
    if (folder / "reranker.txt").exists():
        reranker = Reranker((folder / "reranker.txt").read_text(encoding="utf-8"),
                            int(manifest.get("reranker_rounds") or 0),
                            float(manifest.get("reranker_prior_scale") or 0.0))
    nomatch = NoMatchModel(**manifest["nomatch"]) if manifest.get("nomatch") else None
    return SearchModel(fusion=FusionConfig(**manifest["fusion"]), reranker=reranker, nomatch=nomatch,
                       popularity={str(k): float(v) for k, v in (manifest.get("popularity") or {}).items()},
                       encoders=encoders, version=version, manifest=manifest)


def load_current(root: Path, encoders: str) -> SearchModel | None:
    """Return the CURRENT model, or None when none was trained."""
    version = current_version(root)
    return None if version is None else load(root, version, encoders)


def prune(root: Path, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest versions (CURRENT's always kept); return what was deleted."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    root = Path(root)
    current = current_version(root)
    versions = sorted((p.name for p in root.iterdir() if p.is_dir() and (p / "manifest.json").exists()),
                      reverse=True)
    doomed = [v for v in versions[keep:] if v != current]
    for version in doomed:
        shutil.rmtree(root / version, ignore_errors=True)
    return doomed
