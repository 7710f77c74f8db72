"""Serves the built SPA (WEB_DIST) in the embedded run, with browser security headers.

Files that exist are sent as-is; any other GET path outside /api and /media gets index.html
so client-side routes such as /@ada survive a reload. Under docker compose nginx does this.
Paths that are no route of the app, and /@handle of a handle nobody has, get index.html too
(the app shows its not-found page) but with status 404, so nothing indexes a soft 404. The
routes come from the build (spa-routes.json, written from frontend/src/router/paths.json).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

from portrait.errors import NotFound
from portrait.services.profiles import read_profile

log = logging.getLogger(__name__)

# No inline scripts or styles, no third-party origins: the SPA only talks to its own origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
IMMUTABLE_DIR = "assets"  # Vite puts content-hashed files here
ROUTES_FILE = "spa-routes.json"  # {name: "/@:handle", ...}, emitted by frontend/vite.config.ts


class SpaPathConverter(PathConverter):
    """A path that is not under /api or /media, so unknown API URLs stay problem+json 404s
    (and a POST there stays 404/405 of the API, not of the SPA route)."""

    regex = r"(?!(?:api|media)(?:/|$))[^/].*?"


def init_app(app: Flask) -> None:
    @app.after_request
    def _baseline_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response

    # Absolute: Flask would resolve a relative directory against the package, not the cwd.
    dist = Path(app.config["WEB_DIST"]).resolve()
    if not (dist / "index.html").is_file():
        log.info("no built web app in %s: serving the API only", dist)
        return
    app.url_map.converters["spa"] = SpaPathConverter
    app.register_blueprint(_blueprint(dist))
    log.info("serving the web app from %s", dist)


def _blueprint(dist: Path) -> Blueprint:
    bp = Blueprint("web", __name__)
    routes = _load_routes(dist)

    @bp.get("/", defaults={"path": ""})
    @bp.get("/<spa:path>")
    def spa(path: str) -> Response:
        target = safe_join(str(dist), path) if path else None
        if target and Path(target).is_file():
            immutable = path.startswith(IMMUTABLE_DIR + "/")
            response = send_from_directory(dist, path, max_age=31536000 if immutable else 0)
            if immutable:
                response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            return response
        # A page that does not exist still gets the shell: the app shows its not-found page.
        status = 200 if routes is None or _exists(routes, "/" + path) else 404
        response = send_from_directory(dist, "index.html", max_age=0)
        response.status_code = status
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.after_request
    def _csp(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return bp


def _load_routes(dist: Path) -> list[re.Pattern[str]] | None:
    """The app's routes as patterns; None (every path is a page) for a build without them."""
    try:
        paths = json.loads((dist / ROUTES_FILE).read_text())
    except FileNotFoundError:
        log.warning("no %s in %s: unknown paths answer 200, not 404", ROUTES_FILE, dist)
        return None
    return [_pattern(path) for path in paths.values()]


def _pattern(path: str) -> re.Pattern[str]:
    # Vue Router's defaults: case-insensitive, an optional trailing slash; ":name" is one segment.
    # re.split with a group alternates literal text (even indexes) and parameter names.
    parts = re.split(r":(\w+)", path.rstrip("/"))
    regex = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"{regex}/?", re.IGNORECASE)


def _exists(routes: list[re.Pattern[str]], path: str) -> bool:
    """Whether `path` is a page of the app: a route, and for /@handle a profile that exists."""
    for route in routes:
        match = route.fullmatch(path)
        if match is None:
            continue
        handle = match.groupdict().get("handle")
        if handle is None:
            return True
        try:
            read_profile(handle=handle)
        except NotFound:
            return False
        return True
    return False
