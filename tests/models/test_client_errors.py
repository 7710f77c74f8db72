"""The API's model-service client fails closed, fast, and with the right error type.

These tests talk to sockets that misbehave on purpose (nothing listening, a server that never
answers, one that answers garbage); the client against the real service is tested in
``test_http.py``.
"""

import contextlib
import json
import socket
import struct
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portrait.clients import ModelInputRefused, ModelServiceClient, ModelServiceUnavailable
from tests.utils.waiting import wait_until


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Listener:
    """A socket that accepts connections and never answers (a hung service); with `reset`,
    it closes each one at once with a RST instead (a service that keeps crashing)."""

    def __init__(self, *, reset: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.reset, self.peers, self.open = reset, [], []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept_forever, daemon=True)
        self.thread.start()

    def _accept_forever(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stopped.is_set():
            try:
                conn, peer = self.sock.accept()
            except TimeoutError:
                continue
            if self.reset:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            else:
                self.open.append(conn)
            self.peers.append(peer)

    def connections_so_far(self) -> int:
        """Connections made before this call: a marker connection queues up behind them, and
        once it is accepted so are they (the backlog is first in, first out)."""
        with socket.socket() as marker:
            marker.bind(("127.0.0.1", 0))
            mine = marker.getsockname()
            with contextlib.suppress(ConnectionResetError):  # a resetting listener may be quick
                marker.connect(self.sock.getsockname())
            wait_until(lambda: mine in self.peers, "the listener to accept its backlog")
        return self.peers.index(mine)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        for conn in self.open:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_server():
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture
def resetting_server():
    listener = Listener(reset=True)
    yield listener
    listener.close()


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


def test_unavailable_when_nothing_listens():
    client = ModelServiceClient(f"http://127.0.0.1:{_free_port()}", retries=2)
    with pytest.raises(ModelServiceUnavailable, match="unreachable"):
        client.analyze_avatar(b"jpeg", content_type="image/jpeg")
    assert client.ready() is False
    with pytest.raises(ModelServiceUnavailable, match="unreachable"):
        client.list_models()


def test_connection_errors_are_retried_a_bounded_number_of_times(resetting_server):
    client = ModelServiceClient(resetting_server.url, retries=2)
    with pytest.raises(ModelServiceUnavailable, match="unreachable"):
        client.analyze_avatar(b"jpeg", content_type="image/jpeg")
    assert resetting_server.connections_so_far() == 3  # the first attempt and two retries


def test_unavailable_within_read_timeout_when_service_hangs(silent_server):
    client = ModelServiceClient(silent_server.url, connect_timeout=5, read_timeout=0.4, retries=3)
    with pytest.raises(ModelServiceUnavailable, match="timed out"):
        client.analyze_avatar(b"jpeg", content_type="image/jpeg")
    # One read timeout, not one per retry: a hung service is not retried.
    assert silent_server.connections_so_far() == 1
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
    with pytest.raises(ModelServiceUnavailable):
        client.list_models()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, b'{"title": "Not Found", "status": 404}'),  # MODELS_URL names another server
        (200, b'{"models": {"smart-crop": {}}}'),
        (200, b'{"models": [{"name": "smart-crop"}]}'),
        (200, b'{"models": "none"}'),
    ],
)
def test_catalog_is_unavailable_on_any_answer_but_the_catalog(canned, status, body):
    with pytest.raises(ModelServiceUnavailable):
        ModelServiceClient(canned(status, body), read_timeout=2.0).list_models()


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
