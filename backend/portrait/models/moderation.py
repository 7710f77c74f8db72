"""Moderation events: the audit trail of refused avatars (never the image itself)."""

from __future__ import annotations

from mongoengine import (
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

from portrait.models.user import utcnow


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
