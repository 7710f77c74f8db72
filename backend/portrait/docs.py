"""Swagger UI for /api/docs, served from our own origin (the swagger-ui-bundle-v2 package), so
the docs work offline and behind a strict Content-Security-Policy.

flask-smorest renders the page (OPENAPI_SWAGGER_UI_URL points here); our templates/
swagger_ui.html replaces its template, which has an inline script.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Flask, Response, abort, request, send_from_directory

# The SPA's policy suits Swagger UI too: it sets styles from script (allowed), draws icons as
# data: URIs and calls only our own API ("Try it out").
from portrait.web import CSP

VENDOR_DIR = Path(swagger_ui_bundle.swagger_ui_path)
OWN_DIR = Path(__file__).with_name("docs_ui")
# Only what the page loads: the package also holds an index.html with inline scripts.
ASSETS = {  # name -> (directory, content type: never left to the host's mime.types)
    "swagger-ui.css": (VENDOR_DIR, "text/css"),
    "swagger-ui-bundle.js": (VENDOR_DIR, "text/javascript"),
    "swagger-init.js": (OWN_DIR, "text/javascript"),
}
bp = Blueprint("docs_ui", __name__)


@bp.get("/<name>")
def asset(name: str) -> Response:
    if name not in ASSETS:
        abort(404)
    # Versioned by the package: a new version is a new deployment, so a day is enough.
    directory, mimetype = ASSETS[name]
    return send_from_directory(directory, name, mimetype=mimetype, max_age=86400)


def init_app(app: Flask) -> None:
    """Serves the files where the page loads them from (OPENAPI_SWAGGER_UI_URL, a path)."""
    assets_url = app.config["OPENAPI_SWAGGER_UI_URL"]
    app.register_blueprint(bp, url_prefix=assets_url.rstrip("/"))
    page = app.config["OPENAPI_URL_PREFIX"] + "/" + app.config["OPENAPI_SWAGGER_UI_PATH"]

    @app.after_request
    def _docs_csp(response: Response) -> Response:
        if request.path == page or request.path.startswith(assets_url):
            response.headers["Content-Security-Policy"] = CSP
        return response
