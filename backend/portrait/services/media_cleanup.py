"""Orphan-media cleanup: one pass over every owner's media, at start-up and on a schedule.

Each avatar commit sweeps its own owner's leftovers (`avatar_commit.sweep`), but only when
that user changes their avatar again. A worker killed between storing an upload's media and
swapping the profile (a crash, an OOM kill, a deploy's SIGKILL) leaves media that nothing
references, possibly for ever; so does an account whose deletion stopped half-way. This pass
finds every owner with media older than the sweep's grace period and deletes what their
current avatar does not use (everything, when the account is gone). Younger media are left
alone: they may belong to an upload still running.
"""

from __future__ import annotations

import logging
import threading
import time

from bson import ObjectId
from bson.errors import InvalidId
from flask import Flask

from portrait import db
from portrait.models import User
from portrait.models.user import utcnow
from portrait.services.avatar_commit import SWEEP_GRACE, sweep
from portrait.services.media import store

log = logging.getLogger(__name__)


def _current_keys(owner: str) -> set[str]:
    try:
        user = User.objects(id=ObjectId(owner)).only("avatar").first()
    except InvalidId:
        user = None  # media of no valid user: nothing keeps them
    return user.avatar.media_keys() if user is not None and user.avatar is not None else set()


def sweep_orphans() -> int:
    """Deletes every unreferenced media item older than SWEEP_GRACE; returns how many owners
    were looked at. Needs an app context (the app's media store)."""
    cutoff = utcnow() - SWEEP_GRACE
    owners = store().owners(created_before=cutoff)
    for owner in sorted(owners):
        sweep(store=store(), owner=owner, keep=_current_keys(owner))
    return len(owners)


def init_app(app: Flask) -> None:
    """Runs a pass now (in the background: start-up must not wait on the database) and then
    every MEDIA_CLEANUP_INTERVAL seconds, in each process. Passes are idempotent, so several
    workers running them at once only repeat each other's work."""
    interval = app.config["MEDIA_CLEANUP_INTERVAL"]
    if interval <= 0 or app.testing:
        return
    threading.Thread(target=_run, args=(app, interval), name="media-cleanup", daemon=True).start()


def _run(app: Flask, interval: int) -> None:
    while True:
        with app.app_context(), db.embedded_lock(app):  # mongomock: not while requests run
            try:
                owners = sweep_orphans()
                log.info("media cleanup pass done (%d owners with older media)", owners)
            except Exception:  # the database may be down: the next pass tries again
                log.exception("media cleanup pass failed")
        time.sleep(interval)
