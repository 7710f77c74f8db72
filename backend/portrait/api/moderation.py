"""The moderators' queue: borderline pictures, appeals and reports, and their decisions."""

from __future__ import annotations

from flask import Response
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from portrait.api.media import SAFE_HEADERS
from portrait.permissions import require_role
from portrait.schemas.moderation import (
    DecisionSchema,
    ModerationItemSchema,
    QueuePageSchema,
    QueueQuerySchema,
)
from portrait.services import moderation

bp = Blueprint(
    "moderation", __name__, url_prefix="/api/v1/moderation", description="The moderators' queue"
)

SECURITY = [{"bearerAuth": []}]


def item_view(item, user) -> dict:
    # An appeal's picture lives in the item until it is decided (the queue leaves it unread).
    pictured = item.image_key or (item.kind == "appeal" and item.state == "open")
    return {
        "id": str(item.id),
        "kind": item.kind,
        "state": item.state,
        "created_at": item.created_at,
        "user": {"id": str(item.user), "handle": user.handle if user else ""},
        "image_url": f"{bp.url_prefix}/items/{item.id}/image" if pictured else None,
        "labels": list(item.labels),
        "reports": item.reports,
        "reasons": list(item.reasons),
        "note": item.note,
        "decided": dict(item.decided) if item.decided else None,
    }


@bp.route("/queue")
@bp.arguments(QueueQuerySchema, location="query")
@bp.response(200, QueuePageSchema)
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN", description="Not a moderator")
@bp.doc(operationId="readModerationQueue", security=SECURITY)
@jwt_required()
@require_role("moderator")
def read_queue(query):
    """Open items, oldest first, a page at a time (pass next_cursor back as cursor)."""
    page = moderation.queue(kind=query.get("kind"), cursor=query.get("cursor"))
    return {"items": [item_view(i, u) for i, u in page.items], "next_cursor": page.next_cursor}


@bp.route("/items/<string:item_id>/decision", methods=["POST"])
@bp.arguments(DecisionSchema)
@bp.response(200, ModerationItemSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN", description="Not a moderator")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT", description="Already decided")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE")
@bp.doc(operationId="decideModerationItem", security=SECURITY)
@jwt_required()
@require_role("moderator")
def decide(body, item_id):
    """Approve or reject an item, with a reason its owner sees."""
    item = moderation.decide(item_id=item_id, moderator=current_user, **body)
    return item_view(item, moderation.item_owner(item))


@bp.route("/items/<string:item_id>/image")
@bp.response(200, content_type="image/webp", description="The picture the item is about")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN", description="Not a moderator")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(operationId="readModerationImage", security=SECURITY)
@jwt_required()
@require_role("moderator")
def read_image(item_id):
    """The item's picture, for moderators only: never cached by anyone else."""
    data, content_type = moderation.item_image(item_id=item_id)
    headers = {**SAFE_HEADERS, "Cache-Control": "private, no-store", "Vary": "Authorization"}
    return Response(data, content_type=content_type, headers=headers)
