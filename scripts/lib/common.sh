# Shared helpers for scripts/dev and scripts/test. Sourced, not executed.
# Everything a fresh machine needs is installed from PyPI, npm and Debian here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMPS="$ROOT/.cache/stamps"
mkdir -p "$STAMPS"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[1;33m==> WARNING: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31m==> %s\033[0m\n' "$*" >&2; exit 1; }

# Runs "$@" only when the hash of the given files changed since the last success.
# Usage: run_if_changed NAME "file1 file2" command...
run_if_changed() {
    local name="$1" files="$2"; shift 2
    local sum
    # shellcheck disable=SC2086
    sum="$(cd "$ROOT" && cat $files 2>/dev/null | sha256sum | cut -d' ' -f1)"
    if [[ -f "$STAMPS/$name" && "$(cat "$STAMPS/$name")" == "$sum" ]]; then
        return 0
    fi
    "$@"
    echo "$sum" >"$STAMPS/$name"
}

# Creates .venv (Python 3.11+) and installs one locked set of backend/requirements/ (dev:
# API + models + the in-memory store; test: everything), every file checked against its hash,
# then the project itself, editable and with no further dependencies. scripts/lock refreshes
# the sets.
ensure_python() {
    local set="$1"
    case "$set" in models) set=dev ;; models,test) set=test ;; esac # older callers' extras
    [[ -f "$ROOT/backend/requirements/$set.txt" ]] ||
        die "no Python lock backend/requirements/$set.txt (sets: api, models, dev, test)"
    if [[ ! -x "$PY" ]]; then
        log "creating $VENV"
        python3 -m venv "$VENV"
    fi
    run_if_changed "pip-$set" "backend/pyproject.toml backend/requirements/$set.txt" \
        _pip_install "$set"
}

_pip_install() {
    log "installing the locked set backend/requirements/$1.txt into .venv"
    "$PY" -m pip install --quiet --disable-pip-version-check --require-hashes \
        -r "$ROOT/backend/requirements/$1.txt"
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT/backend"
}

# Installs the frontend's npm dependencies (from package-lock.json) when they changed.
ensure_node_modules() {
    [[ -f "$ROOT/frontend/package.json" ]] || return 0
    run_if_changed npm "frontend/package.json frontend/package-lock.json" \
        bash -c "cd '$ROOT/frontend' && npm ci --no-audit --no-fund --loglevel=error"
}

# Builds the SPA into frontend/dist (the API serves it in the embedded run).
ensure_frontend_build() {
    [[ -f "$ROOT/frontend/package.json" ]] || return 0
    ensure_node_modules
    log "building the web app"
    (cd "$ROOT/frontend" && npm run --silent build >/dev/null)
}

# Debian's Chromium for the end-to-end tests (never a downloaded browser build).
ensure_chromium() {
    command -v chromium >/dev/null 2>&1 && return 0
    log "installing Debian's chromium"
    local sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

# Debian's nginx for the web container's config test (tests/topology/test_web_nginx.py).
ensure_nginx() {
    command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] && return 0
    log "installing Debian's nginx-light"
    local sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx-light >/dev/null
}

# A venv of its own under .cache/tools/ for a command-line tool from PyPI (the lock's uv, the
# audit's pip-audit), kept out of the project's venv and its lock. Prints the venv's bin dir.
ensure_tool() {
    local name="$1" spec="$2" dir="$ROOT/.cache/tools/$1"
    if [[ ! -x "$dir/bin/$name" || "$(cat "$dir/.spec" 2>/dev/null)" != "$spec" ]]; then
        log "installing $spec into .cache/tools/$name"
        rm -rf "$dir"
        python3 -m venv "$dir"
        "$dir/bin/pip" install --quiet --disable-pip-version-check "$spec"
        echo "$spec" >"$dir/.spec"
    fi
    echo "$dir/bin"
}
