#!/usr/bin/env bash
# The test suite as CI runs it (called by `make test`): system packages the browser tests need, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
"$BIN"/pytest -q "$@"
