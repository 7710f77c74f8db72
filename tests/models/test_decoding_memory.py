"""The model service's decoder within bounded memory: every expensive legal picture of
tests/hostile/bombs.py is either decoded within the price `decode_cost` put on it, or, when
that price is over MODELS_DECODE_MAX_BYTES, refused with 413 before a pixel is decoded.
Peak RSS is measured in a fresh child process (tests/utils/peak_rss.py)."""

from __future__ import annotations

import pytest

from portrait_models.config import Settings
from tests.hostile import bombs
from tests.utils.peak_rss import run_in_child

MB = 1 << 20
BUDGET = Settings().decode_max_bytes
SLACK_MB = 30  # the array handed to the models and the interpreter's own churn

IMPORTS = """
import io
from PIL import Image
from portrait_models.config import Settings
from portrait_models.decoding import decode, decode_cost
from portrait_models.errors import ImageTooLarge
"""
SETUP = """
settings = Settings()
outcome["cost"] = decode_cost(Image.open(io.BytesIO(data)), settings.decode_size)
"""
BODY = """
try:
    image = decode(data, max_pixels=settings.max_pixels, decode_size=settings.decode_size,
                   max_decode_bytes=settings.decode_max_bytes)
    outcome["ok"] = list(image.pixels.shape)
except ImageTooLarge as exc:
    outcome["refused"] = str(exc)
"""


@pytest.mark.parametrize("name", bombs.EXPENSIVE)
def test_expensive_picture_decodes_within_its_price_or_is_refused_first(tmp_path, name):
    outcome = run_in_child(
        bombs.EXPENSIVE[name](), tmp_path, imports=IMPORTS, setup=SETUP, body=BODY
    )
    if outcome["cost"] > BUDGET:
        assert "MiB of memory" in outcome.get("refused", ""), outcome
        assert outcome["growth_mb"] < 10, outcome  # refused from the header
    else:
        assert "ok" in outcome, outcome
        assert outcome["growth_mb"] < outcome["cost"] / MB + SLACK_MB, outcome
    assert outcome["growth_mb"] < BUDGET / MB + SLACK_MB


def test_over_the_decode_budget_is_413_with_a_problem(make_models_app):
    app = make_models_app(decode_max_bytes=1_000_000)
    response = app.test_client().post(
        "/v1/pipelines/avatar",
        data=bombs.flat_png(800, bit_depth=16, colour="RGB"),
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "urn:portrait:problem:image-too-large"
    assert "800x800 RGB PNG" in problem["detail"] and "MiB of memory" in problem["detail"]


@pytest.mark.parametrize(("colour", "depth"), [("L", 16), ("P", 8), ("RGBA", 16)])
def test_large_palette_and_16_bit_pngs_are_reduced_not_refused(models_client, colour, depth):
    # Image.reduce refuses P and I;16: these were 422 "could not be decoded" before.
    response = models_client.post(
        "/v1/pipelines/avatar",
        data=bombs.flat_png(1400, bit_depth=depth, colour=colour),
        content_type="application/octet-stream",
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["result"]["image"] == {"width": 1400, "height": 1400}
