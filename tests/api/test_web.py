"""The embedded run serves the built SPA with security headers (portrait/web.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.utils.auth import AuthActions

INDEX = "<!doctype html><title>Portrait</title><script type=module src=/assets/app.js></script>"
FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


@pytest.fixture
def web_client(make_app, tmp_path):
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log('hi')")
    (tmp_path / "favicon.ico").write_bytes(b"\0icon")
    shutil.copy(FRONTEND / "public" / "robots.txt", tmp_path)
    # What the build writes (frontend/vite.config.ts): the app's own route list.
    shutil.copy(FRONTEND / "src" / "router" / "paths.json", tmp_path / "spa-routes.json")
    return make_app(WEB_DIST=str(tmp_path)).test_client()


def get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    response.get_data()  # buffer the body, then release the file send_file opened
    response.close()
    return response


def assert_app_shell(response, status: int) -> None:
    """index.html, never cached, under the app's CSP, with `status`."""
    assert response.status_code == status
    assert response.get_data(as_text=True) == INDEX
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/signup",
        "/login?redirect=/settings",
        "/settings",
        "/Settings/Account/",
        "/moderation",
        "/admin/users",
        "/admin/audit",
        "/admin/webhooks",
    ],
)
def test_client_routes_get_index_html(web_client, path):
    assert_app_shell(get(web_client, path), 200)


def test_the_public_page_of_a_handle_that_exists_is_200(web_client):
    AuthActions(web_client).signup(handle="Ada_L")
    for path in ["/@Ada_L", "/@ada_l", "/@ADA_L/"]:
        assert_app_shell(get(web_client, path), 200)


@pytest.mark.parametrize(
    "path",
    ["/@nobody", "/no/such/page", "/settingsx", "/settings/account/more", "/@ada/x", "/admin/x"],
)
def test_unknown_pages_are_real_404s_that_still_render_the_app(web_client, path):
    # The shell, so the app shows its own not-found page (with noindex) to people.
    assert_app_shell(get(web_client, path), 404)


def test_robots_txt_is_served_as_text(web_client):
    response = get(web_client, "/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "User-agent: *" in response.get_data(as_text=True)
    # Private pages stay out of search engines (their URLs are no secret, their contents are).
    for private in ("/settings", "/moderation", "/admin"):
        assert f"Disallow: {private}\n" in response.get_data(as_text=True)


def test_a_build_without_a_route_list_serves_every_path(make_app, tmp_path):
    (tmp_path / "index.html").write_text(INDEX)
    client = make_app(WEB_DIST=str(tmp_path)).test_client()
    assert get(client, "/no/such/page").status_code == 200


def test_security_headers_forbid_inline_scripts(web_client):
    response = get(web_client, "/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hashed_assets_are_cached_forever_and_other_files_served(web_client):
    asset = get(web_client, "/assets/app.js")
    assert asset.status_code == 200 and b"console.log" in asset.data
    assert "immutable" in asset.headers["Cache-Control"]
    assert get(web_client, "/favicon.ico").data == b"\0icon"


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api", "/media/abc.webp", "/media"])
def test_api_and_media_paths_never_fall_back_to_the_spa(web_client, path):
    response = get(web_client, path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_post_to_an_unknown_api_path_is_404_not_405(web_client):
    assert web_client.post("/api/v1/nothing").status_code == 404


def test_paths_cannot_escape_the_dist_directory(web_client):
    response = get(web_client, "/../../etc/passwd")
    assert b"root:" not in response.data


def test_api_still_works_next_to_the_spa(web_client):
    assert get(web_client, "/healthz").get_json() == {"status": "ok"}


def test_without_a_build_the_root_is_a_404_problem(client):
    response = client.get("/")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_a_relative_web_dist_is_taken_from_the_working_directory(make_app, tmp_path, monkeypatch):
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text(INDEX)
    monkeypatch.chdir(tmp_path)
    client = make_app(WEB_DIST="dist").test_client()
    assert get(client, "/@ada").get_data(as_text=True) == INDEX


def test_an_unreachable_database_makes_a_public_page_503_not_500(web_client, monkeypatch):
    from pymongo.errors import ServerSelectionTimeoutError

    def down(**_):
        raise ServerSelectionTimeoutError("no servers")

    monkeypatch.setattr("portrait.web.read_profile", down)
    response = get(web_client, "/@ada")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
