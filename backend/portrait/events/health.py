"""How far behind delivery is: for the dispatcher's metrics line and /readyz's detail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portrait.events import relay
from portrait.events.models import PENDING, Delivery, WebhookEndpoint
from portrait.models.base import utcnow


def lag_seconds() -> float | None:
    """Age of the oldest pending delivery or unrelayed outbox (None: nothing waits)."""
    oldest = Delivery._get_collection().find_one(
        {"status": PENDING}, {"created_at": 1}, sort=[("created_at", 1)]
    )
    ages = [utcnow() - oldest["created_at"]] if oldest else []
    if relay.pending_users(limit=1):
        ages.append(timedelta(0))  # an outbox waits: its age is not indexed, count it as now
    return max(ages).total_seconds() if ages else None


def lag() -> dict[str, Any]:
    """The age of the oldest undelivered event (0: nothing waits), the pending deliveries and
    the endpoints marked failing. Raises when the database does not answer."""
    return {
        "lag_seconds": round(lag_seconds() or 0, 1),
        "pending_deliveries": Delivery.objects(status=PENDING).count(),
        "failing_endpoints": WebhookEndpoint.objects(failing=True).count(),
    }
