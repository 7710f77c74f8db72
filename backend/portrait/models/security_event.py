"""The security log: one document per sign-in, session end or credential change of a user."""

from __future__ import annotations

from mongoengine import DateTimeField, DictField, Document, ObjectIdField, StringField

from portrait.models.base import utcnow


class SecurityEvent(Document):
    """What happened to an account, when, from which address and client. Never edited; the
    TTL index on `expires_at` (SECURITY_LOG_DAYS) removes old ones, and the writer trims each
    user's log to the newest few hundred so a flood of failed logins cannot grow it."""

    meta = {
        "collection": "security_events",
        "auto_create_index": False,
        "indexes": [
            {"fields": ["user_id", "-at"]},
            {"fields": ["expires_at"], "expireAfterSeconds": 0},
        ],
    }

    user_id = ObjectIdField(required=True)
    # e.g. "login", "login-failed", "refresh-reuse", "password-changed", "session-ended"
    kind = StringField(required=True)
    at = DateTimeField(required=True, default=utcnow)
    ip = StringField(default="")
    user_agent = StringField(default="", max_length=200)
    details = DictField()
    expires_at = DateTimeField(required=True)
