"""Servers for the topology tests: FerretDB and the model service (one each per session),
the API under gunicorn with two workers (one per module) and connections pinned to each."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.topology.servers import gunicorn_api, gunicorn_models, mongo_server
from tests.topology.workers import LOGIN_LIMIT, Worker
from tests.utils.waiting import DEADLINE, wait_until


@pytest.fixture(scope="session")
def mongo_port(tmp_path_factory) -> int:
    with mongo_server(tmp_path_factory.mktemp("ferretdb")) as port:
        yield port


@pytest.fixture(scope="session")
def models_url(tmp_path_factory) -> str:
    """The real model service (NudeNet, smart crop) under its gunicorn config."""
    log = tmp_path_factory.mktemp("models") / "models.log"
    with gunicorn_models(log) as url:
        # The port opens before the worker has loaded its models.
        ready = lambda: requests.get(f"{url}/readyz", timeout=30).status_code == 200  # noqa: E731
        wait_until(ready, f"the model service to load its models (see {log})", timeout=180)
        yield url


@pytest.fixture(scope="module")
def api(mongo_port, models_url, tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "api.log"
    uri = f"mongodb://127.0.0.1:{mongo_port}/multiworker_{uuid.uuid4().hex[:8]}"
    limits = {
        "RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per minute",
        "RATELIMIT_LOGIN_FAILURES": "1000 per minute",
        "RATELIMIT_LOGIN_FAILURES_PER_ADDRESS": "1000 per minute",
        "LOGIN_DELAY_AFTER": "1000",  # these tests count attempts, not failures
        "RATELIMIT_SIGNUP": "1000 per minute",
        "RATELIMIT_REFRESH": "1000 per minute",
    }
    with gunicorn_api(uri, log, workers=2, MODELS_URL=models_url, **limits) as base:
        yield base, log


@pytest.fixture
def workers(api):
    """Two connections served by two different worker processes."""
    base, log = api
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        # Connections opened one after another all go to whichever worker wins the accept
        # race every time; opened at once, they reach both (once both have booted).
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
        time.sleep(0.25)
    pytest.fail(f"new connections for {DEADLINE:g} s all went to one gunicorn worker")
