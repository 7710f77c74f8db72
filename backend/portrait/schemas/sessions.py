"""Session and security-log schemas (GET /me/sessions, GET /me/security-events)."""

from __future__ import annotations

import marshmallow as ma
from flask_jwt_extended import get_jwt
from marshmallow import fields

from portrait.services.devices import describe


def _is_current(session) -> bool:
    return str(session.id) == get_jwt().get("sid")


class SessionSchema(ma.Schema):
    id = fields.String(required=True, metadata={"description": "End it with DELETE"})
    device = fields.Function(
        lambda session: describe(session.user_agent),
        required=True,
        metadata={"type": "string", "description": "Browser and system, from the user agent"},
    )
    ip = fields.String(required=True, metadata={"description": "Address of the last use"})
    created_at = fields.DateTime(required=True, metadata={"description": "When it logged in"})
    last_used_at = fields.DateTime(required=True, metadata={"description": "Its last refresh"})
    current = fields.Function(
        _is_current,
        required=True,
        metadata={"type": "boolean", "description": "This request's own session"},
    )


class SessionListSchema(ma.Schema):
    sessions = fields.List(fields.Nested(SessionSchema), required=True)


class SecurityEventSchema(ma.Schema):
    kind = fields.String(
        required=True,
        metadata={
            "description": "login, login-failed, refresh-reuse, password-changed, "
            "password-reset, email-changed, session-ended, logout-all "
            "(and more as the account grows)"
        },
    )
    at = fields.DateTime(required=True)
    ip = fields.String(required=True)
    device = fields.Function(
        lambda event: describe(event.user_agent), required=True, metadata={"type": "string"}
    )


class SecurityEventListSchema(ma.Schema):
    events = fields.List(fields.Nested(SecurityEventSchema), required=True)
