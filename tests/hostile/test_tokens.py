"""Hostile clients: forged, unsigned, expired and misused tokens are all 401 problem+json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import warnings

import jwt as pyjwt
import pytest

from tests.conftest import TEST_SECRET

API = "/api/v1"


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def claims_of(token: str) -> dict:
    return pyjwt.decode(token, options={"verify_signature": False})


def unsigned(token: str, alg: str = "none") -> str:
    """The same claims with `alg: none` and no signature (CVE-2015-9235 style)."""
    return f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims_of(token))}."


def resigned(token: str, key: str = TEST_SECRET, alg: str = "HS256", **changes) -> str:
    with warnings.catch_warnings():  # short keys are the point of some forgeries
        warnings.simplefilter("ignore", pyjwt.warnings.InsecureKeyLengthWarning)
        return pyjwt.encode({**claims_of(token), **changes}, key, alg)


def empty_key_signed(token: str) -> str:
    """HS256 with an empty key (PyJWT itself refuses to make one, so by hand)."""
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims_of(token))}"
    mac = hmac.new(b"", signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


FORGERIES = {
    "alg-none": lambda t: unsigned(t),
    "alg-None": lambda t: unsigned(t, "None"),
    "alg-none-keeping-the-signature": lambda t: unsigned(t) + t.split(".")[2],
    "wrong-key": lambda t: resigned(t, key="an-attacker-chosen-key-that-is-long-enough"),
    "empty-key": lambda t: empty_key_signed(t),
    "other-hmac-alg-right-key": lambda t: resigned(t, alg="HS512"),
    "expired-but-well-signed": lambda t: resigned(t, exp=int(time.time()) - 5),
    "someone-elses-subject": lambda t: resigned(t, key="x" * 40, sub="000000000000000000000000"),
}


def assert_401(response) -> None:
    assert response.status_code == 401, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_access_tokens_are_401(client, account, forge):
    assert_401(client.get(f"{API}/me", headers=bearer(forge(account.access_token))))
    assert client.get(f"{API}/me", headers=account.headers).status_code == 200


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_refresh_tokens_are_401_and_mint_nothing(client, account, forge):
    response = client.post(f"{API}/auth/refresh", headers=bearer(forge(account.refresh_token)))
    assert_401(response)
    assert "access_token" not in response.get_json()


def test_an_access_token_used_as_a_refresh_token_is_401(client, account):
    assert_401(client.post(f"{API}/auth/refresh", headers=account.headers))


def test_a_refresh_token_used_as_an_access_token_is_401(client, account):
    assert_401(client.get(f"{API}/me", headers=account.refresh_headers))
    assert_401(client.patch(f"{API}/me", json={"bio": "x"}, headers=account.refresh_headers))


def test_an_access_token_relabelled_as_refresh_without_the_key_is_401(client, account):
    relabelled = unsigned(account.access_token)
    header, payload, _ = relabelled.split(".")
    claims = {**claims_of(account.access_token), "type": "refresh"}
    forged = f"{header}.{b64(claims)}.{account.access_token.split('.')[2]}"
    assert_401(client.post(f"{API}/auth/refresh", headers=bearer(forged)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
