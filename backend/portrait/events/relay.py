"""Moving events out of users' outboxes into the event log, idempotently.

The outbox is an array on the user's document, appended by the update that made the change.
Relaying one user: read the outbox and `outbox_seq` (how many events of this user were moved
before), upsert each event into the log with `seq = outbox_seq + position` and one pending
delivery per sink, then empty the outbox in one update conditional on `outbox_seq` and size.
Every step is repeatable: a crash at any point, or two relays at once, upsert the same ids
with the same seq (the first insert wins, `$setOnInsert`), and only one emptying lands.
"""

from __future__ import annotations

import logging
from typing import Any

from bson import ObjectId
from flask import current_app

from portrait.events.models import PENDING, REDIS_SINK, Delivery, EventRecord, WebhookEndpoint
from portrait.models import User
from portrait.models.base import utcnow

log = logging.getLogger(__name__)


def _sinks(event_type: str, endpoints: list[WebhookEndpoint]) -> list[str]:
    sinks = [str(e.id) for e in endpoints if e.wants(event_type)]
    if current_app.config.get("EVENTS_REDIS_URL"):
        sinks.append(REDIS_SINK)
    return sinks


def _store(envelope: dict[str, Any], seq: int, endpoints: list[WebhookEndpoint]) -> None:
    now, event_type = utcnow(), envelope["type"]  # "portrait.user.created"
    common = {"subject": envelope["subject"], "seq": seq, "type": event_type}
    inserted = EventRecord._get_collection().update_one(
        {"_id": envelope["id"]},
        {"$setOnInsert": {**common, "envelope": envelope, "created_at": now}},
        upsert=True,
    )
    if inserted.upserted_id is None:
        return  # relayed before (a crash or another relay): its deliveries exist already
    deliveries = Delivery._get_collection()
    for sink in _sinks(event_type, endpoints):
        fields = {**common, "sink": sink, "event_id": envelope["id"], "status": PENDING}
        fields |= {"attempts": 0, "next_at": now, "created_at": now, "log": []}
        deliveries.update_one(
            {"_id": f"{sink}:{envelope['id']}"}, {"$setOnInsert": fields}, upsert=True
        )


def relay_user(user_id: Any) -> int:
    """Moves one user's outbox into the log (and finishes a deletion); returns how many."""
    users = User._get_collection()
    oid = ObjectId(str(user_id))
    doc = users.find_one({"_id": oid}, {"outbox": 1, "outbox_seq": 1, "deleted_at": 1})
    if doc is None:
        return 0
    entries, seq = doc.get("outbox") or [], doc.get("outbox_seq") or 0
    endpoints = list(WebhookEndpoint.objects(active=True)) if entries else []
    for position, envelope in enumerate(entries, start=1):
        _store(envelope, seq + position, endpoints)
    if entries:
        # Outboxes only grow, and only a relay empties them (and moves outbox_seq): the same
        # seq and size mean the outbox still holds exactly what was read. An event appended
        # meanwhile makes this a no-op; the next pass relays everything again (idempotent).
        # (No `$pull` by condition: FerretDB 1.x pulls only elements equal to the value.)
        users.update_one(
            {"_id": oid, "outbox_seq": doc.get("outbox_seq"), "outbox": {"$size": len(entries)}},
            {"$set": {"outbox": [], "outbox_seq": seq + len(entries)}},
        )
    if doc.get("deleted_at") is not None:
        # Only when nothing is left to move: an event appended meanwhile is relayed first.
        users.delete_one({"_id": oid, "deleted_at": {"$ne": None}, "outbox": {"$size": 0}})
    return len(entries)


def pending_users(limit: int = 200) -> list[Any]:
    """Users whose outbox holds events (the index on outbox.id finds them)."""
    query = {"outbox.id": {"$exists": True}}
    return [doc["_id"] for doc in User._get_collection().find(query, {"_id": 1}).limit(limit)]
