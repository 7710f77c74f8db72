"""Start and stop the real processes the topology tests talk to (loopback only)."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.utils.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
MONGO_SERVER = ROOT / "scripts" / "mongo-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    """Waits until something accepts on 127.0.0.1:port; fails early if proc died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> int:
    """SIGTERM (graceful), then SIGKILL if the process ignores it; returns the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@contextlib.contextmanager
def mongo_server(data_dir: Path, port: int | None = None):
    """Runs scripts/mongo-server (FerretDB, SQLite files in data_dir); yields its port."""
    port = port or free_port()
    proc = subprocess.Popen(
        [str(MONGO_SERVER), "--port", str(port), "--data", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    try:
        # The first use compiles FerretDB, hence the generous timeout.
        wait_for_port(port, proc, timeout=600)
        yield port
    finally:
        stop(proc)
        if proc.stderr:
            proc.stderr.close()


GUNICORN_CONF = ROOT / "docker" / "api" / "gunicorn.conf.py"
TEST_SECRET = "topology-test-secret-key-0123456789abcdef"
# argon2id at its smallest legal cost keeps the tests quick; the algorithm is the same.
FAST_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8", "ARGON2_PARALLELISM": "1"}


def api_env(mongo_uri: str, **extra: str) -> dict[str, str]:
    """The API's environment for a production-shaped run against mongo_uri."""
    return {
        **os.environ,
        "PORTRAIT_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "MONGO_URI": mongo_uri,
        "MODELS_URL": "http://127.0.0.1:9",  # nothing listens there unless a test says so
        "WEB_DIST": str(ROOT / "nonexistent-web-dist"),
        "LOG_LEVEL": "WARNING",
        # Mail to the log and accounts signed in at once: these tests are about processes.
        "MAIL_BACKEND": "console",
        "EMAIL_VERIFICATION": "optional",
        **FAST_ARGON2,
        **extra,
    }


def wait_answering(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Waits until `url`/healthz answers: gunicorn listens before its workers have imported
    the app, which takes many seconds on a busy machine."""

    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"exited with {proc.returncode} before answering, see {log}")
        return requests.get(f"{url}/healthz", timeout=30).status_code == 200

    wait_until(answers, f"{url}/healthz to answer (see {log})", timeout=120)


class ServerUrl(str):
    """A server's base URL that also knows the server's process (to signal it)."""

    def __new__(cls, url: str, proc: subprocess.Popen):
        self = super().__new__(cls, url)
        self.proc = proc
        return self


@contextlib.contextmanager
def api_process(argv: list[str], env: dict[str, str], port: int, log: Path, graceful=True):
    """Runs an API process logging to `log`; yields its URL. A graceful process (gunicorn)
    must exit 0 on SIGTERM; the development server just dies of it."""
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_for_port(port, proc, timeout=60)
        url = ServerUrl(f"http://127.0.0.1:{port}", proc)
        wait_answering(url, proc, log)
        yield url
    finally:
        code = stop(proc)
        assert code == 0 or (not graceful and code == -signal.SIGTERM), f"exit {code}, see {log}"


def gunicorn_api(mongo_uri: str, log: Path, workers: int = 2, **extra: str):
    """The API under gunicorn with the production config (docker/api/gunicorn.conf.py)."""
    port = free_port()
    env = api_env(
        mongo_uri,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS="4",
        **extra,
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    argv = [gunicorn, "--config", str(GUNICORN_CONF), "portrait:create_app()"]
    return api_process(argv, env, port, log)


MODELS_GUNICORN_CONF = ROOT / "backend" / "portrait_models" / "gunicorn.conf.py"


def gunicorn_models(log: Path, workers: int = 1):
    """The model service under gunicorn with its production config."""
    port = free_port()
    env = {
        **os.environ,
        "MODELS_HOST": "127.0.0.1",
        "MODELS_PORT": str(port),
        "MODELS_WORKERS": str(workers),
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    argv = [gunicorn, "--config", str(MODELS_GUNICORN_CONF), "portrait_models:create_app()"]
    return api_process(argv, env, port, log)


WEB_CONF = ROOT / "docker" / "web"


@contextlib.contextmanager
def nginx_web(upstream: str, dist: Path, tmp: Path):
    """Debian's nginx running docker/web/nginx.conf as the web image renders it, on a free
    loopback port, with `dist` as the SPA and `upstream` (host:port) as the API."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is not installed (./scripts/test installs Debian's nginx-light)")
    port = free_port()
    template = (WEB_CONF / "nginx.conf").read_text()
    # The image's envsubst renders only ${API_UPSTREAM}; nothing else may look like it.
    assert set(re.findall(r"\$\{(\w+)\}", template)) == {"API_UPSTREAM"}
    server = (
        template.replace("${API_UPSTREAM}", upstream)
        .replace("listen 8080;", f"listen 127.0.0.1:{port};")
        .replace("root /usr/share/nginx/html;", f"root {dist};")
        .replace("/etc/nginx/snippets/", f"{WEB_CONF}/")
    )
    (tmp / "server.conf").write_text(server)
    (tmp / "nginx.conf").write_text(
        # One process, as the user running the tests: root's nginx workers would switch to
        # an unprivileged user that cannot read pytest's private temporary directory.
        f"""daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/server.conf;
}}
"""
    )
    argv = [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(argv, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc, timeout=10)
