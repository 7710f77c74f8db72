"""Schemas of the mailed-link endpoints: verify, resend, forgot, reset, change email."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.schemas.base import InputSchema, email_field, password_field
from portrait.schemas.totp import code_field


def token_field() -> fields.String:
    return fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The `token` query parameter of the mailed link"},
    )


class TokenSchema(InputSchema):
    token = token_field()


class EmailAddressSchema(InputSchema):
    email = email_field(required=True)


class PasswordResetSchema(InputSchema):
    token = token_field()
    password = password_field(required=True)


class EmailChangeSchema(InputSchema):
    email = email_field(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))
    code = code_field()


class AcceptedSchema(ma.Schema):
    """The answer whatever the address: it tells nobody whether an account exists."""

    detail = fields.String(required=True)
