"""Media files: immutable, content-addressed, cached for a year; and default avatars."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from portrait.http import IF_NONE_MATCH
from portrait.services import media

bp = Blueprint("media", __name__, url_prefix="/media", description="Avatar files")

YEAR = 365 * 24 * 3600
# Nothing in a served file may run or load anything, even if a browser opens it directly.
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "Cross-Origin-Resource-Policy": "same-site",
}
BINARY = {"schema": {"type": "string", "format": "binary"}}
ETAG_HEADER = {"ETag": {"description": "The file's hash", "schema": {"type": "string"}}}


def _file_response(description: str, *content_types: str) -> dict:
    """The 200 of a file endpoint with its content types (flask-smorest documents one, bare)."""
    content = dict.fromkeys(content_types, BINARY)
    return {"200": {"description": description, "content": content, "headers": ETAG_HEADER}}


def _immutable(body: bytes | str, content_type: str, etag: str, *, public: bool) -> Response:
    """A response for content that never changes under its URL: strong ETag, 304 support."""
    scope = "public" if public else "private"  # masters: never in shared caches
    headers = {
        **SAFE_HEADERS,
        "Cache-Control": f"{scope}, max-age={YEAR}, immutable",
        "ETag": f'"{etag}"',
    }
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    return Response(body, content_type=content_type, headers=headers)


@bp.route("/<string:key>")
@bp.response(200)
@bp.alt_response(304, description="Not modified (If-None-Match matched)")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(
    operationId="readMedia",
    security=[],
    parameters=[IF_NONE_MATCH],
    responses=_file_response("The file (WebP or JPEG)", "image/webp", "image/jpeg"),
)
def read_media(key):
    """One avatar file by its content-addressed key."""
    item = media.read_media(key=key)
    # Masters and held variants (waiting for review): never in shared caches.
    return _immutable(item.data, item.content_type, item.sha256, public=item.kind == "variant")


@bp.route("/default/<int:hue>/<string:text>.svg")
@bp.response(200)
@bp.alt_response(304, description="Not modified (If-None-Match matched)")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(
    operationId="readDefaultAvatar",
    security=[],
    parameters=[IF_NONE_MATCH],
    responses=_file_response("Initials on a colour", "image/svg+xml"),
)
def read_default_avatar(hue, text):
    """The generated avatar of a profile without a picture (see `default_avatar`)."""
    svg = media.default_avatar_svg(hue_value=hue, text=text)
    etag = media.svg_etag(svg)
    return _immutable(svg, "image/svg+xml; charset=utf-8", etag, public=True)
