"""Extension singletons, initialised per app with `init_app` in `create_app`."""

from __future__ import annotations

import http
import time

from flask import current_app, request
from flask_cors import CORS
from flask_jwt_extended import JWTManager, current_user
from flask_limiter import Limiter, RequestLimit
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from portrait.errors import TooManyRequests
from portrait.problems import PROBLEM_MIMETYPE, ProblemSchema
from portrait.schemas.base import OneOfSchemas
from portrait.services import login_guard

# Every 429 and 503 carries it (portrait.errors): clients back off for that long.
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying",
        "schema": {"type": "integer", "minimum": 1},
    }
}
_NULL_OBJECT = {"type": "object", "nullable": True}
# OpenAPI 3.0's way to say "null and nothing else" (`nullable` needs its `type` beside it).
ONLY_NULL = {**_NULL_OBJECT, "enum": [None]}


def nullable_ref(self, field, ret: dict, **_kwargs) -> dict:
    """apispec writes a nullable nested schema for OpenAPI 3.0 as anyOf [{type: object,
    nullable}, $ref]: generators merge that into one non-null class (Kotlin then throws on
    `"avatar": null`) or decode a real one as a free-form dict (Python). anyOf [$ref, only
    null] is what Kotlin, Swift, TypeScript and Python generators all read as optional; the
    3.1 form (type: null) would do too, but the bundled Swagger UI reads 3.0 only."""
    branches = ret.get("anyOf") or []
    if not (field.allow_none and _NULL_OBJECT in branches):
        return {}
    refs = [branch for branch in branches if branch != _NULL_OBJECT]
    return {"anyOf": [*refs, ONLY_NULL]}  # replaces apispec's anyOf in the property


def one_of_schemas(self, field, ret: dict, **_kwargs) -> dict:
    """A OneOfSchemas field as `oneOf` references to its schemas (components, like Nested's)."""
    if not isinstance(field, OneOfSchemas):
        return {}
    return {"oneOf": [self.resolve_nested_schema(schema) for schema in field.schemas]}


class PortraitApi(Api):
    """flask-smorest's Api whose error responses are documented (and sent) as problem+json,
    with a document that generated clients (tests/contract) use unchanged."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, **kwargs) -> None:
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(nullable_ref)
        self.ma_plugin.converter.add_attribute_function(one_of_schemas)

    def _register_error_handlers(self) -> None:
        # portrait.errors.init_app owns every error handler, so errors have one shape.
        pass

    def _register_pagination_header(self) -> None:
        # Pages are cursors in the body (ProfilePageSchema), never flask-smorest's header.
        pass

    def _register_responses(self) -> None:
        """Like flask-smorest's, but error responses are documented as problem+json."""
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"], content_type = self.ERROR_SCHEMA, PROBLEM_MIMETYPE
            if status in (429, 503):
                response["headers"] = RETRY_AFTER_HEADER
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def client_ip() -> str:
    # ProxyFix (PROXY_HOPS) has already rewritten remote_addr when proxies are trusted.
    return request.remote_addr or "unknown"


def address_key() -> str:
    """Per-address limits key IPv6 clients by /64 (portrait.services.login_guard)."""
    return login_guard.address_key(client_ip())


def configured(option: str):
    """A limit read from the config per request, so each app (and test) sets its own."""
    return lambda: current_app.config[option]


def signed_in_user_key() -> str:
    """Per account, wherever the requests come from. Only under jwt_required (it runs first)."""
    return f"user:{current_user.id}"


def wrong_password_limit(key_func):
    """Wrong passwords, at login and when changing the password, share two budgets: per
    account and client address (RATELIMIT_LOGIN_FAILURES: a stolen access token gives no
    second set of guesses) and, looser, per address whatever the account
    (RATELIMIT_LOGIN_FAILURES_PER_ADDRESS). Never per account alone: then anyone could lock
    the owner out. Only 401s count, so a client that has not been failing is never slowed."""
    failures = dict(deduct_when=lambda response: response.status_code == 401)
    per_pair = limiter.shared_limit(
        configured("RATELIMIT_LOGIN_FAILURES"),
        scope="wrong-password",
        key_func=lambda: f"{key_func()}|{address_key()}",
        **failures,
    )
    per_address = limiter.shared_limit(
        configured("RATELIMIT_LOGIN_FAILURES_PER_ADDRESS"),
        scope="wrong-password-address",
        key_func=address_key,
        **failures,
    )
    return lambda view: per_address(per_pair(view))


def avatar_change_limit():
    """Uploads and re-framings per account (RATELIMIT_AVATAR): each runs the models."""
    return limiter.shared_limit(
        configured("RATELIMIT_AVATAR"), scope="avatar", key_func=signed_in_user_key
    )


def models_try_limit():
    """Tries on the Models page per client address (MODELS_TRY_RATE_LIMIT): public, and each
    runs a model on a photo, so anonymous visitors share one budget per address."""
    return limiter.shared_limit(
        configured("MODELS_TRY_RATE_LIMIT"), scope="models-try", key_func=address_key
    )


def models_catalog_limit():
    """Catalog reads per client address (MODELS_CATALOG_RATE_LIMIT): public, and a read after
    the API's 30 s copy expires asks the model service; a budget bounds any one address."""
    return limiter.shared_limit(
        configured("MODELS_CATALOG_RATE_LIMIT"), scope="models-catalog", key_func=address_key
    )


def refuse(limit: RequestLimit) -> None:
    """on_breach: a spent limit leaves through the one error path, as a domain error that
    says when the window it counts in starts again."""
    raise TooManyRequests(
        f"Too many requests (limit: {limit.limit}). Retry later.",
        retry_after=max(1, int(limit.reset_at - time.time())),
    )


api = PortraitApi()
jwt = JWTManager()
limiter = Limiter(key_func=address_key, on_breach=refuse)
cors = CORS()
