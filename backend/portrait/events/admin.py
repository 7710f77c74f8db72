"""Webhook endpoints for admins: register, edit, rotate the secret, read the delivery log,
redeliver. Roles are granted from the CLI only
(`flask --app portrait users set-role EMAIL admin`, audited)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from bson import ObjectId
from flask import current_app
from flask_jwt_extended import current_user, jwt_required

from portrait.errors import BadRequest, Conflict, Forbidden, NotFound
from portrait.events import webhooks
from portrait.events.models import FAILED, PENDING, STOPPED, Delivery, WebhookEndpoint
from portrait.models.base import utcnow
from portrait.permissions import has_role


def admin_required(view):
    """A signed-in user whose role is admin; others get 403 before any input is read."""

    @wraps(view)
    @jwt_required()
    def guarded(*args, **kwargs):
        if not has_role(current_user, "admin"):
            raise Forbidden("This needs an administrator.")
        return view(*args, **kwargs)

    return guarded


def _checked(url: str) -> str:
    try:
        webhooks.check_url(url, allow_private=current_app.config["WEBHOOKS_ALLOW_PRIVATE"])
    except webhooks.UnsafeURL as exc:
        raise BadRequest(str(exc), errors={"url": [str(exc)]}) from exc
    return url


def get_endpoint(*, endpoint_id: str) -> WebhookEndpoint:
    endpoint = (
        WebhookEndpoint.objects(id=endpoint_id).first() if ObjectId.is_valid(endpoint_id) else None
    )
    if endpoint is None:
        raise NotFound("No webhook endpoint with this id.")
    return endpoint


def list_endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.order_by("created_at"))


def create_endpoint(*, url: str, event_types: list[str], description: str = "") -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        url=_checked(url),
        event_types=sorted(set(event_types)),
        description=description,
        secret=webhooks.new_secret(),
    )
    return endpoint.save(force_insert=True)


def update_endpoint(*, endpoint_id: str, changes: dict[str, Any]) -> WebhookEndpoint:
    endpoint = get_endpoint(endpoint_id=endpoint_id)
    updates = {f"set__{name}": value for name, value in changes.items()}
    if "url" in changes:
        _checked(changes["url"])
    if "event_types" in changes:
        updates["set__event_types"] = sorted(set(changes["event_types"]))
    if changes.get("active"):  # switched back on: a fresh start
        updates |= {"set__failing": False, "set__disabled_reason": None}
    if updates:
        WebhookEndpoint.objects(id=endpoint.id).update_one(**updates)
    return get_endpoint(endpoint_id=endpoint_id)


def delete_endpoint(*, endpoint_id: str) -> None:
    endpoint = get_endpoint(endpoint_id=endpoint_id)
    endpoint.delete()  # its pending deliveries are stopped by the dispatcher (no endpoint)


def rotate_secret(*, endpoint_id: str) -> WebhookEndpoint:
    endpoint = get_endpoint(endpoint_id=endpoint_id)
    WebhookEndpoint.objects(id=endpoint.id).update_one(set__secret=webhooks.new_secret())
    return get_endpoint(endpoint_id=endpoint_id)


def list_deliveries(*, endpoint_id: str, limit: int, status: str | None = None) -> list[Delivery]:
    endpoint = get_endpoint(endpoint_id=endpoint_id)
    query = Delivery.objects(sink=str(endpoint.id))
    if status:
        query = query.filter(status=status)
    return list(query.order_by("-created_at").limit(limit))


def redeliver(*, endpoint_id: str, delivery_id: str) -> Delivery:
    """Sends a failed or stopped delivery again, with a fresh retry period."""
    endpoint = get_endpoint(endpoint_id=endpoint_id)
    now = utcnow()
    again = Delivery.objects(id=delivery_id, sink=str(endpoint.id), status__in=[FAILED, STOPPED])
    if not again.update_one(
        set__status=PENDING, set__next_at=now, set__created_at=now, set__lease_until=None
    ):
        if Delivery.objects(id=delivery_id, sink=str(endpoint.id)).first() is None:
            raise NotFound("No such delivery for this endpoint.")
        raise Conflict("Only failed or stopped deliveries can be sent again.")
    return Delivery.objects(id=delivery_id).get()
