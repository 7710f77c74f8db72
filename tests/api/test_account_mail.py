"""Mailed links over a real SMTP server on loopback (portrait/api/account_mail.py): verify the
email, resend, forgot/reset the password, change the email; and what a refusing server does."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from portrait.models import User
from portrait.models.base import utcnow
from portrait.models.token import EmailToken
from tests.utils.auth import API, AuthActions
from tests.utils.factories import PASSWORD, signup_data
from tests.utils.smtp import body, token_in
from tests.utils.waiting import wait_until

NEW_PASSWORD = "a brand new passphrase"


def post(client, path, **json):
    return client.post(f"{API}{path}", json=json)


def user_doc(email: str) -> dict:
    user = User.objects(email_key=email.lower()).first()
    return user.to_mongo().to_dict() if user else {}


def security_kinds(client, login) -> list[str]:
    """The kinds in the signed-in owner's security log (GET /me/security-events)."""
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    events = client.get(f"{API}/me/security-events", headers=headers).get_json()["events"]
    return [event["kind"] for event in events]


def test_signup_mails_a_link_that_verifies_the_address(make_mail_app, inbox):
    client = make_mail_app().test_client()
    account = AuthActions(client).signup()
    assert account.user["email_verified"] is False
    (message,) = inbox.wait_for(account.email)
    token = token_in(message, "/verify-email")
    assert post(client, "/auth/email/verify", token=token).status_code == 204
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["email_verified"] is True
    events = [event["type"] for event in user_doc(account.email)["outbox"]]
    assert events == ["portrait.user.created", "portrait.user.verified"]


def test_required_mode_refuses_login_until_verified(make_mail_app, inbox):
    client = make_mail_app(EMAIL_VERIFICATION="required").test_client()
    data = signup_data()
    response = post(client, "/auth/signup", **data)
    assert response.status_code == 202 and "access_token" not in response.get_json()
    refused = post(client, "/auth/login", email=data["email"], password=PASSWORD)
    assert refused.status_code == 403
    assert refused.get_json()["type"].endswith(":email-unverified")
    wrong = post(client, "/auth/login", email=data["email"], password="not the password")
    assert wrong.status_code == 401  # the 403 only for whoever knows the password
    (message,) = inbox.wait_for(data["email"])
    assert (
        post(client, "/auth/email/verify", token=token_in(message, "/verify-email")).status_code
        == 204
    )
    assert post(client, "/auth/login", email=data["email"], password=PASSWORD).status_code == 200


def test_required_signup_with_a_taken_address_answers_alike_and_tells_the_owner(
    make_mail_app, inbox
):
    client = make_mail_app(EMAIL_VERIFICATION="required").test_client()
    first = signup_data()
    fresh = post(client, "/auth/signup", **first)
    again = post(
        client,
        "/auth/signup",
        **signup_data(email=first["email"].upper(), password="other pass 123"),
    )
    assert fresh.status_code == again.status_code == 202
    assert fresh.get_json() == again.get_json()
    verify, notice = inbox.wait_for(first["email"], count=2)
    assert "/verify-email?token=" in body(verify)
    assert "someone tried to sign up" in body(notice) and "token=" not in body(notice)
    assert User.objects(email_key=first["email"].lower()).count() == 1
    assert user_doc(first["email"])["handle"] == first["handle"]


def test_resend_answers_alike_and_mails_only_an_unverified_account(make_mail_app, inbox):
    client = make_mail_app().test_client()
    account = AuthActions(client).signup()
    inbox.wait_for(account.email)
    unknown = post(client, "/auth/email/resend", email="nobody@example.com")
    known = post(client, "/auth/email/resend", email=account.email)
    assert unknown.status_code == known.status_code == 202
    assert unknown.get_json() == known.get_json()
    second = inbox.wait_for(account.email, count=2)[1]
    assert inbox.to("nobody@example.com") == []  # sent before the second: FIFO
    assert (
        post(client, "/auth/email/verify", token=token_in(second, "/verify-email")).status_code
        == 204
    )


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 150])
def test_made_up_tokens_are_refused(make_mail_app, token):
    client = make_mail_app().test_client()
    for path in ("/auth/email/verify", "/auth/email/confirm"):
        response = post(client, path, token=token)
        assert response.status_code == 400, path
        assert response.get_json()["type"].endswith(":invalid-token")
    reset = post(client, "/auth/password/reset", token=token, password=NEW_PASSWORD)
    assert reset.status_code == 400


def test_a_token_works_once_and_only_for_its_purpose(make_mail_app, inbox):
    client = make_mail_app().test_client()
    account = AuthActions(client).signup()
    token = token_in(inbox.wait_for(account.email)[0], "/verify-email")
    foreign = post(client, "/auth/password/reset", token=token, password=NEW_PASSWORD)
    assert foreign.status_code == 400
    assert post(client, "/auth/email/verify", token=token).status_code == 204
    version = user_doc(account.email)["version"]
    reused = post(client, "/auth/email/verify", token=token)
    assert reused.status_code == 400 and user_doc(account.email)["version"] == version
    assert AuthActions(client).login(account.email, PASSWORD).status_code == 200


