"""Hostile clients: MongoDB query operators smuggled into JSON bodies or query strings are
refused with 422 and change nothing (no login, no profile edit, no filter)."""

from __future__ import annotations

import pytest

from tests.utils.factories import PASSWORD, signup_data

API = "/api/v1"
NE_NULL = {"$ne": None}


def assert_422(response) -> None:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": NE_NULL, "password": PASSWORD},
        {"email": {"$regex": ".*"}, "password": PASSWORD},
        {"email": "{email}", "password": NE_NULL},
        {"email": "{email}", "password": {"$gt": ""}},
        {"$where": "1 == 1", "email": "{email}", "password": PASSWORD},
        {"email": ["{email}"], "password": [PASSWORD]},
    ],
    ids=["email-ne", "email-regex", "password-ne", "password-gt", "top-level-where", "arrays"],
)
def test_operators_in_login_are_422_and_log_nobody_in(client, account, body):
    filled = {
        k: v.format(email=account.email) if isinstance(v, str) else v for k, v in body.items()
    }
    if isinstance(filled.get("email"), list):
        filled["email"] = [account.email]
    response = client.post(f"{API}/auth/login", json=filled)
    assert_422(response)
    assert "access_token" not in response.get_json()


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", NE_NULL),
        ("handle", {"$gt": ""}),
        ("password", {"$type": "string"}),
        ("display_name", {"$set": "x"}),
    ],
)
def test_operators_in_signup_are_422_and_create_nothing(client, field, value):
    data = signup_data(**{field: value})
    assert_422(client.post(f"{API}/auth/signup", json=data))
    if field != "email":
        login = client.post(
            f"{API}/auth/login", json={"email": data["email"], "password": PASSWORD}
        )
        assert login.status_code == 401


@pytest.mark.parametrize(
    "changes",
    [
        {"display_name": {"$set": "Mallory"}},
        {"handle": NE_NULL},
        {"bio": {"$unset": ""}},
        {"$set": {"email": "mallory@example.com"}},
        {"website": ["https://a.example", {"$ne": None}]},
        {"email": "mallory@example.com"},
        {"version": {"$inc": 5}},
    ],
    ids=["set", "ne", "unset", "top-level-set", "array", "not-editable-email", "version"],
)
def test_operators_in_patch_me_are_422_and_change_nothing(client, account, changes):
    before = client.get(f"{API}/me", headers=account.headers)
    response = client.patch(f"{API}/me", json=changes, headers=account.headers)
    assert_422(response)
    after = client.get(f"{API}/me", headers=account.headers)
    assert after.get_json() == before.get_json()
    assert after.headers["ETag"] == before.headers["ETag"]


def test_operators_in_a_password_change_are_422_and_keep_the_password(client, auth, account):
    response = client.put(
        f"{API}/me/password",
        json={"current_password": NE_NULL, "new_password": "mallory's new password"},
        headers=account.headers,
    )
    assert_422(response)
    assert auth.login(account.email, PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["q[$ne]=x", "q[$regex]=.*", "cursor[$gt]=", "limit[$gt]=0", "$where=1", "handle[$ne]=a"],
)
def test_operators_in_query_strings_are_422(client, auth, query):
    auth.signup()
    assert_422(client.get(f"{API}/profiles?{query}"))


@pytest.mark.parametrize("value", ['{"$ne":null}', "$ne", ".*", "^", "\\"])
def test_operator_looking_values_are_plain_text_and_match_nothing(client, auth, value):
    auth.signup(handle="ada_lovelace")
    response = client.get(f"{API}/profiles", query_string={"q": value})
    # A handle prefix: either refused as such or searched literally (no handle has it).
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert response.get_json()["items"] == []


@pytest.mark.parametrize("handle", ["$ne", '{"$ne":null}', ".*"])
def test_operator_looking_handles_find_no_profile(client, auth, handle):
    auth.signup()
    assert client.get(f"{API}/profiles/{handle}").status_code == 404


@pytest.mark.parametrize("cursor", ["û6ú", "%%%", "\x00", "a" * 5])
def test_garbled_cursors_are_400_not_500(client, cursor):
    # Found by tests/fuzz: a non-ASCII cursor escaped the decoder's error handling.
    response = client.get(f"{API}/profiles", query_string={"cursor": cursor})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"] == {"cursor": ["invalid"]}
