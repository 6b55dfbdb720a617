#!/usr/bin/env bash
# `make run`: services, migrations, demo data and users, a Celery worker and the web server.
# Ctrl-C stops everything this script started; running it again reuses the data in ./var/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
started_services=0
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  started_services=1
  eval "$($PY scripts/services.py start)"
fi
export DATABASE_URL REDIS_URL
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
mkdir -p var/staticfiles
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$started_services" = 1 ]; then $PY scripts/services.py stop; fi
}
trap cleanup INT TERM EXIT
$PY manage.py migrate --noinput -v0
$PY manage.py demo_setup
.venv/bin/celery -A clearance worker --loglevel=INFO --concurrency=2 &
pids+=($!)
echo "Clearance is at http://127.0.0.1:8000 (Ctrl-C stops it)."
$PY manage.py runserver 127.0.0.1:8000 --noreload &
pids+=($!)
wait -n "${pids[@]}" || true
