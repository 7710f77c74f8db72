"""A stand-in in front of the real model service, for tests that need a call in flight."""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class HoldingProxy:
    """An HTTP proxy to `upstream` that, while `holding`, keeps each POST waiting until
    `release` is set: a model service call that is in flight for as long as a test wants."""

    def __init__(self, upstream: str) -> None:
        self.upstream, self.holding = upstream, False
        self.arrived, self.release = threading.Event(), threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                proxy.forward(self)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if self.holding and handler.command == "POST":
            self.arrived.set()
            self.release.wait(60)
        upstream = requests.request(
            handler.command,
            self.upstream + handler.path,
            data=body,
            headers={"Content-Type": handler.headers.get("Content-Type", "")},
            timeout=30,
        )
        with contextlib.suppress(OSError):  # the caller may have gone away
            handler.send_response(upstream.status_code)
            handler.send_header("Content-Type", upstream.headers.get("Content-Type", ""))
            handler.send_header("Content-Length", str(len(upstream.content)))
            handler.end_headers()
            handler.wfile.write(upstream.content)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
