"""A person's whole visit, in Chromium against the real app: sign up, edit the profile, upload
a real photo, see it framed, reload, share the public page, re-frame, remove it, log out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import avatar_src, photo, sign_up

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def astronaut(tmp_path_factory) -> Path:
    return photo(tmp_path_factory.mktemp("photos") / "astronaut.jpg")


def test_the_whole_visit(page: Page, page_errors: list[str], app_url: str, astronaut: Path):
    sign_up(page, app_url, handle="eileen", name="Eileen Collins")

    # Edit the profile.
    page.get_by_label("Bio").fill("First woman to command a Space Shuttle.")
    page.get_by_label("Location").fill("Houston")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()

    # Upload a real photo: it goes through NudeNet and the smart crop.
    page.locator('[data-test="pick"]').set_input_files(astronaut)
    expect(page.get_by_role("status").filter(has_text="ready")).to_be_visible(timeout=60_000)
    avatar = page.get_by_role("img", name="Eileen Collins's profile picture")
    expect(avatar).to_have_attribute("srcset", re.compile(r"/media/\S+ 512w"))
    assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")
    first_src = avatar_src(avatar)

    # A reload keeps the session (refresh cookie) and shows the saved profile and picture.
    page.reload()
    expect(page).to_have_url(f"{app_url}/settings")
    expect(page.get_by_label("Bio")).to_have_value("First woman to command a Space Shuttle.")
    expect(avatar).to_have_attribute("src", first_src)

    # The public page, as anyone would see it (and a reload of /@handle works).
    page.get_by_role("link", name="View your public page").click()
    expect(page).to_have_url(f"{app_url}/@eileen")
    page.reload()
    profile = page.locator('[data-test="public-profile"]')
    expect(profile.get_by_role("heading", name="Eileen Collins")).to_be_visible()
    expect(profile.get_by_text("First woman to command a Space Shuttle.")).to_be_visible()
    expect(profile.get_by_role("img", name="Eileen Collins's profile picture")).to_be_visible()
    expect(profile).not_to_contain_text("eileen@example.com")

    # Re-frame: zoom in on the square and save; the variants are rendered again.
    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_role("button", name="Adjust framing").click()
    frame = page.get_by_role("group", name="Framing square")
    frame.focus()
    for key in ["+", "+", "+"]:
        page.keyboard.press(key)
    before = frame.bounding_box()
    page.mouse.move(before["x"] + 20, before["y"] + 20)
    page.mouse.down()
    page.mouse.move(before["x"] + 35, before["y"] + 30, steps=5)
    page.mouse.up()
    after = frame.bounding_box()
    assert (after["x"] - before["x"], after["y"] - before["y"]) == pytest.approx((15, 10), abs=1)
    page.get_by_role("button", name="Save framing").click()
    expect(page.get_by_text("New framing saved.")).to_be_visible()
    assert avatar_src(avatar) != first_src

    # Remove the picture: the initials come back.
    page.get_by_role("button", name="Remove picture").click()
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_text("Your picture was removed.")).to_be_visible()
    expect(page.get_by_role("img", name="Eileen Collins's profile picture")).to_have_count(0)
    expect(
        page.get_by_role("img", name="Eileen Collins has no profile picture yet")
    ).to_be_visible()

    # Log out: the session is over, even after a reload.
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(f"{app_url}/login")
    page.goto(f"{app_url}/settings")
    expect(page).to_have_url(re.compile(r"/login\?redirect="))
    # The public page stays public.
    page.goto(f"{app_url}/@eileen")
    expect(page.get_by_role("heading", name="Eileen Collins")).to_be_visible()
    expect(page.get_by_role("button", name="Log out", exact=True)).to_have_count(0)
    assert page_errors == []


def test_a_refused_photo_is_explained_and_nothing_changes(
    page: Page, refusing_app_url: str, astronaut: Path
):
    sign_up(page, refusing_app_url, handle="refused", name="Sam Doe")
    page.locator('[data-test="pick"]').set_input_files(astronaut)
    status = page.get_by_role("status").filter(has_text="deleted within 15 minutes unless")
    expect(status).to_be_visible(timeout=30_000)
    expect(status).to_contain_text("breast")  # why: the label the model service reported
    page.reload()
    expect(page.get_by_role("img", name="Sam Doe has no profile picture yet")).to_be_visible()
    expect(page.get_by_role("img", name="Sam Doe's profile picture")).to_have_count(0)


def test_a_checker_outage_asks_to_try_again_and_keeps_the_picture(
    page: Page, modelless_app_url: str, astronaut: Path
):
    sign_up(page, modelless_app_url, handle="outage", name="Ola Out")
    page.locator('[data-test="pick"]').set_input_files(astronaut)
    status = page.get_by_role("status").filter(has_text="try again")
    expect(status).to_be_visible(timeout=30_000)
    expect(status).to_contain_text("busy")
    expect(page.get_by_role("img", name="Ola Out has no profile picture yet")).to_be_visible()
