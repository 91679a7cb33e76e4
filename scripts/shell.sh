#!/usr/bin/env bash
# Set up a virtual environment and chat with the bot in this terminal on embedded defaults
# (SQLite file tocsin.db, a generated key file tocsin.key, no Redis).
# Usage: bash scripts/shell.sh [--lang en|fr|ar]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/tocsin shell "$@"
