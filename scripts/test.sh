#!/usr/bin/env bash
# Every test: lint and types, the database and API suite, then the browser suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
echo "== lint and types" >&2
"$bin/ruff" check backend tests e2e bench
"$bin/ruff" format --check backend tests e2e bench
"$bin/mypy"
(cd frontend && npm run --silent typecheck)
echo "== database and API tests" >&2
"$bin/pytest" -q tests
echo "== browser tests (Chromium)" >&2
scripts/ensure-chromium.sh
"$bin/pytest" -q e2e
