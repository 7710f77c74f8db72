"""Bounded memory per upload, through the API: a picture whose decode would take more than
AVATAR_DECODE_MAX_BYTES is a 413, and an upload that finds every one of the process's
AVATAR_DECODES_PER_PROCESS decode slots taken for AVATAR_DECODE_WAIT seconds is a 503 with
Retry-After; both change nothing. (Peak RSS: tests/hostile/test_decode_memory.py and
tests/topology/test_multiworker_memory.py.)"""

from __future__ import annotations

import pytest

from portrait.services.avatar_decode import decode_slot
from tests.hostile import bombs
from tests.utils import images
from tests.utils.avatar import snapshot, upload, upload_raw


@pytest.fixture
def small_budget_app(make_app, model_service_url):
    # 1 MB: a 600x600 16-bit PNG decodes to 0.7 MB and reduces to 1.4 MB of RGB: refused;
    # an 8-bit 400x300 JPEG takes 0.5 MB.
    return make_app(MODELS_URL=model_service_url, AVATAR_DECODE_MAX_BYTES=1_000_000)


@pytest.mark.parametrize("send", [upload, upload_raw])
def test_a_picture_over_the_decode_budget_is_413_and_changes_nothing(small_budget_app, auth, send):
    client = small_budget_app.test_client()
    account = type(auth)(client).signup()
    assert upload(client, account, images.jpeg((400, 300))).status_code == 200
    before = snapshot(account.user["id"])
    response = send(client, account, bombs.flat_png(600, bit_depth=16, colour="RGB"))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("payload-too-large")
    assert "600×600 RGB PNG" in problem["detail"] and "MB of memory" in problem["detail"]
    assert snapshot(account.user["id"]) == before


def test_the_default_budget_takes_a_40_mp_16_bit_png(client, account):
    response = upload(client, account, bombs.flat_png(6300, bit_depth=16, colour="L"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["master"]["width"] == 2048


@pytest.fixture
def one_slot_app(make_app, model_service_url):
    return make_app(
        MODELS_URL=model_service_url, AVATAR_DECODES_PER_PROCESS=1, AVATAR_DECODE_WAIT=0
    )


def test_no_free_decode_slot_is_503_with_retry_after_and_changes_nothing(one_slot_app, auth):
    client = one_slot_app.test_client()
    account = type(auth)(client).signup()
    before = snapshot(account.user["id"])
    with one_slot_app.app_context(), decode_slot():  # another upload is decoding
        response = upload(client, account, images.jpeg((400, 300)))
        # Refusals from the header need no slot: they are answered at once, not 503.
        assert upload(client, account, b"not a picture").status_code == 415
        assert upload(client, account, images.png_declaring(8000, 5125)).status_code == 413
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    problem = response.get_json()
    assert problem["type"].endswith("decoders-busy") and "try again" in problem["detail"]
    assert snapshot(account.user["id"]) == before
    # The slot is free again once that decode ends; a damaged picture gives its slot back.
    assert upload(client, account, images.truncated_jpeg()).status_code == 422
    assert upload(client, account, images.jpeg((400, 300))).status_code == 200
