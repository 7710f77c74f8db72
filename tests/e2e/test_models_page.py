"""The Models page in Chromium, against the real API and the real model service: reached from
the footer without an account, it lists both models with their stages; a real photograph
tried on smart-crop comes back drawn over the photo (face boxes and the crop square, scaled
from the photo's pixels to its shown size) and as JSON, with snippets for the model service."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.flows import photo
from tests.utils.model_stages import CROP as CROP_CHAMPION
from tests.utils.model_stages import CURRENT

pytestmark = pytest.mark.e2e

STAGES = {name: list(entry["versions"].values()) for name, entry in CURRENT.models.items()}


@pytest.fixture(scope="module")
def astronaut(tmp_path_factory) -> Path:
    return photo(tmp_path_factory.mktemp("photos") / "astronaut.jpg")


def model_section(page: Page, name: str) -> Locator:
    heading = page.get_by_role("heading", name=name, exact=True, level=2)
    return page.locator('[data-test="model"]').filter(has=heading)


def shown_at(box: Locator, img: Locator, scale: float) -> dict[str, float]:
    """Where the browser drew `box`, relative to the photo, in the photo's own pixels. The
    drawn rectangle includes its stroke (screen pixels: non-scaling), half on each side."""
    drawn, photo_box = box.bounding_box(), img.bounding_box()
    assert drawn and photo_box
    stroke = box.evaluate("el => parseFloat(getComputedStyle(el).strokeWidth)")
    return {
        "x": (drawn["x"] + stroke / 2 - photo_box["x"]) / scale,
        "y": (drawn["y"] + stroke / 2 - photo_box["y"]) / scale,
        "width": (drawn["width"] - stroke) / scale,
        "height": (drawn["height"] - stroke) / scale,
    }


def test_the_models_page_lists_the_models_and_draws_a_smart_crop(
    page: Page, page_errors: list[str], app_url: str, astronaut: Path
):
    page.goto(f"{app_url}/login")
    page.get_by_role("contentinfo").get_by_role("link", name="Models").click()
    expect(page).to_have_url(f"{app_url}/models")
    expect(page.get_by_role("heading", name="Models", level=1)).to_be_focused()
    for name, labels in STAGES.items():
        section = model_section(page, name)
        expect(section).to_have_count(1)
        for stage in labels:
            badge = section.locator('[data-test="stage"]').filter(has_text=re.compile(f"^{stage}$"))
            expect(badge.first).to_be_visible()
    # The committed reports' numbers, as percentages.
    metrics = model_section(page, "smart-crop").locator('[data-test="metrics"]')
    expect(metrics.first).to_contain_text(re.compile(r"\d+\.\d%"))

    page.get_by_label("Model", exact=True).select_option("smart-crop")
    expect(page.get_by_label("Version", exact=True)).to_have_value(CROP_CHAMPION)
    page.locator('[data-test="photo-input"]').set_input_files(astronaut)
    page.get_by_role("button", name="Try smart-crop").click()
    expect(page.get_by_role("status").filter(has_text="answered in")).to_be_visible(timeout=60_000)

    answer = json.loads(page.locator('[data-test="answer-json"]').inner_text())
    assert (answer["model"], answer["version"], answer["stage"]) == (
        "smart-crop",
        CROP_CHAMPION,
        "champion",
    )
    result = answer["result"]
    assert result["method"] == "faces" and result["faces"], result  # Eileen Collins's face

    overlay = page.locator('[data-test="overlay"]')
    faces = overlay.locator('[data-test="box-face"]')
    crop = overlay.locator('[data-test="box-crop"]')
    expect(faces).to_have_count(len(result["faces"]))
    expect(crop).to_have_count(1)
    expect(faces.first).to_be_visible()
    expect(crop).to_be_visible()
    expect(overlay).to_have_attribute("viewBox", "0 0 512 512")

    # The photo is shown smaller than its 512 pixels; the boxes are scaled with it.
    img = page.locator('[data-test="photo"]')
    assert img.evaluate("img => img.naturalWidth") == 512
    scale = img.bounding_box()["width"] / 512
    assert scale < 1
    drawn = shown_at(crop, img, scale)
    for key in ("x", "y", "width", "height"):
        assert drawn[key] == pytest.approx(result["crop"][key], abs=2), (key, drawn, result)
    drawn = shown_at(faces.first, img, scale)
    for key in ("x", "y", "width", "height"):
        assert drawn[key] == pytest.approx(result["faces"][0][key], abs=2), (key, drawn, result)
    # The photo never left the browser as a URL of the server's.
    assert img.get_attribute("src").startswith("blob:")

    curl = page.locator('[data-test="snippet-curl"]')
    pinned = f'"$MODELS_URL/v1/models/smart-crop/versions/{CROP_CHAMPION}/predict"'
    expect(curl).to_contain_text(pinned)
    assert page_errors == []
