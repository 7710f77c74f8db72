"""API workers SIGKILLed mid-upload on the real topology: gunicorn replaces them, each new
worker's start-up cleanup pass removes media nothing references, and the avatar that was
there stays intact.

The upload is held at the model service when the workers die, so it stored nothing itself;
the media a worker killed between storing and swapping would leave (the narrow window no
outside signal can hit reliably) are planted as exactly that: the user's, unreferenced, and
older than the sweep's grace period. Media of an account that no longer exists are planted too.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import pytest
import requests
from bson import Binary

from portrait.models.user import utcnow
from portrait.services.avatar_commit import SWEEP_GRACE
from tests.faults.conftest import kill
from tests.faults.support import assert_served, avatar_keys, me, signup, upload

pytestmark = pytest.mark.slow


def plant(db, owner: str, count: int, age: timedelta) -> set[str]:
    keys = {f"{uuid.uuid4().hex}{uuid.uuid4().hex}.webp" for _ in range(count)}
    db.media.insert_many(
        {
            "_id": key,
            "owner": owner,
            "kind": "variant",
            "content_type": "image/webp",
            "size": 4,
            "sha256": "0" * 64,
            "data": Binary(b"RIFF"),
            "created_at": utcnow() - age,
        }
        for key in keys
    )
    return keys


def test_killed_workers_leave_no_orphan_media_after_the_cleanup_pass(api, model_proxy):
    account = signup(api.base)
    assert upload(api.base, account, seed=1).status_code == 200
    avatar = me(api.base, account).json()["avatar"]
    owner = account["user"]["id"]
    client, db = api.db()
    crashed = plant(db, owner, 6, SWEEP_GRACE + timedelta(minutes=1))
    ghost = plant(db, "6b0000000000000000000000", 3, SWEEP_GRACE * 3)
    running = plant(db, owner, 2, timedelta(seconds=5))  # an upload still in flight

    model_proxy.arrived.clear()
    model_proxy.release.clear()
    model_proxy.mode = "hold"
    outcome = {}

    def second_upload():
        try:
            outcome["response"] = upload(api.base, account, seed=2, timeout=60)
        except requests.RequestException as exc:
            outcome["error"] = exc

    uploader = threading.Thread(target=second_upload)
    uploader.start()
    try:
        assert model_proxy.arrived.wait(30), "the upload never reached the model service"
        old_workers = api.worker_pids()
        assert len(old_workers) == 2
        kill(old_workers)
        uploader.join(30)
    finally:
        model_proxy.mode = "pass"
        model_proxy.release.set()
    assert "error" in outcome or outcome["response"].status_code >= 500, outcome

    api.wait_ready()
    assert not set(api.worker_pids()) & set(old_workers)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        left = {doc["_id"] for doc in db.media.find({}, {"_id": 1})}
        if not left & (crashed | ghost):
            break
        time.sleep(0.2)
    owned = {doc["_id"] for doc in db.media.find({"owner": owner}, {"_id": 1})}
    client.close()
    assert not left & (crashed | ghost), "the start-up cleanup pass did not remove the orphans"
    assert owned == avatar_keys(avatar) | running  # young media are left to their upload
    assert me(api.base, account).json()["avatar"] == avatar
    assert_served(api.base, avatar)
