"""Sign-up, login, token refresh (rotating) and logout."""

from __future__ import annotations

import jwt as pyjwt
from flask import after_this_request, current_app, request
from flask_jwt_extended import (
    get_jwt,
    get_jwt_request_location,
    set_refresh_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)
from flask_smorest import Blueprint

from portrait.api import account_mail
from portrait.extensions import configured, limiter, wrong_password_limit
from portrait.http import no_store
from portrait.models.user import email_key
from portrait.schemas.account_mail import AcceptedSchema
from portrait.schemas.auth import (
    AuthSchema,
    ClientQuerySchema,
    LoginAnswerSchema,
    LoginSchema,
    SignupSchema,
    TokenPairSchema,
)
from portrait.schemas.totp import MfaLoginSchema
from portrait.services import accounts, login_guard, mfa_tokens, sessions, verification
from portrait.services.sessions import TokenPair

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and tokens")

REFRESH_SECURITY = [{"refreshBearer": []}, {"refreshCookie": []}]


def _account_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return login_guard.account_key(email_key(email) if isinstance(email, str) else "")


def _mfa_account_key() -> str:
    # The account behind a valid mfa_token: wrong codes spend the same budget as passwords.
    body = request.get_json(silent=True)
    user = mfa_tokens.peek(body.get("mfa_token") if isinstance(body, dict) else None)
    return login_guard.account_key(user.email_key if user else "")


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")


def _bearer_token_type() -> str | None:
    """The `type` claim of the Authorization Bearer token, unverified: it only picks which
    credential to verify (fully) below, so a forged claim gains nothing."""
    config = current_app.config
    scheme, _, token = request.headers.get(config["JWT_HEADER_NAME"], "").partition(" ")
    if scheme != config["JWT_HEADER_TYPE"] or not token:
        return None
    try:
        claims = pyjwt.decode(token.strip(), options={"verify_signature": False})
    except pyjwt.PyJWTError:
        return None
    return claims.get("type") if isinstance(claims, dict) else None


def verify_session_token(*, refresh: bool) -> None:
    """The credential used decides whether CSRF applies. A refresh token in the Authorization
    header (mobile) is used alone, whatever cookies the client's jar also holds: a cross-site
    page cannot send that header, so it needs no CSRF token. Otherwise the refresh cookie wins,
    even when the SPA also sends its access token, and always with its CSRF check. With no
    cookie, the Bearer header (for logout, either token type)."""
    if _bearer_token_type() == "refresh":
        verify_jwt_in_request(refresh=True, locations=["headers"])
    elif request.cookies.get(current_app.config["JWT_REFRESH_COOKIE_NAME"]):
        verify_jwt_in_request(refresh=True, locations=["cookies"])
    else:
        verify_jwt_in_request(refresh=refresh, verify_type=refresh, locations=["headers"])


def verify_leaving_session() -> dict:
    """For the logout endpoints: the claims of the session being left, whose cookies go
    with the response (registered first: a stale cookie is cleared even when this is 401)."""

    @after_this_request
    def _forget_cookies(response):
        unset_jwt_cookies(response)
        return response

    verify_session_token(refresh=False)
    return get_jwt()


def _deliver(pair: TokenPair, client: str, **extra) -> dict:
    """Mobile clients get the refresh token in the body; browsers get it as an httpOnly
    cookie only, where page scripts (and so XSS) cannot read it."""

    @after_this_request
    def _headers(response):
        no_store(response)
        if client == "browser":
            set_refresh_cookies(response, pair.refresh_token)
        return response

    body = {"access_token": pair.access_token, "expires_in": pair.expires_in, **extra}
    if client == "mobile":
        body["refresh_token"] = pair.refresh_token
    return body


@bp.route("/signup", methods=["POST"])
@limiter.limit(configured("RATELIMIT_SIGNUP"))
@bp.arguments(ClientQuerySchema, location="query", as_kwargs=True)
@bp.arguments(SignupSchema)
@bp.response(201, AuthSchema)
@bp.alt_response(
    202,
    schema=AcceptedSchema,
    description="EMAIL_VERIFICATION=required: no session yet; the same answer whether or not "
    "the address is taken (a link, or a notice to the owner, is mailed)",
)
@bp.alt_response(409, response="CONFLICT", description="The handle (or, optional mode, email)")
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.doc(operationId="signup", security=[])
def signup(data, client):
    """Create an account: signed in at once, or (required mode) after the mailed link."""
    signed_up = verification.signup(data=data, user_agent=_user_agent())
    if signed_up is None:
        return account_mail.accepted()
    user, pair = signed_up
    return _deliver(pair, client, user=user)


@bp.route("/login", methods=["POST"])
@limiter.limit(configured("RATELIMIT_LOGIN"))
@wrong_password_limit(key_func=_account_key)
@bp.arguments(ClientQuerySchema, location="query", as_kwargs=True)
@bp.arguments(LoginSchema)
@bp.response(200, LoginAnswerSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN", description="Suspended, or email not verified yet")
@bp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many attempts; wait")
@bp.doc(operationId="login", security=[])
def login(data, client):
    """Log in with email and password: a session, or `mfa_required` and an `mfa_token`
    when two-factor sign-in is on (then POST /auth/login/mfa with a code)."""
    user, pair = accounts.login(**data, user_agent=_user_agent(), request=request)
    if pair is None:
        after_this_request(no_store)
        return {"mfa_required": True, "mfa_token": mfa_tokens.issue(user)}
    return _deliver(pair, client, user=user, token_type="Bearer")


@bp.route("/login/mfa", methods=["POST"])
@limiter.limit(configured("RATELIMIT_LOGIN"))
@wrong_password_limit(key_func=_mfa_account_key)
@bp.arguments(ClientQuerySchema, location="query", as_kwargs=True)
@bp.arguments(MfaLoginSchema)
@bp.response(200, AuthSchema)
@bp.alt_response(401, response="UNAUTHORIZED", description="Wrong code, or mfa_token not valid")
@bp.alt_response(403, response="FORBIDDEN", description="Suspended")
@bp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many attempts; wait")
@bp.doc(operationId="loginSecondFactor", security=[])
def login_second_factor(data, client):
    """Complete a login with a TOTP code (or a single-use recovery code)."""
    user, pair = accounts.login_second_factor(**data, user_agent=_user_agent(), request=request)
    return _deliver(pair, client, user=user)


@bp.route("/refresh", methods=["POST"])
@limiter.limit(configured("RATELIMIT_REFRESH"))
@bp.response(200, TokenPairSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.doc(operationId="refreshTokens", security=REFRESH_SECURITY)
def refresh():
    """Spend the refresh token for a new token pair (reuse revokes the session)."""
    verify_session_token(refresh=True)
    claims = get_jwt()
    pair = sessions.rotate_session(
        sid=claims["sid"], jti=claims["jti"], user_id=claims["sub"], request=request
    )
    client = "browser" if get_jwt_request_location() == "cookies" else "mobile"
    return _deliver(pair, client)


@bp.route("/logout", methods=["POST"])
@bp.response(204)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.doc(operationId="logout", security=[{"bearerAuth": []}, *REFRESH_SECURITY])
def logout():
    """End the session of the presented access or refresh token."""
    claims = verify_leaving_session()
    sessions.logout(sid=claims["sid"], user_id=claims["sub"], request=request)
