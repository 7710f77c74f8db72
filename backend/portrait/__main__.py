"""`python -m portrait --host H --port P`: the embedded (development) server.

Production runs the same app under gunicorn (`gunicorn 'portrait:create_app()'`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from portrait import cli, create_app, db
from portrait.config import ConfigError

log = logging.getLogger("portrait")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portrait", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        app = create_app()
    except ConfigError as exc:
        log.error("configuration error: %s", exc)
        return 2
    if app.config["MONGO_URI"]:
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
        return 0
    db.serialize_requests(app)  # the embedded store is not thread-safe
    with cli.serving_embedded(app, args.port):  # `flask --app portrait users ...` reaches it
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
