"""`python -m portrait` (what scripts/dev runs) starts a server that answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_python_m_portrait_serves_the_api(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PORTRAIT_ENV": "development",
        "WEB_DIST": str(tmp_path / "no-build"),
        "LOG_LEVEL": "WARNING",
    }
    for name in ("MONGO_URI", "SECRET_KEY", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    cmd = [sys.executable, "-m", "portrait", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(100):  # up to ~10 s on a busy machine
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert body == b'{"status":"ok"}\n'
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert "NOT persistent" in stderr and "SECRET_KEY is not set" in stderr
