"""`python -m portrait` (what scripts/dev runs) starts a server that answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask import Flask

from portrait.__main__ import main
from portrait.config import OPTIONS
from tests.utils.factories import signup_data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_embedded(tmp_path, **env_overrides: str) -> tuple[subprocess.Popen, str]:
    """`python -m portrait` on the embedded store; returns (process, base URL) once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "PORTRAIT_ENV": "development",
        "WEB_DIST": str(tmp_path / "no-build"),
        "LOG_LEVEL": "WARNING",
        **env_overrides,
    }
    for name in ("MONGO_URI", "SECRET_KEY", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    cmd = [sys.executable, "-m", "portrait", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # generous: imports alone take seconds on a busy machine
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                assert r.read() == b'{"status":"ok"}\n'
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    pytest.fail(f"python -m portrait did not answer: {server.communicate(timeout=10)[1]}")


@pytest.mark.slow
def test_python_m_portrait_serves_the_api(tmp_path):
    server, _ = start_embedded(tmp_path)
    server.terminate()
    _, stderr = server.communicate(timeout=10)
    assert "NOT persistent" in stderr and "SECRET_KEY is not set" in stderr


@pytest.mark.slow
def test_concurrent_requests_on_the_embedded_store_all_succeed(tmp_path):
    """mongomock is not thread-safe and the dev server is threaded: requests must not meet
    inside it (lost writes, 500s from half-updated indexes)."""
    cheap = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8", "ARGON2_PARALLELISM": "1"}
    server, base = start_embedded(tmp_path, RATELIMIT_SIGNUP="1000 per minute", **cheap)
    try:
        people = [signup_data() for _ in range(20)]

        def signup_then_read(data: dict) -> tuple[int, int]:
            created = requests.post(f"{base}/api/v1/auth/signup", json=data, timeout=30)
            listed = requests.get(f"{base}/api/v1/profiles?limit=100", timeout=30)
            return created.status_code, listed.status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(signup_then_read, people))
        assert statuses == [(201, 200)] * len(people)
        page = requests.get(f"{base}/api/v1/profiles?limit=100", timeout=30).json()
        assert sorted(p["handle"] for p in page["items"]) == sorted(p["handle"] for p in people)
    finally:
        server.terminate()
        server.communicate(timeout=10)


def most_at_once(app, requests_: int = 6) -> int:
    """Sends `requests_` requests to a slow view from as many threads; returns how many were
    inside the app at the same time, at most."""
    inside, most, guard = 0, 0, threading.Lock()

    @app.get("/slow-probe")
    def slow_probe():
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)  # releases the GIL: without a lock, the other threads come in
        with guard:
            inside -= 1
        return {}

    with ThreadPoolExecutor(max_workers=requests_) as pool:
        codes = list(
            pool.map(lambda _: app.test_client().get("/slow-probe").status_code, range(requests_))
        )
    assert codes == [200] * requests_
    return most


def app_of_main(monkeypatch, **env: str) -> Flask:
    """The app that `python -m portrait` would serve with `env` (its server is not started)."""
    for option in OPTIONS:
        monkeypatch.delenv(option.name, raising=False)
    base = {"SECRET_KEY": "k" * 40, "WEB_DIST": "/nonexistent", "MEDIA_CLEANUP_INTERVAL": "0"}
    for name, value in {**base, **env}.items():
        monkeypatch.setenv(name, value)
    served = []
    monkeypatch.setattr(Flask, "run", lambda app, **_: served.append(app))
    assert main(["--port", "0"]) == 0
    return served[0]


def test_the_embedded_run_serves_one_request_at_a_time(monkeypatch):
    assert most_at_once(app_of_main(monkeypatch)) == 1


def test_on_a_real_database_the_run_serves_requests_in_parallel(monkeypatch):
    # Nothing listens on port 9; the app starts all the same (indexes are retried later).
    app = app_of_main(monkeypatch, MONGO_URI="mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=50")
    assert most_at_once(app) > 1
