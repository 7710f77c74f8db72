"""Admins: find accounts, suspend and unsuspend them, remove an avatar, read the audit log."""

from __future__ import annotations

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.permissions import require_role
from portrait.schemas.admin import (
    AdminUserPageSchema,
    AdminUserSchema,
    AuditPageSchema,
    AuditQuerySchema,
    ReasonSchema,
    UserQuerySchema,
)
from portrait.services import admin, moderation

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="Administration")

SECURITY = [{"bearerAuth": []}]


def _guarded(view):
    """Signed in (401), then an admin (403)."""
    return jwt_required()(require_role("admin")(view))


@bp.route("/users")
@bp.arguments(UserQuerySchema, location="query")
@bp.response(200, AdminUserPageSchema)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN", description="Not an admin")
@bp.doc(operationId="listUsers", security=SECURITY)
@_guarded
def list_users(query):
    """Accounts (with email, role and suspension), searchable by handle or email prefix."""
    page = admin.list_users(q=query.get("q"), cursor=query.get("cursor"))
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.route("/users/<string:user_id>/suspension")
class Suspension(MethodView):
    @bp.arguments(ReasonSchema)
    @bp.response(200, AdminUserSchema)
    @bp.alt_response(401, response="UNAUTHORIZED")
    @bp.alt_response(403, response="FORBIDDEN", description="Not an admin")
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(409, response="CONFLICT", description="Already suspended, or yourself")
    @bp.doc(operationId="suspendUser", security=SECURITY)
    @_guarded
    def post(self, body, user_id):
        """Suspend an account: no login, sessions ended, no public page or avatar."""
        return moderation.suspend(user_id=user_id, reason=body["reason"], admin=current_user)

    @bp.response(200, AdminUserSchema)
    @bp.alt_response(401, response="UNAUTHORIZED")
    @bp.alt_response(403, response="FORBIDDEN", description="Not an admin")
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.doc(operationId="unsuspendUser", security=SECURITY)
    @_guarded
    def delete(self, user_id):
        """Lift a suspension (nothing happens when there is none)."""
        return moderation.unsuspend(user_id=user_id, admin=current_user)


@bp.route("/users/<string:user_id>/avatar", methods=["DELETE"])
@bp.arguments(ReasonSchema)
@bp.response(200, AdminUserSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN", description="Not an admin")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT", description="The avatar is changing right now")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE")
@bp.doc(operationId="removeUserAvatar", security=SECURITY)
@_guarded
def remove_avatar(body, user_id):
    """Remove an account's avatar and its files, with a reason (audited)."""
    return moderation.remove_avatar(user_id=user_id, reason=body["reason"], admin=current_user)


@bp.route("/audit")
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditPageSchema)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN", description="Not an admin")
@bp.doc(operationId="readAuditLog", security=SECURITY)
@_guarded
def read_audit(query):
    """The audit log, newest first."""
    page = admin.list_audit(cursor=query.get("cursor"))
    return {"items": page.items, "next_cursor": page.next_cursor}
