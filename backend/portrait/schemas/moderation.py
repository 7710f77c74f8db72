"""Moderation schemas: the queue, its items and decisions."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.models.moderation import REPORT_REASONS
from portrait.schemas.base import InputSchema, Trimmed

KINDS = ("review", "appeal", "report")


class QueueQuerySchema(InputSchema):
    """Query strings tolerate unknown parameters (cache busters); bodies never do."""

    kind = fields.String(validate=validate.OneOf(KINDS), metadata={"description": "Only these"})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})


class DecisionSchema(InputSchema):
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    reason = Trimmed(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "Shown to the picture's owner"},
    )


class AppealSchema(InputSchema):
    note = Trimmed(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"description": "What the moderator should know (optional)"},
    )


class AppealAcceptedSchema(ma.Schema):
    id = fields.String(required=True, metadata={"description": "The queued item"})
    state = fields.String(required=True)


class ReportCreateSchema(InputSchema):
    reason = fields.String(required=True, validate=validate.OneOf(REPORT_REASONS))
    note = Trimmed(load_default="", validate=validate.Length(max=500))


class ReportSchema(ma.Schema):
    id = fields.String(required=True)
    reason = fields.String(required=True)
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class LabelScoreSchema(ma.Schema):
    label = fields.String(required=True)
    score = fields.Float(required=True)


class ItemUserSchema(ma.Schema):
    id = fields.String(required=True)
    handle = fields.String(required=True)


class DecidedSchema(ma.Schema):
    by = fields.String(required=True, metadata={"description": "The moderator's user id"})
    decision = fields.String(required=True)
    reason = fields.String(required=True)
    at = fields.DateTime(required=True)


class ModerationItemSchema(ma.Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    state = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    user = fields.Nested(ItemUserSchema, required=True)
    image_url = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Moderators only (bearer token); never a public /media URL"},
    )
    labels = fields.List(fields.Nested(LabelScoreSchema), required=True)
    reports = fields.Integer(required=True)
    reasons = fields.List(fields.String(), required=True, metadata={"description": "Reports'"})
    note = fields.String(required=True, metadata={"description": "The owner's appeal note"})
    decided = fields.Nested(DecidedSchema, required=True, allow_none=True)


class QueuePageSchema(ma.Schema):
    items = fields.List(fields.Nested(ModerationItemSchema), required=True)
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "null on the last page"}
    )
