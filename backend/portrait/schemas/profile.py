"""Profile schemas: the owner's view, the public view, edits and listings."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.schemas.avatar import AvatarSchema, DefaultAvatarSchema, PublicAvatarSchema
from portrait.schemas.base import (
    InputSchema,
    Trimmed,
    display_name_field,
    handle_field,
    password_field,
)
from portrait.schemas.totp import code_field
from portrait.services.media import default_avatar


def public_avatar(user):
    avatar = user.avatar
    return avatar if avatar is not None and avatar.public else None


class Computed(fields.Nested):
    """A read-only nested document computed from the whole object. Unlike fields.Function,
    the OpenAPI document then shows its schema, so generated client types are exact."""

    def __init__(self, nested, compute, **kwargs):
        super().__init__(nested, dump_only=True, **kwargs)
        self._compute = compute

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return self._compute(obj)


def _website(value: str) -> None:
    if value:
        validate.URL(schemes={"http", "https"}, error="Website must be an http(s) URL.")(value)


class PublicProfileSchema(ma.Schema):
    """What anyone may see: never the email. Response schemas mark every field they always
    send as required, so clients generated from the OpenAPI need no undefined checks."""

    handle = fields.String(required=True)
    display_name = fields.String(required=True)
    bio = fields.String(required=True)
    location = fields.String(required=True)
    website = fields.String(required=True)
    # null: none yet, or one nobody but its owner may see yet (waiting for a moderator).
    avatar = Computed(PublicAvatarSchema, public_avatar, required=True, allow_none=True)
    default_avatar = Computed(
        DefaultAvatarSchema,
        lambda user: default_avatar(handle=user.handle, display_name=user.display_name),
        required=True,
    )
    created_at = fields.DateTime(required=True)


class MeSchema(PublicProfileSchema):
    """The owner's view of the account."""

    avatar = fields.Nested(AvatarSchema, required=True, allow_none=True)
    id = fields.String(required=True)
    email = fields.String(required=True)
    email_verified = fields.Boolean(
        required=True, metadata={"description": "A link mailed to `email` was opened"}
    )
    role = fields.String(
        required=True,
        validate=validate.OneOf(("user", "moderator", "admin")),
        metadata={"description": "Given only from the command line; admin includes moderator"},
    )
    totp_enabled = fields.Boolean(
        required=True, metadata={"description": "Log-in asks for a TOTP code after the password"}
    )
    updated_at = fields.DateTime(required=True)


class ProfileUpdateSchema(InputSchema):
    display_name = display_name_field()
    handle = handle_field()
    bio = Trimmed(validate=validate.Length(max=500))
    location = Trimmed(validate=validate.Length(max=100))
    website = Trimmed(validate=[validate.Length(max=200), _website])


class PasswordChangeSchema(InputSchema):
    current_password = fields.String(required=True, load_only=True)
    new_password = password_field(required=True)
    code = code_field()


class ProfileListQuerySchema(InputSchema):
    """Query strings tolerate unknown parameters (cache busters); bodies never do."""

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    q = fields.String(
        validate=validate.Length(min=1, max=30),
        metadata={"description": "Only handles starting with this"},
    )


class ProfilePageSchema(ma.Schema):
    items = fields.List(fields.Nested(PublicProfileSchema), required=True)
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "null on the last page"}
    )
