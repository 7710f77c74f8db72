"""The security log: what happened to an account (sign-ins, session ends, credential
changes), kept for its owner (GET /me/security-events) and written as one structured log
line for operators. Other services call `record` for their own events (resets, email)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from flask import Request, current_app

from portrait.models.base import utcnow
from portrait.models.security_event import SecurityEvent

log = logging.getLogger("portrait.security")

KEPT_PER_USER = 200  # a flood of failed logins must not grow one user's log without bound
SHOWN = 50


def record(user: Any, kind: str, request: Request | None = None, **details: Any) -> None:
    """Stores event `kind` for `user` (a User, a user id, or None for an unknown account:
    then only the log line) with the client address and user agent of `request`."""
    user_id = getattr(user, "id", user)
    ip = (request.remote_addr or "") if request else ""
    user_agent = request.headers.get("User-Agent", "")[:200] if request else ""
    now = utcnow()
    line = {"event": kind, "user_id": str(user_id) if user_id else None, "ip": ip}
    log.info(json.dumps({**line, "user_agent": user_agent, **details}, default=str))
    if user_id is None:
        return
    days = current_app.config["SECURITY_LOG_DAYS"]
    SecurityEvent(
        user_id=user_id,
        kind=kind,
        at=now,
        ip=ip,
        user_agent=user_agent,
        details=details,
        expires_at=now + timedelta(days=days),
    ).save(force_insert=True)
    _trim(user_id)


def _trim(user_id: Any) -> None:
    # By id, not time: ids never tie (many events can share one millisecond) and grow with it.
    kept = SecurityEvent.objects(user_id=user_id).order_by("-id").skip(KEPT_PER_USER - 1)
    boundary = kept.only("id").first()
    if boundary is not None:
        SecurityEvent.objects(user_id=user_id, id__lt=boundary.id).delete()


def recent(*, user_id: Any) -> list[SecurityEvent]:
    """The user's newest events, newest first."""
    return list(SecurityEvent.objects(user_id=user_id).order_by("-at", "-id").limit(SHOWN))


def delete_user_events(user: Any) -> None:
    """A deletion hook: the account's log goes with it."""
    SecurityEvent.objects(user_id=user.id).delete()
