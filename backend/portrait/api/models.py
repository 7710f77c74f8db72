"""The Models page: the model service's catalog, and a try of one model on a photo."""

from __future__ import annotations

import marshmallow as ma
from flask import after_this_request
from flask_smorest import Blueprint

from portrait.api.avatar import MAX_BYTES, MAX_PIXELS
from portrait.extensions import models_catalog_limit, models_try_limit
from portrait.http import multipart_upload_body, no_store, upload_bytes
from portrait.schemas.models import ModelCatalogSchema, ModelTryQuerySchema, ModelTrySchema
from portrait.services import model_catalog

# flask-smorest tags operations with the blueprint's name: "Models", as the page's contract says.
bp = Blueprint(
    "Models", __name__, url_prefix="/api/v1/models", description="The models and a try of each"
)

CATALOG_MAX_AGE = 60  # seconds a browser or proxy may keep the catalog
PUBLIC = {
    "Cache-Control": {
        "description": f"public, max-age={CATALOG_MAX_AGE}",
        "schema": {"type": "string"},
    }
}
NO_STORE = {"Cache-Control": {"description": "no-store", "schema": {"type": "string"}}}
TRY_BODY = multipart_upload_body(
    "JPEG, PNG or WebP, read from the bytes; at most "
    f"{MAX_BYTES} and {MAX_PIXELS}. Never stored, never logged."
)


@bp.route("")
@models_catalog_limit()
@bp.response(200, ModelCatalogSchema, headers=PUBLIC)
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE", description="Model service down")
@bp.doc(operationId="listModels", security=[])
def list_models():
    """Every model the model service serves: versions, stages, options, reports."""
    catalog = model_catalog.list_models()
    return catalog, {"Cache-Control": f"public, max-age={CATALOG_MAX_AGE}"}


@bp.route("/<name>/try", methods=["POST"])
@models_try_limit()
@bp.arguments(ModelTryQuerySchema, location="query", unknown=ma.INCLUDE)
@bp.response(200, ModelTrySchema, headers=NO_STORE)
@bp.alt_response(400, response="BAD_REQUEST", description="No multipart field 'file'")
@bp.alt_response(404, response="NOT_FOUND", description="No such model or version")
@bp.alt_response(413, response="DEFAULT_ERROR", description=f"Over {MAX_BYTES} or {MAX_PIXELS}")
@bp.alt_response(415, response="DEFAULT_ERROR", description="Not JPEG, PNG or WebP")
@bp.alt_response(422, response="DEFAULT_ERROR", description="The model refused an option or input")
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE", description="Model service down")
@bp.doc(operationId="tryModel", security=[], requestBody=TRY_BODY)
def try_model(query, name):
    """Run a model on a photo (the champion, or ?version=); nothing is stored.

    Every query parameter but `version` is passed to the model as an option (its name and
    range are in the catalog's `options`), e.g. `aspect=1` for smart-crop, `threshold=0.6`
    for nudity-detection.
    """
    after_this_request(no_store)
    options = dict(query)  # not as kwargs: an option called `name` must not meet the path's
    version = options.pop("version", None)
    data = upload_bytes(raw_body=False)
    return model_catalog.try_model(name=name, data=data, version=version, options=options)
