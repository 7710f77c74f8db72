"""Liveness and readiness probes, at the root (not under /api/v1) as orchestrators expect."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from portrait.errors import ServiceUnavailable
from portrait.services.health import run_checks, run_details

bp = Blueprint("health", __name__, description="Process and dependency health")


class HealthSchema(ma.Schema):
    status = ma.fields.String()
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(),
        metadata={
            "description": '"ok" or why a dependency is unavailable; `events` is informative '
            "(never makes the API not ready): `{status, lag_seconds, pending_deliveries, "
            "failing_endpoints}`"
        },
    )


@bp.route("/healthz")
@bp.response(200, HealthSchema)
@bp.doc(operationId="health", security=[])
def healthz():
    """The process is up."""
    return {"status": "ok"}


@bp.route("/readyz")
@bp.response(200, HealthSchema)
@bp.alt_response(503, response="SERVICE_UNAVAILABLE")
@bp.doc(operationId="readiness", security=[])
def readyz():
    """The database and the other dependencies answer."""
    checks = run_checks(app=current_app)
    report = {**checks, **run_details(app=current_app)}
    if any(result != "ok" for result in checks.values()):
        raise ServiceUnavailable("Not ready: a dependency is unavailable.", checks=report)
    return {"status": "ready", "checks": report}
