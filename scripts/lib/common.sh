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

# Builds the SPA into frontend/dist (the API serves it in the embedded run), unless the
# sources are unchanged since the last build and its output is still there.
ensure_frontend_build() {
    [[ -f "$ROOT/frontend/package.json" ]] || return 0
    ensure_node_modules
    [[ -f "$ROOT/frontend/dist/index.html" ]] || rm -f "$STAMPS/frontend-build"
    local sources
    sources="$(cd "$ROOT" && find frontend/src frontend/public frontend/*.json frontend/*.ts \
        frontend/index.html -type f 2>/dev/null | LC_ALL=C sort | tr '\n' ' ')"
    run_if_changed frontend-build "$sources" _frontend_build
}

_frontend_build() {
    log "building the web app"
    (cd "$ROOT/frontend" && npm run --silent build >/dev/null)
}

# Holds an exclusive flock on DIR/portrait.lock for the rest of this script and its children
# (they inherit the descriptor), so a second run on the same data directory is refused
# instead of sharing its SQLite files. The lock ends with the last process holding it.
lock_data_dir() {
    local dir="$1" lock="$1/portrait.lock"
    mkdir -p "$dir"
    exec {DATA_LOCK_FD}<>"$lock" # <>: opening must not truncate the holder's pid
    if ! flock --nonblock "$DATA_LOCK_FD"; then
        die "$dir is in use by another ./scripts/dev (pid $(cat "$lock" 2>/dev/null || echo '?')): \
stop that one first (Ctrl-C), or give this one its own PORTRAIT_DATA_DIR"
    fi
    echo "$$" >"$lock"
}

# Starts scripts/mongo-server on a free loopback port with its files in DIR, in the
# background; sets MONGO_PID and MONGO_PORT and returns once it answers a ping.
start_mongo_server() {
    local dir="$1"
    MONGO_PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "$ROOT/scripts/mongo-server" --port "$MONGO_PORT" --data "$dir" &
    MONGO_PID=$!
    "$PY" - "$MONGO_PORT" "$MONGO_PID" <<'PYEOF'
import sys, time
from pathlib import Path
import pymongo

port, pid = sys.argv[1], sys.argv[2]
client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/", serverSelectionTimeoutMS=500)
deadline = time.monotonic() + 120  # generous: the machine may be busy
while True:
    try:
        client.admin.command("ping")
        break
    except pymongo.errors.PyMongoError:
        stat = Path(f"/proc/{pid}/stat")  # an exited child stays a zombie until bash waits
        if not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            sys.exit(f"scripts/mongo-server exited before answering on port {port}")
        if time.monotonic() > deadline:
            sys.exit(f"scripts/mongo-server did not answer on port {port} within 120 s")
PYEOF
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

# Debian's redis-server for the event broker's tests (tests/events/test_broker.py).
ensure_redis() {
    command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]] && return 0
    log "installing Debian's redis-server"
    local sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
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
