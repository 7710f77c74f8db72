"""Connections pinned to one gunicorn worker each, for the multi-worker tests.

Each request is tagged with a User-Agent; the API's access log names the pid of the worker
that served it (docker/api/gunicorn.conf.py puts the pid first).
"""

import re
import time
import uuid

import requests

API = "/api/v1"
LOGIN_LIMIT = 6  # login attempts per minute and client in the API the `api` fixture starts
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
        return self.http.request(method, url, headers=headers, timeout=30, **kwargs), tag

    def served_by(self, tag: str) -> str:
        deadline = time.monotonic() + 30  # the worker logs after answering; it may be slow
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


def new_account(display_name: str = "Topology Test") -> dict[str, str]:
    """A sign-up body for a new, unique user."""
    name = uuid.uuid4().hex[:10]
    return {
        "email": f"{name}@example.com",
        "password": "correct horse battery staple",
        "handle": f"u{name}",
        "display_name": display_name,
    }


def signup(worker: Worker) -> dict:
    response = worker.call("POST", f"{API}/auth/signup", json=new_account("Multi Worker"))
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
