"""Every refusal is a clear 4xx/503 problem and leaves the profile and media byte-for-byte as
they were, with the old avatar still served."""

from __future__ import annotations

import threading
import time

import pytest

from portrait.imaging import sha256_hex
from tests.utils import images
from tests.utils.avatar import (
    API,
    clean_answer,
    events_added,
    explicit_answer,
    moderation_events,
    snapshot,
    upload,
    upload_raw,
)

BAD_UPLOADS = [
    ("zero bytes", b"", 422, "unprocessable-image"),
    ("text named .jpg", b"just some text, honestly\n", 415, "unsupported-media-type"),
    ("truncated JPEG", images.truncated_jpeg(), 422, "unprocessable-image"),
    ("SVG with script", images.SVG_WITH_SCRIPT, 415, "unsupported-media-type"),
    ("TIFF", images.tiff(), 415, "unsupported-media-type"),
    ("PNG declaring 30000x30000", images.png_declaring(30000, 30000), 413, "payload-too-large"),
    ("PNG declaring 41 MP", images.png_declaring(8000, 5125), 413, "payload-too-large"),
    ("truncated HEIC", images.heic()[:300], 422, "unprocessable-image"),
]


def assert_unchanged(client, account, before, avatar, *, events=()):
    """Nothing stored changed and the old avatar is still served; `events` are the types a
    refusal appends to the outbox (exactly these, nothing else)."""
    after = snapshot(account.user["id"])
    if events:
        assert events_added(before, after) == list(events)
    assert after == before
    for url in avatar["urls"].values():
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "data", "status", "kind"), BAD_UPLOADS)
@pytest.mark.parametrize("send", [upload, upload_raw])
def test_bad_uploads_are_refused_and_change_nothing(
    client, with_avatar, send, name, data, status, kind
):
    account, avatar = with_avatar
    before = snapshot(account.user["id"])
    response = send(client, account, data)
    assert response.status_code == status, name
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["type"].endswith(kind) and problem["detail"]
    assert_unchanged(client, account, before, avatar)


def test_a_12_mb_upload_is_refused_with_413(client, with_avatar):
    account, avatar = with_avatar
    before = snapshot(account.user["id"])
    for send in (upload, upload_raw):
        response = send(client, account, images.big_png(12.0))
        assert response.status_code == 413
        assert response.mimetype == "application/problem+json"
    assert_unchanged(client, account, before, avatar)


def test_size_limit_is_configurable(make_app, model_service_url, auth):
    app = make_app(MODELS_URL=model_service_url, AVATAR_MAX_BYTES=50_000)
    client = app.test_client()
    account = type(auth)(client).signup()
    assert upload(client, account, images.jpeg((400, 300))).status_code == 200
    response = upload(client, account, images.jpeg((1600, 1200), quality=95))
    assert response.status_code == 413


def test_explicit_picture_is_rejected_with_reasons_and_an_audit_event(
    make_app, canned_models, auth
):
    url = canned_models(200, explicit_answer(512, 512))
    client = make_app(MODELS_URL=url).test_client()
    account = type(auth)(client).signup()
    before = snapshot(account.user["id"])
    data = images.face_photo()
    response = upload(client, account, data)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"].endswith("avatar-rejected")
    assert problem["labels"] == ["FEMALE_BREAST_EXPOSED"]
    assert "not accepted" in problem["detail"]
    after = snapshot(account.user["id"])
    reasons = after["user"]["outbox"][-1]["data"]["reasons"]
    assert events_added(before, after) == ["portrait.avatar.rejected"]
    assert after == before  # only the refusal's event was added
    assert reasons == ["FEMALE_BREAST_EXPOSED"]
    [event] = moderation_events()
    assert str(event["user"]) == account.user["id"]
    assert event["sha256"] == sha256_hex(data) and event["size"] == len(data)
    assert event["model"] == "nudity-detection" and event["version"] == "3.4.2-320n"
    assert {"label": "FEMALE_BREAST_EXPOSED", "score": 0.91} in event["scores"]
    assert event["created_at"] is not None
    assert not any(isinstance(value, bytes) for value in event.values())  # never the image


@pytest.mark.parametrize(
    "answer",
    [
        "stopped",
        (500, b"internal error", "text/plain"),
        (200, b"<html>proxy login</html>", "text/html"),
        (200, {"result": {"unexpected": True}}, "application/json"),
        (503, {"title": "models loading"}, "application/problem+json"),
    ],
)
def test_model_service_down_or_confused_is_503_and_nothing_is_saved(
    make_app, canned_models, stopped_url, model_service_url, auth, answer
):
    # First a real avatar through the real service, then the service goes bad.
    app = make_app(MODELS_URL=model_service_url)
    client = app.test_client()
    account = type(auth)(client).signup()
    avatar = upload(client, account, images.face_photo()).get_json()
    before = snapshot(account.user["id"])
    bad_url = stopped_url if answer == "stopped" else canned_models(*answer)
    app.extensions["portrait.model_service"].base_url = bad_url
    response = upload(client, account, images.jpeg((640, 480)))
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    problem = response.get_json()
    assert problem["type"].endswith("model-unavailable")
    assert "nothing was saved" in problem["detail"]
    assert_unchanged(client, account, before, avatar)
    assert moderation_events() == []


def test_me_is_unchanged_after_a_refusal(client, with_avatar):
    account, _ = with_avatar
    me = client.get(f"{API}/me", headers=account.headers)
    upload(client, account, images.truncated_jpeg())
    again = client.get(f"{API}/me", headers=account.headers)
    assert again.get_json() == me.get_json()
    assert again.headers["ETag"] == me.headers["ETag"]


def test_missing_multipart_field_is_400(client, account):
    response = client.put(
        f"{API}/me/avatar",
        headers=account.headers,
        data={"picture": (images.jpeg(), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "file" in response.get_json()["errors"]


def test_upload_needs_a_signed_in_user(client):
    response = upload_raw(client, type("Anon", (), {"headers": {}})(), images.jpeg())
    assert response.status_code == 401


def test_a_model_service_slower_than_the_timeout_is_503(make_app, canned_models, auth):
    hold = threading.Event()
    slow = canned_models(200, clean_answer(640, 480), hold=hold)
    client = make_app(MODELS_URL=slow, MODELS_TIMEOUT=1).test_client()
    account = type(auth)(client).signup()
    before = snapshot(account.user["id"])
    started = time.monotonic()
    response = upload(client, account, images.jpeg((640, 480)))
    hold.set()
    assert response.status_code == 503 and response.headers["Retry-After"]
    # The canned service holds its answer for 30 s: well before that means the API gave up.
    assert time.monotonic() - started < 15
    assert snapshot(account.user["id"]) == before


def test_readiness_reports_the_model_service(make_app, model_service_url, stopped_url):
    ready = make_app(MODELS_URL=model_service_url).test_client().get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["models"] == "ok"
    down = make_app(MODELS_URL=stopped_url).test_client().get("/readyz")
    assert down.status_code == 503
    assert down.get_json()["checks"]["models"].startswith("unavailable")
