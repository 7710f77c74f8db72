"""Two-factor sign-in with TOTP (RFC 6238, any authenticator app) and single-use recovery
codes. The secret is encrypted at rest with a key derived from SECRET_KEY, so a copy of the
database alone cannot mint codes; rotating SECRET_KEY therefore ends every enrolment (the
owner uses a recovery code, or an operator disables 2FA)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from flask import Request, current_app

from portrait.errors import BadRequest, Conflict, Unauthorized
from portrait.models import User
from portrait.models.base import utcnow
from portrait.security import verify_password
from portrait.services import login_guard, security_log

ISSUER = "Portrait"
RECOVERY_CODES = 10
VALID_WINDOW = 1  # one 30 s step either side: clocks drift, people type slowly


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, b"portrait totp secret", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _open(sealed: str) -> str | None:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:  # sealed under another SECRET_KEY
        return None


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _normalise(code: str) -> str:
    return code.strip().replace(" ", "").replace("-", "").lower()


def wrong_code(**extra: Any) -> Unauthorized:
    return Unauthorized(
        "The code is wrong or was already used.",
        type_suffix="invalid-code",
        errors={"code": ["wrong code"]},
        **extra,
    )


def check_password(*, user: User, password: str) -> None:
    """Slowed like failed logins (the same account + address pair)."""
    with login_guard.guarding(account=login_guard.account_key(user.email_key)):
        if not verify_password(user.password_hash, password):
            raise Unauthorized(
                "The password is wrong.",
                type_suffix="invalid-credentials",
                errors={"password": ["wrong password"]},
            )


def start(*, user: User, password: str) -> dict[str, str]:
    """A new secret, pending until `confirm` sees a code made from it."""
    check_password(user=user, password=password)
    if user.totp_enabled:
        raise Conflict("Two-factor sign-in is already on; turn it off first.")
    secret = pyotp.random_base32()
    User.objects(id=user.id).update_one(set__totp_pending=_seal(secret))
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m").svg_data_uri(scale=4, border=2)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr}


def _matching_step(secret: str, code: str) -> int | None:
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    code = _normalise(code)
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm(*, user: User, code: str, request: Request | None = None) -> list[str]:
    """Turns 2FA on and returns the recovery codes (shown once; only hashes are kept)."""
    secret = _open(user.totp_pending) if user.totp_pending else None
    if secret is None:
        raise BadRequest("Start the enrolment first.", type_suffix="totp-not-started")
    step = _matching_step(secret, code)
    if step is None:
        raise BadRequest(
            "The code is wrong; type the current one.", errors={"code": ["wrong code"]}
        )
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]  # 10 hex digits each
    done = User.objects(id=user.id, totp_pending=user.totp_pending, totp_secret=None).update_one(
        set__totp_secret=user.totp_pending,
        set__totp_pending=None,
        set__totp_last_step=step,
        set__recovery_codes=[_digest(c) for c in codes],
        set__updated_at=utcnow(),
        inc__version=1,
    )
    if not done:  # enrolled (or restarted) meanwhile
        raise Conflict("The enrolment changed meanwhile; start again.")
    security_log.record(user, "mfa-enabled", request)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _spend_totp(user: User, code: str) -> bool:
    secret = _open(user.totp_secret) if user.totp_secret else None
    step = _matching_step(secret, code) if secret else None
    if step is None:
        return False
    # Conditional: a code (or an older one) already accepted is refused, even by a racer.
    return bool(
        User.objects(id=user.id, totp_last_step__lt=step).update_one(set__totp_last_step=step)
    )


def _spend_recovery(user: User, code: str) -> bool:
    digest = _digest(code)
    return bool(
        User.objects(id=user.id, recovery_codes=digest).update_one(pull__recovery_codes=digest)
    )


def verify(*, user: User, code: str, request: Request | None = None) -> None:
    """A current TOTP code (each accepted once) or an unused recovery code, else 401.
    The caller counts the 401 in the login delay (portrait.services.login_guard)."""
    digits = _normalise(code)
    if digits.isdigit() and len(digits) == 6:
        if _spend_totp(user, digits):
            return
    elif _spend_recovery(user, digits):
        security_log.record(user, "recovery-code-used", request, left=len(user.recovery_codes) - 1)
        return
    security_log.record(user, "mfa-failed", request)
    raise wrong_code()


def require(*, user: User, code: str | None, request: Request | None = None) -> None:
    """For dangerous actions: an enrolled account must also give a code."""
    if not user.totp_enabled:
        return
    if not code:
        raise Unauthorized(
            "Two-factor sign-in is on: give a code from your app (or a recovery code).",
            type_suffix="code-required",
            errors={"code": ["required"]},
        )
    with login_guard.guarding(account=login_guard.account_key(user.email_key)):
        verify(user=user, code=code, request=request)


def reauthenticate(
    *, user: User, password: str, code: str | None = None, request: Request | None = None
) -> None:
    """Dangerous actions: the current password, and a code when two-factor sign-in is on."""
    check_password(user=user, password=password)
    require(user=user, code=code, request=request)


def disable(*, user: User, password: str, code: str, request: Request | None = None) -> None:
    if not user.totp_enabled:
        raise Conflict("Two-factor sign-in is not on.")
    reauthenticate(user=user, password=password, code=code, request=request)
    User.objects(id=user.id).update_one(
        set__totp_secret=None,
        set__totp_pending=None,
        set__totp_last_step=0,
        set__recovery_codes=[],
        set__updated_at=utcnow(),
        inc__version=1,
    )
    security_log.record(user, "mfa-disabled", request)
