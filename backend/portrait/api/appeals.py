"""Appeals: a refused picture sent to a person, at its owner's request."""

from __future__ import annotations

from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.schemas.moderation import AppealAcceptedSchema, AppealSchema
from portrait.services import moderation

bp = Blueprint(
    "appeals", __name__, url_prefix="/api/v1/me/avatar", description="Appeal a refused picture"
)


@bp.route("/appeal", methods=["POST"])
@bp.arguments(AppealSchema)
@bp.response(202, AppealAcceptedSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(404, response="NOT_FOUND", description="No refusal in the last 15 minutes")
@bp.alt_response(409, response="CONFLICT", description="Already appealed")
@bp.doc(operationId="appealAvatar", security=[{"bearerAuth": []}])
@jwt_required()
def appeal(body):
    """Ask a person to look at your latest refused picture (kept only if you do)."""
    item = moderation.appeal(user=current_user, note=body["note"])
    return {"id": str(item.id), "state": item.state}
