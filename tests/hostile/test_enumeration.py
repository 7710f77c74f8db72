"""Hostile clients probing for accounts through the mail endpoints: sign-up (required mode),
forgot-password and resend answer alike for known and unknown addresses, their rate limits
too, and an unverified account tells nothing to whoever lacks its password."""

from __future__ import annotations

import pytest

from tests.utils.auth import API, AuthActions
from tests.utils.factories import PASSWORD, signup_data

# Headers that differ between any two responses, whatever they answer.
VOLATILE = {"Date"}


def answer(response) -> tuple:
    headers = {k: v for k, v in response.headers.items() if k not in VOLATILE}
    return response.status_code, headers, response.get_json()


@pytest.fixture
def required_client(make_mail_app):
    return make_mail_app(EMAIL_VERIFICATION="required").test_client()


def test_signup_answers_alike_for_a_taken_and_a_free_address(required_client, inbox):
    taken = signup_data()
    assert required_client.post(f"{API}/auth/signup", json=taken).status_code == 202
    inbox.wait_for(taken["email"])
    again = required_client.post(f"{API}/auth/signup", json=signup_data(email=taken["email"]))
    fresh = required_client.post(f"{API}/auth/signup", json=signup_data())
    assert answer(again) == answer(fresh)
    assert again.status_code == 202


@pytest.mark.parametrize("path", ["/auth/password/forgot", "/auth/email/resend"])
def test_mail_requests_answer_alike_for_known_and_unknown_addresses(make_mail_app, inbox, path):
    client = make_mail_app().test_client()
    account = AuthActions(client).signup()
    known = client.post(f"{API}{path}", json={"email": account.email})
    unknown = client.post(f"{API}{path}", json={"email": "nobody." + account.email})
    assert answer(known) == answer(unknown)
    assert known.status_code == 202


def test_the_per_address_limit_is_spent_alike_for_known_and_unknown(make_mail_app, inbox):
    client = make_mail_app(RATELIMIT_MAIL="2 per hour").test_client()
    account = AuthActions(client).signup()
    for email in (account.email, "nobody." + account.email):
        codes = [
            client.post(f"{API}/auth/password/forgot", json={"email": email}).status_code
            for _ in range(3)
        ]
        assert codes == [202, 202, 429], email


def test_an_unverified_account_tells_nothing_without_its_password(required_client, inbox):
    data = signup_data()
    required_client.post(f"{API}/auth/signup", json=data)
    auth = AuthActions(required_client)
    wrong = auth.login(data["email"], "not the password")
    unknown = auth.login("nobody." + data["email"], "not the password")
    assert answer(wrong) == answer(unknown)
    assert wrong.status_code == 401
    assert auth.login(data["email"], PASSWORD).status_code == 403