def test_forgot_and_reset_sets_the_password_and_ends_every_session(make_mail_app, inbox):
    client = make_mail_app().test_client()
    auth = AuthActions(client)
    account = auth.signup()
    inbox.wait_for(account.email)
    unknown = post(client, "/auth/password/forgot", email="nobody@example.com")
    known = post(client, "/auth/password/forgot", email=account.email.upper())
    assert unknown.status_code == known.status_code == 202
    assert unknown.get_json() == known.get_json()
    mail = inbox.wait_for(account.email, count=2)[1]
    assert inbox.to("nobody@example.com") == []
    token = token_in(mail, "/reset-password")
    weak = post(client, "/auth/password/reset", token=token, password="short")
    assert weak.status_code == 422  # the sign-up rules; the token is not spent
    assert (
        post(client, "/auth/password/reset", token=token, password=NEW_PASSWORD).status_code == 204
    )
    refreshed = client.post(f"{API}/auth/refresh", headers=account.refresh_headers)
    assert refreshed.status_code == 401
    assert auth.login(account.email, PASSWORD).status_code == 401
    assert auth.login(account.email, NEW_PASSWORD).status_code == 200
    changed = inbox.wait_for(account.email, count=3)[2]
    assert "password of your Portrait account was just changed" in body(changed)
    again = post(client, "/auth/password/reset", token=token, password="yet another passphrase")
    assert again.status_code == 400
    signed_in = auth.login(account.email, NEW_PASSWORD)
    assert signed_in.status_code == 200
    assert "password-reset" in security_kinds(client, signed_in)  # the owner can see it


def test_an_expired_reset_token_changes_nothing(make_mail_app, inbox):
    client = make_mail_app().test_client()
    account = AuthActions(client).signup()
    post(client, "/auth/password/forgot", email=account.email)
    token = token_in(inbox.wait_for(account.email, count=2)[1], "/reset-password")
    EmailToken.objects(purpose="reset-password").update(
        set__expires_at=utcnow() - timedelta(seconds=1)
    )
    response = post(client, "/auth/password/reset", token=token, password=NEW_PASSWORD)
    assert response.status_code == 400
    assert AuthActions(client).login(account.email, PASSWORD).status_code == 200


def test_change_email_needs_the_password_and_the_new_address_link(make_mail_app, inbox):
    client = make_mail_app().test_client()
    auth = AuthActions(client)
    account = auth.signup()
    new = "moved." + account.email
    wrong = client.post(
        f"{API}/me/email", json={"email": new, "password": "nope"}, headers=account.headers
    )
    assert wrong.status_code == 401
    asked = client.post(
        f"{API}/me/email", json={"email": new, "password": PASSWORD}, headers=account.headers
    )
    assert asked.status_code == 202
    notice = inbox.wait_for(account.email, count=2)[1]
    assert new in body(notice) and "token=" not in body(notice)
    token = token_in(inbox.wait_for(new)[0], "/confirm-email")
    assert user_doc(account.email)["email"] == account.email  # nothing until confirmed
    assert post(client, "/auth/email/confirm", token=token).status_code == 204
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["email"] == new and me["email_verified"] is True
    signed_in = auth.login(new, PASSWORD)
    assert signed_in.status_code == 200
    assert auth.login(account.email, PASSWORD).status_code == 401
    assert "email-changed" in security_kinds(client, signed_in)


def test_email_change_to_an_address_taken_meanwhile_is_409(make_mail_app, inbox):
    client = make_mail_app().test_client()
    auth = AuthActions(client)
    account = auth.signup()
    new = "taken." + account.email
    client.post(
        f"{API}/me/email", json={"email": new, "password": PASSWORD}, headers=account.headers
    )
    token = token_in(inbox.wait_for(new)[0], "/confirm-email")
    auth.signup(email=new)
    response = post(client, "/auth/email/confirm", token=token)
    assert response.status_code == 409
    assert user_doc(account.email)["email"] == account.email


def test_a_refusing_smtp_server_is_retried(make_mail_app, inbox):
    inbox.refuse = 1
    client = make_mail_app(MAIL_RETRIES=2).test_client()
    account = AuthActions(client).signup()  # answers at once, whatever the server says
    (message,) = inbox.wait_for(account.email)
    assert inbox.refused == 1 and "/verify-email?token=" in body(message)


def test_a_mail_that_cannot_be_sent_is_logged_and_can_be_asked_for_again(
    make_mail_app, inbox, caplog
):
    inbox.refuse = 2
    client = make_mail_app(MAIL_RETRIES=1).test_client()
    with caplog.at_level(logging.ERROR, logger="portrait.mail"):
        account = AuthActions(client).signup()
        wait_until(lambda: "mail.failed template=verify" in caplog.text, "the failure's log line")
    assert account.email not in caplog.text  # no addresses in logs
    assert post(client, "/auth/email/resend", email=account.email).status_code == 202
    (message,) = inbox.wait_for(account.email)
    assert (
        post(client, "/auth/email/verify", token=token_in(message, "/verify-email")).status_code
        == 204
    )
