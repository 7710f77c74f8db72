"""The model service fails mid-upload (stopped, hanging, answering garbage) on the real
topology: 503 + Retry-After, nothing stored, the old avatar intact, and uploads work again
as soon as the service is back, without restarting the API."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import MODELS_TIMEOUT
from tests.faults.support import assert_503, assert_served, avatar_keys, me, signup, upload

pytestmark = pytest.mark.slow


def stored_media(api, owner: str) -> set[str]:
    client, db = api.db()
    with client:
        return {doc["_id"] for doc in db.media.find({"owner": owner}, {"_id": 1})}


@pytest.mark.parametrize("fault", ["stopped", "hanging", "garbage"])
def test_a_failing_model_service_is_503_stores_nothing_and_recovers(api, model_proxy, fault):
    account = signup(api.base)
    first = upload(api.base, account, seed=1)
    assert first.status_code == 200, first.text
    before = me(api.base, account).json()["avatar"]
    owner = account["user"]["id"]
    media_before = stored_media(api, owner)
    assert media_before == avatar_keys(before)

    if fault == "stopped":
        model_proxy.stop()
    else:
        model_proxy.mode = {"hanging": "hang", "garbage": "garbage"}[fault]
    try:
        start = time.monotonic()
        refused = upload(api.base, account, seed=2)
        assert_503(refused)
        # Bounded by the client's timeouts, well before the stand-in's hang ends.
        assert time.monotonic() - start < 2 * MODELS_TIMEOUT
        assert me(api.base, account).json()["avatar"] == before
        assert stored_media(api, owner) == media_before
        assert_served(api.base, before)
    finally:
        if fault == "stopped":
            model_proxy.start()
        model_proxy.mode = "pass"

    recovered = upload(api.base, account, seed=3)
    assert recovered.status_code == 200, recovered.text
    after = me(api.base, account).json()["avatar"]
    assert avatar_keys(after) != avatar_keys(before)
    assert stored_media(api, owner) == avatar_keys(after)  # the old files went with the swap
    assert_served(api.base, after)


def test_readyz_reports_a_stopped_model_service(api, model_proxy):
    model_proxy.stop()
    try:
        response = api.wait_ready(timeout=0)
        assert response.status_code == 503
        assert response.json()["checks"]["models"].startswith("unavailable")
        assert response.json()["checks"]["database"] == "ok"
    finally:
        model_proxy.start()
    checks = api.wait_ready().json()["checks"]
    assert checks["database"] == "ok" and checks["models"] == "ok"
    assert checks["events"]["status"] == "ok"  # the dispatcher's lag: informative
