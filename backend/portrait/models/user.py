"""The user account and public profile."""

from __future__ import annotations

from mongoengine import (
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from portrait.models.base import utcnow
from portrait.models.media import Avatar

ROLES = ("user", "moderator", "admin")


def email_key(email: str) -> str:
    """Emails are unique case-insensitively: `A@X.com` and `a@x.com` are one account."""
    return email.strip().lower()


def handle_key(handle: str) -> str:
    return handle.strip().lower()


class User(Document):
    """One account. `version` grows on every change: it is the ETag and the guard of
    conditional updates (`User.objects(id=..., version=v).update_one(..., inc__version=1)`)."""

    meta = {
        "collection": "users",
        "auto_create_index": False,  # created once at start-up by portrait.db
        "indexes": [
            {"fields": ["email_key"], "unique": True},
            {"fields": ["handle_key"], "unique": True},
            {"fields": ["outbox.id"], "sparse": True},  # the dispatcher's scan
        ],
    }

    email = StringField(required=True)
    email_key = StringField(required=True)
    handle = StringField(required=True)  # as the user typed it (case kept for display)
    handle_key = StringField(required=True)
    password_hash = StringField(required=True)
    # When a link mailed to `email` was opened (portrait.services.verification); None until.
    email_verified_at = DateTimeField(null=True)
    display_name = StringField(required=True)
    bio = StringField(default="")
    location = StringField(default="")
    website = StringField(default="")
    avatar = EmbeddedDocumentField(Avatar, null=True)  # None: the default initials show
    # "user", "moderator" or "admin" (which includes moderator); set only from the command
    # line (`flask --app portrait users set-role`), never through the API.
    role = StringField(default="user", choices=ROLES)
    # None, or {"at", "by", "by_handle", "reason"} while an admin has suspended the account:
    # no login, no public page, no avatar served (portrait.services.moderation).
    suspended = DictField(null=True, default=None)
    # Two-factor sign-in (portrait.services.totp): the TOTP secret, Fernet-encrypted with a
    # key derived from SECRET_KEY; `totp_pending` until a first code confirms it. The last
    # accepted time step refuses a code replayed within its window; recovery codes are kept
    # only as SHA-256 hashes (random 80-bit values: a slow hash would add nothing).
    totp_secret = StringField(null=True, default=None)
    totp_pending = StringField(null=True, default=None)
    totp_last_step = IntField(default=0)
    recovery_codes = ListField(StringField())
    version = IntField(required=True, default=1, min_value=1)
    created_at = DateTimeField(required=True, default=utcnow)
    updated_at = DateTimeField(required=True, default=utcnow)
    # The transactional outbox (portrait.events): events appended by the same update that
    # makes the change, moved out by the dispatcher. `outbox_seq` counts the moved ones.
    outbox = ListField(DictField())
    outbox_seq = IntField(default=0, min_value=0)
    deleted_at = DateTimeField(null=True)  # deletion under way: the dispatcher finishes it

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def etag(self) -> str:
        """Strong entity tag of the representation (changes with `version`)."""
        return f"{self.id}.{self.version}"
