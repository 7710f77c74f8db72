"""Stand-ins in front of the real model service, for tests that need a call in flight or a
service that misbehaves."""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class ForwardingProxy:
    """An HTTP proxy on 127.0.0.1:`port` (0 = any free port, kept across restarts) to
    `upstream`. Subclasses change what `answer` does with a request; `stop()` and `start()`
    take it down and bring it back on the same port."""

    def __init__(self, upstream: str, port: int = 0) -> None:
        self.upstream, self.port = upstream, port
        self.server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                proxy.answer(self, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        """Nothing listens on the port any more."""
        self.server.shutdown()
        self.server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        upstream = requests.request(
            handler.command,
            self.upstream + handler.path,
            data=body,
            headers={"Content-Type": handler.headers.get("Content-Type", "")},
            timeout=30,
        )
        kind = upstream.headers.get("Content-Type", "")
        self.respond(handler, upstream.status_code, kind, upstream.content)

    @staticmethod
    def respond(handler: BaseHTTPRequestHandler, status: int, kind: str, data: bytes) -> None:
        with contextlib.suppress(OSError):  # the caller may have gone away (a killed worker)
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)


class HoldingProxy(ForwardingProxy):
    """While `holding`, keeps each POST waiting until `release` is set: a model service call
    that is in flight for as long as a test wants."""

    def __init__(self, upstream: str) -> None:
        self.holding = False
        self.arrived, self.release = threading.Event(), threading.Event()
        super().__init__(upstream)

    def answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if self.holding and handler.command == "POST":
            self.arrived.set()
            self.release.wait(60)
        super().answer(handler, body)

    def close(self) -> None:
        self.release.set()
        self.stop()
