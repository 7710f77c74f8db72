"""The main screens at phone (390×844) and desktop (1280×800) widths: nothing spills sideways
on a phone, and each screen is saved as a picture. With PORTRAIT_SCREENSHOTS=1 the pictures
go to docs/screenshots/ (shown in the README); otherwise to a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, ROOT
from tests.e2e.flows import (
    PASSWORD,
    confirm_totp,
    delete_webhook,
    log_in,
    newest_link,
    photo,
    set_role,
    sign_up,
    start_totp,
    webhook_with_a_delivery,
)
from tests.events.receivers import receiver

pytestmark = pytest.mark.e2e

SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("PORTRAIT_SCREENSHOTS") == "1":
        return ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


@dataclass
class Screen:
    page: Page
    size: str
    folder: Path

    def save(self, name: str) -> None:
        """Checks that nothing spills sideways, then saves a full-page picture."""
        self.page.wait_for_load_state("networkidle")
        # Against the screen's width: on a phone the layout viewport grows to fit wide content.
        overflow = (
            self.page.evaluate("document.documentElement.scrollWidth") - SIZES[self.size]["width"]
        )
        assert overflow <= 0, f"{name} is {overflow}px wider than a {self.size} screen"
        # Chromium's full_page capture drops touch emulation (the page would be drawn with
        # desktop media queries), so grow the viewport to the page's height instead.
        height = self.page.evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size(
            {**SIZES[self.size], "height": max(height, SIZES[self.size]["height"])}
        )
        self.page.screenshot(path=self.folder / f"{name}-{self.size}.png")
        self.page.set_viewport_size(SIZES[self.size])


@pytest.fixture(params=list(SIZES))
def screen(request, browser, shots) -> Iterator[Screen]:
    """A fresh browser profile at one size (a phone gets touch, so it sees the camera button)."""
    phone = request.param == "phone"
    context = browser.new_context(
        viewport=SIZES[request.param], is_mobile=phone, has_touch=phone, color_scheme="light"
    )
    context.set_default_timeout(20_000)
    yield Screen(context.new_page(), request.param, shots)
    context.close()


def test_main_screens(screen: Screen, app_url: str, tmp_path: Path):
    page, size = screen.page, screen.size
    page.goto(f"{app_url}/signup")
    page.get_by_label("Handle").fill("no spaces allowed")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Please fix the highlighted fields.")).to_be_visible()
    screen.save("signup")

    handle = f"eileen_{size}"
    sign_up(page, app_url, handle=handle, name="Eileen Collins")
    page.get_by_label("Bio").fill("Test pilot and astronaut.")
    page.get_by_label("Location").fill("Elmira, New York")
    page.get_by_label("Website").fill("https://example.com/eileen")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    page.locator('[data-test="pick"]').set_input_files(photo(tmp_path / "photo.jpg"))
    expect(page.get_by_role("status").filter(has_text="ready")).to_be_visible(timeout=60_000)
    screen.save("profile")

    page.get_by_role("button", name="Adjust framing").click()
    expect(page.get_by_role("group", name="Framing square")).to_be_visible()
    screen.save("reframe")

    page.goto(f"{app_url}/@{handle}")
    expect(page.get_by_role("heading", name="Eileen Collins")).to_be_visible()
    screen.save("public-profile")

    page.goto(f"{app_url}/settings/account")
    expect(page.get_by_role("heading", name="Delete account")).to_be_visible()
    screen.save("account")


def test_models_screen(screen: Screen, app_url: str, tmp_path: Path):
    """The public Models page with a smart-crop answer drawn over the photo."""
    page = screen.page
    page.goto(f"{app_url}/models")
    expect(page.locator('[data-test="model"]')).to_have_count(2)
    page.get_by_label("Model", exact=True).select_option("smart-crop")
    page.locator('[data-test="photo-input"]').set_input_files(photo(tmp_path / "photo.jpg"))
    page.get_by_role("button", name="Try smart-crop").click()
    crop = page.locator('[data-test="overlay"] [data-test="box-crop"]')
    expect(crop).to_be_visible(timeout=60_000)
    screen.save("models")


def test_two_factor_screens(screen: Screen, app_url: str):
    page, size = screen.page, screen.size
    handle = f"annie_{size}"  # one account per test: the screens share one store
    sign_up(page, app_url, handle=handle, name="Annie Easley")
    section, totp = start_totp(page, app_url)
    screen.save("two-factor-setup")
    confirm_totp(section, totp)
    section.get_by_role("button", name="I have stored them").click()
    page.get_by_role("button", name="Log out", exact=True).click()
    log_in(page, app_url, handle=handle)
    expect(page.get_by_label("Code from your authenticator app")).to_be_visible()
    screen.save("login-code")


def test_admin_screens(screen: Screen, app_url: str):
    page, size = screen.page, screen.size
    handle = f"grace_{size}"
    for someone in (f"lin_spam_{size}", handle):  # someone to suspend, then the admin
        sign_up(page, app_url, handle=someone, name=someone.split("_")[0].title() + " Doe")
        page.get_by_role("button", name="Log out").click()
    page.goto(f"{app_url}/login")
    page.get_by_label("Email").fill(f"{handle}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    set_role(app_url, handle, "admin")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Admin").click()
    page.get_by_label("Handle or email starts with").fill(f"lin_spam_{size}")
    page.get_by_role("button", name="Search").click()
    row = page.locator('[data-test="user"]').filter(has_text=f"@lin_spam_{size}")
    row.get_by_role("button", name="Suspend", exact=True).click()
    row.get_by_label("Reason (kept in the audit log)").fill("Posts links to a pill shop.")
    screen.save("admin-suspend")
    row.get_by_role("button", name="Suspend", exact=True).click()
    expect(row.locator('[data-test="state"]')).to_contain_text("Suspended")
    screen.save("admin-users")

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Audit log").click()
    expect(page.locator('[data-test="entry"]').first).to_contain_text("Posts links")
    screen.save("admin-audit")


def test_refusal_screen(screen: Screen, refusing_app_url: str, tmp_path: Path):
    page, size = screen.page, screen.size
    sign_up(page, refusing_app_url, handle=f"kim_{size}", name="Kim Doe")
    page.locator('[data-test="pick"]').set_input_files(photo(tmp_path / "photo.jpg"))
    refused = page.get_by_role("status").filter(has_text="deleted within 15 minutes unless")
    expect(refused).to_be_visible()
    screen.save("refused")


def test_webhooks_screen(screen: Screen, events_app_url: str):
    with receiver() as hook:
        item = webhook_with_a_delivery(screen.page, events_app_url, hook.url, f"ada_{screen.size}")
        screen.save("webhooks")
        delete_webhook(item)  # the next screen size shows only its own endpoint


def test_account_mail_screens(screen: Screen, verifying_app_url: str, mail_dir: Path):
    """Sign-up with verification required ends on "check your inbox"; the forgot-password
    page after sending; the reset page the mailed link opens."""
    page, size = screen.page, screen.size
    address = f"mary_{size}@example.com"
    page.goto(f"{verifying_app_url}/signup")
    page.get_by_label("Your name").fill("Mary Jackson")
    page.get_by_label("Handle").fill(f"mary_{size}")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Check your inbox")).to_be_visible()
    screen.save("check-inbox")

    page.goto(f"{verifying_app_url}/forgot-password")
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_text("a message is on its way")).to_be_visible()
    screen.save("forgot-password")

    page.goto(newest_link(mail_dir, address, 2, "/reset-password?token="))
    expect(page.get_by_label("New password")).to_be_visible()
    screen.save("reset-password")
