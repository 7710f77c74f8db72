"""Extension singletons, initialised per app with `init_app` in `create_app`."""

from __future__ import annotations

import http

from flask import request
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from portrait.errors import PROBLEM_MIMETYPE, ProblemSchema
from portrait.ratelimit_store import MongoCounterStorage  # noqa: F401  (registers portrait+mongodb)


class PortraitApi(Api):
    """flask-smorest's Api whose error responses are documented (and sent) as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        # portrait.errors.init_app owns every error handler, so errors have one shape.
        pass

    def _register_responses(self) -> None:
        """Like flask-smorest's, but error responses are documented as problem+json."""
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"], content_type = self.ERROR_SCHEMA, PROBLEM_MIMETYPE
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def client_ip() -> str:
    # ProxyFix (PROXY_HOPS) has already rewritten remote_addr when proxies are trusted.
    return request.remote_addr or "unknown"


api = PortraitApi()
jwt = JWTManager()
limiter = Limiter(key_func=client_ip)
cors = CORS()
