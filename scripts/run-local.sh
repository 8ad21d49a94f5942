#!/usr/bin/env bash
# Run Stridewell on embedded defaults: a Celery worker (with beat) and the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
.venv/bin/celery -A clinic worker -B -Q celery,gait --concurrency 1 --loglevel INFO \
  --logfile var/worker.log &
WORKER_PID=$!
trap 'kill $WORKER_PID 2>/dev/null || true' EXIT INT TERM
echo
echo "  Stridewell is running at http://127.0.0.1:${PORT}/  (worker log: var/worker.log; Ctrl-C stops both)"
echo
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
