"""Failures half-way and racing changes: the old avatar stays intact, no media is orphaned.

Failures are injected into a real store (FlakyStore) and a real database; the model service is
a fake over HTTP that answers "clean" so these tests control timing exactly.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from bson import ObjectId
from pymongo.errors import AutoReconnect

from portrait.models import User
from portrait.models.media import Media
from portrait.services import avatar_commit
from portrait.services.media import STORE
from portrait.storage import MongoMediaStore, StorageError
from tests.utils import images
from tests.utils.avatar import (
    API,
    FlakyStore,
    clean_answer,
    snapshot,
    upload,
)


@pytest.fixture
def app(make_app, canned_models):
    return make_app(MODELS_URL=canned_models(200, clean_answer(640, 480)))


@pytest.fixture
def flaky(app):
    """Installs a FlakyStore in the app; configure it in the test."""
    flaky_store = FlakyStore(MongoMediaStore())
    app.extensions[STORE] = flaky_store
    return flaky_store


def current_media(client, account) -> set[str]:
    """The keys the user's avatar references (from GET /me)."""
    avatar = client.get(f"{API}/me", headers=account.headers).get_json()["avatar"]
    if avatar is None:
        return set()
    urls = [*avatar["urls"].values(), avatar["master"]["url"]]
    return {url.rsplit("/", 1)[1] for url in urls}


def _every_key() -> set[str]:
    return {doc["_id"] for doc in Media._get_collection().find({}, {"_id": 1})}


@pytest.fixture
def old(client, account):
    """The account with a first avatar; returns the avatar JSON."""
    response = upload(client, account, images.jpeg((640, 480)))
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("failing_put", [1, 3, 6])
def test_store_failing_mid_way_keeps_the_old_avatar_and_leaves_nothing(
    client, account, old, flaky, failing_put
):
    def fail(n, item):
        if n == failing_put:
            raise StorageError("injected: put failed")

    flaky.before_put = fail
    before = snapshot(account.user["id"])
    response = upload(client, account, images.jpeg((800, 600)))
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert snapshot(account.user["id"]) == before
    assert _every_key() == current_media(client, account)


def test_swap_losing_to_another_avatar_change_is_409_and_cleans_up(client, account, old, flaky):
    user_id = ObjectId(account.user["id"])

    def concurrent_delete(n, item):
        # Another writer (whose lease expired) removes the avatar while we store our media.
        if n == 6:
            User._get_collection().update_one(
                {"_id": user_id}, {"$set": {"avatar": None}, "$inc": {"version": 1}}
            )

    flaky.before_put = concurrent_delete
    media_before = _every_key()
    response = upload(client, account, images.jpeg((800, 600)))
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("avatar-conflict")
    assert _every_key() == media_before  # none of ours left behind
    assert client.get(f"{API}/me", headers=account.headers).get_json()["avatar"] is None


def test_profile_edits_during_an_upload_do_not_block_it(client, account, old, flaky):
    def concurrent_profile_edit(n, item):
        if n == 2:
            client.patch(f"{API}/me", json={"bio": "edited meanwhile"}, headers=account.headers)

    flaky.before_put = concurrent_profile_edit
    response = upload(client, account, images.jpeg((800, 600)))
    assert response.status_code == 200
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["bio"] == "edited meanwhile"
    assert me["avatar"]["urls"] == response.get_json()["urls"]
    assert _every_key() == current_media(client, account)


def test_old_media_left_by_a_failed_delete_are_swept_later(
    client, account, old, flaky, monkeypatch
):
    flaky.fail_deletes = True
    assert upload(client, account, images.jpeg((800, 600))).status_code == 200
    assert _every_key() > current_media(client, account)  # the old files are still there
    flaky.fail_deletes = False
    monkeypatch.setattr(avatar_commit, "SWEEP_GRACE", timedelta(0))
    assert upload(client, account, images.jpeg((320, 240))).status_code == 200
    assert _every_key() == current_media(client, account)


def _upload_in_thread(app, account, data, results):
    def run():
        results.append(upload(app.test_client(), account, data))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_racing_uploads_one_wins_the_other_is_refused_at_once(make_app, canned_models, auth):
    arrived, hold = threading.Event(), threading.Event()
    app = make_app(
        MODELS_URL=canned_models(200, clean_answer(640, 480), arrived=arrived, hold=hold)
    )
    client = app.test_client()
    account = type(auth)(client).signup()
    results = []
    first = _upload_in_thread(app, account, images.jpeg((640, 480)), results)
    assert arrived.wait(10)  # the first upload is inside the model call, holding the lease
    second = upload(client, account, images.jpeg((800, 600)))
    assert second.status_code == 409
    assert second.get_json()["type"].endswith("avatar-busy")
    hold.set()
    first.join(10)
    assert results[0].status_code == 200
    assert _every_key() == current_media(client, account)


def test_racing_uploads_after_a_lease_expired_end_with_one_winner_and_no_orphans(
    make_app, canned_models, auth, monkeypatch
):
    monkeypatch.setattr(avatar_commit, "LEASE_TIME", timedelta(seconds=-1))  # always expired
    arrived, hold = threading.Event(), threading.Event()
    slow = canned_models(200, clean_answer(640, 480), arrived=arrived, hold=hold)
    # Two slots: the two uploads are worked on at once, as in two API processes.
    app = make_app(MODELS_URL=slow, AVATAR_DECODES_PER_PROCESS=2)
    client = app.test_client()
    account = type(auth)(client).signup()
    results = []
    first = _upload_in_thread(app, account, images.jpeg((640, 480)), results)
    assert arrived.wait(10)
    app.extensions["portrait.model_service"].base_url = canned_models(200, clean_answer(800, 600))
    second = upload(client, account, images.jpeg((800, 600)))
    assert second.status_code == 200
    hold.set()
    first.join(10)
    assert results[0].status_code == 409  # its swap found the avatar changed under it
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["avatar"]["urls"] == second.get_json()["urls"]
    assert _every_key() == current_media(client, account)


@pytest.mark.parametrize("landed", [False, True])
def test_a_swap_whose_outcome_is_unknown_is_settled_by_reading_back(
    client, account, old, monkeypatch, landed
):
    """The connection drops during the swap: the write may or may not have happened."""
    real_swap = avatar_commit._swap

    def swap_then_lose_the_answer(user, avatar, event):
        if landed:
            real_swap(user, avatar, event)
        raise AutoReconnect("injected: connection lost during the swap")

    monkeypatch.setattr(avatar_commit, "_swap", swap_then_lose_the_answer)
    before = snapshot(account.user["id"])
    response = upload(client, account, images.jpeg((800, 600)))
    if landed:  # it did happen: a success, and the old files are gone
        assert response.status_code == 200
        assert current_media(client, account) != {u.rsplit("/", 1)[1] for u in old["urls"].values()}
    else:  # it did not: 503 and nothing changed
        assert response.status_code == 503
        assert snapshot(account.user["id"]) == before
    assert _every_key() == current_media(client, account)
