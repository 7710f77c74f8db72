"""The docker compose stack without Docker: nginx (docker/web/nginx.conf) in front of the API
under gunicorn (2 workers, the api service's environment from docker-compose.yml), the real
model service under gunicorn and FerretDB, all on loopback. A browser's path through it."""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests
from ruamel.yaml import YAML

from tests.topology.servers import ROOT, gunicorn_api, nginx_web
from tests.topology.workers import bearer, new_account
from tests.utils.images import face_photo
from tests.utils.smtp import Inbox, smtp_server, token_in

pytestmark = pytest.mark.slow

API = "/api/v1"
INDEX = "<!doctype html><title>Portrait</title>"
LOGIN_LIMIT = 5


# `${NAME:-default}`: what compose substitutes when .env leaves NAME unset.
DEFAULTED = re.compile(r"^\$\{\w+:-([^}]*)\}$")


def compose_value(value) -> str | None:
    """The value compose gives with an empty .env, or None when .env must set it."""
    text = str(value)
    defaulted = DEFAULTED.match(text)
    if defaulted:
        return defaulted.group(1)
    return None if "${" in text else text


def compose_api_environment() -> dict[str, str]:
    """The api service's settings with an empty .env; hostnames and secrets are the test's."""
    compose = YAML(typ="safe", pure=True).load((ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["api"]["environment"]
    skip = {"MONGO_URI", "MODELS_URL", "SECRET_KEY", "PORTRAIT_ENV", "PUBLIC_URL"}
    skip |= {"WEB_CONCURRENCY", "GUNICORN_THREADS"}  # gunicorn_api sizes the server itself
    resolved = {k: compose_value(v) for k, v in env.items() if k not in skip}
    return {k: v for k, v in resolved.items() if v is not None}


@pytest.fixture(scope="module")
def site(mongo_port, models_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stack")
    (tmp / "html").mkdir()
    (tmp / "html" / "index.html").write_text(INDEX)
    settings = {
        **compose_api_environment(),
        "MODELS_URL": models_url,
        "RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per minute",
        # The limit under test counts attempts; the delay for failing ones is tested in
        # tests/hostile/test_brute_force.py.
        "LOGIN_DELAY_AFTER": "1000",
        "RATELIMIT_LOGIN_FAILURES_PER_ADDRESS": "1000 per minute",
    }
    assert settings["PROXY_HOPS"] == "1"  # compose's default, resolved as compose would
    uri = f"mongodb://127.0.0.1:{mongo_port}/stack_{uuid.uuid4().hex[:8]}"
    assert settings["EMAIL_VERIFICATION"] == "required"  # compose's default: production's
    with smtp_server() as (inbox, smtp_url):  # in mailpit's place (compose's SMTP_URL)
        settings["SMTP_URL"] = smtp_url
        settings["MAIL_BACKEND"] = "smtp"  # production's default (gunicorn_api's is console)
        with gunicorn_api(uri, tmp / "api.log", workers=2, **settings) as api:
            with nginx_web(urlsplit(api).netloc, tmp / "html", tmp) as web:
                yield Site(web, api, inbox)


@dataclass
class Site:
    url: str  # nginx
    api: str  # gunicorn, behind it
    inbox: Inbox  # the mail the API sent


def signup(site: Site) -> tuple[str, dict[str, str]]:
    """Signs up through nginx as compose configures accounts (the address verified by its
    mailed link first), then logs in; returns the handle and the Authorization header."""
    account = new_account("Through Nginx")
    response = requests.post(f"{site.url}{API}/auth/signup", json=account, timeout=30)
    assert response.status_code == 202, response.text  # "check your inbox"
    (mail,) = site.inbox.wait_for(account["email"])
    token = token_in(mail, "/verify-email")
    verify = f"{site.url}{API}/auth/email/verify"
    verified = requests.post(verify, json={"token": token}, timeout=30)
    assert verified.status_code == 204, verified.text
    credentials = {"email": account["email"], "password": account["password"]}
    # As nginx forwards another client: this machine's address has a login budget of its own,
    # which test_a_spoofed_x_forwarded_for_does_not_dodge_the_login_limit counts to the end.
    as_another_client = {"X-Forwarded-For": "203.0.113.9"}
    login = requests.post(
        f"{site.api}{API}/auth/login", json=credentials, headers=as_another_client, timeout=30
    )
    assert login.status_code == 200, login.text
    return account["handle"], bearer(login.json()["access_token"])


def test_a_browser_signs_up_uploads_an_avatar_and_sees_it(site):
    assert requests.get(f"{site.url}/@someone", timeout=30).text == INDEX
    handle, auth = signup(site)
    picture = face_photo()  # a real portrait (scikit-image's astronaut)
    upload = requests.put(
        f"{site.url}{API}/me/avatar",
        files={"file": ("me.jpg", picture, "image/jpeg")},
        headers=auth,
        timeout=30,
    )
    assert upload.status_code == 200, upload.text
    public = requests.get(f"{site.url}{API}/profiles/{handle}", timeout=30).json()
    url = public["avatar"]["urls"]["256"]
    media = requests.get(site.url + url, timeout=30)
    assert media.status_code == 200
    assert media.headers["Content-Type"] == "image/webp"
    assert "immutable" in media.headers["Cache-Control"]
    assert media.headers["X-Content-Type-Options"] == "nosniff"


def test_a_spoofed_x_forwarded_for_does_not_dodge_the_login_limit(site):
    statuses = []
    for i in range(LOGIN_LIMIT + 2):
        response = requests.post(
            f"{site.url}{API}/auth/login",
            json={"email": "nobody@example.com", "password": "wrong"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},  # the client's own claim
            timeout=30,
        )
        statuses.append(response.status_code)
    assert statuses == [401] * LOGIN_LIMIT + [429, 429]


def test_an_upload_too_big_for_the_api_gets_its_problem_document_through_nginx(site):
    _, auth = signup(site)
    too_big = b"\xff\xd8" + b"\0" * (11 * 1024 * 1024)  # over 10 MB, under nginx's 13 MB
    response = requests.put(
        f"{site.url}{API}/me/avatar",
        data=too_big,
        headers={**auth, "Content-Type": "image/jpeg"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
