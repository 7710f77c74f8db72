"""docker/web/nginx.conf run by a real nginx (Debian's), as the web container runs it: the
SPA with its fallback and caching, gzip, security headers, and /api and /media proxied to
an upstream that stands in for the API and reports what it received."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.topology.servers import nginx_web

pytestmark = pytest.mark.slow

INDEX = "<!doctype html><title>Portrait</title>" + "<!-- padding -->" * 200
BUNDLE = "export const greeting = 'hello';\n" * 200


class EchoAPI(BaseHTTPRequestHandler):
    """Answers every request with a JSON description of what nginx forwarded."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.headers.get("Transfer-Encoding") == "chunked":
            body = self._read_chunked()
        payload = json.dumps(
            {
                "path": self.path,
                "method": self.command,
                "bytes": len(body),
                "x_forwarded_for": self.headers.get("X-Forwarded-For"),
                "x_forwarded_proto": self.headers.get("X-Forwarded-Proto"),
                "padding": "x" * 2000,  # big enough for gzip_min_length
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _read_chunked(self) -> bytes:
        data = b""
        while size := int(self.rfile.readline().strip() or b"0", 16):
            data += self.rfile.read(size)
            self.rfile.readline()
        self.rfile.readline()
        return data

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    dist = tmp / "html"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-1a2b3c.js").write_text(BUNDLE)

    api = ThreadingHTTPServer(("127.0.0.1", 0), EchoAPI)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    try:
        with nginx_web(f"127.0.0.1:{api.server_address[1]}", dist, tmp) as url:
            yield url
    finally:
        api.shutdown()
        api.server_close()


def assert_security_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/", "/@ada", "/settings/profile"])
def test_spa_routes_get_index_html_never_cached(web, path):
    response = requests.get(web + path, timeout=30)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert_security_headers(response)


def test_hashed_assets_are_gzipped_and_cached_forever(web):
    response = requests.get(
        web + "/assets/app-1a2b3c.js", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=5
    )
    raw = response.raw.read()
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw).decode() == BUNDLE
    assert "immutable" in response.headers["Cache-Control"]
    assert_security_headers(response)


def test_a_missing_asset_is_404_not_the_app(web):
    assert requests.get(web + "/assets/gone-000.js", timeout=30).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/media/ab12cd.webp"])
def test_api_and_media_reach_the_api_with_forwarding_headers(web, path):
    response = requests.post(web + path, json={"hello": "world"}, timeout=30)
    assert response.status_code == 200
    seen = response.json()
    assert seen["path"] == path and seen["method"] == "POST"
    assert seen["bytes"] == len(b'{"hello": "world"}')
    assert seen["x_forwarded_for"] == "127.0.0.1"
    assert seen["x_forwarded_proto"] == "http"
    assert_security_headers(response)
    # The SPA's CSP would break the API's docs page (Swagger UI).
    assert "Content-Security-Policy" not in response.headers


def test_the_scheme_of_a_tls_terminating_proxy_in_front_is_passed_on(web):
    response = requests.get(web + "/api/v1/me", headers={"X-Forwarded-Proto": "https"})
    assert response.json()["x_forwarded_proto"] == "https"


def test_api_json_is_gzipped(web):
    response = requests.get(web + "/api/v1/profiles", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.json()["path"] == "/api/v1/profiles"


def test_uploads_pass_whole_up_to_the_limit_and_larger_ones_are_refused(web):
    photo = b"\xff" * (10 * 1024 * 1024)
    response = requests.put(web + "/api/v1/me/avatar", data=photo, timeout=30)
    assert response.json()["bytes"] == len(photo)
    too_big = requests.put(web + "/api/v1/me/avatar", data=photo * 2, timeout=30)
    assert too_big.status_code == 413
