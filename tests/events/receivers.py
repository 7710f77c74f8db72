"""Real HTTP webhook receivers on loopback: they verify signatures and record what came."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


@dataclass
class Receiver:
    url: str
    secret: str | None = None
    received: list[dict] = field(default_factory=list)  # verified bodies, in arrival order
    answers: list[int] = field(default_factory=list)  # what it said to each request
    held: threading.Event = field(default_factory=threading.Event)  # a request is held
    release: threading.Event = field(default_factory=threading.Event)

    def ids(self) -> list[str]:
        return [event["id"] for event in self.received]


@contextlib.contextmanager
def receiver(
    *,
    secret: str | None = None,
    status: Callable[[int], int] = lambda n: 200,
    hold: Callable[[int], bool] = lambda n: False,
    body: bytes = b"ok",
) -> Iterator[Receiver]:
    """`status(n)` answers the n-th request (1-based) with `body`; `hold(n)` keeps it
    waiting until `release` is set (a dispatcher killed mid-delivery, a slow receiver)."""
    lock = threading.Lock()
    count = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                count[0] += 1
                n = count[0]
            if hold(n):
                state.held.set()
                state.release.wait(120)
            if state.secret:
                Webhook(state.secret).verify(body, dict(self.headers))  # raises when forged
            answer = status(n)
            with lock:
                state.answers.append(answer)
                if 200 <= answer < 300:
                    state.received.append(json.loads(body))
            self.send_response(answer)
            if 300 <= answer < 400:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state = Receiver(url=f"http://127.0.0.1:{server.server_port}/hook", secret=secret)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
