"""The embedded run serves the built SPA with security headers (portrait/web.py)."""

from __future__ import annotations

import pytest

INDEX = "<!doctype html><title>Portrait</title><script type=module src=/assets/app.js></script>"


@pytest.fixture
def web_client(make_app, tmp_path):
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log('hi')")
    (tmp_path / "favicon.ico").write_bytes(b"\0icon")
    return make_app(WEB_DIST=str(tmp_path)).test_client()


def get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    response.get_data()  # buffer the body, then release the file send_file opened
    response.close()
    return response


@pytest.mark.parametrize("path", ["/", "/@ada", "/settings/profile", "/login?next=/me"])
def test_client_routes_get_index_html(web_client, path):
    response = get(web_client, path)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == INDEX
    assert response.headers["Cache-Control"] == "no-cache"


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
