"""Fixtures for the avatar tests: the real model service over HTTP and fakes that misbehave.

A plugin of tests/conftest.py, so every suite has them; the suites that upload avatars wire
their `app` to `model_service_url` themselves (tests/services/conftest.py and
tests/api/test_avatar.py).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from werkzeug.serving import make_server

from tests.utils import images
from tests.utils.avatar import answer_for, upload


@pytest.fixture(scope="session")
def model_service_url() -> Iterator[str]:
    """The real model service app (NudeNet + smart crop) on a loopback port."""
    from portrait_models.app import create_app

    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def stopped_url() -> str:
    """A loopback port with nothing listening: the model service is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def canned_models() -> Iterator[Callable[..., str]]:
    """`canned_models(status, body)` starts a fake model service giving that answer to all."""
    servers: list[ThreadingHTTPServer] = []

    def start(status, body, content_type="application/json", *, arrived=None, hold=None) -> str:
        """`arrived` is set when a request comes in; the answer waits for `hold` if given."""

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = answer_for(self.path, body)
                payload = json.dumps(answer).encode() if isinstance(answer, dict) else answer
                if arrived is not None:
                    arrived.set()
                if hold is not None:
                    hold.wait(timeout=30)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the API gave up waiting (the timeout tests): nobody to answer

            do_GET = do_POST  # the catalog (GET /v1/models) gets the same answer

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def with_avatar(client, account):
    """An account that already has an avatar (the astronaut), and that avatar's JSON (needs an
    `app` wired to a model service)."""
    response = upload(client, account, images.face_photo())
    assert response.status_code == 200, response.get_json()
    return account, response.get_json()


class MarkerModels:
    """The marker stand-in (tests.utils.marker_models) on a loopback port; `stop()` takes it
    down for good (connection refused from then on)."""

    def __init__(self) -> None:
        from tests.utils.marker_models import create_app

        self.app = create_app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def settings(self) -> dict:
        """The API's settings for it: a generous wait, as the stand-in shares a busy machine."""
        return {"MODELS_URL": self.url, "MODELS_TIMEOUT": 30}

    @property
    def seen(self) -> list[tuple[str, int, int]]:
        return self.app.config["SEEN"]

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()


@pytest.fixture
def marker_models() -> Iterator[MarkerModels]:
    models = MarkerModels()
    yield models
    models.stop()
