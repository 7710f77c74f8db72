"""The mailed links: verify the email, resend, forgot/reset password, change the email.

Each mail holds a SPA page's link with a `token=` query parameter; the page posts it here.
Endpoints that take an address answer 202 with the same body whether or not it has an
account, and are rate limited per address and per client IP.
"""

from __future__ import annotations

from flask import jsonify, request
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.api.me import signed_in_account_key
from portrait.extensions import configured, limiter, wrong_password_limit
from portrait.models.user import email_key
from portrait.schemas.account_mail import (
    AcceptedSchema,
    EmailAddressSchema,
    EmailChangeSchema,
    PasswordResetSchema,
    TokenSchema,
)
from portrait.services import email_change, recovery, verification

bp = Blueprint(
    "account_mail",
    __name__,
    url_prefix="/api/v1",
    description="Email verification, password recovery and email change (mailed links)",
)

CHECK_INBOX = "If this address can receive our mail, a message is on its way: check your inbox."


def accepted(detail: str = CHECK_INBOX):
    """202 with one body for every address (sign-up in required mode uses it too)."""
    return jsonify({"detail": detail}), 202


def _address_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return "mail:" + (email_key(email) if isinstance(email, str) else "")


def mail_limits(function):
    """Mails asked for, per address (RATELIMIT_MAIL) and per client IP (RATELIMIT_MAIL_IP):
    nobody can flood an inbox, and a 429 comes alike for known and unknown addresses."""
    per_address = limiter.limit(configured("RATELIMIT_MAIL"), key_func=_address_key)
    return limiter.limit(configured("RATELIMIT_MAIL_IP"))(per_address(function))


@bp.route("/auth/email/verify", methods=["POST"])
@bp.arguments(TokenSchema)
@bp.response(204)
@bp.alt_response(400, response="BAD_REQUEST", description="Invalid, used or expired token")
@bp.doc(operationId="verifyEmail", security=[])
def verify_email(data):
    """Confirm your email address with the token of the mailed link."""
    verification.verify(token=data["token"])


@bp.route("/auth/email/resend", methods=["POST"])
@mail_limits
@bp.arguments(EmailAddressSchema)
@bp.response(202, AcceptedSchema)
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.doc(operationId="resendVerification", security=[])
def resend_verification(data):
    """Mail a new verification link (202 whatever the address)."""
    verification.resend(email=data["email"])
    return accepted()


@bp.route("/auth/password/forgot", methods=["POST"])
@mail_limits
@bp.arguments(EmailAddressSchema)
@bp.response(202, AcceptedSchema)
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.doc(operationId="forgotPassword", security=[])
def forgot_password(data):
    """Mail a password reset link, valid 30 minutes (202 whatever the address)."""
    recovery.forgot(email=data["email"])
    return accepted()


@bp.route("/auth/password/reset", methods=["POST"])
@limiter.limit(configured("RATELIMIT_MAIL_IP"))
@bp.arguments(PasswordResetSchema)
@bp.response(204)
@bp.alt_response(400, response="BAD_REQUEST", description="Invalid, used or expired token")
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.doc(operationId="resetPassword", security=[])
def reset_password(data):
    """Set a new password with the mailed token; every session is signed out."""
    recovery.reset(**data, request=request)


@bp.route("/me/email", methods=["POST"])
@bp.arguments(EmailChangeSchema)
@bp.response(202, AcceptedSchema)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many wrong passwords")
@bp.doc(operationId="changeEmail", security=[{"bearerAuth": []}])
@jwt_required()
@wrong_password_limit(key_func=signed_in_account_key)  # under jwt_required: the user is known
def change_email(data):
    """Ask to change your email (with your password): a link goes to the new address."""
    email_change.request_change(user=current_user, **data, request=request)
    return accepted("A confirmation link is on its way to the new address.")


@bp.route("/auth/email/confirm", methods=["POST"])
@bp.arguments(TokenSchema)
@bp.response(204)
@bp.alt_response(400, response="BAD_REQUEST", description="Invalid, used or expired token")
@bp.alt_response(409, response="CONFLICT", description="The new address was taken meanwhile")
@bp.doc(operationId="confirmEmailChange", security=[])
def confirm_email_change(data):
    """Make the email change with the token mailed to the new address."""
    email_change.confirm_change(token=data["token"], request=request)
