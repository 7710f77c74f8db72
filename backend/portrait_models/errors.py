"""One error path: every failure leaves the service as RFC 9457 problem+json."""

from __future__ import annotations

import logging

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A refusal with an HTTP status; ``detail`` is safe to show to the caller."""

    status = 400
    title = "Bad Request"
    slug = "bad-request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotAnImage(ServiceError):
    slug = "not-an-image"
    status, title = 415, "Unsupported Media Type"


class CorruptImage(ServiceError):
    slug = "corrupt-image"
    status, title = 422, "Unprocessable Image"


class ImageTooLarge(ServiceError):
    slug = "image-too-large"
    status, title = 413, "Image Too Large"


class UnknownModel(ServiceError):
    slug = "unknown-model"
    status, title = 404, "Unknown Model"


class BadOption(ServiceError):
    slug = "invalid-option"
    status, title = 400, "Invalid Option"


class ModelNotReady(ServiceError):
    slug = "model-not-ready"
    status, title = 503, "Model Not Ready"


def problem(status: int, title: str, detail: str, slug: str | None = None) -> Response:
    """``type`` is ``urn:portrait:problem:<slug>`` for our refusals (as in the API), else
    ``about:blank`` (plain HTTP errors: 404 route, 405, 413 body...)."""
    kind = f"urn:portrait:problem:{slug}" if slug else "about:blank"
    body = {"type": kind, "title": title, "status": status, "detail": detail}
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError) -> Response:
        return problem(exc.status, exc.title, exc.detail, exc.slug)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        response = problem(exc.code or 500, exc.name, exc.description or exc.name)
        for key, value in exc.get_headers():
            if key.lower() == "allow":  # 405 says what is allowed
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error in the model service")
        return problem(500, "Internal Server Error", "the model service failed; see its log")
