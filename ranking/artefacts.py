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

from core.errors import ConfigError

FORMAT = 1


def _code_fingerprint() -> str:
    """Hash of the ranking package's source: a pickle made by other code is stale and must be retrained."""
    digest = hashlib.sha1()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_FINGERPRINT = _code_fingerprint()


class StaleModelError(ConfigError):
    """The stored model was written by other ranking code (or is unreadable); retrain it."""


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
    manifest = {"format": FORMAT, "code": CODE_FINGERPRINT, "version": version, "created_at": datetime.now(UTC).isoformat(), **manifest}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    tmp = Path(models_dir) / "CURRENT.tmp"
    tmp.write_text(version)
    os.replace(tmp, Path(models_dir) / "CURRENT")
    return folder


def prune(models_dir: Path, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest version folders (CURRENT's is always kept); return what was deleted.

    Only folders with a manifest count as versions, so nothing else in ``models_dir`` is touched. A running
    portal keeps serving a deleted version: it holds the model in memory, not the files."""
    import shutil

    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    root = Path(models_dir)
    current = current_version(root)
    versions = sorted((p.name for p in root.iterdir() if p.is_dir() and (p / "manifest.json").exists()),
                      reverse=True)
    doomed = [v for v in versions[keep:] if v != current]
    for version in doomed:
        shutil.rmtree(root / version, ignore_errors=True)
    return doomed


def current_version(models_dir: Path) -> str | None:
    """Return the version CURRENT points at, or None when nothing was trained yet."""
    path = Path(models_dir) / "CURRENT"
    if not path.exists():
        return None
    version = path.read_text().strip()
    return version if (Path(models_dir) / version / "pipeline.pkl").exists() else None


def _written_by_this_code(manifest: dict[str, Any]) -> bool:
    return manifest.get("format") == FORMAT and manifest.get("code") == CODE_FINGERPRINT


def is_loadable(models_dir: Path, version: str) -> bool:
    """True when ``version``'s manifest says this ranking code wrote it (what ``load`` checks first), without
    unpickling the model: `salesagent demo` skips training only then."""
    try:
        return _written_by_this_code(json.loads((Path(models_dir) / version / "manifest.json").read_text()))
    except (OSError, json.JSONDecodeError):
        return False


def load(models_dir: Path, version: str) -> tuple[Any, dict[str, Any]]:
    """Return the pickled object and manifest of ``version``."""
    folder = Path(models_dir) / version
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        if not _written_by_this_code(manifest):
            raise StaleModelError(f"model {version} was written by other ranking code: retrain")
        with open(folder / "pipeline.pkl", "rb") as fh:
            return pickle.load(fh), manifest
    # unpickling code that moved raises ImportError/AttributeError: the artefact is stale, not the caller's fault
    except (OSError, pickle.UnpicklingError, json.JSONDecodeError, EOFError, ImportError, AttributeError) as err:
        raise StaleModelError(f"cannot load ranking model {version} from {folder}: {err}") from err
