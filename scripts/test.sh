#!/usr/bin/env bash
# The test suite as CI runs it (called by `make test`): system packages the tests need, lint, types, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
MYPY_PACKAGES="core messages store retrieval merchandising ranking guardrails measurement advisor personalisation followups oversight tools agent portal evals salesagent"
# PostgreSQL server binaries for tests/store/test_postgres.py (a throwaway cluster; skipped without them).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
    || echo "could not install postgresql; its tests will be skipped" >&2
fi
# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it downloads no browser).
if ! [ -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# The style CI promises (issue 16): lint, then types (strict on agent, tools and guardrails: pyproject.toml),
# then the tests. Each step fails the run on its own.
echo "ruff check ." >&2
"$BIN"/ruff check .
echo "mypy $MYPY_PACKAGES" >&2
"$BIN"/mypy $MYPY_PACKAGES
"$BIN"/pytest -q --durations=25 "$@"  # the slowest tests listed: what stands between CI and its time goal
