"""Events: other systems react to what happens in Portrait (docs/events.md).

A state change and its event are written by ONE update of the user's document: the change
plus a `$push` of the event onto the document's `outbox` array (MongoDB updates one document
atomically, so both happen or neither: no multi-document transaction). The dispatcher
(`python -m portrait.events`) moves outboxes into the event log and delivers at least once,
in order per user, to webhooks and, when configured, a Redis Stream.

The hook for a service, merged into the update that makes the change:

    User.objects(id=user.id, version=v).update_one(
        set__bio=bio, inc__version=1, **events.emit("profile.updated", user_id=user.id, data=...)
    )
    # raw updates: {"$set": ..., **events.emit_raw("avatar.accepted", user_id=..., data=...)}
"""

from portrait.events.envelope import TYPES, emit, emit_raw, new_event

__all__ = ["TYPES", "emit", "emit_raw", "new_event"]
