"""Passwords people commonly pick are refused at sign-up and password change, with the
reason (portrait/services/passwords.py: zxcvbn, offline)."""

from __future__ import annotations

import pytest

from portrait.models import User
from tests.utils.factories import PASSWORD, signup_data

API = "/api/v1"
COMMON = ["password123", "qwertyuiop", "iloveyou1", "12345678", "aaaaaaaaaa", "letmein!"]


@pytest.mark.parametrize("password", COMMON)
def test_signup_refuses_common_passwords_and_says_why(client, password):
    data = signup_data(password=password)
    response = client.post(f"{API}/auth/signup", json=data)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    [message] = response.get_json()["errors"]["password"]
    assert message.startswith("This password is too easy to guess.")
    assert len(message) > len("This password is too easy to guess. ")  # zxcvbn's reason
    assert User.objects(email_key=data["email"].lower()).count() == 0


def test_the_reason_names_a_very_common_password(client):
    response = client.post(f"{API}/auth/signup", json=signup_data(password="password123"))
    assert "very common password" in response.get_json()["errors"]["password"][0]


def test_password_change_refuses_a_common_new_password_and_keeps_the_old(client, auth, account):
    body = {"current_password": PASSWORD, "new_password": "password1234"}
    response = client.put(f"{API}/me/password", json=body, headers=account.headers)
    assert response.status_code == 422
    assert "new_password" in response.get_json()["errors"]
    assert auth.login(account.email, PASSWORD).status_code == 200


def test_long_passphrases_pass(client):
    long_one = "saffron tugboats whistle under seven pale moons " * 2
    response = client.post(f"{API}/auth/signup", json=signup_data(password=long_one[:128]))
    assert response.status_code == 201


def test_the_minimum_score_is_a_setting(make_app):
    client = make_app(PASSWORD_MIN_SCORE=0).test_client()
    response = client.post(f"{API}/auth/signup", json=signup_data(password="password123"))
    assert response.status_code == 201


def test_login_does_not_judge_existing_passwords(make_app):
    # An account made before the rule keeps working: only new passwords are checked.
    client = make_app(PASSWORD_MIN_SCORE=0).test_client()
    data = signup_data(password="password123")
    assert client.post(f"{API}/auth/signup", json=data).status_code == 201
    strict = client.application
    strict.config["PASSWORD_MIN_SCORE"] = 3
    login = {"email": data["email"], "password": "password123"}
    assert client.post(f"{API}/auth/login", json=login).status_code == 200


def test_an_empty_password_gets_the_length_rule_not_a_500(client):
    response = client.post(f"{API}/auth/signup", json=signup_data(password=""))
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]
