#!/usr/bin/env bash
# Set up a virtual environment with the test extras and run lint and the whole test suite.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/ruff check .
status=0
# one worker per core: the suite spends most of its time in the NLU and in subprocesses
.venv/bin/python -m pytest -n "${TOCSIN_TEST_WORKERS:-2}" "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$status"
