"""Schemas of two-factor sign-in: enrolment, its confirmation, turning it off, the code step
of the login, and the password (+ code) that dangerous actions ask for."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.schemas.base import InputSchema


def password_input(**kwargs) -> fields.String:
    # No length rule beyond a bound: checking a password must not tell which could exist.
    return fields.String(load_only=True, validate=validate.Length(max=1024), **kwargs)


def code_field(**kwargs) -> fields.String:
    return fields.String(
        load_only=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "6 digits from the authenticator app, or a recovery code"},
        **kwargs,
    )


class PasswordSchema(InputSchema):
    password = password_input(required=True)


class CodeSchema(InputSchema):
    code = code_field(required=True)


class TotpDisableSchema(InputSchema):
    password = password_input(required=True)
    code = code_field(required=True)


class ReauthSchema(InputSchema):
    """What DELETE /me asks for: the password, and a code when two-factor sign-in is on."""

    password = password_input(required=True)
    code = code_field()


class MfaLoginSchema(InputSchema):
    mfa_token = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "From the login answer; valid 5 minutes"},
    )
    code = code_field(required=True)


class TotpEnrolmentSchema(ma.Schema):
    secret = fields.String(required=True, metadata={"description": "Base32, to type by hand"})
    otpauth_uri = fields.String(required=True)
    qr_svg = fields.String(
        required=True, metadata={"description": "The otpauth URI as a QR code (SVG data URI)"}
    )


class RecoveryCodesSchema(ma.Schema):
    recovery_codes = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Ten single-use codes, shown only this once"},
    )
