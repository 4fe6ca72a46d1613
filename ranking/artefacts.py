"""Versioned model artefacts: ``models_dir/<version>/{pipeline.pkl, manifest.json}`` and ``models_dir/CURRENT``.

Artefacts are written by this process only (pickle of our own fitted objects); a manifest records what was
trained on and with which parameters. Writing is atomic: the version folder is complete before CURRENT moves.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salesagent.errors import ConfigError

FORMAT = 1


def new_version(fingerprint: str) -> str:
    """Return a sortable version name: UTC timestamp plus a short hash of the training data."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}-{hashlib.sha1(fingerprint.encode()).hexdigest()[:8]}"


def save(models_dir: Path, version: str, obj: Any, manifest: dict[str, Any]) -> Path:
    """Write ``obj`` and its manifest under ``models_dir/version`` and point CURRENT at it; return the folder."""
    folder = Path(models_dir) / version
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "pipeline.pkl", "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    manifest = {"format": FORMAT, "version": version, "created_at": datetime.now(UTC).isoformat(), **manifest}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    tmp = Path(models_dir) / "CURRENT.tmp"
    tmp.write_text(version)
    os.replace(tmp, Path(models_dir) / "CURRENT")
    return folder


def current_version(models_dir: Path) -> str | None:
    """Return the version CURRENT points at, or None when nothing was trained yet."""
    path = Path(models_dir) / "CURRENT"
    if not path.exists():
        return None
    version = path.read_text().strip()
    return version if (Path(models_dir) / version / "pipeline.pkl").exists() else None


def load(models_dir: Path, version: str) -> tuple[Any, dict[str, Any]]:
    """Return the pickled object and manifest of ``version``."""
    folder = Path(models_dir) / version
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise ConfigError(f"model {version} has format {manifest.get('format')}, expected {FORMAT}: retrain")
        with open(folder / "pipeline.pkl", "rb") as fh:
            return pickle.load(fh), manifest
    except (OSError, pickle.UnpicklingError, json.JSONDecodeError, EOFError) as err:
        raise ConfigError(f"cannot load ranking model {version} from {folder}: {err}") from err
