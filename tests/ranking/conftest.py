"""Fixtures of the ranking tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# tests/ is on sys.path (rootdir conftest), so a bare ``import ranking`` could resolve to this folder as a
# namespace package; make sure the real package wins.
_ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)
if "ranking" in sys.modules and getattr(sys.modules["ranking"], "__file__", None) is None:
    del sys.modules["ranking"]

from ranking_board import checkerboard

from ranking.interactions import Interactions


@pytest.fixture
def board() -> Interactions:
    return checkerboard()
