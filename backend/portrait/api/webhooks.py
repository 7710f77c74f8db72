"""Admin: webhook endpoints, their secrets and delivery logs (docs/events.md)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from portrait.events import admin
from portrait.events.admin import admin_required
from portrait.schemas.webhooks import (
    DeliveryListSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    WebhookCreateSchema,
    WebhookListSchema,
    WebhookSchema,
    WebhookUpdateSchema,
    WebhookWithSecretSchema,
)

bp = Blueprint(
    "webhooks", __name__, url_prefix="/api/v1/admin/webhooks", description="Admin: webhooks"
)

SECURITY = [{"bearerAuth": []}]


def _guarded(func):
    """The admin check and the errors every operation documents."""
    func = bp.alt_response(401, response="UNAUTHORIZED")(func)
    func = bp.alt_response(403, response="FORBIDDEN", description="Not an administrator")(func)
    return bp.doc(security=SECURITY)(func)


@bp.route("")
class Webhooks(MethodView):
    decorators = [admin_required]

    @bp.response(200, WebhookListSchema)
    @bp.doc(operationId="listWebhooks")
    @_guarded
    def get(self):
        """List the webhook endpoints (never their secrets)."""
        return {"items": admin.list_endpoints()}

    @bp.arguments(WebhookCreateSchema)
    @bp.response(201, WebhookWithSecretSchema)
    @bp.alt_response(400, response="BAD_REQUEST", description="URL refused (SSRF guard)")
    @bp.doc(operationId="createWebhook")
    @_guarded
    def post(self, data):
        """Register an endpoint; the answer shows its signing secret, this once."""
        return admin.create_endpoint(**data)


@bp.route("/<string:endpoint_id>")
class Webhook(MethodView):
    decorators = [admin_required]

    @bp.response(200, WebhookSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.doc(operationId="readWebhook")
    @_guarded
    def get(self, endpoint_id):
        """Read one endpoint."""
        return admin.get_endpoint(endpoint_id=endpoint_id)

    @bp.arguments(WebhookUpdateSchema)
    @bp.response(200, WebhookSchema)
    @bp.alt_response(400, response="BAD_REQUEST", description="URL refused (SSRF guard)")
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.doc(operationId="updateWebhook")
    @_guarded
    def patch(self, changes, endpoint_id):
        """Change the URL, event types, description, or switch it off and on."""
        return admin.update_endpoint(endpoint_id=endpoint_id, changes=changes)

    @bp.response(204)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.doc(operationId="deleteWebhook")
    @_guarded
    def delete(self, endpoint_id):
        """Remove the endpoint; nothing more is sent to it."""
        admin.delete_endpoint(endpoint_id=endpoint_id)


@bp.route("/<string:endpoint_id>/rotate-secret", methods=["POST"])
@admin_required  # before any input is read
@bp.response(200, WebhookWithSecretSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(operationId="rotateWebhookSecret")
@_guarded
def rotate_secret(endpoint_id):
    """A new signing secret (shown this once); the old one stops working at once."""
    return admin.rotate_secret(endpoint_id=endpoint_id)


@bp.route("/<string:endpoint_id>/deliveries")
@admin_required  # before any input is read
@bp.arguments(DeliveryQuerySchema, location="query")
@bp.response(200, DeliveryListSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(operationId="listWebhookDeliveries")
@_guarded
def list_deliveries(query, endpoint_id):
    """The endpoint's deliveries, newest first, with their last attempts."""
    items = admin.list_deliveries(endpoint_id=endpoint_id, **query)
    return {"items": items}


@bp.route("/<string:endpoint_id>/deliveries/<string:delivery_id>/redeliver", methods=["POST"])
@admin_required  # before any input is read
@bp.response(200, DeliverySchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT", description="Not failed or stopped")
@bp.doc(operationId="redeliverWebhook")
@_guarded
def redeliver(endpoint_id, delivery_id):
    """Send a failed or stopped delivery again (a fresh retry period)."""
    return admin.redeliver(endpoint_id=endpoint_id, delivery_id=delivery_id)
