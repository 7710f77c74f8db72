"""Shared schema building blocks."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from portrait.services import passwords


class InputSchema(ma.Schema):
    """Request bodies and queries: unknown fields are an error, not silently dropped."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _refuse_operators(self, data: Any, **_kwargs: Any) -> Any:
        """`$ne`, `q[$ne]`...: query-operator injection attempts are refused (422), even
        where unknown query parameters are otherwise ignored (cache busters)."""
        if not hasattr(data, "keys"):
            return data  # not an object: the schema's own type check answers
        keys = [key for key in data.keys() if isinstance(key, str) and "$" in key]
        if keys:
            raise ma.ValidationError(dict.fromkeys(keys, ["Operators are not accepted."]))
        return data


class OneOfSchemas(fields.Raw):
    """A value dumped unchanged, documented as one of `schemas` (the OpenAPI `oneOf` is
    written by portrait.extensions.one_of_schemas)."""

    def __init__(self, *schemas: type[ma.Schema], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schemas = schemas


class Trimmed(fields.String):
    """A string with surrounding whitespace removed (what users meant to type)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class TrimmedEmail(Trimmed, fields.Email):
    """An email address; pasted surrounding spaces are forgiven before validation."""


HANDLE_PATTERN = r"^[A-Za-z0-9_]{3,30}$"
HANDLE_RULE = "3-30 letters, digits or underscores; case-insensitive"


def handle_field(**kwargs: Any) -> Trimmed:
    return Trimmed(
        validate=validate.Regexp(HANDLE_PATTERN, error=f"Handle must be {HANDLE_RULE}."),
        metadata={"description": HANDLE_RULE, "example": "ada_l"},
        **kwargs,
    )


def _hard_to_guess(password: str) -> None:
    reason = passwords.weakness(password)
    if reason:
        raise ma.ValidationError(reason)


def password_field(**kwargs: Any) -> fields.String:
    """A new password: 8-128 characters and not among those people commonly pick."""
    return fields.String(
        validate=[validate.Length(min=8, max=128), _hard_to_guess],
        load_only=True,
        metadata={
            "description": "8-128 characters, hard to guess (common passwords, words, names "
            "and keyboard patterns are refused with the reason)",
            "format": "password",
        },
        **kwargs,
    )


def email_field(**kwargs: Any) -> TrimmedEmail:
    return TrimmedEmail(
        validate=validate.Length(max=254), metadata={"example": "ada@example.com"}, **kwargs
    )


def display_name_field(**kwargs: Any) -> Trimmed:
    return Trimmed(validate=validate.Length(min=1, max=50), metadata={"example": "Ada"}, **kwargs)
