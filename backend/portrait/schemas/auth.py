"""Sign-up, login and token schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.schemas.base import (
    InputSchema,
    display_name_field,
    email_field,
    handle_field,
    password_field,
)
from portrait.schemas.profile import MeSchema


class SignupSchema(InputSchema):
    email = email_field(required=True)
    password = password_field(required=True)
    handle = handle_field(required=True)
    display_name = display_name_field(required=True)


class LoginSchema(InputSchema):
    email = email_field(required=True)
    # No length rule here: a login must not tell which passwords could exist.
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class ClientQuerySchema(InputSchema):
    client = fields.String(
        load_default="mobile",
        validate=validate.OneOf(["mobile", "browser"]),
        metadata={
            "description": "mobile: refresh token in the body. browser: refresh token in an "
            "httpOnly SameSite cookie (with a csrf_refresh_token cookie to echo in "
            "X-CSRF-TOKEN), never in the body."
        },
    )


class TokenPairSchema(ma.Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(
        metadata={"description": "Omitted when the refresh token travels in a cookie"}
    )
    token_type = fields.String(required=True, dump_default="Bearer")
    expires_in = fields.Integer(
        required=True, metadata={"description": "Access token lifetime in seconds"}
    )


class AuthSchema(TokenPairSchema):
    user = fields.Nested(MeSchema, required=True)


class LoginAnswerSchema(ma.Schema):
    """A session (as AuthSchema), or, when a second factor is due, only `mfa_required` and
    `mfa_token` (then POST /auth/login/mfa): every field is optional so clients decode both."""

    access_token = fields.String()
    refresh_token = fields.String(
        metadata={"description": "Omitted when the refresh token travels in a cookie"}
    )
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "Access token lifetime in seconds"})
    user = fields.Nested(MeSchema)
    mfa_required = fields.Boolean(metadata={"description": "True: no session yet; send a code"})
    mfa_token = fields.String(
        metadata={"description": "For POST /auth/login/mfa, valid 5 minutes; not an access token"}
    )
