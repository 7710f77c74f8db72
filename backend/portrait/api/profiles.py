"""Public profiles: one by handle, and a cursor-paginated listing."""

from __future__ import annotations

from flask_smorest import Blueprint

from portrait.schemas.profile import (
    ProfileListQuerySchema,
    ProfilePageSchema,
    PublicProfileSchema,
)
from portrait.services import profiles

bp = Blueprint("profiles", __name__, url_prefix="/api/v1/profiles", description="Public profiles")


@bp.route("")
@bp.arguments(ProfileListQuerySchema, location="query")
@bp.response(200, ProfilePageSchema)
@bp.doc(operationId="listProfiles", security=[])
def list_profiles(query):
    """List profiles by handle, a page at a time (pass next_cursor back as cursor)."""
    page = profiles.list_profiles(
        limit=query["limit"], cursor=query.get("cursor"), prefix=query.get("q")
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.route("/<string:handle>")
@bp.response(200, PublicProfileSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(operationId="readProfile", security=[])
def read_profile(handle):
    """Read a public profile by handle (case-insensitive); never shows the email."""
    return profiles.read_profile(handle=handle)
