"""Policy bands: the API decides from the policy labels' scores. Under MODERATION_REVIEW_AT
accepted; up to MODERATION_REJECT_AT accepted pending review (the owner sees it, nobody else
does); from it refused. The marker stand-in scores a cyan patch 0.3 and a magenta one 0.9."""

from __future__ import annotations

import pytest

from portrait import create_app
from portrait.config import ConfigError
from tests.services.test_avatar_screening import PREDICT, reframe
from tests.utils.avatar import API, upload
from tests.utils.marker_models import CYAN, MAGENTA, marked_photo

WHOLE = (0, 0, 640, 480)
# 19% of the picture (the whole-picture check misses it), 25% of the centre square.
IN_SQUARE = (200, 100, 240, 240)


@pytest.fixture
def models_app(make_app, marker_models):
    def build(**settings):
        return make_app(**marker_models.settings, **settings)

    return build


def setup(app, auth):
    client = app.test_client()
    return client, type(auth)(client).signup()


def public_avatar(client, account):
    handle = account.user["handle"]
    listed = client.get(f"{API}/profiles?q={handle}").get_json()["items"]
    profile = client.get(f"{API}/profiles/{handle}").get_json()
    assert [item["avatar"] for item in listed] == [profile["avatar"]]
    return profile["avatar"]


def own_avatar(client, account):
    return client.get(f"{API}/me", headers=account.headers).get_json()["avatar"]


@pytest.mark.parametrize("box", [WHOLE, IN_SQUARE], ids=["whole picture", "square only"])
def test_a_borderline_picture_is_kept_for_review_and_hidden_from_everyone_else(
    models_app, auth, box
):
    client, member = setup(models_app(), auth)
    response = upload(client, member, marked_photo((640, 480), box, CYAN))
    assert response.status_code == 200, response.get_json()
    mine = own_avatar(client, member)
    assert mine["review"] == {"state": "pending", "reason": None}
    assert public_avatar(client, member) is None
    for url in mine["urls"].values():  # the owner's capability URLs, never shared caches
        served = client.get(url)
        assert served.status_code == 200
        assert served.headers["Cache-Control"].startswith("private")


def test_a_clean_picture_is_public_at_once(models_app, auth):
    client, member = setup(models_app(), auth)
    response = upload(client, member, marked_photo((640, 480), (0, 0, 40, 40), CYAN))
    assert response.status_code == 200
    assert own_avatar(client, member)["review"] is None
    urls = public_avatar(client, member)["urls"]
    assert client.get(urls["512"]).headers["Cache-Control"].startswith("public")


def test_at_the_reject_line_the_picture_is_refused(models_app, auth):
    client, member = setup(models_app(), auth)
    response = upload(client, member, marked_photo((640, 480), WHOLE, MAGENTA))
    assert response.status_code == 422
    assert response.get_json()["type"].endswith("avatar-rejected")
    assert own_avatar(client, member) is None


@pytest.mark.parametrize(
    ("settings", "status", "review"),
    [
        ({"MODERATION_REVIEW_AT": 0.35}, 200, None),
        ({"MODERATION_REJECT_AT": 0.3}, 422, None),
        ({"MODERATION_REVIEW_AT": 0.3, "MODERATION_REJECT_AT": 0.31}, 200, "pending"),
    ],
)
def test_the_lines_are_settings(models_app, auth, settings, status, review):
    client, member = setup(models_app(**settings), auth)
    response = upload(client, member, marked_photo((640, 480), WHOLE, CYAN))
    assert response.status_code == status
    if status == 200:
        assert (own_avatar(client, member)["review"] or {}).get("state") == review


@pytest.mark.parametrize(
    "settings",
    [
        {"MODERATION_REVIEW_AT": 0.5, "MODERATION_REJECT_AT": 0.5},
        {"MODERATION_REVIEW_AT": 0.1},
        {"MODERATION_REJECT_AT": 1.5},
        {"MODERATION_REVIEW_AT": "a lot"},
    ],
)
def test_impossible_lines_stop_the_start(settings):
    with pytest.raises(ConfigError, match="MODERATION_"):
        create_app({"PORTRAIT_ENV": "testing", **settings})


def test_reframing_away_from_the_borderline_part_publishes_it(models_app, auth, marker_models):
    client, member = setup(models_app(), auth)
    assert upload(client, member, marked_photo((640, 480), IN_SQUARE, CYAN)).status_code == 200
    response = reframe(client, member, {"x": 0, "y": 0, "width": 150, "height": 150})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["review"] is None
    assert public_avatar(client, member)["urls"] == response.get_json()["urls"]


def test_reframing_onto_the_borderline_part_hides_it_again(models_app, auth, marker_models):
    client, member = setup(models_app(), auth)
    assert (
        upload(client, member, marked_photo((640, 480), (0, 0, 100, 100), CYAN)).status_code == 200
    )
    assert public_avatar(client, member) is not None
    seen = len(marker_models.seen)
    response = reframe(client, member, {"x": 0, "y": 0, "width": 160, "height": 160})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["review"] == {"state": "pending", "reason": None}
    assert public_avatar(client, member) is None
    assert marker_models.seen[seen:] == [(PREDICT, 512, 512)]


def test_a_borderline_master_keeps_every_reframe_under_review(models_app, auth):
    client, member = setup(models_app(), auth)
    assert upload(client, member, marked_photo((640, 480), WHOLE, CYAN)).status_code == 200
    response = reframe(client, member, {"x": 0, "y": 0, "width": 150, "height": 150})
    assert response.status_code == 200
    assert response.get_json()["review"]["state"] == "pending"
