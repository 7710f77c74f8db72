"""Your sessions and security log: list and end sessions, log out everywhere, see events."""

from __future__ import annotations

from flask import after_this_request, request
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.api.auth import verify_leaving_session
from portrait.http import no_store
from portrait.schemas.sessions import SecurityEventListSchema, SessionListSchema
from portrait.services import security_log, sessions

bp = Blueprint(
    "sessions", __name__, url_prefix="/api/v1", description="Your sessions and security log"
)

SECURITY = [{"bearerAuth": []}]


@bp.route("/me/sessions", methods=["GET"])
@bp.response(200, SessionListSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.doc(operationId="listSessions", security=SECURITY)
@jwt_required()
def list_sessions():
    """List the devices signed in to your account (`current` is this one)."""
    after_this_request(no_store)
    return {"sessions": sessions.list_sessions(user_id=current_user.id)}


@bp.route("/me/sessions/<string:session_id>", methods=["DELETE"])
@bp.response(204)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(operationId="endSession", security=SECURITY)
@jwt_required()
def end_session(session_id):
    """Sign out one of your sessions (its tokens stop working at once)."""
    sessions.end_own_session(user=current_user, session_id=session_id, request=request)


@bp.route("/auth/logout-all", methods=["POST"])
@bp.response(204)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.doc(
    operationId="logoutAll",
    security=[{"bearerAuth": []}, {"refreshBearer": []}, {"refreshCookie": []}],
)
def logout_all():
    """End every session of your account, this one included."""
    claims = verify_leaving_session()
    sessions.logout_everywhere(user_id=claims["sub"], request=request)


@bp.route("/me/security-events", methods=["GET"])
@bp.response(200, SecurityEventListSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.doc(operationId="listSecurityEvents", security=SECURITY)
@jwt_required()
def list_security_events():
    """Your last 50 security events: logins, failed logins, session ends, password changes."""
    after_this_request(no_store)
    return {"events": security_log.recent(user_id=current_user.id)}
