#!/usr/bin/env bash
# `make test`: the whole suite against real PostgreSQL and Redis (embedded unless named).
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_CHROMIUM_EXECUTABLE="${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-/usr/bin/chromium}"
exec bash scripts/with-services.sh .venv/bin/python -m pytest "$@"
