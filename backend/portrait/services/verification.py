"""Email verification: the link mailed at sign-up, resending it, and opening it.

EMAIL_VERIFICATION=required makes sign-up answer the same whether or not the address is
taken (the owner of a taken one gets a mail instead), and refuses unverified logins
(portrait.services.accounts.authenticate). `optional` signs a new account in at once.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from portrait import events, mail
from portrait.errors import Conflict
from portrait.models import User
from portrait.models.base import utcnow
from portrait.models.user import email_key
from portrait.security import hash_password
from portrait.services import accounts, email_tokens
from portrait.services.sessions import TokenPair

log = logging.getLogger(__name__)


def required() -> bool:
    return current_app.config["EMAIL_VERIFICATION"] == "required"


def find_account(email: str) -> User | None:
    return User.objects(email_key=email_key(email), deleted_at=None).first()


def forgot_link() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/forgot-password"


def send_verification(user: User) -> None:
    email_tokens.mail_link(
        user=user,
        purpose="verify-email",
        page="/verify-email",
        template="verify",
        subject="confirm your email address",
    )


def signup(
    *, data: dict[str, Any], user_agent: str = "", ip: str | None = None
) -> tuple[User, TokenPair] | None:
    """The account and its first session (optional mode), or None: check your inbox."""
    if not required():
        user, pair = accounts.signup(data=data, user_agent=user_agent, ip=ip)
        send_verification(user)
        return user, pair
    # Handles are public, so a taken one may say so; checked first, or a known handle would
    # tell whether the email is free. Then the hash work, then the email: the same time.
    accounts.ensure_unique(handle=data["handle"])
    password_hash = hash_password(data["password"])
    owner = find_account(data["email"])
    if owner is None:
        try:
            user = accounts.create_user(**data, password_hash=password_hash)
        except Conflict:  # a concurrent sign-up took the email (or the handle) first
            owner = find_account(data["email"])
            if owner is None:
                raise
        else:
            send_verification(user)
            return None
    _tell_owner(owner)
    return None


def _tell_owner(owner: User) -> None:
    mail.send(
        to=owner.email,
        template="signup_taken",
        subject="someone tried to sign up with your address",
        display_name=owner.display_name,
        forgot_link=forgot_link(),
    )


def resend(*, email: str) -> None:
    """A new link for an unverified account; nothing (and the same answer) otherwise."""
    user = find_account(email)
    if user is not None and not user.email_verified:
        send_verification(user)


def verify(*, token: str) -> None:
    spent = email_tokens.spend(purpose="verify-email", token=token)
    if not mark_verified(user_id=spent.user_id, key=spent.email_key):
        user = User.objects(id=spent.user_id, email_key=spent.email_key).first()
        if user is None or not user.email_verified:  # the address changed since the mail
            raise email_tokens.invalid()
    email_tokens.forget(purpose="verify-email", user_id=spent.user_id)


def mark_verified(*, user_id, key: str) -> bool:
    """Marks `key` verified (if it is still the account's address) with its event, in one
    update; False when there was nothing to do."""
    now = utcnow()
    return bool(
        User.objects(id=user_id, email_key=key, email_verified_at=None, deleted_at=None).update_one(
            set__email_verified_at=now,
            set__updated_at=now,
            inc__version=1,
            **events.emit("user.verified", user_id=user_id),
        )
    )
