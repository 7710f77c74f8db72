"""What is published is what is checked: the square and the tiles of large masters.

The stand-in model service (tests.utils.marker_models) calls an image explicit only when a
magenta marker covers >= 20% of what it receives, so these tests show which views the API
sends: a marker too small for the whole-picture check is caught in the square or a tile.
"""

from __future__ import annotations

import pytest

from tests.services.test_avatar import assert_unchanged
from tests.utils.avatar import API, moderation_events, snapshot, upload
from tests.utils.marker_models import marked_photo

PIPELINE, PREDICT = "/v1/pipelines/avatar", "/v1/models/nudity-detection/predict"


@pytest.fixture
def marker_app(make_app, marker_models):
    return make_app(**marker_models.settings)


@pytest.fixture
def marker_client(marker_app):
    return marker_app.test_client()


@pytest.fixture
def member(marker_client, auth):
    return type(auth)(marker_client).signup()


def assert_refused(response, view: str) -> None:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("avatar-rejected")
    assert [event["view"] for event in moderation_events()] == [view]


def test_a_marker_in_a_large_master_is_missed_whole_and_caught_in_a_tile(
    marker_client, member, marker_models
):
    # 1/16 of a 2048x1536 picture: 6% of the whole and 8% of the centre square, 25% of a tile.
    data = marked_photo((2048, 1536), (1200, 900, 512, 384))
    response = upload(marker_client, member, data)
    assert_refused(response, "tile")
    assert marker_client.get(f"{API}/me", headers=member.headers).get_json()["avatar"] is None
    paths = [path for path, _, _ in marker_models.seen]
    assert paths[0] == PIPELINE and paths.count(PREDICT) == 1 + 9  # the square, 3x3 tiles
    views = sorted(marker_models.seen[1:], key=lambda seen: -seen[1])  # checked side by side
    assert views[0] == (PREDICT, 512, 512)  # the square, then tiles at the detector's size
    assert all(max(width, height) <= 320 for _, width, height in views[1:])


def test_a_marker_in_the_published_square_is_caught_though_the_picture_passes(
    marker_client, member, marker_models
):
    # A wide picture (no tiles: under 1024 px): 6% of it, 25% of the centre square.
    response = upload(marker_client, member, marked_photo((960, 240), (420, 60, 120, 120)))
    assert_refused(response, "square")
    assert [(path, w, h) for path, w, h in marker_models.seen[1:]] == [(PREDICT, 512, 512)]


def test_a_clean_large_picture_is_accepted_after_every_view(marker_client, member, marker_models):
    response = upload(marker_client, member, marked_photo((2048, 1536), (0, 0, 200, 150)))
    assert response.status_code == 200, response.get_json()
    assert len(marker_models.seen) == 1 + 1 + 9
    assert moderation_events() == []


@pytest.fixture
def marked_avatar(marker_client, member):
    """An avatar whose master holds a marker outside the centre square the model framed."""
    response = upload(marker_client, member, marked_photo((640, 480), (0, 0, 100, 100)))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["crop"] == {"x": 80, "y": 0, "width": 480, "height": 480}
    return response.get_json()


def reframe(client, account, crop):
    return client.patch(f"{API}/me/avatar/crop", headers=account.headers, json=crop)


def test_a_reframe_onto_the_marker_is_refused_and_the_avatar_stays(
    marker_client, member, marked_avatar
):
    before = snapshot(member.user["id"])
    response = reframe(marker_client, member, {"x": 0, "y": 0, "width": 160, "height": 160})
    assert_refused(response, "square")
    refused = ["portrait.avatar.rejected"]
    assert_unchanged(marker_client, member, before, marked_avatar, events=refused)


def test_a_reframe_elsewhere_is_checked_and_published(
    marker_client, member, marked_avatar, marker_models
):
    seen = len(marker_models.seen)
    response = reframe(marker_client, member, {"x": 300, "y": 100, "width": 300, "height": 300})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["crop"] == {"x": 300, "y": 100, "width": 300, "height": 300}
    assert marker_models.seen[seen:] == [(PREDICT, 512, 512)]


def test_a_reframe_while_the_model_service_is_down_is_503_and_changes_nothing(
    marker_client, member, marked_avatar, marker_models
):
    before = snapshot(member.user["id"])
    marker_models.stop()
    response = reframe(marker_client, member, {"x": 300, "y": 100, "width": 300, "height": 300})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"]
    assert_unchanged(marker_client, member, before, marked_avatar)
