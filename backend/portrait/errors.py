"""Domain errors and the one place that turns every error into RFC 9457 problem+json.

Services raise the classes below (never `abort`); `init_app` registers handlers that map them,
every werkzeug/HTTP error, database outages and unexpected exceptions to
`application/problem+json` with `type`, `title`, `status`, `detail` (+ extra members).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response
from mongoengine.errors import NotUniqueError, OperationError
from pymongo.errors import PyMongoError
from werkzeug.exceptions import HTTPException

from portrait.problems import problem_response
from portrait.storage.base import StorageError

log = logging.getLogger(__name__)


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


class InputRefused(PortraitError):
    """A model refused the input it was given (an option out of range, too many pixels)."""

    status, title, type_suffix = 422, "Unprocessable Content", "model-refused"


class RetryLater(PortraitError):
    """An error that tells the client when to try again (Retry-After, in seconds)."""

    retry_after = 5

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None, **kwargs):
        seconds = self.retry_after if retry_after is None else retry_after
        headers = {"Retry-After": str(seconds), **kwargs.pop("headers", {})}
        super().__init__(detail, headers=headers, **kwargs)


class TooManyRequests(RetryLater):
    """A rate limit is spent (raised by the limiter's on_breach, portrait.extensions)."""

    status, title, retry_after = 429, "Too Many Requests", 60  # type stays about:blank


class ServiceUnavailable(RetryLater):
    """A dependency is down: 503 with Retry-After so clients back off and retry."""

    status, title, type_suffix = 503, "Service Unavailable", "service-unavailable"


class ModelUnavailable(ServiceUnavailable):
    title, type_suffix = "Model Service Unavailable", "model-unavailable"


class DatabaseUnavailable(ServiceUnavailable):
    title, type_suffix = "Database Unavailable", "database-unavailable"


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
    return problem_response(
        status, error.name, detail, type_suffix=type_suffix, headers=headers, **extra
    )


def handle_not_unique(error: NotUniqueError) -> Response:
    # A unique index caught a race the service's pre-check could not see.
    return handle_portrait_error(Conflict("The resource already exists."))


def handle_database_down(error: Exception) -> Response:
    # The one place storage trouble becomes a 503: services let it rise (or re-raise it
    # after cleaning up), so no request ends in a 500 because the database went away.
    log.error("database unavailable: %s: %s", type(error).__name__, error)
    return handle_portrait_error(DatabaseUnavailable("The database is unreachable; retry later."))


def handle_wrapped(error: OperationError) -> Response:
    # mongoengine wraps a server's OperationFailure (a timeout, an interrupted operation) in
    # its OperationError: still the database failing. Its own OperationErrors are bugs: 500.
    if isinstance(error.__context__, PyMongoError):
        return handle_database_down(error)
    return handle_unexpected(error)


def handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return problem_response(500, "Internal Server Error", "An unexpected error occurred.")


def init_app(app: Flask) -> None:
    """Registers the handlers; call after every extension that registers its own."""
    app.register_error_handler(PortraitError, handle_portrait_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(NotUniqueError, handle_not_unique)
    app.register_error_handler(PyMongoError, handle_database_down)
    app.register_error_handler(StorageError, handle_database_down)
    app.register_error_handler(OperationError, handle_wrapped)  # NotUniqueError stays a 409
    app.register_error_handler(Exception, handle_unexpected)
