"""A stand-in model service for the fuzzing run: it answers every avatar request as clean,
so a fuzzed upload that happens to be a valid picture completes instead of waiting, and
serves a one-model catalog, so the Models API answers as it does in production."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.utils.avatar import answer_for, clean_answer

# The model service's catalog (GET /v1/models) in its real shape, reduced to one version.
CATALOG = {
    "models": [
        {
            "name": "smart-crop",
            "champion": "1.0.0",
            "versions": ["1.0.0"],
            "stages": {
                "1.0.0": {
                    "stage": "champion",
                    "report": None,
                    "description": "stand-in",
                    "license": "stand-in",
                }  # fmt: skip
            },
            "options": {},
            "output": {},
            "predict": "/v1/models/smart-crop/predict",
        }
    ],
    "pipelines": [],
}


class _CleanModels(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(answer_for(self.path, clean_answer(64, 64))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # /readyz, and the catalog
        body = json.dumps(CATALOG).encode() if self.path == "/v1/models" else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canned_model_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CleanModels)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
