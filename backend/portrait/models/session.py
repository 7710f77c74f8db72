"""Refresh sessions: one document per login ("family"); each refresh rotates its token."""

from __future__ import annotations

import uuid

from mongoengine import DateTimeField, Document, ObjectIdField, StringField, UUIDField

from portrait.models.base import utcnow


class RefreshSession(Document):
    """Only the newest refresh token of a family (`current_jti`) is valid. Presenting an older
    one means it was copied, so the whole family is revoked, except the token spent just
    before it (`previous_jti`) presented again within REFRESH_REUSE_GRACE by the same client:
    two tabs restoring at once. `ends_at` is the absolute end (SESSION_MAX_AGE): refreshes
    never move `expires_at` past it. The TTL index deletes expired sessions eventually; code
    checks `expires_at` itself because TTL monitors run lazily."""

    meta = {
        "collection": "sessions",
        "auto_create_index": False,
        "indexes": [
            {"fields": ["expires_at"], "expireAfterSeconds": 0},
            {"fields": ["user_id"]},
        ],
    }

    # Stored as a string: portable across servers and mongomock (no UUID representation).
    id = UUIDField(primary_key=True, binary=False, default=uuid.uuid4)
    user_id = ObjectIdField(required=True)
    current_jti = StringField(required=True)
    user_agent = StringField(default="", max_length=200)
    ip = StringField(default="")  # the client address of the last login or refresh
    created_at = DateTimeField(required=True, default=utcnow)
    last_used_at = DateTimeField(required=True, default=utcnow)
    expires_at = DateTimeField(required=True)
    ends_at = DateTimeField(null=True)  # None on sessions from before SESSION_MAX_AGE
    previous_jti = StringField(null=True)
    rotated_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    revoked_reason = StringField(null=True)
