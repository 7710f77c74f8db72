"""Helpers for the avatar API tests: uploads, stored-state snapshots, canned answers."""

from __future__ import annotations

from bson import ObjectId

from portrait.models import User
from portrait.models.media import Media
from portrait.models.moderation import ModerationEvent
from portrait.storage import StorageError

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


def clean_answer(width: int, height: int) -> dict:
    """The avatar pipeline's answer for an acceptable picture, framed on the centre square."""
    side = min(width, height)
    answer = explicit_answer(width, height)
    answer["result"]["moderation"].update(explicit=False, reasons=[], detections=[])
    answer["result"]["crop"] = {
        "crop": {
            "x": (width - side) // 2,
            "y": (height - side) // 2,
            "width": side,
            "height": side,
        },
        "faces": [],
        "method": "saliency",
    }
    return answer


def answer_for(path: str, body):
    """A canned avatar-pipeline answer as the model service would give it at `path`: the
    checks of single views (`nudity-detection` on the square, on tiles) get its moderation."""
    if path.startswith("/v1/models/nudity-detection/") and isinstance(body, dict):
        meta = body["metadata"]["models"]["moderation"]
        return {"result": body["result"]["moderation"], "metadata": {**meta, "duration_ms": 1.0}}
    return body


class FlakyStore:
    """A real media store with injected trouble: `before_put(n, item)` runs before the n-th
    put (1-based) and may raise or change the database; `fail_deletes` breaks deletion."""

    def __init__(self, inner, before_put=None, fail_deletes=False):
        self.inner, self.before_put, self.fail_deletes = inner, before_put, fail_deletes
        self.puts = 0

    def put(self, item):
        self.puts += 1
        if self.before_put:
            self.before_put(self.puts, item)
        self.inner.put(item)

    def delete(self, keys):
        if self.fail_deletes:
            raise StorageError("injected: delete failed")
        self.inner.delete(keys)

    def get(self, key):
        return self.inner.get(key)

    def exists(self, key):
        return self.inner.exists(key)

    def keys_owned_by(self, owner, **kwargs):
        return self.inner.keys_owned_by(owner, **kwargs)


def events_added(before: dict, after: dict) -> list[str]:
    """The types of the events a change appended to the user's outbox; pops both outboxes,
    so `after == before` then says nothing else changed."""
    old, new = before["user"].pop("outbox", []), after["user"].pop("outbox", [])
    return [event["type"] for event in new[len(old) :]]
