"""The event log, the deliveries and the webhook endpoints (MongoDB documents)."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    StringField,
)

from portrait.models.base import utcnow

# Delivery states: pending (due at next_at), delivered, failed (gave up: kept for manual
# redelivery), stopped (the receiver answered 410 Gone).
PENDING, DELIVERED, FAILED, STOPPED = "pending", "delivered", "failed", "stopped"
REDIS_SINK = "redis"


class EventRecord(Document):
    """One event moved out of a user's outbox; `seq` orders one user's events."""

    meta = {
        "collection": "events",
        "auto_create_index": False,
        "indexes": [{"fields": ["subject", "seq"]}, {"fields": ["-created_at"]}],
    }

    id = StringField(primary_key=True)  # the CloudEvent id
    subject = StringField(required=True)
    seq = IntField(required=True)
    type = StringField(required=True)
    envelope = DictField(required=True)
    created_at = DateTimeField(required=True, default=utcnow)


class Delivery(Document):
    """One event to one sink (a webhook endpoint's id, or "redis"), with its attempts."""

    meta = {
        "collection": "event_deliveries",
        "auto_create_index": False,
        "indexes": [
            {"fields": ["status", "sink", "subject", "seq"]},
            {"fields": ["sink", "-created_at"]},
        ],
    }

    id = StringField(primary_key=True)  # f"{sink}:{event id}"
    sink = StringField(required=True)
    event_id = StringField(required=True)
    type = StringField(required=True)
    subject = StringField(required=True)
    seq = IntField(required=True)
    status = StringField(required=True, default=PENDING)
    attempts = IntField(required=True, default=0)
    next_at = DateTimeField(required=True, default=utcnow)
    lease_until = DateTimeField(null=True)
    lease_owner = StringField(null=True)
    created_at = DateTimeField(required=True, default=utcnow)
    delivered_at = DateTimeField(null=True)
    log = ListField(DictField())  # the last attempts: {at, status, error, excerpt, ms}


class WebhookEndpoint(Document):
    meta = {"collection": "webhook_endpoints", "auto_create_index": False}

    url = StringField(required=True)
    event_types = ListField(StringField())  # empty: every type
    description = StringField(default="")
    secret = StringField(required=True)  # whsec_...: shown once, at creation and rotation
    active = BooleanField(default=True)
    failing = BooleanField(default=False)  # a delivery gave up after the retry period
    disabled_reason = StringField(null=True)
    created_at = DateTimeField(required=True, default=utcnow)

    def wants(self, event_type: str) -> bool:
        return self.active and (not self.event_types or event_type in self.event_types)


DOCUMENTS = [EventRecord, Delivery, WebhookEndpoint]
