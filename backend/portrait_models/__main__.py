"""``python -m portrait_models --host H --port P``: the service on Werkzeug's threaded server
(development; production runs gunicorn, see gunicorn.conf.py).
``python -m portrait_models evaluate|promote|rollback ...``: the model lifecycle
(lifecycle/cli.py)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from portrait_models import create_app
from portrait_models.lifecycle.cli import COMMANDS
from portrait_models.lifecycle.cli import main as lifecycle_main


def main() -> None:
    if sys.argv[1:2] and sys.argv[1] in COMMANDS:
        sys.exit(lifecycle_main(sys.argv[1:]))
    parser = argparse.ArgumentParser(prog="python -m portrait_models", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("MODELS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("MODELS_PORT", "8001")))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    create_app().run(host=args.host, port=args.port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
