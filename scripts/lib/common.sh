# Shared helpers for scripts/dev and scripts/test. Sourced, not executed.
# Everything a fresh machine needs is installed from PyPI, npm and Debian here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMPS="$ROOT/.cache/stamps"
mkdir -p "$STAMPS"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

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

# Creates .venv (Python 3.11+) and installs the backend with the given extras.
ensure_python() {
    local extras="$1"
    if [[ ! -x "$PY" ]]; then
        log "creating $VENV"
        python3 -m venv "$VENV"
    fi
    run_if_changed "pip-$extras" "backend/pyproject.toml" _pip_install "$extras"
}

_pip_install() {
    log "installing backend[$1] into .venv"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet -e "$ROOT/backend[$1]"
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

# The client-contract suite's tools (tests/contract): Redocly, tsc and tsx from npm
# (tools/contract/package-lock.json), and openapi-generator-cli, whose version is
# tools/contract/package.json's config.openapi_generator, from Maven Central into .cache/contract
# (run with the installed Java 17).
CONTRACT_DIR="$ROOT/tools/contract"
ensure_contract_tools() {
    run_if_changed npm-contract "tools/contract/package.json tools/contract/package-lock.json" \
        bash -c "cd '$CONTRACT_DIR' && npm ci --no-audit --no-fund --loglevel=error"
    local version
    version="$(node -p "require('$CONTRACT_DIR/package.json').config.openapi_generator")"
    local jar="$ROOT/.cache/contract/openapi-generator-cli-$version.jar"
    [[ -f "$jar" ]] && return 0
    log "fetching openapi-generator-cli $version from Maven Central"
    mvn -q -B dependency:copy -Dartifact="org.openapitools:openapi-generator-cli:$version" \
        -DoutputDirectory="$ROOT/.cache/contract" >&2
}
