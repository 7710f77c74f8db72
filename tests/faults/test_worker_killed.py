"""API workers SIGKILLed mid-upload on the real topology leave no orphan media once the
cleanup pass has run.

The API (gunicorn, 2 workers) reaches FerretDB through a proxy that stops all database
traffic right after an upload has stored two of its six media items; both workers are then
killed. The upload's stored media are orphans: nothing references them (the profile was never
swapped) and no later commit of this user is guaranteed to come. gunicorn starts new workers,
and their start-up cleanup pass deletes them, once they are older than the sweep's grace
period (uploads still running must keep theirs), which the test fast-forwards by back-dating
them in the database.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import requests

from portrait.models.user import utcnow
from portrait.services.avatar_commit import SWEEP_GRACE
from tests.faults.conftest import SELECTION_MS, Api, kill
from tests.faults.freeze import FreezingProxy
from tests.faults.support import assert_served, avatar_keys, me, signup, upload
from tests.topology.servers import gunicorn_api
from tests.utils.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frozen_api(ferret, models_url, tmp_path_factory):
    proxy = FreezingProxy(ferret.port)
    db_name = f"killed_{uuid.uuid4().hex[:8]}"
    uri = f"mongodb://127.0.0.1:{proxy.port}/{db_name}?serverSelectionTimeoutMS={SELECTION_MS}"
    log = tmp_path_factory.mktemp("killed") / "api.log"
    try:
        with gunicorn_api(uri, log, workers=2, MODELS_URL=models_url) as base:
            api = Api(base, db_name, ferret)
            api.wait_ready()
            yield api, proxy
    finally:
        proxy.close()


@pytest.fixture
def media(frozen_api):
    """The test's own connection to the media (not through the freezing proxy), closed
    whatever the test's outcome: a leaked client would fail a later test with a warning."""
    client, db = frozen_api[0].db()
    with client:
        yield db.media


def test_workers_killed_mid_upload_leave_no_orphan_media_after_the_cleanup_pass(frozen_api, media):
    api, proxy = frozen_api
    account = signup(api.base)
    assert upload(api.base, account, seed=1).status_code == 200
    avatar = me(api.base, account).json()["avatar"]
    owner = account["user"]["id"]

    proxy.arm(media_writes=2)
    outcome = {}

    def second_upload():
        try:
            outcome["response"] = upload(api.base, account, seed=2, timeout=60)
        except requests.RequestException as exc:
            outcome["error"] = exc

    uploader = threading.Thread(target=second_upload)
    uploader.start()
    try:
        assert proxy.frozen.wait(30), "the upload never stored its media"

        def two_orphans() -> set[str] | None:
            found = {d["_id"] for d in media.find({"owner": owner})} - avatar_keys(avatar)
            return found if len(found) == 2 else None

        # The proxy freezes once the second write is forwarded; FerretDB may still be writing
        # it when this (direct) read comes, so wait for both: stored, never referenced.
        orphans = wait_until(two_orphans, "the two stored media items", timeout=30)
        # Fast-forward past the grace period for exactly these (nothing else runs now).
        media.update_many(
            {"_id": {"$in": sorted(orphans)}},
            {"$set": {"created_at": utcnow() - SWEEP_GRACE - timedelta(minutes=1)}},
        )
        old_workers = api.worker_pids()
        assert len(old_workers) == 2
        kill(old_workers)
    finally:
        proxy.thaw()
        uploader.join(30)
    assert "error" in outcome or outcome["response"].status_code >= 500, outcome

    api.wait_ready()
    assert not set(api.worker_pids()) & set(old_workers)

    def owned_without_orphans() -> set[str] | None:
        owned = {d["_id"] for d in media.find({"owner": owner}, {"_id": 1})}
        return None if owned & orphans else owned

    # the new workers' start-up pass runs beside their first requests
    owned = wait_until(owned_without_orphans, "the start-up cleanup pass", every=0.2)
    assert owned == avatar_keys(avatar), "the start-up cleanup pass left orphans"
    assert me(api.base, account).json()["avatar"] == avatar
    assert_served(api.base, avatar)
    assert upload(api.base, account, seed=3).status_code in (200, 409)  # 409: the dead lease
