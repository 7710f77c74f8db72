"""Two-factor sign-in of your own account: start the TOTP enrolment, confirm it with a first
code (which returns the recovery codes), turn it off with password + code."""

from __future__ import annotations

from flask import after_this_request, request
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.api.me import SECURITY, signed_in_account_key
from portrait.extensions import wrong_password_limit
from portrait.http import no_store
from portrait.schemas.totp import (
    CodeSchema,
    PasswordSchema,
    RecoveryCodesSchema,
    TotpDisableSchema,
    TotpEnrolmentSchema,
)
from portrait.services import totp

bp = Blueprint(
    "two_factor", __name__, url_prefix="/api/v1/me/2fa", description="Two-factor sign-in (TOTP)"
)


@bp.route("/totp", methods=["POST"])
@bp.arguments(PasswordSchema)
@bp.response(200, TotpEnrolmentSchema)
@bp.alt_response(401, response="UNAUTHORIZED", description="Wrong password")
@bp.alt_response(409, response="CONFLICT", description="Already on")
@bp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many wrong passwords")
@bp.doc(operationId="startTotp", security=SECURITY)
@jwt_required()
@wrong_password_limit(key_func=signed_in_account_key)
def start_totp(data):
    """Start the enrolment (with your password): a secret and its QR code for your app."""
    after_this_request(no_store)
    return totp.start(user=current_user, **data)


@bp.route("/totp/confirm", methods=["POST"])
@bp.arguments(CodeSchema)
@bp.response(200, RecoveryCodesSchema)
@bp.alt_response(400, response="BAD_REQUEST", description="Wrong code, or no enrolment started")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(operationId="confirmTotp", security=SECURITY)
@jwt_required()
def confirm_totp(data):
    """Turn two-factor sign-in on with a first code; the recovery codes are shown once."""
    after_this_request(no_store)
    return {"recovery_codes": totp.confirm(user=current_user, **data, request=request)}


@bp.route("/totp", methods=["DELETE"])
@bp.arguments(TotpDisableSchema)
@bp.response(204)
@bp.alt_response(401, response="UNAUTHORIZED", description="Wrong password or code")
@bp.alt_response(409, response="CONFLICT", description="Not on")
@bp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many wrong attempts")
@bp.doc(operationId="disableTotp", security=SECURITY)
@jwt_required()
@wrong_password_limit(key_func=signed_in_account_key)
def disable_totp(data):
    """Turn two-factor sign-in off (your password and a code, or a recovery code)."""
    totp.disable(user=current_user, **data, request=request)
