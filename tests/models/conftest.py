"""Fixtures for the model service: the real app (real models) and a real HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portrait_models import create_app


@pytest.fixture(scope="session")
def models_app() -> Flask:
    """The service with its default settings; models loaded once for the whole session."""
    return create_app()


@pytest.fixture(scope="session")
def make_models_app() -> Callable[..., Flask]:
    """A service with settings overridden (limits, policy); sessions are shared per process."""
    return lambda **overrides: create_app(overrides)


@pytest.fixture
def models_client(models_app: Flask):
    return models_app.test_client()


@pytest.fixture(scope="session")
def registry(models_app: Flask) -> Any:
    return models_app.extensions["portrait_models"].registry


@pytest.fixture(scope="module")
def service_url(models_app: Flask) -> Iterator[str]:
    """The service on a real socket (127.0.0.1, a free port), threaded like in development."""
    server = make_server("127.0.0.1", 0, models_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
