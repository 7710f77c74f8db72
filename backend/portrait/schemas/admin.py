"""Admin schemas: accounts as admins see them, suspensions, removals and the audit log."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.schemas.base import InputSchema, Trimmed


def _reason(**kwargs) -> Trimmed:
    return Trimmed(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "Why; kept in the audit log"},
        **kwargs,
    )


class UserQuerySchema(InputSchema):
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Start of a handle or an email"},
    )
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})


class AuditQuerySchema(InputSchema):
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})


class ReasonSchema(InputSchema):
    reason = _reason()


class SuspensionSchema(ma.Schema):
    at = fields.DateTime(required=True)
    by = fields.String(required=True, metadata={"description": "The admin's user id"})
    by_handle = fields.String(
        required=True,
        allow_none=True,
        dump_default=None,
        metadata={"description": "The admin's handle at the time (null for older entries)"},
    )
    reason = fields.String(required=True)


class AdminUserSchema(ma.Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    handle = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True)
    suspended = fields.Nested(SuspensionSchema, required=True, allow_none=True)
    has_avatar = fields.Function(
        lambda user: user.avatar is not None, required=True, metadata={"type": "boolean"}
    )
    created_at = fields.DateTime(required=True)


class AdminUserPageSchema(ma.Schema):
    items = fields.List(fields.Nested(AdminUserSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class AuditEntrySchema(ma.Schema):
    id = fields.String(required=True)
    actor = fields.String(
        required=True, metadata={"description": 'A user id, or "cli:<login>" for the CLI'}
    )
    actor_handle = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The actor's handle (null for the CLI or a deleted account)"},
    )
    action = fields.String(required=True)
    target = fields.String(required=True, metadata={"description": '"user:<id>" or "item:<id>"'})
    target_handle = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Handle of the account acted on (an item's owner), if any"},
    )
    reason = fields.String(required=True)
    details = fields.Dict(required=True)
    at = fields.DateTime(required=True)


class AuditPageSchema(ma.Schema):
    items = fields.List(fields.Nested(AuditEntrySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
