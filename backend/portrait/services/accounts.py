"""Accounts: sign-up, login, password change, deletion (with hooks for owned data)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bson import ObjectId
from flask import Flask, Request, current_app
from mongoengine.errors import NotUniqueError

from portrait import events
from portrait.errors import Conflict, Forbidden, Unauthorized
from portrait.events import relay
from portrait.models import User
from portrait.models.user import email_key, handle_key, utcnow
from portrait.security import hash_password, needs_rehash, verify_password
from portrait.services import login_guard, mfa_tokens, security_log, sessions, totp
from portrait.services.sessions import TokenPair

log = logging.getLogger(__name__)

DELETION_HOOKS = "portrait.account_deletion_hooks"


def add_deletion_hook(app: Flask, hook: Callable[[User], None]) -> None:
    """Runs `hook(user)` when an account of `app` is deleted: after its sessions are revoked,
    before the account document goes (create_app adds the avatar pipeline's, which deletes
    the user's media). A hook that raises aborts the deletion (the account stays, the client
    may retry): no orphans."""
    app.extensions.setdefault(DELETION_HOOKS, []).append(hook)


def ensure_unique(
    *, email: str | None = None, handle: str | None = None, user: User | None = None
) -> None:
    """409 when another account already has this email or handle (case-insensitively)."""
    others = User.objects(id__ne=user.id) if user else User.objects
    if email and others.filter(email_key=email_key(email)).first():
        raise Conflict("An account with this email already exists.", errors={"email": ["taken"]})
    if handle and others.filter(handle_key=handle_key(handle)).first():
        raise Conflict("This handle is taken.", errors={"handle": ["taken"]})


def create_user(
    *, email: str, password: str, handle: str, display_name: str, password_hash: str = ""
) -> User:
    """`password_hash`: already made from `password` (portrait.services.verification)."""
    ensure_unique(email=email, handle=handle)
    user_id = ObjectId()  # known before the insert: the event names it
    public = {"handle": handle.strip(), "display_name": display_name}
    user = User(
        id=user_id,
        outbox=[events.new_event("user.created", user_id=user_id, data=public)],
        email=email.strip(),
        email_key=email_key(email),
        handle=handle.strip(),
        handle_key=handle_key(handle),
        display_name=display_name,
        password_hash=password_hash or hash_password(password),
    )
    try:
        user.save(force_insert=True)
    except NotUniqueError as exc:  # a concurrent sign-up won the race after our check
        raise Conflict("An account with this email or handle already exists.") from exc
    return user


def signup(
    *, data: dict[str, Any], user_agent: str = "", ip: str | None = None
) -> tuple[User, TokenPair]:
    user = create_user(**data)
    return user, sessions.start_session(user=user, user_agent=user_agent, ip=ip or "")


def authenticate(*, email: str, password: str) -> User:
    """The same error for an unknown email and a wrong password: no account discovery."""
    user = User.objects(email_key=email_key(email), deleted_at=None).first()
    matches = verify_password(user.password_hash if user else None, password)
    if user is None or not matches:
        raise Unauthorized("Wrong email or password.", type_suffix="invalid-credentials")
    if user.suspended:  # told only to whoever knows the password
        raise Forbidden("This account is suspended.", type_suffix="account-suspended")
    if not user.email_verified and current_app.config["EMAIL_VERIFICATION"] == "required":
        raise Forbidden(
            "Confirm your email address first: open the link we mailed you (or ask for a new one).",
            type_suffix="email-unverified",
        )
    if needs_rehash(user.password_hash):
        # Parameters were raised since this hash was made: upgrade it while we know the
        # password. Conditional on the old hash so a concurrent password change wins.
        User.objects(id=user.id, password_hash=user.password_hash).update_one(
            set__password_hash=hash_password(password)
        )
    return user


def login(
    *, email: str, password: str, user_agent: str = "", request: Request | None = None
) -> tuple[User, TokenPair | None]:
    """Slowed per account + client address (portrait.services.login_guard), never locked.
    No session (None) while a second factor is due: `login_second_factor` completes it."""
    with login_guard.guarding(account=login_guard.account_key(email_key(email))):
        try:
            user = authenticate(email=email, password=password)
        except Unauthorized:
            known = User.objects(email_key=email_key(email), deleted_at=None).first()
            security_log.record(known, "login-failed", request)
            raise
    if user.totp_enabled:
        return user, None
    return user, _start(user, user_agent, request)


def login_second_factor(
    *, mfa_token: str, code: str, user_agent: str = "", request: Request | None = None
) -> tuple[User, TokenPair]:
    """The code after the password; wrong codes are slowed like wrong passwords."""
    user = mfa_tokens.read(mfa_token)
    with login_guard.guarding(account=login_guard.account_key(user.email_key)):
        totp.verify(user=user, code=code, request=request)
    if user.suspended:  # suspended since the password step
        raise Forbidden("This account is suspended.", type_suffix="account-suspended")
    return user, _start(user, user_agent, request)


def _start(user: User, user_agent: str, request: Request | None) -> TokenPair:
    security_log.record(user, "login", request)
    ip = request.remote_addr if request else ""
    return sessions.start_session(user=user, user_agent=user_agent, ip=ip or "")


def change_password(
    *,
    user: User,
    current_password: str,
    new_password: str,
    sid: str,
    code: str | None = None,
    request: Request | None = None,
) -> None:
    """Changes the password and ends every other session (the current one stays). Wrong
    current passwords are slowed like failed logins (the same account + address pair); a
    code is needed too when two-factor sign-in is on."""
    with login_guard.guarding(account=login_guard.account_key(user.email_key)):
        if not verify_password(user.password_hash, current_password):
            raise Unauthorized(
                "The current password is wrong.",
                type_suffix="invalid-credentials",
                errors={"current_password": ["wrong password"]},
            )
    totp.require(user=user, code=code, request=request)
    User.objects(id=user.id).update_one(
        set__password_hash=hash_password(new_password), set__updated_at=utcnow()
    )
    ended = sessions.revoke_user_sessions(user_id=user.id, reason="password-changed", keep_sid=sid)
    security_log.record(user, "password-changed", request, sessions_ended=ended)


def delete_account(
    *, user: User, password: str, code: str | None = None, request: Request | None = None
) -> None:
    """After re-authentication (the password, and a code when enrolled): revokes sessions
    (tokens stop working at once), runs the hooks, then marks the account deleted with its
    event (one update) and hands it to the event relay, which deletes the document once its
    outbox is out (the dispatcher finishes if this request cannot)."""
    totp.reauthenticate(user=user, password=password, code=code, request=request)
    sessions.revoke_user_sessions(user_id=user.id, reason="account-deleted")
    for hook in current_app.extensions.get(DELETION_HOOKS, []):
        hook(user)
    User.objects(id=user.id, deleted_at=None).update_one(
        set__deleted_at=utcnow(),
        **events.emit("user.deleted", user_id=user.id, data={"handle": user.handle}),
    )
    relay.relay_user(user.id)
    sessions.delete_user_sessions(user_id=user.id)
    log.info("deleted account %s", user.id)
