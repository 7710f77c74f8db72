"""RFC 9457 problem documents: the media type, the schema and the response builder.

A leaf module (it imports nothing of Portrait's), so the error handlers, the extensions and
the JWT callbacks can all build problem+json without importing each other.
"""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from flask import Response

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:portrait:problem:"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documents every error response in the OpenAPI spec). The
    members below are the ones the API sends; others may come (RFC 9457 lets problem types
    add members), so clients must not refuse unknown ones (INCLUDE: additionalProperties)."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(
        required=True, metadata={"description": "urn:portrait:problem:<name>, or about:blank"}
    )
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(metadata={"description": "What happened, for people"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={"description": "Per-field messages (validation errors, conflicts)"},
    )
    labels = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "avatar-rejected: what the nudity detector saw"},
    )
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "readyz: each dependency's state (ok, unavailable...)"},
    )


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_suffix: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + type_suffix if type_suffix else "about:blank",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.extend(headers or {})
    return response
