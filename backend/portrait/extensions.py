"""Extension singletons, initialised per app with `init_app` in `create_app`."""

from __future__ import annotations

from flask import request
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_smorest import Api

from portrait.errors import ProblemSchema
from portrait.ratelimit_store import MongoCounterStorage  # noqa: F401  (registers portrait+mongodb)


class PortraitApi(Api):
    """flask-smorest's Api whose error responses are documented (and sent) as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        # portrait.errors.init_app owns every error handler, so errors have one shape.
        pass


def client_ip() -> str:
    # ProxyFix (PROXY_HOPS) has already rewritten remote_addr when proxies are trusted.
    return request.remote_addr or "unknown"


api = PortraitApi()
jwt = JWTManager()
limiter = Limiter(key_func=client_ip)
cors = CORS()
