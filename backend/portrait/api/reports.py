"""Reports: any signed-in user may report a public profile to the moderators."""

from __future__ import annotations

from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.schemas.moderation import ReportCreateSchema, ReportSchema
from portrait.services import moderation, profiles

bp = Blueprint(
    "reports", __name__, url_prefix="/api/v1/profiles", description="Report a public profile"
)


@bp.route("/<string:handle>/reports", methods=["POST"])
@bp.arguments(ReportCreateSchema)
@bp.response(201, ReportSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT", description="You already reported this profile")
@bp.alt_response(422, response="DEFAULT_ERROR", description="Invalid, or your own profile")
@bp.doc(operationId="reportProfile", security=[{"bearerAuth": []}])
@jwt_required()
def report_profile(body, handle):
    """Report a profile (reason from a short list, and a note) to the moderators."""
    target = profiles.read_profile(handle=handle)
    entry = moderation.report(reporter=current_user, target=target, **body)
    return {"id": str(entry.id), **body, "created_at": entry.created_at}
