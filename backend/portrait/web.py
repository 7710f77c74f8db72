"""Serves the built SPA (WEB_DIST) in the embedded run, with browser security headers.

Files that exist are sent as-is; any other GET path outside /api and /media gets index.html
so client-side routes such as /@ada survive a reload. Under docker compose nginx does this.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

log = logging.getLogger(__name__)

# No inline scripts or styles, no third-party origins: the SPA only talks to its own origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
IMMUTABLE_DIR = "assets"  # Vite puts content-hashed files here


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
        response = send_from_directory(dist, "index.html", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.after_request
    def _csp(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return bp
