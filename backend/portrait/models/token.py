"""One-time tokens sent by mail (verify an address, reset a password, change the address)."""

from __future__ import annotations

from mongoengine import DateTimeField, Document, ObjectIdField, StringField

from portrait.models.base import utcnow

PURPOSES = ("verify-email", "reset-password", "change-email")


class EmailToken(Document):
    """Only the sha256 of the token is stored: a copy of the database cannot be replayed.
    Spending one deletes it (single use); code checks `expires_at` itself, the TTL index only
    clears old ones eventually."""

    meta = {
        "collection": "email_tokens",
        "auto_create_index": False,
        "indexes": [
            {"fields": ["token_hash"], "unique": True},
            {"fields": ["expires_at"], "expireAfterSeconds": 0},
            {"fields": ["user_id", "purpose"]},
        ],
    }

    token_hash = StringField(required=True)
    purpose = StringField(required=True, choices=PURPOSES)
    user_id = ObjectIdField(required=True)
    # The address the mail went to: verifying after a change, or confirming a change after
    # another one, must not apply to an address the link was not sent to.
    email_key = StringField(required=True)
    new_email = StringField(null=True)  # change-email: the address to switch to
    created_at = DateTimeField(required=True, default=utcnow)
    expires_at = DateTimeField(required=True)
