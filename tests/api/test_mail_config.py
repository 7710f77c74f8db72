"""The mailer's settings (portrait/config.py, portrait/mail.py) and the file backend."""

from __future__ import annotations

import email
import email.policy

import pytest

from portrait.config import ConfigError, Settings
from tests.utils.auth import AuthActions
from tests.utils.smtp import token_in
from tests.utils.waiting import wait_until

PRODUCTION = {
    "PORTRAIT_ENV": "production",
    "SECRET_KEY": "k" * 48,
    "MONGO_URI": "mongodb://db.example:27017/portrait",
}


def test_production_sends_over_smtp_and_requires_verification():
    with pytest.raises(ConfigError, match="SMTP_URL is required"):
        Settings.load(PRODUCTION)
    settings = Settings.load({**PRODUCTION, "SMTP_URL": "smtp+starttls://u:p@mail.example"})
    assert settings["MAIL_BACKEND"] == "smtp" and settings["EMAIL_VERIFICATION"] == "required"


def test_development_writes_files_and_signs_in_at_once():
    settings = Settings.load({"PORTRAIT_ENV": "development"})
    assert settings["MAIL_BACKEND"] == "file" and settings["EMAIL_VERIFICATION"] == "optional"
    assert settings["MAIL_DIR"].endswith("/.data/mail")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND"),
        ({"EMAIL_VERIFICATION": "sometimes"}, "EMAIL_VERIFICATION"),
        ({"MAIL_RETRIES": "-1"}, "MAIL_RETRIES"),
    ],
)
def test_invalid_mail_settings_are_refused(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.load(env)


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_a_malformed_smtp_url_stops_the_start(make_app, url):
    with pytest.raises(ConfigError, match="SMTP_URL"):
        make_app(MAIL_BACKEND="smtp", SMTP_URL=url)


def test_the_file_backend_writes_one_eml_per_message(make_app, tmp_path):
    app = make_app(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path), PUBLIC_URL="https://p.example/")
    account = AuthActions(app.test_client()).signup()
    (path,) = wait_until(lambda: list(tmp_path.glob("*.eml")), "the .eml file")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == account.email and message["From"] == "Portrait <no-reply@localhost>"
    assert token_in(message, "/verify-email") and message["Message-ID"].endswith("@localhost>")
    assert "https://p.example/verify-email?token=" in message.get_body(("plain",)).get_content()
