"""Your avatar: upload (moderated and framed), re-frame from the stored master, remove."""

from __future__ import annotations

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.config import OPTIONS_BY_NAME
from portrait.extensions import avatar_change_limit
from portrait.http import etag_headers, multipart_upload_body, upload_bytes
from portrait.imaging import megabytes, megapixels
from portrait.schemas.avatar import AvatarSchema, CropUpdateSchema
from portrait.services import avatar

bp = Blueprint(
    "avatar", __name__, url_prefix="/api/v1/me/avatar", description="Your profile picture"
)

SECURITY = [{"bearerAuth": []}]
# The document is built once per process, so it states the default limits; a 413's detail
# states the limit the app runs with.
MAX_BYTES = megabytes(OPTIONS_BY_NAME["AVATAR_MAX_BYTES"].default)
MAX_PIXELS = megapixels(OPTIONS_BY_NAME["AVATAR_MAX_PIXELS"].default)
ETAG_HEADER = {"ETag": {"description": "New version of the profile", "schema": {"type": "string"}}}
# A raw image body is accepted too (upload_bytes), but only multipart is documented.
UPLOAD_BODY = multipart_upload_body(
    "JPEG, PNG, WebP, GIF (first frame) or HEIC/HEIF; the format is read from "
    f"the bytes, never from the name or Content-Type. At most {MAX_BYTES} and {MAX_PIXELS}."
)


@bp.route("")
class MyAvatar(MethodView):
    decorators = [jwt_required()]

    @bp.response(200, AvatarSchema, headers=ETAG_HEADER)
    @bp.alt_response(400, response="BAD_REQUEST")
    @bp.alt_response(401, response="UNAUTHORIZED")
    @bp.alt_response(409, response="CONFLICT", description="Another avatar change is running")
    @bp.alt_response(413, response="DEFAULT_ERROR", description=f"Over {MAX_BYTES} or {MAX_PIXELS}")
    @bp.alt_response(415, response="DEFAULT_ERROR", description="Not a supported image format")
    @bp.alt_response(
        422, response="DEFAULT_ERROR", description="Damaged image, or refused (avatar-rejected)"
    )
    @bp.alt_response(429, response="TOO_MANY_REQUESTS")
    @bp.alt_response(503, response="SERVICE_UNAVAILABLE", description="Checker unavailable")
    @bp.doc(operationId="uploadAvatar", security=SECURITY, requestBody=UPLOAD_BODY)
    @avatar_change_limit()  # inside the class's jwt_required: per signed-in user
    def put(self):
        """Upload a new avatar: checked, framed and resized; nothing is kept if refused."""
        user = avatar.replace_avatar(user=current_user, data=upload_bytes())
        return user.avatar, etag_headers(user)

    @bp.response(204, headers=ETAG_HEADER)
    @bp.alt_response(401, response="UNAUTHORIZED")
    @bp.alt_response(409, response="CONFLICT")
    @bp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @bp.doc(operationId="deleteAvatar", security=SECURITY)
    def delete(self):
        """Remove your avatar and its files (the default initials show instead)."""
        user = avatar.delete_avatar(user=current_user)
        return None, etag_headers(user)


@bp.route("/crop", methods=["PATCH"])
@bp.arguments(CropUpdateSchema)
@bp.response(200, AvatarSchema, headers=ETAG_HEADER)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(404, response="NOT_FOUND", description="No avatar to re-frame")
@bp.alt_response(409, response="CONFLICT")
@bp.alt_response(422, response="DEFAULT_ERROR", description="Crop outside, not square or small")
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE")
@bp.doc(operationId="reframeAvatar", security=SECURITY)
@jwt_required()
@avatar_change_limit()  # under jwt_required: per signed-in user
def reframe(crop):
    """Re-frame your avatar from the stored original, no new upload needed."""
    user = avatar.reframe_avatar(user=current_user, crop=crop)
    return user.avatar, etag_headers(user)
