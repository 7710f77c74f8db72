"""Settings: one typed, validated object built from defaults, the environment and overrides.

Every option is declared once in `OPTIONS` with its default and a one-line description; the
configuration table in docs/configuration.md lists the same names (tests/test_docs.py keeps
them in step).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("development", "production", "testing")
# Placeholders people copy from examples; never acceptable as a production secret.
PLACEHOLDER_SECRETS = {"", "dev", "changeme", "change-me", "secret", "development"}
MIN_SECRET_LENGTH = 32


class ConfigError(ValueError):
    """Raised at start-up when the configuration cannot run safely."""


@dataclass(frozen=True)
class Option:
    name: str
    type: type
    default: Any
    help: str


OPTIONS: tuple[Option, ...] = (
    Option("PORTRAIT_ENV", str, "development", "development, production or testing."),
    Option("SECRET_KEY", str, None, "Signs tokens. Required in production (32+ chars)."),
    Option("MONGO_URI", str, None, "MongoDB URI; unset = embedded in-memory store (mongomock)."),
    Option("MONGO_DB", str, "portrait", "Database name used when MONGO_URI names none."),
    Option("MODELS_URL", str, "http://127.0.0.1:8001", "Base URL of the model service."),
    Option("CORS_ORIGINS", list, [], "Comma-separated origins allowed by CORS (none by default)."),
    Option("WEB_DIST", str, str(REPO_ROOT / "frontend" / "dist"), "Built SPA served at /."),
    Option("ACCESS_TOKEN_MINUTES", int, 15, "Lifetime of an access token."),
    Option("REFRESH_TOKEN_DAYS", int, 30, "Lifetime of a refresh session without use."),
    Option(
        "SESSION_MAX_AGE", int, 30 * 86400, "Seconds a session lasts at most, however refreshed."
    ),
    Option(
        "REFRESH_REUSE_GRACE", int, 10, "Seconds a just-spent refresh token gets its pair again."
    ),
    Option("COOKIE_SECURE", bool, None, "Refresh cookie only over HTTPS (default: production)."),
    Option("COOKIE_SAMESITE", str, "Strict", "SameSite of the refresh cookie: Strict or Lax."),
    Option("RATELIMIT_ENABLED", bool, True, "Turn rate limiting on or off."),
    Option("RATELIMIT_STORAGE_URI", str, None, "Limiter storage; default MONGO_URI, else memory."),
    Option("RATELIMIT_SIGNUP", str, "10 per hour", "Sign-ups per client IP."),
    Option("RATELIMIT_LOGIN", str, "30 per minute", "Login attempts per client IP."),
    Option(
        "RATELIMIT_LOGIN_FAILURES",
        str,
        "10 per 15 minutes",
        "Wrong passwords per account and client address (IPv6: per /64).",
    ),
    Option(
        "RATELIMIT_LOGIN_FAILURES_PER_ADDRESS",
        str,
        "50 per 15 minutes",
        "Wrong passwords per client address (IPv6: per /64), whatever the account.",
    ),
    Option("LOGIN_DELAY_AFTER", int, 3, "Failures per account and address before delays start."),
    Option("LOGIN_DELAY_MAX", int, 300, "Longest delay (seconds) between failing attempts."),
    Option("RATELIMIT_REFRESH", str, "60 per minute", "Token refreshes per client IP."),
    Option("RATELIMIT_AVATAR", str, "30 per hour", "Avatar uploads + re-framings per account."),
    Option(
        "MODELS_TRY_RATE_LIMIT", str, "10 per minute", "Model tries (Models page) per client IP."
    ),
    Option("MODELS_CATALOG_RATE_LIMIT", str, "60 per minute", "Model catalog reads per client IP."),
    Option("PROXY_HOPS", int, 0, "Trusted reverse proxies in front (for X-Forwarded-For)."),
    Option("MAX_REQUEST_BYTES", int, 12 * 1024 * 1024, "Largest request body accepted."),
    Option("JSON_MAX_BYTES", int, 64 * 1024, "Largest JSON request body (else 413)."),
    Option("REQUEST_BODY_TIMEOUT", int, 30, "Seconds a request body may take to arrive (408)."),
    Option("AVATAR_MAX_BYTES", int, 10 * 1024 * 1024, "Largest avatar upload (else 413)."),
    Option("AVATAR_MAX_PIXELS", int, 40_000_000, "Most pixels an avatar upload may declare."),
    Option("AVATAR_DECODE_MAX_BYTES", int, 256 << 20, "Most memory one upload's decode may take."),
    Option("AVATAR_DECODES_PER_PROCESS", int, 1, "Uploads decoded at once per process."),
    Option("AVATAR_DECODE_WAIT", int, 5, "Seconds an upload waits for a decode slot (then 503)."),
    Option("MEDIA_CLEANUP_INTERVAL", int, 3600, "Seconds between orphan-media passes; 0 = off."),
    Option("MODELS_TIMEOUT", int, 5, "Seconds to wait for the model service (then 503)."),
    Option("MODERATION_REVIEW_AT", float, 0.25, "Policy score from which a person must approve."),
    Option("MODERATION_REJECT_AT", float, 0.5, "Policy score from which a picture is refused."),
    Option("MODERATION_APPEAL_DAYS", int, 14, "Days an undecided appeal's picture is kept."),
    Option("ARGON2_TIME_COST", int, 3, "argon2id iterations."),
    Option("ARGON2_MEMORY_KIB", int, 65536, "argon2id memory in KiB."),
    Option("ARGON2_PARALLELISM", int, 4, "argon2id lanes."),
    Option("LOG_LEVEL", str, "INFO", "Python log level."),
    Option("SECURITY_LOG_DAYS", int, 90, "Days a security event is kept."),
    Option("PASSWORD_MIN_SCORE", int, 3, "Least zxcvbn score (0-4) a new password needs."),
    Option(
        "PUBLIC_URL", str, "http://127.0.0.1:8000", "Where users reach Portrait (events' source)."
    ),
    Option(
        "EVENTS_REDIS_URL", str, None, "Also add every event to this Redis' stream; unset = off."
    ),
    Option("EVENTS_REDIS_STREAM", str, "portrait.events", "Name of the Redis Stream of events."),
    Option("EVENTS_REDIS_MAXLEN", int, 100_000, "Approximate cap on the stream's length."),
    Option("EVENTS_POLL_SECONDS", float, 1.0, "How often an idle dispatcher looks for events."),
    Option("EVENTS_LEASE_SECONDS", int, 60, "A claimed delivery is retried by another after this."),
    Option(
        "EVENTS_RETRY_BASE_SECONDS", float, 5.0, "First retry delay; doubles each time (max 1 h)."
    ),
    Option("WEBHOOKS_TIMEOUT", float, 5.0, "Seconds a webhook receiver has to answer."),
    Option(
        "WEBHOOKS_RETRY_HOURS", float, 24.0, "Retry a failing delivery this long, then give up."
    ),
    Option("WEBHOOKS_ALLOW_PRIVATE", bool, False, "Allow webhook URLs on private/loopback hosts."),
    Option("MAIL_BACKEND", str, None, "smtp, file, console or memory (default by PORTRAIT_ENV)."),
    Option("SMTP_URL", str, None, "smtp[+starttls]|smtps://user:pass@host:port (smtp backend)."),
    Option("MAIL_FROM", str, "Portrait <no-reply@localhost>", "Sender of every mail."),
    Option("MAIL_DIR", str, str(REPO_ROOT / ".data" / "mail"), "The file backend's .eml folder."),
    Option("MAIL_RETRIES", int, 3, "Retries of a mail the SMTP server refused (then logged)."),
    Option("MAIL_RETRY_SECONDS", float, 5.0, "First mail retry delay; doubles each time."),
    Option("EMAIL_VERIFICATION", str, None, "required or optional (default: production required)."),
    Option("RATELIMIT_MAIL", str, "5 per hour", "Mails asked for (resend, forgot) per address."),
    Option("RATELIMIT_MAIL_IP", str, "30 per hour", "Mail and reset requests per client IP."),
)
OPTIONS_BY_NAME = {option.name: option for option in OPTIONS}


def _parse(option: Option, raw: Any) -> Any:
    if raw is None or not isinstance(raw, str):
        return raw
    raw = raw.strip()
    if option.type in (int, float):
        try:
            return option.type(raw)
        except ValueError as exc:
            raise ConfigError(f"{option.name} must be a number, got {raw!r}") from exc
    if option.type is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{option.name} must be true or false, got {raw!r}")
    if option.type is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw or None


@dataclass(frozen=True)
class Settings:
    """The validated configuration; `values` maps option names to typed values."""

    values: Mapping[str, Any]

    @classmethod
    def load(cls, environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None):
        """Defaults, then `environ`, then `overrides` (tests); validated before use."""
        values = {option.name: option.default for option in OPTIONS}
        for option in OPTIONS:
            if option.name in environ:
                values[option.name] = _parse(option, environ[option.name])
        for name, value in (overrides or {}).items():
            if name in OPTIONS_BY_NAME:
                values[name] = _parse(OPTIONS_BY_NAME[name], value)
        return cls(_validated(values))

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def flask_config(self) -> dict[str, Any]:
        """The Flask / extension configuration keys derived from these settings."""
        v = self.values
        return {
            **v,
            "TESTING": v["PORTRAIT_ENV"] == "testing",
            "MAX_CONTENT_LENGTH": v["MAX_REQUEST_BYTES"],
            "JWT_TOKEN_LOCATION": ["headers", "cookies"],
            "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=v["ACCESS_TOKEN_MINUTES"]),
            "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=v["REFRESH_TOKEN_DAYS"]),
            "JWT_COOKIE_SECURE": v["COOKIE_SECURE"],
            "JWT_COOKIE_SAMESITE": v["COOKIE_SAMESITE"],
            "JWT_COOKIE_CSRF_PROTECT": True,
            # The refresh cookie travels only to the auth endpoints; its CSRF twin is readable
            # by the SPA's script on every page so it can send the X-CSRF-TOKEN header.
            "JWT_REFRESH_COOKIE_PATH": "/api/v1/auth",
            "JWT_REFRESH_CSRF_COOKIE_PATH": "/",
            "JWT_SESSION_COOKIE": False,
            "RATELIMIT_STORAGE_URI": v["RATELIMIT_STORAGE_URI"],
            "RATELIMIT_HEADERS_ENABLED": False,
            "RATELIMIT_KEY_PREFIX": "portrait",
            "API_TITLE": "Portrait API",
            "API_VERSION": "v1",
            "OPENAPI_VERSION": "3.0.3",
            # Paths carry their /api/v1 (health and /media sit at the root), so the server is
            # the origin that served the document; clients pass their own base URL.
            "API_SPEC_OPTIONS": {
                "servers": [{"url": "/", "description": "The origin serving this document"}],
                "info": {
                    "license": {
                        "name": "AGPL-3.0-or-later",
                        "url": "https://www.gnu.org/licenses/agpl-3.0.html",
                    }
                },
            },
            "OPENAPI_URL_PREFIX": "/api",
            "OPENAPI_JSON_PATH": "v1/openapi.json",
            "OPENAPI_SWAGGER_UI_PATH": "docs",
            # Served by portrait.docs from an installed package: no CDN, works offline.
            "OPENAPI_SWAGGER_UI_URL": "/api/docs/ui/",
            "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},  # no badge from a third party
        }


def _validated(values: dict[str, Any]) -> dict[str, Any]:
    env = values["PORTRAIT_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTRAIT_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    values["SECRET_KEY"] = _secret_key(env, values["SECRET_KEY"])
    if values["COOKIE_SECURE"] is None:
        values["COOKIE_SECURE"] = env == "production"
    if values["COOKIE_SAMESITE"] not in {"Strict", "Lax"}:
        raise ConfigError("COOKIE_SAMESITE must be Strict or Lax")
    for name in (
        "ACCESS_TOKEN_MINUTES",
        "REFRESH_TOKEN_DAYS",
        "SESSION_MAX_AGE",
        "LOGIN_DELAY_MAX",
        "SECURITY_LOG_DAYS",
        "MAX_REQUEST_BYTES",
        "JSON_MAX_BYTES",
        "REQUEST_BODY_TIMEOUT",
        "AVATAR_DECODE_MAX_BYTES",
        "AVATAR_DECODES_PER_PROCESS",
        "MODERATION_APPEAL_DAYS",
    ):
        if values[name] <= 0:
            raise ConfigError(f"{name} must be positive")
    if env == "production" and not values["MONGO_URI"]:
        # The embedded store is in memory, per process and not thread-safe: in production it
        # would lose every account at a restart and diverge between gunicorn workers.
        raise ConfigError("MONGO_URI is required in production (the embedded store is for trying)")
    if values["AVATAR_DECODE_WAIT"] < 0:
        raise ConfigError("AVATAR_DECODE_WAIT must be 0 or more")
    if not 0.25 <= values["MODERATION_REVIEW_AT"] < values["MODERATION_REJECT_AT"] <= 1:
        # NudeNet reports nothing under 0.25, so a lower review line would mean nothing.
        raise ConfigError("need 0.25 <= MODERATION_REVIEW_AT < MODERATION_REJECT_AT <= 1")
    for name in ("PROXY_HOPS", "REFRESH_REUSE_GRACE", "LOGIN_DELAY_AFTER"):
        if values[name] < 0:
            raise ConfigError(f"{name} must be 0 or more")
    if not 0 <= values["PASSWORD_MIN_SCORE"] <= 4:
        raise ConfigError("PASSWORD_MIN_SCORE must be 0 to 4")
    if not values["RATELIMIT_STORAGE_URI"]:
        # Shared by every worker; portrait.ratelimit_store explains the prefix.
        mongo = values["MONGO_URI"]
        values["RATELIMIT_STORAGE_URI"] = f"portrait+{mongo}" if mongo else "memory://"
    for origin in values["CORS_ORIGINS"]:
        if origin == "*" and env == "production":
            raise ConfigError("CORS_ORIGINS='*' is refused in production; list the origins")
    _validate_mail(env, values)
    return values


MAIL_BACKENDS = ("smtp", "file", "console", "memory")
# Production sends real mail and verifies addresses; a developer's run writes .eml files and
# signs a new account in at once; tests keep mail in memory (portrait.mail).
MAIL_DEFAULTS = {"production": "smtp", "development": "file", "testing": "memory"}


def _validate_mail(env: str, values: dict[str, Any]) -> None:
    values["MAIL_BACKEND"] = values["MAIL_BACKEND"] or MAIL_DEFAULTS[env]
    if values["MAIL_BACKEND"] not in MAIL_BACKENDS:
        raise ConfigError(f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}")
    if values["MAIL_BACKEND"] == "smtp" and not values["SMTP_URL"]:
        raise ConfigError("SMTP_URL is required with MAIL_BACKEND=smtp (the production default)")
    if values["MAIL_RETRIES"] < 0 or values["MAIL_RETRY_SECONDS"] < 0:
        raise ConfigError("MAIL_RETRIES and MAIL_RETRY_SECONDS must be 0 or more")
    mode = values["EMAIL_VERIFICATION"] or ("required" if env == "production" else "optional")
    if mode not in ("required", "optional"):
        raise ConfigError("EMAIL_VERIFICATION must be required or optional")
    values["EMAIL_VERIFICATION"] = mode


def _secret_key(env: str, key: str | None) -> str:
    weak = key is None or key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH
    if env == "production" and weak:
        raise ConfigError(
            f"SECRET_KEY must be set to a random value of {MIN_SECRET_LENGTH}+ characters in "
            "production (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if key is None:
        if env == "development":
            log.warning("SECRET_KEY is not set: generated one; tokens end when the process does")
        return secrets.token_urlsafe(48)
    return key
