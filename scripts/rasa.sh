#!/usr/bin/env bash
# Rasa beside Tocsin, in one command: build Rasa's own Python 3.10 environment once (cached),
# export Tocsin's training data as a Rasa project, train it, serve it with the HTTP API.
#
# Usage: bash scripts/rasa.sh env                      build or reuse the environment
#        bash scripts/rasa.sh train [DIR] [EXPORT-OPTIONS...]   export into DIR and train
#        bash scripts/rasa.sh serve [DIR]              serve DIR/models/tocsin.tar.gz
#        bash scripts/rasa.sh all [DIR]                env, train and serve
# DIR defaults to rasa-project/. Then: TOCSIN_RASA_URL=http://127.0.0.1:5005 tocsin run
#
# Rasa 3.6 runs on Python 3.10 only, so it never shares Tocsin's environment; Tocsin talks to
# it over HTTP. Settings: TOCSIN_RASA_HOME (where the environment lives), TOCSIN_PYTHON310 (the
# interpreter to build it with), RASA_HOST and RASA_PORT (default 127.0.0.1:5005), TOCSIN (the
# tocsin command; default .venv/bin/tocsin, else tocsin on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_VERSION=3.6.21
RASA_HOME="${TOCSIN_RASA_HOME:-$HOME/.cache/tocsin/rasa-$RASA_VERSION}"
RASA="$RASA_HOME/bin/rasa"
command="${1:-all}"
project="${2:-rasa-project}"

is_python310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

find_python310() {
  local candidate
  for candidate in "${TOCSIN_PYTHON310:-}" \
      "$( (pyenv prefix 3.10 2>/dev/null | head -n 1) || true)/bin/python" \
      "$(command -v python3.10 2>/dev/null || true)" \
      "$HOME"/.pyenv/versions/3.10*/bin/python /root/.pyenv/versions/3.10*/bin/python; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && is_python310 "$candidate"; then
      echo "$candidate"; return
    fi
  done
  return 1
}

build_env() {
  if [ -x "$RASA" ] && [ -f "$RASA_HOME/.tocsin-ready" ]; then
    echo "rasa: reusing $RASA_HOME"; return
  fi
  python310="$(find_python310)" || {
    echo "rasa: Python 3.10 not found (set TOCSIN_PYTHON310); Rasa $RASA_VERSION needs it" >&2
    exit 3
  }
  echo "rasa: building $RASA_HOME with $python310 (once; a few minutes)"
  rm -rf "$RASA_HOME"
  "$python310" -m venv "$RASA_HOME"
  "$RASA_HOME/bin/python" -m pip install --quiet --upgrade pip
  "$RASA_HOME/bin/python" -m pip install --quiet "rasa==$RASA_VERSION"
  touch "$RASA_HOME/.tocsin-ready"
}

tocsin_command() {
  if [ -n "${TOCSIN:-}" ]; then echo "$TOCSIN"
  elif [ -x .venv/bin/tocsin ]; then echo .venv/bin/tocsin
  else command -v tocsin; fi
}

train() {
  shift_args=("${@:3}")
  "$(tocsin_command)" nlu export-rasa "$project" --force "${shift_args[@]}"
  (cd "$project" && "$RASA" train nlu --nlu data --config config.yml --out models \
    --fixed-model-name tocsin)
}

serve() {
  exec "$RASA" run --enable-api --model "$project/models/tocsin.tar.gz" \
    --interface "${RASA_HOST:-127.0.0.1}" --port "${RASA_PORT:-5005}"
}

case "$command" in
  env) build_env ;;
  train) build_env; train "$@" ;;
  serve) serve ;;
  all) build_env; train "$@"; serve ;;
  *) echo "usage: bash scripts/rasa.sh env|train|serve|all [DIR] [export options]" >&2; exit 2 ;;
esac
