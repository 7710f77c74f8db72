#!/usr/bin/env python3
"""Benchmark of the event path on FerretDB. Prints events per second through the dispatcher
to a local webhook receiver, and p50/p99 from the state change to the receiver, each also as
a ratio to the API's own write rate (PATCH /me, measured in the same run); never fails on
timings.

    .venv/bin/python scripts/bench/bench_events.py [--events 200]

The API runs in this process (Flask's test client: no HTTP in the write path), the
dispatcher as its own process (`python -m portrait.events`, polling every 50 ms), FerretDB
via scripts/mongo-server, the receiver on loopback; ten users take turns editing their
profiles. All share the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

from benchlib import free_port, percentile, say, stop  # noqa: E402

from portrait import create_app  # noqa: E402
from portrait.events.models import WebhookEndpoint  # noqa: E402
from portrait.events.webhooks import new_secret  # noqa: E402
from tests.conftest import test_config  # noqa: E402
from tests.topology.servers import wait_for_port  # noqa: E402
from tests.utils.auth import AuthActions  # noqa: E402

ARRIVALS: dict[str, float] = {}
USERS = 10


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if event["type"] == "portrait.profile.updated":
            ARRIVALS.setdefault(event["data"]["profile"]["bio"], time.perf_counter())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200)
    n = parser.parse_args().events
    data, port = tempfile.mkdtemp(prefix="bench-events-"), free_port()
    mongo = subprocess.Popen(
        [str(ROOT / "scripts" / "mongo-server"), "--port", str(port), "--data", data],
        stdout=subprocess.DEVNULL,
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        wait_for_port(port, mongo, timeout=600)
        uri = f"mongodb://127.0.0.1:{port}"
        app = create_app({**test_config("bench"), "MONGO_URI": uri, "RATELIMIT_ENABLED": False})
        with app.app_context():
            url = f"http://127.0.0.1:{server.server_port}/hook"
            WebhookEndpoint(url=url, secret=new_secret()).save()
        auth = AuthActions(app.test_client())
        accounts = [auth.signup() for _ in range(USERS)]
        env = {**os.environ, "MONGO_URI": uri, "MONGO_DB": "bench", "LOG_LEVEL": "WARNING"}
        env |= {"WEBHOOKS_ALLOW_PRIVATE": "true", "EVENTS_POLL_SECONDS": "0.05"}
        env["SECRET_KEY"] = "bench-secret-key-0123456789abcdef0123456789"
        dispatcher = subprocess.Popen(
            [sys.executable, "-m", "portrait.events"], env=env, cwd=ROOT / "backend"
        )
        run(app, accounts, n)
        stop(dispatcher)
    finally:
        server.shutdown()
        stop(mongo)


def run(app, accounts, n: int) -> None:
    client, written = app.test_client(), {}
    started = time.perf_counter()
    for k in range(n):
        headers = accounts[k % len(accounts)].headers  # the users take turns
        client.patch("/api/v1/me", json={"bio": f"b{k}"}, headers=headers)
        written[f"b{k}"] = time.perf_counter()
    wrote = time.perf_counter() - started
    deadline = time.monotonic() + 600
    while len(ARRIVALS) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    lat = sorted(ARRIVALS[k] - written[k] for k in written if k in ARRIVALS)
    api_rate = n / wrote
    event_rate = len(ARRIVALS) / (max(ARRIVALS.values()) - started)
    say(f"API writes (PATCH /me, in-process, FerretDB): {api_rate:.1f}/s  (reference)")
    say(f"events delivered: {len(ARRIVALS)}/{n}")
    say(f"events/s through the dispatcher: {event_rate:.1f}/s  = {event_rate / api_rate:.2f}x API")
    per_write = wrote / n
    for name, q in (("p50", 0.5), ("p99", 0.99)):
        value = percentile(lat, q)
        say(
            f"change -> receiver {name}: {value * 1000:.0f} ms = {value / per_write:.1f} API writes"
        )


if __name__ == "__main__":
    main()
