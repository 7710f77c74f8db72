"""CloudEvents 1.0 envelopes (structured JSON) and the outbox hook that carries them."""

from __future__ import annotations

import uuid
from typing import Any

from cloudevents.conversion import to_dict
from cloudevents.http import CloudEvent
from flask import current_app

# Without the "portrait." prefix; docs/events.md describes each one and its data.
TYPES = frozenset(
    {
        "user.created",
        "user.verified",
        "user.suspended",
        "user.unsuspended",
        "user.deleted",
        "profile.updated",
        "avatar.accepted",
        "avatar.reframed",
        "avatar.pending_review",
        "avatar.rejected",
        "avatar.removed",
    }
)


def new_event(type_: str, *, user_id: Any, data: dict[str, Any] | None = None) -> dict:
    """The event as stored and delivered: a CloudEvents 1.0 JSON object. The id is made here,
    once, so every retry of every delivery carries the same id (receivers de-duplicate)."""
    if type_ not in TYPES:
        raise ValueError(f"unknown event type {type_!r}: add it to portrait.events.TYPES")
    attributes = {
        "id": str(uuid.uuid4()),
        "type": f"portrait.{type_}",
        "source": current_app.config["PUBLIC_URL"],
        "subject": str(user_id),
        "datacontenttype": "application/json",
    }
    return to_dict(CloudEvent(attributes, {"user_id": str(user_id), **(data or {})}))


def emit(type_: str, *, user_id: Any, data: dict[str, Any] | None = None) -> dict:
    """mongoengine update keywords that append the event to the user's outbox: pass them to
    the `update_one` that makes the change (the same one, or the event may be lost/invented)."""
    return {"push__outbox": new_event(type_, user_id=user_id, data=data)}


def emit_raw(type_: str, *, user_id: Any, data: dict[str, Any] | None = None) -> dict:
    """The same for a raw update document (`update_one(__raw__={...})`)."""
    return {"$push": {"outbox": new_event(type_, user_id=user_id, data=data)}}
