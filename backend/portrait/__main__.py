"""`python -m portrait --host H --port P`: the embedded (development) server.

Production runs the same app under gunicorn (`gunicorn 'portrait:create_app()'`).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import threading

from flask import Flask

from portrait import cli, create_app, db
from portrait.config import ConfigError

log = logging.getLogger("portrait")


def start_app() -> Flask | None:
    """Logging set up and the app created from the environment; None (logged) when the
    configuration is wrong. Shared by the processes: this server and the event dispatcher."""
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return create_app()
    except ConfigError as exc:
        log.error("configuration error: %s", exc)
        return None


def _embedded_dispatcher(app: Flask, stop: threading.Event) -> threading.Thread:
    """The embedded store's data lives in this process, so the event dispatcher runs here
    too (docs/events.md), as a thread that ends when `stop` is set."""
    from portrait.events.dispatcher import Dispatcher

    thread = threading.Thread(target=Dispatcher(app).run, args=(stop,), daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portrait", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    app = start_app()
    if app is None:
        return 2
    stop, dispatcher = threading.Event(), None
    serving = contextlib.nullcontext()
    if not app.config["MONGO_URI"]:
        db.serialize_requests(app)  # the embedded store is not thread-safe
        dispatcher = _embedded_dispatcher(app, stop)
        serving = cli.serving_embedded(app, args.port)  # `flask --app portrait users ...`
    try:
        with serving:
            app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    finally:
        stop.set()  # the dispatcher ends with the server (after its current pass)
        if dispatcher is not None:
            dispatcher.join(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
