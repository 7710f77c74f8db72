"""Changing the account's email: a link to the new address, a notice to the old one; the
change happens only when the link is opened."""

from __future__ import annotations

from flask import Request
from mongoengine.errors import NotUniqueError

from portrait import mail
from portrait.errors import BadRequest, Conflict
from portrait.models import User
from portrait.models.base import utcnow
from portrait.models.user import email_key
from portrait.services import accounts, email_tokens, security_log, totp, verification


def request_change(
    *,
    user: User,
    email: str,
    password: str,
    code: str | None = None,
    request: Request | None = None,
) -> None:
    """Needs the password (and a code when two-factor sign-in is on)."""
    totp.reauthenticate(user=user, password=password, code=code, request=request)
    if email_key(email) == user.email_key:
        raise BadRequest("This is already your email address.", errors={"email": ["unchanged"]})
    email_tokens.mail_link(
        user=user,
        purpose="change-email",
        page="/confirm-email",
        template="email_confirm",
        subject="confirm your new email address",
        to=email,
    )
    mail.send(
        to=user.email,
        template="email_change_notice",
        subject="a change of your email address was asked for",
        display_name=user.display_name,
        new_email=email,
        forgot_link=verification.forgot_link(),
    )


def confirm_change(*, token: str, request: Request | None = None) -> None:
    """409 (and nothing changes) when another account took the new address meanwhile."""
    spent = email_tokens.spend(purpose="change-email", token=token)
    user = User.objects(id=spent.user_id, email_key=spent.email_key, deleted_at=None).first()
    if user is None:  # changed again (or deleted) since this link was mailed
        raise email_tokens.invalid()
    accounts.ensure_unique(email=spent.new_email, user=user)
    now = utcnow()
    try:
        User.objects(id=user.id, email_key=spent.email_key).update_one(
            set__email=spent.new_email,
            set__email_key=email_key(spent.new_email),
            set__email_verified_at=now,  # the link reached the new address
            set__updated_at=now,
            inc__version=1,
        )
    except NotUniqueError as exc:  # taken between the check and the update
        raise Conflict(
            "An account with this email already exists.", errors={"email": ["taken"]}
        ) from exc
    email_tokens.forget(purpose="change-email", user_id=user.id)
    security_log.record(user, "email-changed", request)  # never the addresses: a log line
