"""The audit log: one document per moderator, admin or command-line action, never edited."""

from __future__ import annotations

from mongoengine import DateTimeField, DictField, Document, StringField

from portrait.models.user import utcnow


class AuditEntry(Document):
    """Who did what to whom, why and when. `actor` is a user id, or "cli:<login>" for the
    command line; `target` names what was acted on ("user:<id>", "item:<id>")."""

    meta = {
        "collection": "audit_log",
        "auto_create_index": False,
        "indexes": [
            {"fields": ["-at", "-_id"]},
            {"fields": ["target", "-at"]},
            {"fields": ["actor", "-at"]},
        ],
    }

    actor = StringField(required=True)
    action = StringField(required=True)  # e.g. "set-role", "decide", "suspend"
    target = StringField(required=True)
    reason = StringField(default="")
    details = DictField()  # what changed, e.g. {"from": "user", "to": "moderator"}
    at = DateTimeField(required=True, default=utcnow)
