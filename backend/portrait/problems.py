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
    """RFC 9457 problem details (documents every error response in the OpenAPI spec)."""

    type = ma.fields.String(metadata={"description": "Problem type URI"})
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={"description": "Per-field messages (validation errors)"},
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
