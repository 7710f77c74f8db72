"""Slow-loris clients against the API under its real gunicorn config
(docker/api/gunicorn.conf.py): they are cut off in bounded time, so they cannot hold every
worker thread; a normal request made while they try still gets served.

Bounds under test (shortened from the defaults so the test is quick): a read may idle
GUNICORN_CLIENT_IDLE_TIMEOUT=2 s (headers), a whole body may take REQUEST_BODY_TIMEOUT=3 s.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from tests.topology.servers import gunicorn_api

pytestmark = pytest.mark.slow

IDLE, BODY = 2, 3
THREADS = 4  # what tests.topology.servers.gunicorn_api gives each worker


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    log = tmp_path_factory.mktemp("slow") / "api.log"
    env = {
        "GUNICORN_CLIENT_IDLE_TIMEOUT": str(IDLE),
        "REQUEST_BODY_TIMEOUT": str(BODY),
        # The embedded store ("" below) is refused in production; the gunicorn config is the
        # production one all the same, and these clients never reach the database.
        "PORTRAIT_ENV": "testing",
    }
    with gunicorn_api("", log, workers=1, **env) as base:  # "" = embedded store
        for _ in range(100):  # the port opens before the worker is ready
            try:
                requests.get(f"{base}/healthz", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):  # worker still booting
                time.sleep(0.1)
        yield base


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    return sock


def trickle_body(base: str, result: dict) -> None:
    """Declares a 5000-byte JSON login and sends one byte every 0.4 s (2000 s in all)."""
    sock = connect(base)
    start = time.monotonic()
    sock.sendall(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n{"
    )
    sock.settimeout(0.4)
    answer = b""
    while time.monotonic() - start < 30 and not answer:
        try:
            sock.send(b" ")
            answer = sock.recv(4096)
        except TimeoutError:
            continue
        except OSError:
            break
    result.update(answer=answer, seconds=time.monotonic() - start)
    sock.close()


def stall_headers(base: str, result: dict) -> None:
    """Sends half a request line and then nothing."""
    sock = connect(base)
    start = time.monotonic()
    sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n")
    try:
        answer = sock.recv(4096)
    except OSError:
        answer = b""
    result.update(answer=answer, seconds=time.monotonic() - start)
    sock.close()


def test_slow_clients_are_cut_off_and_others_are_served(api):
    results = [{} for _ in range(THREADS)]
    slow = [
        threading.Thread(target=trickle_body if n % 2 else stall_headers, args=(api, results[n]))
        for n in range(THREADS)
    ]
    for thread in slow:
        thread.start()
    time.sleep(0.5)  # every worker thread now serves a slow client
    start = time.monotonic()
    response = requests.get(f"{api}/healthz", timeout=20)
    waited = time.monotonic() - start
    for thread in slow:
        thread.join(40)
    assert response.status_code == 200
    # Served once the first slow client was cut off: within the longer of the two bounds.
    assert waited < BODY + 3, waited
    for n, result in enumerate(results):
        if n % 2:  # body trickled: 408 problem at the body deadline
            assert result["answer"].startswith(b"HTTP/1.1 408"), result
            assert BODY - 0.5 < result["seconds"] < BODY + 3, result
        else:  # headers stalled: connection closed after the idle bound
            assert result["answer"] == b"", result
            assert IDLE - 0.5 < result["seconds"] < IDLE + 3, result


def test_a_slow_but_steady_upload_within_the_deadline_is_served(api):
    body = b'{"email": "nobody@example.com", "password": "wrong password"}'
    sock = connect(api)
    sock.sendall(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    for chunk in (body[:20], body[20:40], body[40:]):
        time.sleep(0.5)
        sock.sendall(chunk)
    answer = sock.recv(4096)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
