"""Helpers for the avatar API tests: uploads, stored-state snapshots, canned answers."""

from __future__ import annotations

from bson import ObjectId

from portrait.models import User
from portrait.models.media import Media
from portrait.models.moderation import ModerationEvent

API = "/api/v1"


def upload(client, account, data: bytes, *, filename="photo.jpg", content_type="image/jpeg"):
    """PUT /me/avatar as a browser form sends it (multipart field `file`). The body is built
    here as bytes: werkzeug's test client would spool a large form to a temporary file that
    nobody closes when the API refuses it unread."""
    boundary = "portrait-test-boundary-7f3a"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    )
    return client.put(
        f"{API}/me/avatar",
        headers=account.headers,
        data=head.encode() + data + f"\r\n--{boundary}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def upload_raw(client, account, data: bytes, content_type="application/octet-stream"):
    """PUT /me/avatar with the picture as the whole body (what mobile apps tend to do)."""
    return client.put(
        f"{API}/me/avatar",
        headers={**account.headers, "Content-Type": content_type},
        data=data,
    )


def explicit_answer(width: int, height: int) -> dict:
    """What the model service's avatar pipeline says about an explicit picture."""
    detection = {"label": "FEMALE_BREAST_EXPOSED", "score": 0.91, "box": [10, 10, 50, 50]}
    return {
        "result": {
            "image": {"width": width, "height": height},
            "moderation": {
                "explicit": True,
                "reasons": ["FEMALE_BREAST_EXPOSED"],
                "threshold": 0.6,
                "detections": [detection, {**detection, "label": "FACE_FEMALE", "score": 0.8}],
            },
            "crop": None,
        },
        "metadata": {
            "pipeline": "avatar",
            "duration_ms": 12.5,
            "models": {
                "moderation": {"model": "nudity-detection", "version": "3.4.2-320n"},
                "crop": {"model": "smart-crop", "version": "1.0", "skipped": True},
            },
        },
    }


def snapshot(user_id: str) -> dict:
    """Every stored byte about the user: the raw user document and all media documents."""
    return {
        "user": User._get_collection().find_one({"_id": ObjectId(user_id)}),
        "media": sorted(Media._get_collection().find({}), key=lambda d: d["_id"]),
    }


def moderation_events() -> list[dict]:
    return list(ModerationEvent._get_collection().find({}, {"_id": 0}))
