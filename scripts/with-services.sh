#!/usr/bin/env bash
# Run a command with DATABASE_URL and REDIS_URL set: the environment's own, or the embedded
# services (started here if needed, and stopped again afterwards if this script started them).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
started=0
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  if [ ! -f var/pg/postmaster.pid ] && [ ! -f var/redis.pid ]; then started=1; fi
  eval "$($PY scripts/services.py start)"
fi
export DATABASE_URL REDIS_URL
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-local-only-secret-for-tests-and-tools}"
export DJANGO_SECURE="${DJANGO_SECURE:-0}"
mkdir -p var/staticfiles
status=0
"$@" || status=$?
if [ "$started" = 1 ] && [ -z "${KEEP_SERVICES:-}" ]; then $PY scripts/services.py stop; fi
exit $status
