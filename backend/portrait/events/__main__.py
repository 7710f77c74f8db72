"""`python -m portrait.events`: the event dispatcher process (docs/events.md).

Same settings as the API (MONGO_URI, EVENTS_REDIS_URL, WEBHOOKS_*). Run one or several: they
share the work through leases. SIGTERM or SIGINT stops it after the current delivery.
"""

from __future__ import annotations

import logging
import sys

from portrait.__main__ import start_app
from portrait.events.dispatcher import run_until_signalled

log = logging.getLogger("portrait.events")


def main() -> int:
    app = start_app()
    if app is None:
        return 2
    if not app.config["MONGO_URI"]:
        log.error("MONGO_URI is required: the embedded store lives inside the API process")
        return 2
    run_until_signalled(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
