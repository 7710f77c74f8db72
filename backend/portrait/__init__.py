"""Portrait API: the Flask application factory.

Configuration flows defaults -> environment -> `test_config` through one validated
`Settings` object (portrait.config); extensions are initialised with `init_app`; the
blueprints come from the one list in portrait.api.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portrait.config import OPTIONS_BY_NAME, Settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    settings = Settings.load(os.environ, test_config)
    app = Flask(__name__)
    app.config.from_mapping(settings.flask_config())
    # Test overrides that are not settings (e.g. a Flask or extension key) apply last.
    app.config.from_mapping(
        {k: v for k, v in (test_config or {}).items() if k not in OPTIONS_BY_NAME}
    )
    app.extensions["portrait.settings"] = settings
    logging.getLogger("portrait").setLevel(settings["LOG_LEVEL"])
    if settings["PROXY_HOPS"]:
        hops = settings["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portrait import cli, db, docs, errors, mail, request_limits, web
    from portrait.api import BLUEPRINTS
    from portrait.events import health as events_health
    from portrait.events import models as events
    from portrait.events.cli import events_cli
    from portrait.extensions import api, cors, jwt, limiter
    from portrait.models import RefreshSession, User
    from portrait.models.audit import AuditEntry
    from portrait.models.login_failure import LoginFailures
    from portrait.models.media import AvatarLease, Media
    from portrait.models.moderation import HeldRefusal, ModerationEvent, ModerationItem, Report
    from portrait.models.security_event import SecurityEvent
    from portrait.models.token import EmailToken

    # limits finds a storage by its URI scheme among the classes defined: this one defines
    # portrait+mongodb, the default RATELIMIT_STORAGE_URI on MongoDB.
    from portrait.ratelimit_store import MongoCounterStorage  # noqa: F401
    from portrait.services import (
        accounts,
        avatar,
        avatar_models,
        media,
        media_cleanup,
        model_catalog,
        security_log,
    )
    from portrait.services.health import add_readiness_check, add_readiness_detail, check_database
    from portrait.services.sessions import init_jwt

    moderation_documents = [ModerationItem, Report, HeldRefusal, AuditEntry]
    documents = [User, RefreshSession, Media, AvatarLease, ModerationEvent, *moderation_documents]
    documents += [SecurityEvent, LoginFailures]  # the security log and the login delay
    documents += [EmailToken, *events.DOCUMENTS]  # the mailed links' tokens; the events
    db.init_app(app, documents=documents)
    add_readiness_check(app, "database", lambda: check_database(app))
    add_readiness_detail(app, "events", events_health.lag)  # the dispatcher's lag, informative
    avatar_models.init_app(app)  # the model-service client, and its /readyz check
    model_catalog.init_app(app)  # the Models page's short-lived copy of the catalog
    media.init_app(app)  # the media store
    accounts.add_deletion_hook(app, avatar.delete_all_media)
    accounts.add_deletion_hook(app, security_log.delete_user_events)
    media_cleanup.init_app(app)
    mail.init_app(app)  # the mailer and its sending thread (portrait.mail)
    api.init_app(app)
    _declare_security_schemes(api)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    docs.init_app(app)
    jwt.init_app(app)
    init_jwt(jwt)
    limiter.init_app(app)
    if app.config["CORS_ORIGINS"]:
        cors.init_app(
            app,
            resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
            supports_credentials=True,
            expose_headers=["ETag", "Retry-After", "Location"],
        )
    request_limits.init_app(app)
    web.init_app(app)
    app.cli.add_command(cli.users)
    app.cli.add_command(events_cli)
    errors.init_app(app)  # last: replaces the handlers the extensions registered


def _declare_security_schemes(api) -> None:
    components = api.spec.components
    bearer = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    components.security_scheme("bearerAuth", {**bearer, "description": "Access token"})
    components.security_scheme("refreshBearer", {**bearer, "description": "Refresh token"})
    components.security_scheme(
        "refreshCookie",
        {"type": "apiKey", "in": "cookie", "name": "refresh_token_cookie"},
    )
