"""The app factory and its settings (portrait/__init__.py, portrait/config.py)."""

from __future__ import annotations

import logging

import pytest

from portrait import create_app
from portrait.__main__ import main
from portrait.config import OPTIONS, ConfigError, Settings
from portrait.models import User

GOOD_SECRET = "k" * 48
MONGO_URI = "mongodb://db.example:27017/portrait"


def test_production_refuses_the_embedded_store():
    with pytest.raises(ConfigError, match="MONGO_URI is required in production"):
        Settings.load({"PORTRAIT_ENV": "production", "SECRET_KEY": GOOD_SECRET})


@pytest.mark.parametrize("secret", [None, "", "changeme", "dev", "short-secret"])
def test_production_refuses_a_missing_or_weak_secret(secret):
    env = {"PORTRAIT_ENV": "production", "MONGO_URI": MONGO_URI}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.load(env)


def test_production_accepts_a_strong_secret_and_secures_cookies():
    env = {"PORTRAIT_ENV": "production", "SECRET_KEY": GOOD_SECRET, "MONGO_URI": MONGO_URI}
    settings = Settings.load({**env, "SMTP_URL": "smtp://mail.example"})
    assert settings["SECRET_KEY"] == GOOD_SECRET
    assert settings["COOKIE_SECURE"] is True


def test_development_generates_a_secret_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="portrait.config"):
        first = Settings.load({"PORTRAIT_ENV": "development"})
    second = Settings.load({"PORTRAIT_ENV": "development"})
    assert len(first["SECRET_KEY"]) >= 32 and first["SECRET_KEY"] != second["SECRET_KEY"]
    assert "SECRET_KEY is not set" in caplog.text
    assert first["COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORTRAIT_ENV": "staging"}, "PORTRAIT_ENV"),
        ({"ACCESS_TOKEN_MINUTES": "soon"}, "ACCESS_TOKEN_MINUTES"),
        ({"ACCESS_TOKEN_MINUTES": "0"}, "ACCESS_TOKEN_MINUTES"),
        ({"RATELIMIT_ENABLED": "maybe"}, "RATELIMIT_ENABLED"),
        ({"COOKIE_SAMESITE": "None"}, "COOKIE_SAMESITE"),
        ({"PROXY_HOPS": "-1"}, "PROXY_HOPS"),
        ({"AVATAR_DECODE_MAX_BYTES": "0"}, "AVATAR_DECODE_MAX_BYTES"),
        ({"AVATAR_DECODES_PER_PROCESS": "0"}, "AVATAR_DECODES_PER_PROCESS"),
        ({"AVATAR_DECODE_WAIT": "-1"}, "AVATAR_DECODE_WAIT"),
        (
            {
                "PORTRAIT_ENV": "production",
                "SECRET_KEY": GOOD_SECRET,
                "MONGO_URI": MONGO_URI,
                "CORS_ORIGINS": "*",
            },
            "CORS",
        ),
    ],
)
def test_invalid_settings_are_refused_at_start(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.load(env)


def test_environment_is_parsed_into_types_and_overrides_win():
    env = {"CORS_ORIGINS": "http://a.example, http://b.example", "ACCESS_TOKEN_MINUTES": "5"}
    settings = Settings.load(env, {"ACCESS_TOKEN_MINUTES": 7})
    assert settings["CORS_ORIGINS"] == ["http://a.example", "http://b.example"]
    assert settings["ACCESS_TOKEN_MINUTES"] == 7


def test_create_app_reads_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("ACCESS_TOKEN_MINUTES", "3")
    app = make_app()
    assert app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds() == 180


def test_embedded_store_warns_that_data_is_not_persistent(caplog, make_app):
    with caplog.at_level(logging.WARNING, logger="portrait.db"):
        make_app(PORTRAIT_ENV="development", MONGO_URI=None)
    assert "NOT persistent" in caplog.text


def test_indexes_are_created_at_start_and_again_without_error(make_app):
    make_app()
    indexes = User._get_collection().index_information()
    unique = {tuple(k for k, _ in spec["key"]) for spec in indexes.values() if spec.get("unique")}
    assert {("email_key",), ("handle_key",)} <= unique
    from portrait import db

    app = make_app()
    app.extensions[db.INDEXES_READY] = False
    assert db.ensure_indexes(app)  # idempotent on an existing database


def test_cors_allows_only_configured_origins(make_app):
    client = make_app(CORS_ORIGINS="http://localhost:5173").test_client()
    ok = client.get("/api/v1/profiles", headers={"Origin": "http://localhost:5173"})
    assert ok.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    evil = client.get("/api/v1/profiles", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers


def test_no_cors_by_default(client):
    response = client.get("/api/v1/profiles", headers={"Origin": "http://localhost:5173"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_main_exits_2_on_a_configuration_error(monkeypatch, caplog):
    monkeypatch.setenv("PORTRAIT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert main(["--port", "0"]) == 2
    assert "SECRET_KEY" in caplog.text


def test_create_app_without_test_config_is_development(monkeypatch):
    for option in OPTIONS:
        monkeypatch.delenv(option.name, raising=False)
    monkeypatch.setenv("WEB_DIST", "/nonexistent")
    app = create_app()
    assert app.config["PORTRAIT_ENV"] == "development" and not app.testing
