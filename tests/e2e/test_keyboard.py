"""A visit by keyboard only, in Chromium against the real app: sign up, upload a photo,
re-frame it, cancel a removal, log out, fail a log-in. After every step the focus is where
the next step starts (never on <body>), and each new page is announced by its title."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.flows import PASSWORD, confirm_totp, photo, sign_up, start_totp

pytestmark = pytest.mark.e2e

MAX_TABS = 40


def tab_to(page: Page, target: Locator, *, back: bool = False) -> None:
    """Presses Tab (Shift+Tab with `back`) until `target` has the focus."""
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    pytest.fail(f"{target} not reached in {MAX_TABS} presses of Tab")


def type_into(page: Page, label: str, text: str) -> None:
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)


def expect_page(page: Page, heading: str, title: str) -> None:
    """A new page: its h1 has the focus and its title is announced."""
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_focused()
    expect(page).to_have_title(title)
    expect(page.locator('[data-test="page-announcer"]')).to_have_text(title)


def test_sign_up_upload_reframe_and_log_out_by_keyboard(
    page: Page, page_errors: list[str], app_url: str, tmp_path: Path
):
    page.goto(f"{app_url}/signup")
    expect(page).to_have_title("Create your account · Portrait")
    type_into(page, "Your name", "Kay Board")
    type_into(page, "Handle", "kay_board")
    type_into(page, "Email", "kay@example.com")
    type_into(page, "Password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app_url}/settings")
    expect_page(page, "Your profile", "Your profile · Portrait")

    # Upload: Space opens the file picker; the button keeps the focus while busy and after.
    pick = page.locator('[data-test="pick"]')
    tab_to(page, pick)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(photo(tmp_path / "photo.jpg"))
    expect(page.get_by_role("status").filter(has_text="ready")).to_be_visible(timeout=60_000)
    expect(pick).to_be_focused()
    expect(pick).to_have_attribute("aria-disabled", "false")

    # Re-frame: the editor takes the focus on its square; saving gives it back to the button.
    reframe = page.get_by_role("button", name="Adjust framing")
    tab_to(page, reframe)
    page.keyboard.press("Enter")
    frame = page.get_by_role("group", name="Framing square")
    expect(frame).to_be_focused()
    before = frame.bounding_box()
    for key in ["+", "+", "ArrowRight", "ArrowDown"]:
        page.keyboard.press(key)
    assert frame.bounding_box() != before
    tab_to(page, page.get_by_role("button", name="Save framing"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("New framing saved.")).to_be_visible()
    expect(reframe).to_be_focused()

    # Removing asks first, with the focus on the safe answer; Escape cancels, focus goes back.
    remove = page.get_by_role("button", name="Remove picture")
    tab_to(page, remove)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Keep")).to_be_focused()
    page.keyboard.press("Escape")
    expect(remove).to_be_focused()
    expect(page.get_by_role("img", name="Kay Board's profile picture")).to_be_visible()

    # Log out from the header (back up the page with Shift+Tab).
    tab_to(page, page.get_by_role("button", name="Log out", exact=True), back=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app_url}/login")
    expect_page(page, "Log in", "Log in · Portrait")

    # A failed log-in has no field to fix: the focus goes to the message itself.
    type_into(page, "Email", "kay@example.com")
    type_into(page, "Password", "not the password")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert").filter(has_text="password")
    expect(alert).to_be_focused()
    assert page_errors == [] or all("401" in error for error in page_errors), page_errors


def test_log_in_with_a_code_by_keyboard(page: Page, app_url: str):
    sign_up(page, app_url, handle="kay_code", name="Kay Code")
    section, totp = start_totp(page, app_url)
    confirm_totp(section, totp)
    section.get_by_role("button", name="I have stored them").click()
    page.get_by_role("button", name="Log out", exact=True).click()
    page.goto(f"{app_url}/login")
    type_into(page, "Email", "kay_code@example.com")
    type_into(page, "Password", PASSWORD)
    page.keyboard.press("Enter")
    # The code step takes the focus, so the code can be typed at once.
    expect(page.get_by_label("Code from your authenticator app")).to_be_focused()
    page.keyboard.type(totp.now())
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app_url}/settings")
