"""The API under gunicorn with two worker processes on a real MongoDB-wire server (FerretDB):
what one worker learns (a rate-limit hit, a revoked or rotated token) the other must know,
so nothing may live in per-process memory.

Two HTTP keep-alive connections are pinned to different workers (each request is tagged
with a User-Agent and the access log names the worker pid that served it), and the requests
alternate between them.
"""

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.topology.servers import gunicorn_api

pytestmark = pytest.mark.slow

API = "/api/v1"
LOGIN_LIMIT = 6
PID = re.compile(r"^<(\d+)> ")


class Worker:
    """A keep-alive connection to one gunicorn worker."""

    def __init__(self, base: str, log) -> None:
        self.base, self.log = base, log
        self.http = requests.Session()
        self.pid = self.served_by(self.request("GET", "/healthz")[1])

    def request(self, method: str, path: str, **kwargs) -> tuple[requests.Response, str]:
        tag = f"probe-{uuid.uuid4().hex}"
        headers = {"User-Agent": tag, **kwargs.pop("headers", {})}
        url = self.base + path
        return self.http.request(method, url, headers=headers, timeout=10, **kwargs), tag

    def served_by(self, tag: str) -> str:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for line in self.log.read_text(errors="replace").splitlines():
                if tag in line and (match := PID.match(line)):
                    return match.group(1)
            time.sleep(0.05)
        raise AssertionError(f"request {tag} is not in the access log")

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request that must be served by this connection's worker."""
        response, tag = self.request(method, path, **kwargs)
        assert self.served_by(tag) == self.pid, "the keep-alive connection changed worker"
        return response

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="module")
def api(mongo_port, tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "api.log"
    uri = f"mongodb://127.0.0.1:{mongo_port}/multiworker_{uuid.uuid4().hex[:8]}"
    limits = {
        "RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per minute",
        "RATELIMIT_LOGIN_FAILURES": "1000 per minute",
        "RATELIMIT_SIGNUP": "1000 per minute",
        "RATELIMIT_REFRESH": "1000 per minute",
    }
    with gunicorn_api(uri, log, workers=2, **limits) as base:
        yield base, log


@pytest.fixture
def workers(api):
    """Two connections served by two different worker processes."""
    base, log = api
    for _ in range(5):
        # Connections opened one after another all go to whichever worker wins the accept
        # race every time; opened at once, they reach both.
        with ThreadPoolExecutor(12) as pool:
            connections = list(pool.map(lambda _: Worker(base, log), range(12)))
        by_pid = {c.pid: c for c in connections}
        if len(by_pid) >= 2:
            first, other = list(by_pid.values())[:2]
            for c in connections:
                if c not in (first, other):
                    c.close()
            yield first, other
            first.close()
            other.close()
            return
        for c in connections:
            c.close()
    pytest.fail("60 new connections all went to one gunicorn worker")


def signup(worker: Worker) -> dict:
    name = uuid.uuid4().hex[:10]
    response = worker.call(
        "POST",
        f"{API}/auth/signup",
        json={
            "email": f"{name}@example.com",
            "password": "correct horse battery staple",
            "handle": f"u{name}",
            "display_name": "Multi Worker",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_login_rate_limit_counts_requests_of_every_worker(workers):
    a, b = workers
    statuses = []
    for i in range(2 * LOGIN_LIMIT):
        worker = (a, b)[i % 2]
        body = {"email": "nobody@example.com", "password": "wrong password"}
        statuses.append(worker.call("POST", f"{API}/auth/login", json=body).status_code)
    # Per-process counters would let each worker allow LOGIN_LIMIT attempts (no 429 at all).
    assert statuses[:LOGIN_LIMIT] == [401] * LOGIN_LIMIT
    assert statuses[LOGIN_LIMIT:] == [429] * LOGIN_LIMIT


def test_a_rotated_refresh_token_is_dead_on_every_worker(workers):
    a, b = workers
    first = signup(a)["refresh_token"]
    rotated = b.call("POST", f"{API}/auth/refresh", headers=bearer(first))
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    # Replaying the spent token on the other worker is refused, and (it was copied) the
    # whole session ends, so the token the rotation issued dies too.
    assert a.call("POST", f"{API}/auth/refresh", headers=bearer(first)).status_code == 401
    assert b.call("POST", f"{API}/auth/refresh", headers=bearer(second)).status_code == 401


def test_logout_on_one_worker_ends_the_session_on_the_other(workers):
    a, b = workers
    account = signup(a)
    assert b.call("GET", f"{API}/me", headers=bearer(account["access_token"])).status_code == 200
    logout = a.call("POST", f"{API}/auth/logout", headers=bearer(account["access_token"]))
    assert logout.status_code == 204
    assert b.call("GET", f"{API}/me", headers=bearer(account["access_token"])).status_code == 401
    refresh = b.call("POST", f"{API}/auth/refresh", headers=bearer(account["refresh_token"]))
    assert refresh.status_code == 401
