"""Stored media (the `media` collection) and the avatar reference embedded in a user.

Media live in a plain collection, one document per blob, rather than GridFS: every blob is
small (variants are a few KB, the JPEG master at most ~2 MB, far below the 16 MB document
limit), so one document means one atomic insert, one read by `_id` and one delete, with no
files/chunks pair that a crash can leave half-written, and it works the same on MongoDB,
replica sets, mongomock and FerretDB.
"""

from __future__ import annotations

from mongoengine import (
    BinaryField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    IntField,
    ListField,
    StringField,
)

from portrait.models.base import utcnow

MEDIA_URL_PREFIX = "/media/"


class Media(Document):
    """One immutable blob. `_id` is its content-addressed key (see imaging.media_key)."""

    meta = {
        "collection": "media",
        "auto_create_index": False,  # created once at start-up by portrait.db
        "indexes": [{"fields": ["owner", "created_at"]}],
    }

    key = StringField(primary_key=True)
    owner = StringField(required=True)
    # "held": a variant of a picture waiting for a person (served privately, see api/media).
    kind = StringField(required=True, choices=("master", "variant", "held"))
    content_type = StringField(required=True)
    size = IntField(required=True, min_value=0)
    sha256 = StringField(required=True)
    data = BinaryField(required=True)
    created_at = DateTimeField(required=True, default=utcnow)


class Avatar(EmbeddedDocument):
    """What a user's profile points at. Replaced as a whole, never edited in place, so a
    reader sees either the old avatar or the new one. `rev` names one such state."""

    # Stored with `_cls: "Avatar"`, as the generic field this once was wrote it: documents
    # written before and after load alike (allow_inheritance is what keeps `_cls`).
    meta = {"allow_inheritance": True}

    rev = StringField(required=True)
    master_key = StringField(required=True)
    master_width = IntField(required=True)
    master_height = IntField(required=True)
    variants = DictField(StringField(), required=True)  # imaging.VARIANT_NAMES -> media key
    crop = DictField(IntField(), required=True)  # x, y, width, height in master pixels
    faces = ListField(DictField())  # [{"x", "y", "width", "height", "source"}]
    moderation = DictField(required=True)  # model, version, explicit (False), threshold...
    framing = DictField()  # crop model, version, method; "user" after a manual re-frame
    # None: accepted by the model. Else {"state": pending|approved|rejected, "reason", "at"}:
    # only an approved one is shown to anyone but the owner (portrait.services.screening).
    review = DictField(null=True, default=None)
    updated_at = DateTimeField(required=True, default=utcnow)

    @property
    def public(self) -> bool:
        """Whether anyone but the owner may see it: accepted, or approved by a person."""
        return self.review is None or self.review.get("state") == "approved"

    def media_keys(self) -> set[str]:
        return {self.master_key, *self.variants.values()}

    @property
    def urls(self) -> dict[str, str]:
        """The URLs anyone may load; all a public profile shows."""
        return {name: MEDIA_URL_PREFIX + key for name, key in self.variants.items()}

    @property
    def master(self) -> dict:
        # The uncropped picture, for the re-framing editor. Its URL is a capability: a 256-bit
        # key only the owner is told (GET /me), and /media never lets shared caches keep it.
        return {
            "width": self.master_width,
            "height": self.master_height,
            "url": MEDIA_URL_PREFIX + self.master_key,
        }


class AvatarLease(Document):
    """At most one avatar change per user at a time (see services.avatar_commit).

    `_id` is the user id, so taking a lease is one insert that a unique key arbitrates; an
    expired lease is taken over by a conditional update on `expires_at`."""

    meta = {
        "collection": "avatar_leases",
        "auto_create_index": False,
        "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }

    id = StringField(primary_key=True)
    token = StringField(required=True)
    expires_at = DateTimeField(required=True)
