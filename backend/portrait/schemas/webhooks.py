"""Webhook endpoint and delivery schemas (admin API)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.events import TYPES
from portrait.events.models import DELIVERED, FAILED, PENDING, STOPPED
from portrait.schemas.base import InputSchema, Trimmed

STATUSES = [PENDING, DELIVERED, FAILED, STOPPED]


def _url(**kwargs) -> Trimmed:
    checks = [validate.Length(max=2000), validate.URL(schemes={"http", "https"}, require_tld=False)]
    return Trimmed(validate=checks, metadata={"example": "https://crm.example/hook"}, **kwargs)


def _event_types(**kwargs) -> fields.List:
    one = fields.String(validate=validate.OneOf(sorted(f"portrait.{t}" for t in TYPES)))
    return fields.List(one, metadata={"description": "Event types; empty: every type"}, **kwargs)


def _description(**kwargs) -> Trimmed:
    return Trimmed(validate=validate.Length(max=500), **kwargs)


class WebhookCreateSchema(InputSchema):
    url = _url(required=True)
    event_types = _event_types(load_default=list)
    description = _description(load_default="")


class WebhookUpdateSchema(InputSchema):
    url = _url()
    event_types = _event_types()
    description = _description()
    active = fields.Boolean(metadata={"description": "true: resume (clears failing)"})


class WebhookSchema(ma.Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    description = fields.String(required=True)
    active = fields.Boolean(required=True)
    failing = fields.Boolean(required=True)
    disabled_reason = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class WebhookWithSecretSchema(WebhookSchema):
    secret = fields.String(
        required=True, metadata={"description": "Shown only now: store it to verify signatures"}
    )


class WebhookListSchema(ma.Schema):
    items = fields.List(fields.Nested(WebhookSchema), required=True)


class AttemptSchema(ma.Schema):
    at = fields.DateTime(required=True)
    status = fields.Integer(required=True, allow_none=True)
    error = fields.String(required=True, allow_none=True)
    excerpt = fields.String(required=True)
    ms = fields.Integer(required=True)


class DeliverySchema(ma.Schema):
    id = fields.String(required=True)
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    subject = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    attempts = fields.Integer(required=True)
    next_at = fields.DateTime(required=True)
    created_at = fields.DateTime(required=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)
    log = fields.List(fields.Nested(AttemptSchema), required=True)


class DeliveryListSchema(ma.Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)


class DeliveryQuerySchema(InputSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
