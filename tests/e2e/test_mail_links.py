"""Mailed links in Chromium, with the development mailer (.eml files): sign up, open the
verification mail, follow its link, log in; forgot the password, reset it, log in with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import PASSWORD, newest_link

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a brand new passphrase"


def log_in(page: Page, base: str, address: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_sign_up_open_the_mail_follow_the_link_and_log_in(
    page: Page, verifying_app_url: str, mail_dir: Path
):
    address = "mae@example.com"
    page.goto(f"{verifying_app_url}/signup")
    page.get_by_label("Your name").fill("Mae Jemison")
    page.get_by_label("Handle").fill("mae")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Check your inbox")).to_be_visible()

    log_in(page, verifying_app_url, address, PASSWORD)  # not before the link
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()

    page.goto(newest_link(mail_dir, address, 1, "/verify-email?token="))
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
    page.locator("#main").get_by_role("link", name="Log in").click()
    log_in(page, verifying_app_url, address, PASSWORD)
    expect(page).to_have_url(f"{verifying_app_url}/settings")


def test_forgot_reset_and_log_in_with_the_new_password(page: Page, app_url: str, mail_dir: Path):
    address = "katherine@example.com"
    page.goto(f"{app_url}/signup")
    page.get_by_label("Your name").fill("Katherine Johnson")
    page.get_by_label("Handle").fill("katherine")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{app_url}/settings")
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{app_url}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    # The log-in form has an "Email" field too: fill only once the forgot page has replaced it.
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_text("a message is on its way")).to_be_visible()

    # The first mail is the sign-up's verification; the second the reset link.
    page.goto(newest_link(mail_dir, address, 2, "/reset-password?token="))
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()

    log_in(page, app_url, address, PASSWORD)
    expect(page.get_by_role("alert").filter(has_text="Wrong email or password")).to_be_visible()
    log_in(page, app_url, address, NEW_PASSWORD)
    expect(page).to_have_url(f"{app_url}/settings")
