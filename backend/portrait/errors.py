"""Domain errors and the one place that turns every error into RFC 9457 problem+json.

Services raise the classes below (never `abort`); `init_app` registers handlers that map them,
every werkzeug/HTTP error, database outages and unexpected exceptions to
`application/problem+json` with `type`, `title`, `status`, `detail` (+ extra members).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import marshmallow as ma
from flask import Flask, Response
from mongoengine.errors import NotUniqueError
from pymongo.errors import ConnectionFailure
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:portrait:problem:"


class PortraitError(Exception):
    """Base of the domain errors; subclasses fix `status`, `title` and a default type."""

    status = 500
    title = "Internal Server Error"
    type_suffix: str | None = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        type_suffix: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.type_suffix = type_suffix or self.type_suffix
        self.headers = dict(headers or {})
        self.extra = extra  # extra problem members, e.g. labels=[...] or errors={...}


class BadRequest(PortraitError):
    status, title, type_suffix = 400, "Bad Request", "bad-request"


class Unauthorized(PortraitError):
    status, title, type_suffix = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(PortraitError):
    status, title, type_suffix = 403, "Forbidden", "forbidden"


class NotFound(PortraitError):
    status, title, type_suffix = 404, "Not Found", "not-found"


class Conflict(PortraitError):
    status, title, type_suffix = 409, "Conflict", "conflict"


class PreconditionFailed(PortraitError):
    status, title, type_suffix = 412, "Precondition Failed", "precondition-failed"


class PayloadTooLarge(PortraitError):
    status, title, type_suffix = 413, "Content Too Large", "payload-too-large"


class UnsupportedMediaType(PortraitError):
    status, title, type_suffix = 415, "Unsupported Media Type", "unsupported-media-type"


class UnprocessableImage(PortraitError):
    status, title, type_suffix = 422, "Unprocessable Image", "unprocessable-image"


class ImageRejected(PortraitError):
    status, title, type_suffix = 422, "Image Rejected", "image-rejected"


class ServiceUnavailable(PortraitError):
    """A dependency is down: 503 with Retry-After (seconds) so clients back off and retry."""

    status, title, type_suffix = 503, "Service Unavailable", "service-unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int = 5, **kwargs: Any):
        headers = {"Retry-After": str(retry_after), **kwargs.pop("headers", {})}
        super().__init__(detail, headers=headers, **kwargs)


class ModelUnavailable(ServiceUnavailable):
    title, type_suffix = "Model Service Unavailable", "model-unavailable"


class DatabaseUnavailable(ServiceUnavailable):
    title, type_suffix = "Database Unavailable", "database-unavailable"


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


def handle_portrait_error(error: PortraitError) -> Response:
    return problem_response(
        error.status,
        error.title,
        error.detail,
        type_suffix=error.type_suffix,
        headers=error.headers,
        **error.extra,
    )


def _field_errors(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {"email": [...]}}); clients want fields."""
    errors: dict[str, Any] = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            errors.update(location_messages)
    return errors


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    extra: dict[str, Any] = {}
    detail = data.get("message") or error.description
    type_suffix = None
    if "messages" in data:
        extra["errors"] = _field_errors(data["messages"])
        detail = "The request contains invalid fields; see errors."
        type_suffix = "validation-error"
    if status == 429:
        headers["Retry-After"] = str(_retry_after_seconds())
        detail = f"Too many requests (limit: {error.description}). Retry later."
    return problem_response(
        status, error.name, detail, type_suffix=type_suffix, headers=headers, **extra
    )


def _retry_after_seconds() -> int:
    from portrait.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))


def handle_not_unique(error: NotUniqueError) -> Response:
    # A unique index caught a race the service's pre-check could not see.
    return handle_portrait_error(Conflict("The resource already exists."))


def handle_database_down(error: ConnectionFailure) -> Response:
    log.error("database unreachable: %s", error)
    return handle_portrait_error(DatabaseUnavailable("The database is unreachable; retry later."))


def handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return problem_response(500, "Internal Server Error", "An unexpected error occurred.")


def init_app(app: Flask) -> None:
    """Registers the handlers; call after every extension that registers its own."""
    app.register_error_handler(PortraitError, handle_portrait_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(NotUniqueError, handle_not_unique)
    app.register_error_handler(ConnectionFailure, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)
