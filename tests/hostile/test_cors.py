"""Hostile clients: a foreign Origin gets no CORS grant (so a browser keeps its page from
reading responses or sending credentialed requests); only the configured origin does."""

from __future__ import annotations

import pytest

API = "/api/v1"
ALLOWED = "https://app.example.com"
FOREIGN = [
    "https://evil.example",
    "https://app.example.com.evil.example",
    "https://evilapp.example.com",
    "http://app.example.com",
    "https://app.example.com:8443",
    "null",
]


@pytest.fixture
def cors_client(make_app):
    return make_app(CORS_ORIGINS=ALLOWED).test_client()


def preflight(client, origin: str, path: str = f"{API}/me", method: str = "PATCH"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )


@pytest.mark.parametrize("origin", FOREIGN)
def test_foreign_origin_preflight_is_not_granted(cors_client, origin):
    response = preflight(cors_client, origin)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


@pytest.mark.parametrize("origin", FOREIGN)
def test_foreign_origin_cannot_read_a_credentialed_response(cors_client, auth, origin):
    account = auth.signup()
    response = cors_client.get(f"{API}/me", headers={**account.headers, "Origin": origin})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("origin", FOREIGN)
def test_foreign_origin_cannot_use_the_refresh_cookie_endpoint(cors_client, origin):
    response = preflight(cors_client, origin, f"{API}/auth/refresh", "POST")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_configured_origin_is_granted_exactly(cors_client):
    response = preflight(cors_client, ALLOWED)
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


def test_no_origin_is_granted_when_none_is_configured(client):
    for origin in [ALLOWED, *FOREIGN]:
        assert "Access-Control-Allow-Origin" not in preflight(client, origin).headers
