"""HTTP helpers shared by the views: conditional requests (ETag, If-Match, If-None-Match),
private answers that no cache may keep, and reading an uploaded picture within its limit."""

from __future__ import annotations

from flask import Response, current_app, request

from portrait.errors import BadRequest, PayloadTooLarge, PreconditionFailed
from portrait.imaging import megabytes
from portrait.models import User

# The multipart envelope around the picture may add this much to AVATAR_MAX_BYTES.
MULTIPART_SLACK = 64 * 1024


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


def multipart_upload_body(description: str) -> dict:
    """The OpenAPI request body of a picture upload: multipart/form-data, field `file`. One
    documented content type: generators handle one body per operation (openapi-python-client
    fails to import a module with several)."""
    schema = {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}},
        "required": ["file"],
    }
    content = {"multipart/form-data": {"schema": schema}}
    return {"description": description, "required": True, "content": content}


def upload_bytes(*, raw_body: bool = True) -> bytes:
    """The picture from the multipart field `file`, at most AVATAR_MAX_BYTES + 1 bytes of it
    (so the format check can say "too large"). Other content types: the raw body when
    `raw_body` (mobile apps send that), else a 400."""
    limit = current_app.config["AVATAR_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit + MULTIPART_SLACK:
        raise PayloadTooLarge(f"The file is larger than {megabytes(limit)}.")  # before reading
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest(
                "Send the picture in the multipart field 'file'.", errors={"file": ["missing"]}
            )
        return upload.read(limit + 1)
    if not raw_body:
        raise BadRequest(
            "Send the picture as multipart/form-data in the field 'file'.",
            errors={"file": ["missing"]},
        )
    return request.get_data(cache=False)
