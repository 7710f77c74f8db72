"""Password recovery: a reset link by mail, and setting a new password with it."""

from __future__ import annotations

from flask import Request

from portrait import mail
from portrait.models import User
from portrait.models.base import utcnow
from portrait.security import hash_password
from portrait.services import email_tokens, security_log, sessions, verification


def forgot(*, email: str) -> None:
    """Mails a reset link when the address has an account; the caller answers the same
    either way. The mail leaves from a queue (portrait.mail), not in this request, so the
    time differs only by one small insert."""
    user = verification.find_account(email)
    if user is None:
        return
    email_tokens.mail_link(
        user=user,
        purpose="reset-password",
        page="/reset-password",
        template="reset",
        subject="choose a new password",
    )


def reset(*, token: str, password: str, request: Request | None = None) -> None:
    """Sets the password, ends every session and tells the owner. Opening the mailed link
    also proves the address, so an unverified one becomes verified."""
    spent = email_tokens.spend(purpose="reset-password", token=token)
    user = User.objects(id=spent.user_id, email_key=spent.email_key, deleted_at=None).first()
    if user is None:  # the address changed (or the account went) since the mail
        raise email_tokens.invalid()
    User.objects(id=user.id).update_one(
        set__password_hash=hash_password(password), set__updated_at=utcnow(), inc__version=1
    )
    verification.mark_verified(user_id=user.id, key=user.email_key)
    ended = sessions.revoke_user_sessions(user_id=user.id, reason="password-reset")
    security_log.record(user, "password-reset", request, sessions_ended=ended)
    email_tokens.forget(purpose="reset-password", user_id=user.id)
    mail.send(
        to=user.email,
        template="password_changed",
        subject="your password was changed",
        display_name=user.display_name,
        forgot_link=verification.forgot_link(),
    )
