"""Issue and spend the one-time tokens of account mails (portrait.models.token)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from bson import ObjectId

from portrait import mail
from portrait.errors import BadRequest
from portrait.models.base import utcnow
from portrait.models.token import EmailToken
from portrait.models.user import email_key

LIFETIMES = {
    "verify-email": timedelta(hours=24),
    "reset-password": timedelta(minutes=30),
    "change-email": timedelta(hours=24),
}
MAX_TOKEN_LENGTH = 100  # a real one is 43 characters; longer input is not worth hashing


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(*, purpose: str, user_id: ObjectId, email: str, new_email: str | None = None) -> str:
    """A new random token (32 bytes) for `purpose`; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    EmailToken(
        token_hash=_digest(token),
        purpose=purpose,
        user_id=user_id,
        email_key=email_key(email),
        new_email=new_email,
        expires_at=utcnow() + LIFETIMES[purpose],
    ).save(force_insert=True)
    return token


def mail_link(
    *, user, purpose: str, page: str, template: str, subject: str, to: str | None = None
) -> None:
    """Issues a token for `purpose` and mails its link to the SPA `page`, to the account's
    address (or `to`, the new one of an email change)."""
    token = issue(purpose=purpose, user_id=user.id, email=user.email, new_email=to)
    mail.send(
        to=to or user.email,
        template=template,
        subject=subject,
        display_name=user.display_name,
        link=mail.link(page, token),
    )


def spend(*, purpose: str, token: str) -> EmailToken:
    """Deletes and returns the token if it is live and for `purpose`; else 400 and nothing
    changes. One atomic find-and-delete: two requests with one token cannot both win."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise invalid()
    found = EmailToken.objects(
        token_hash=_digest(token), purpose=purpose, expires_at__gt=utcnow()
    ).modify(remove=True)
    if found is None:
        raise invalid()
    return found


def forget(*, purpose: str, user_id: ObjectId) -> None:
    """Ends the user's other tokens of `purpose` (one reset makes older reset links void)."""
    EmailToken.objects(user_id=user_id, purpose=purpose).delete()


def invalid() -> BadRequest:
    return BadRequest(
        "This link is invalid, already used or expired. Ask for a new one.",
        type_suffix="invalid-token",
        errors={"token": ["invalid or expired"]},
    )
