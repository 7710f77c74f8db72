"""The signed-in user's own account: read, edit (ETag/If-Match), password, deletion."""

from __future__ import annotations

from flask import after_this_request, request
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt, jwt_required, unset_jwt_cookies
from flask_smorest import Blueprint

from portrait.extensions import wrong_password_limit
from portrait.http import (
    IF_MATCH,
    IF_NONE_MATCH,
    etag_headers,
    expected_version,
    no_store,
    not_modified,
)
from portrait.schemas.profile import MeSchema, PasswordChangeSchema, ProfileUpdateSchema
from portrait.schemas.totp import ReauthSchema
from portrait.services import accounts, login_guard, profiles

bp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="Your own account")

SECURITY = [{"bearerAuth": []}]
ETAG_HEADER = {"ETag": {"description": "Version of the profile", "schema": {"type": "string"}}}


@bp.route("")
class Me(MethodView):
    decorators = [jwt_required()]

    @bp.response(200, MeSchema, headers=ETAG_HEADER)
    @bp.alt_response(304, description="Not modified (If-None-Match matched)")
    @bp.alt_response(401, response="UNAUTHORIZED")
    @bp.doc(operationId="readMe", security=SECURITY, parameters=[IF_NONE_MATCH])
    def get(self):
        """Read your profile (with its ETag)."""
        after_this_request(no_store)
        cached = not_modified(current_user)
        if cached is not None:
            return cached
        return current_user, etag_headers(current_user)

    @bp.arguments(ProfileUpdateSchema)
    @bp.response(200, MeSchema, headers=ETAG_HEADER)
    @bp.alt_response(401, response="UNAUTHORIZED")
    @bp.alt_response(409, response="CONFLICT")
    @bp.alt_response(412, response="PRECONDITION_FAILED")
    @bp.doc(operationId="updateMe", security=SECURITY, parameters=[IF_MATCH])
    def patch(self, changes):
        """Edit your profile; send If-Match with the ETag to refuse lost updates."""
        user = profiles.update_profile(
            user=current_user, changes=changes, expected_version=expected_version(current_user)
        )
        return user, etag_headers(user)

    @bp.arguments(ReauthSchema)
    @bp.response(204)
    @bp.alt_response(401, response="UNAUTHORIZED", description="Wrong password or code")
    @bp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many wrong passwords")
    @bp.doc(operationId="deleteMe", security=SECURITY)
    def delete(self, data):
        """Delete your account, its sessions and its media (with your password, and a code
        when two-factor sign-in is on)."""
        accounts.delete_account(user=current_user, **data, request=request)

        @after_this_request
        def _forget_cookies(response):
            unset_jwt_cookies(response)
            return response


def signed_in_account_key() -> str:
    # The same key as failed logins (portrait.api.auth), so both spend one budget.
    return login_guard.account_key(current_user.email_key)


@bp.route("/password", methods=["PUT"])
@bp.arguments(PasswordChangeSchema)
@bp.response(204)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many wrong passwords")
@bp.doc(operationId="changePassword", security=SECURITY)
@jwt_required()
@wrong_password_limit(key_func=signed_in_account_key)  # under jwt_required: the user is known
def change_password(data):
    """Change your password; every other session is signed out."""
    accounts.change_password(user=current_user, **data, sid=get_jwt()["sid"], request=request)
