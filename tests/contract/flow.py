"""What a mobile app relies on, checked on what a generated client saw while driving the real
API: each client's driver (typescript/flow.ts, test_python_client.py) runs the same steps
and reports one `seen` dict with these keys."""

from __future__ import annotations

import uuid
from typing import Any

SIZES = ["128", "256", "512", "64", "jpeg"]


def new_handle(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def check_flow(seen: dict[str, Any], *, handle: str) -> None:
    assert seen["signup"] == {"status": 201, "avatar_is_null": True, "has_refresh_token": True}
    assert seen["login"] == {"status": 200, "handle": handle}  # the e-mail was upper-cased

    read = seen["read_me"]
    assert read["status"] == 200 and read["email"] == f"{handle}@example.com"
    assert read["etag"].startswith('"')
    assert seen["read_me_cached"] == {"status": 304, "problem": None}
    update = seen["update"]
    assert update["status"] == 200 and update["bio"] == "Generated"
    assert update["etag"] and update["etag"] != read["etag"]
    stale = seen["stale_update"]
    assert stale["status"] == 412
    assert stale["problem"]["type"] == "urn:portrait:problem:precondition-failed"

    without = seen["profile_without_picture"]
    assert without["status"] == 200 and without["handle"] == handle
    assert without["avatar_sizes"] is None and without["default_avatar_url"].endswith(".svg")
    assert seen["upload"] == {"status": 200, "sizes": SIZES}
    media = seen["media"]
    assert media["status"] == 200 and media["content_type"] == "image/webp" and media["bytes"]
    assert seen["profile_with_picture"]["avatar_sizes"] == SIZES

    assert seen["refresh"] == {"status": 200, "rotated": True}
    assert seen["logout"] == {"status": 204}
    assert seen["after_logout"]["status"] == 401

    refusal = seen["refusal"]
    assert refusal["status"] == 422
    problem = refusal["problem"]
    assert problem["type"] == "urn:portrait:problem:avatar-rejected"
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    assert problem["labels"] == ["FEMALE_BREAST_EXPOSED"]  # the member strict clients dropped
