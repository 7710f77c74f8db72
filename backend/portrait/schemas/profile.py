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
from portrait.services.media import default_avatar


def _website(value: str) -> None:
    if value:
        validate.URL(schemes={"http", "https"}, error="Website must be an http(s) URL.")(value)


class PublicProfileSchema(ma.Schema):
    """What anyone may see: never the email."""

    handle = fields.String()
    display_name = fields.String()
    bio = fields.String()
    location = fields.String()
    website = fields.String()
    avatar = fields.Nested(PublicAvatarSchema, allow_none=True)  # null: no picture yet
    default_avatar = fields.Function(
        lambda user: default_avatar(handle=user.handle, display_name=user.display_name),
        metadata={"type": "object", "description": DefaultAvatarSchema.__doc__},
    )
    created_at = fields.DateTime()


class MeSchema(PublicProfileSchema):
    """The owner's view of the account."""

    avatar = fields.Nested(AvatarSchema, allow_none=True)
    id = fields.String()
    email = fields.String()
    updated_at = fields.DateTime()


class ProfileUpdateSchema(InputSchema):
    display_name = display_name_field()
    handle = handle_field()
    bio = Trimmed(validate=validate.Length(max=500))
    location = Trimmed(validate=validate.Length(max=100))
    website = Trimmed(validate=[validate.Length(max=200), _website])


class PasswordChangeSchema(InputSchema):
    current_password = fields.String(required=True, load_only=True)
    new_password = password_field(required=True)


class ProfileListQuerySchema(InputSchema):
    """Query strings tolerate unknown parameters (cache busters); bodies never do."""

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    q = fields.String(
        validate=validate.Length(min=1, max=30),
        metadata={"description": "Only handles starting with this"},
    )


class ProfilePageSchema(ma.Schema):
    items = fields.List(fields.Nested(PublicProfileSchema))
    next_cursor = fields.String(allow_none=True)
