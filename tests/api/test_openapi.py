"""The OpenAPI document is generated from the code and lists every route."""

from __future__ import annotations

import json
import re

import pytest

NOT_API = {
    "static",
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "docs_ui.asset",
    "web.spa",
}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_spec_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Portrait API"


def test_spec_lists_every_route_and_method(app, spec):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_API:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        assert path in spec["paths"], f"{rule.rule} is missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], f"{method} {path} undocumented"


def test_operations_have_unique_ids_and_summaries(spec):
    methods = {"get", "put", "post", "patch", "delete"}
    operations = [op for path in spec["paths"].values() for m, op in path.items() if m in methods]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert all(op.get("summary") for op in operations)


def test_core_endpoints_are_documented(spec):
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/profiles",
        "/api/v1/profiles/{handle}",
        "/healthz",
        "/readyz",
    ]:
        assert path in spec["paths"]
    signup = spec["paths"]["/api/v1/auth/signup"]["post"]
    assert "201" in signup["responses"] and "409" in signup["responses"]


def test_docs_page_loads_only_our_own_files(client):
    """Offline (no CDN) and under a CSP that allows our own scripts only."""
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.DOTALL)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    urls = re.findall(r'\b(?:src|href)="([^"]+)"', page)
    assets = [url for url in urls if not url.startswith("data:")]
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    types = {".js": "text/javascript", ".css": "text/css"}
    for url in assets:
        with client.get(url) as asset:  # files are streamed: close them
            assert asset.status_code == 200, url
            assert asset.mimetype == types[url[url.rindex(".") :]], url
            assert asset.headers["X-Content-Type-Options"] == "nosniff"
            assert "swagger" in asset.get_data(as_text=True).lower(), url


def test_docs_assets_are_only_the_ones_the_page_loads(client):
    # The package also ships an index.html with inline scripts and source maps.
    for name in ("index.html", "swagger-ui.js.map", "..%2Fswagger_ui.html", "nothing.js"):
        assert client.get(f"/api/docs/ui/{name}").status_code == 404


def test_error_responses_are_documented_as_problem_json(spec):
    conflict = spec["components"]["responses"]["CONFLICT"]["content"]
    assert list(conflict) == ["application/problem+json"]
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem)


def test_fields_always_sent_are_required_in_response_schemas(spec, client, auth):
    """Generated clients rely on `required`; check it against what the API really sends."""
    schemas = spec["components"]["schemas"]
    account = auth.signup()
    me = client.get("/api/v1/me", headers=account.headers).get_json()
    assert set(schemas["Me"]["required"]) == set(me)
    public = client.get(f"/api/v1/profiles/{account.handle}").get_json()
    assert set(schemas["PublicProfile"]["required"]) == set(public)
    # In browser mode the refresh token is not in the body, so it cannot be required.
    assert "refresh_token" not in schemas["TokenPair"]["required"]


def test_default_avatar_is_documented_with_its_shape(spec, client, auth):
    """Generated client types need the real fields, not a bare "object"."""
    schemas = spec["components"]["schemas"]
    account = auth.signup()
    sent = client.get(f"/api/v1/profiles/{account.handle}").get_json()["default_avatar"]
    for name in ("PublicProfile", "Me"):
        field = schemas[name]["properties"]["default_avatar"]  # readOnly: wrapped in allOf
        assert field["allOf"] == [{"$ref": "#/components/schemas/DefaultAvatar"}], name
    documented = schemas["DefaultAvatar"]
    assert set(documented["required"]) == set(sent) == {"urls", "default"}
    assert documented["properties"]["default"]["type"] == "boolean" and sent["default"] is True
    assert documented["properties"]["urls"]["additionalProperties"]["type"] == "string"


# --- the contract generated clients rely on (tests/contract runs the generators) ----------
METHODS = {"get", "put", "post", "patch", "delete"}
PUBLIC = {"signup", "login", "listProfiles", "readProfile", "health", "readiness"}
PUBLIC |= {"readMedia", "readDefaultAvatar"}
PUBLIC |= {"verifyEmail", "resendVerification", "forgotPassword", "resetPassword"}
PUBLIC |= {"confirmEmailChange", "loginSecondFactor"}  # its mfa_token is in the body
PUBLIC |= {"listModels", "tryModel"}  # the Models page


def _operations(spec) -> dict[str, dict]:
    return {
        op["operationId"]: op
        for path in spec["paths"].values()
        for method, op in path.items()
        if method in METHODS
    }


@pytest.mark.parametrize(
    ("schema", "target"), [("Me", "Avatar"), ("PublicProfile", "PublicAvatar")]
)
def test_avatar_is_a_nullable_reference(spec, schema, target):
    """The reference or only null: what Kotlin, Swift, TypeScript and Python generators all
    read as optional (apispec's anyOf [nullable object, $ref] made them non-null or untyped)."""
    avatar = dict(spec["components"]["schemas"][schema]["properties"]["avatar"])
    avatar.pop("readOnly", None)  # PublicProfile's is computed (dump-only): true, and harmless
    assert avatar == {
        "anyOf": [
            {"$ref": f"#/components/schemas/{target}"},
            {"type": "object", "nullable": True, "enum": [None]},
        ]
    }


def test_problem_has_the_members_the_api_sends(spec, client, auth):
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status"}
    assert problem.get("additionalProperties", True) is not False  # new members may come
    account = auth.signup()
    sent = client.patch("/api/v1/me", headers=account.headers, json={"handle": "x"}).get_json()
    assert sent["errors"] and set(sent) <= set(problem["properties"])


def test_conditional_headers_are_parameters_where_the_api_reads_them(spec):
    operations = _operations(spec)
    for operation_id, header in [
        ("readMe", "If-None-Match"),
        ("updateMe", "If-Match"),
        ("readMedia", "If-None-Match"),
        ("readDefaultAvatar", "If-None-Match"),
    ]:
        params = operations[operation_id]["parameters"]
        assert {"name": header, "in": "header"}.items() <= params[0].items(), operation_id
        assert params[0]["required"] is False, operation_id


@pytest.mark.parametrize("operation_id", ["uploadAvatar", "tryModel"])
def test_upload_documents_one_content_type(spec, operation_id):
    body = _operations(spec)[operation_id]["requestBody"]
    assert list(body["content"]) == ["multipart/form-data"]
    assert body["content"]["multipart/form-data"]["schema"]["required"] == ["file"]


def test_public_operations_say_so_and_the_others_name_their_credential(spec):
    for operation_id, operation in _operations(spec).items():
        if operation_id in PUBLIC:
            assert operation["security"] == [], operation_id
        else:
            assert operation["security"], operation_id


def test_retry_after_is_documented_on_429_and_503(spec):
    responses = spec["components"]["responses"]
    for name in ("TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"):
        assert responses[name]["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_media_responses_name_their_content_types(spec):
    operations = _operations(spec)
    assert set(operations["readMedia"]["responses"]["200"]["content"]) == {
        "image/webp",
        "image/jpeg",
    }
    assert list(operations["readDefaultAvatar"]["responses"]["200"]["content"]) == ["image/svg+xml"]


def test_document_has_servers_a_licence_and_no_unused_schemas(spec):
    assert spec["servers"] and spec["info"]["license"]["name"] == "AGPL-3.0-or-later"
    text = json.dumps(spec["paths"]) + json.dumps(spec["components"])
    for name in spec["components"]["schemas"]:
        assert f'"#/components/schemas/{name}"' in text, f"{name} is never used"
