"""The real topology with switches for faults: FerretDB that can be stopped and started
again on its port, the real model service (gunicorn) behind a proxy that can refuse, hang or
answer garbage, and the API under its gunicorn config with two workers."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from http.server import BaseHTTPRequestHandler

import pytest
import requests
from pymongo import MongoClient

from tests.topology.conftest import models_url  # noqa: F401  (fixture: real model service)
from tests.topology.proxies import ForwardingProxy
from tests.topology.servers import free_port, gunicorn_api, mongo_server

SELECTION_MS = 1000  # pymongo's serverSelectionTimeoutMS for the API: a down DB is a quick 503
# Seconds the API waits for the model service: a real answer takes well under a second on a
# quiet machine and several on one busy with other work, which must not look like a fault.
MODELS_TIMEOUT = 10


class FerretDB:
    """scripts/mongo-server on a fixed port and data directory, stoppable and restartable."""

    def __init__(self, data_dir) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self._stack: contextlib.ExitStack | None = None

    def start(self) -> None:
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(mongo_server(self.data_dir, self.port))

    def stop(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None


@pytest.fixture(scope="module")
def ferret(tmp_path_factory):
    server = FerretDB(tmp_path_factory.mktemp("ferret-faults"))
    server.start()
    yield server
    server.stop()


class ModelProxy(ForwardingProxy):
    """Forwards to the real model service, or misbehaves as `mode` says: "pass", "hang"
    (never answers) or "garbage" (200 with a broken body); `stop()` takes it down."""

    def __init__(self, upstream: str) -> None:
        self.mode = "pass"
        super().__init__(upstream, free_port())

    def answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if self.mode == "hang":
            time.sleep(MODELS_TIMEOUT * 3)
        elif self.mode == "garbage" and handler.command == "POST":
            self.respond(handler, 200, "application/json", b'{"result": {"image": "\xff\xfe')
        else:
            super().answer(handler, body)


@pytest.fixture(scope="module")
def model_proxy(models_url):  # noqa: F811
    proxy = ModelProxy(models_url)
    yield proxy
    with contextlib.suppress(Exception):
        proxy.stop()


class Api:
    def __init__(self, base: str, db_name: str, ferret: FerretDB) -> None:
        self.base, self.db_name, self.ferret = base, db_name, ferret

    def db(self):
        client = MongoClient(f"mongodb://127.0.0.1:{self.ferret.port}/", tz_aware=True)
        return client, client[self.db_name]

    def worker_pids(self) -> list[int]:
        """The gunicorn workers serving this API (processes whose parent is its master)."""
        bind = f"GUNICORN_BIND=127.0.0.1:{self.base.rsplit(':', 1)[1]}".encode()
        ours = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError):
                with open(f"/proc/{pid}/environ", "rb") as env, open(f"/proc/{pid}/stat") as st:
                    if bind in env.read().split(b"\0"):
                        ours[int(pid)] = int(st.read().rsplit(")", 1)[1].split()[1])
        return [pid for pid, parent in ours.items() if parent in ours]

    def wait_ready(self, timeout: float = 60) -> requests.Response:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(requests.RequestException):
                response = requests.get(f"{self.base}/readyz", timeout=30)
                if response.status_code == 200 or time.monotonic() > deadline:
                    return response
            if time.monotonic() > deadline:
                pytest.fail("the API never became ready")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def api(ferret, model_proxy, tmp_path_factory):
    db_name = f"faults_{uuid.uuid4().hex[:8]}"
    uri = f"mongodb://127.0.0.1:{ferret.port}/{db_name}?serverSelectionTimeoutMS={SELECTION_MS}"
    log = tmp_path_factory.mktemp("faults") / "api.log"
    settings = {
        "MODELS_URL": model_proxy.url,
        "MODELS_TIMEOUT": str(MODELS_TIMEOUT),
        "RATELIMIT_SIGNUP": "1000 per minute",
        "RATELIMIT_LOGIN": "1000 per minute",
    }
    with gunicorn_api(uri, log, workers=2, **settings) as base:
        running = Api(base, db_name, ferret)
        running.wait_ready()
        yield running


def kill(pids: list[int]) -> None:
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
