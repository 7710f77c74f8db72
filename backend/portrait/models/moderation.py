"""Moderation documents: events (the trail of refused avatars, never the image itself) and
the items of the moderators' queue."""

from __future__ import annotations

from mongoengine import (
    BinaryField,
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    FloatField,
    IntField,
    ListField,
    ObjectIdField,
    StringField,
)

from portrait.models.base import utcnow

# open: waiting; approved/rejected: a person decided; superseded: the picture it was about
# was replaced before anyone decided.
# expired: an appeal nobody decided within MODERATION_APPEAL_DAYS (its picture deleted).
STATES = ("open", "approved", "rejected", "superseded", "expired")


class ModerationEvent(Document):
    """One refused upload: who, when, which model said what, and the sha256 of the bytes
    (lets moderators recognise a re-upload without keeping the picture)."""

    meta = {
        "collection": "moderation_events",
        "auto_create_index": False,
        "indexes": [{"fields": ["user", "-created_at"]}, {"fields": ["sha256"]}],
    }

    user = ObjectIdField(required=True)
    created_at = DateTimeField(required=True, default=utcnow)
    model = StringField(required=True)
    version = StringField(required=True)
    explicit = BooleanField(required=True)
    threshold = FloatField(required=True)
    reasons = ListField(StringField())  # the labels that triggered the refusal
    scores = ListField(DictField())  # every detection: {"label", "score"}
    sha256 = StringField(required=True)  # of the uploaded bytes
    size = IntField(min_value=0)  # bytes uploaded
    view = StringField(default="picture")  # what was checked: picture, square or tile


class ModerationItem(Document):
    """One thing for a person to look at: a borderline avatar (`review`), a refusal its owner
    appealed (`appeal`) or a reported profile (`report`). Open until decided, then kept as the
    record of the decision. `avatar_rev` pins a review to the avatar state it is about, so a
    decision can never land on a newer picture."""

    meta = {
        "collection": "moderation_items",
        "auto_create_index": False,
        "indexes": [
            {"fields": ["state", "kind", "_id"]},
            {"fields": ["user", "kind", "state"]},
        ],
    }

    kind = StringField(required=True, choices=("review", "appeal", "report"))
    state = StringField(required=True, default="open", choices=STATES)
    user = ObjectIdField(required=True)  # whose picture or profile
    avatar_rev = StringField()
    image_key = StringField()  # media key of what moderators are shown
    labels = ListField(DictField())  # [{"label", "score"}] as the model saw it
    reports = IntField(default=0, min_value=0)  # how many reports a `report` item gathers
    reasons = ListField(StringField())  # their reasons, each once
    note = StringField(default="")  # the owner's appeal note
    # An appeal's refused picture (its master JPEG), private to moderators; deleted once
    # decided or expired. Reviews and reports show stored media instead (`image_key`).
    image = BinaryField()
    sha256 = StringField()
    created_at = DateTimeField(required=True, default=utcnow)
    decided = DictField()  # {"by", "decision", "reason", "at"} once decided


class HeldRefusal(Document):
    """The latest refused upload of a user, kept only so that its owner may appeal it: for
    HOLD_MINUTES, then gone (TTL index, and checked in code). `_id` is the user id."""

    meta = {
        "collection": "held_refusals",
        "auto_create_index": False,
        "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }

    id = StringField(primary_key=True)
    image = BinaryField(required=True)  # the normalised master JPEG, never the raw upload
    sha256 = StringField(required=True)
    labels = ListField(DictField())
    expires_at = DateTimeField(required=True)


REPORT_REASONS = ("nudity", "harassment", "impersonation", "spam", "other")


class Report(Document):
    """One user's report of a profile; at most one per reporter and profile (unique index).
    Reports of a profile gather in one open `report` item of the queue."""

    meta = {
        "collection": "reports",
        "auto_create_index": False,
        "indexes": [
            {"fields": ["reporter", "target"], "unique": True},
            {"fields": ["target", "-created_at"]},
        ],
    }

    reporter = ObjectIdField(required=True)
    target = ObjectIdField(required=True)
    reason = StringField(required=True, choices=REPORT_REASONS)
    note = StringField(default="")
    created_at = DateTimeField(required=True, default=utcnow)
