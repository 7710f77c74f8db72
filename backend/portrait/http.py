"""HTTP helpers shared by the views: conditional requests (ETag, If-Match, If-None-Match)
and private answers that no cache may keep."""

from __future__ import annotations

from flask import Response, request

from portrait.errors import PreconditionFailed
from portrait.models import User


def _optional_header(name: str, description: str) -> dict:
    parameter = {"name": name, "in": "header", "required": False, "description": description}
    return {**parameter, "schema": {"type": "string"}}


# The headers the helpers below read, as OpenAPI parameters of the views that use them.
IF_NONE_MATCH = _optional_header(
    "If-None-Match", "An ETag you hold: 304 (no body) while it is still current"
)
IF_MATCH = _optional_header(
    "If-Match", "The ETag you read: 412 if the profile changed since (optional)"
)


def no_store(response: Response) -> Response:
    """Tokens, private data, who logged in from where: no shared or browser cache keeps the
    answer (ETag revalidation still works). Used as ``after_this_request(no_store)``."""
    response.headers["Cache-Control"] = "no-store"
    return response


def etag_headers(user: User) -> dict[str, str]:
    return {"ETag": f'"{user.etag}"'}


def not_modified(user: User) -> Response | None:
    """A 304 response when the client's If-None-Match already names this version."""
    if user.etag in request.if_none_match:
        return Response(status=304, headers=etag_headers(user))
    return None


def expected_version(user: User) -> int | None:
    """The version an If-Match header pins (None when absent; If-Match is optional).
    A tag for another version is stale: 412, the client must re-read before writing."""
    if not request.if_match:
        return None
    if user.etag not in request.if_match:
        raise PreconditionFailed(
            "The profile changed since you read it (stale If-Match); reload and retry."
        )
    return user.version
