"""The API's model-service client fails closed, fast, and with the right error type.

These tests talk to sockets that misbehave on purpose (nothing listening, a server that never
answers, one that answers garbage); the client against the real service is tested in
``test_http.py``.
"""

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portrait.clients import ModelInputRefused, ModelServiceClient, ModelServiceUnavailable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server():
    """A socket that accepts connections and never answers (a hung service)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    accepted = []
    stop = threading.Event()

    def accept_forever():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    sock.close()


def _canned_server(status: int, body: bytes, content_type: str, headers=None):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def canned():
    servers = []

    def start(status, body, content_type="application/json", headers=None):
        server = _canned_server(status, body, content_type, headers)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_unavailable_when_nothing_listens_after_bounded_retries():
    client = ModelServiceClient(f"http://127.0.0.1:{_free_port()}", retries=2)
    started = time.monotonic()
    with pytest.raises(ModelServiceUnavailable, match="unreachable"):
        client.analyze_avatar(b"jpeg", content_type="image/jpeg")
    assert time.monotonic() - started < 2.0
    assert client.ready() is False


def test_unavailable_within_read_timeout_when_service_hangs(silent_server):
    client = ModelServiceClient(silent_server, connect_timeout=0.5, read_timeout=0.4, retries=3)
    started = time.monotonic()
    with pytest.raises(ModelServiceUnavailable, match="timed out"):
        client.analyze_avatar(b"jpeg", content_type="image/jpeg")
    elapsed = time.monotonic() - started
    # One read timeout, not one per retry: a hung service is not retried.
    assert 0.35 < elapsed < 1.5
    assert client.ready() is False


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (200, b"<html>proxy error page</html>", "text/html"),
        (200, b'{"result": {}}', "application/json"),
        (200, b"[1, 2, 3]", "application/json"),
        (500, b'{"title": "Internal Server Error"}', "application/problem+json"),
        (502, b"bad gateway", "text/plain"),
        (302, b"", "text/plain"),
    ],
)
def test_unavailable_on_garbage_or_server_errors(canned, status, body, content_type):
    client = ModelServiceClient(canned(status, body, content_type), read_timeout=2.0)
    with pytest.raises(ModelServiceUnavailable):
        client.analyze_avatar(b"jpeg", content_type="image/jpeg")
    with pytest.raises(ModelServiceUnavailable):
        client.predict("smart-crop", b"jpeg")


def test_retry_after_from_a_503_is_passed_on(canned):
    url = canned(503, b"{}", headers={"Retry-After": "7"})
    with pytest.raises(ModelServiceUnavailable) as caught:
        ModelServiceClient(url).analyze_avatar(b"jpeg", content_type="image/jpeg")
    assert caught.value.retry_after == 7


def test_4xx_is_input_refused_with_status_and_detail(canned):
    problem = {"type": "about:blank", "title": "Unsupported Media Type", "status": 415,
               "detail": "not an image"}  # fmt: skip
    url = canned(415, json.dumps(problem).encode(), "application/problem+json")
    with pytest.raises(ModelInputRefused) as caught:
        ModelServiceClient(url).analyze_avatar(b"text", content_type="text/plain")
    assert caught.value.status == 415
    assert caught.value.detail == "not an image"
    assert caught.value.problem["title"] == "Unsupported Media Type"


def test_client_imports_no_model_libraries():
    """The API imports the client; it must not drag in the model service's heavy deps."""
    code = (
        "import sys, portrait.clients.model_service; "
        "heavy = {'numpy', 'cv2', 'onnxruntime', 'nudenet', 'portrait_models'}; "
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"
