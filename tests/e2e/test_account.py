"""Account settings in Chromium: change the password, then delete the account for good."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import PASSWORD, sign_up

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a brand new passphrase"


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_change_password_then_delete_the_account(page: Page, app_url: str):
    sign_up(page, app_url, handle="sally", name="Sally Ride")
    page.get_by_role("link", name="Account").click()

    # A wrong current password is refused in place; the right one changes it.
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".form-error").first).not_to_be_empty()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()

    page.get_by_role("button", name="Log out", exact=True).click()
    log_in(page, app_url, "sally@example.com", PASSWORD)
    expect(page.get_by_role("alert").filter(has_text=re.compile(r"\w"))).to_be_visible()
    log_in(page, app_url, "sally@example.com", NEW_PASSWORD)
    expect(page).to_have_url(f"{app_url}/settings")

    # Deleting needs the handle typed out and the password; afterwards the account and its
    # page are gone.
    page.get_by_role("link", name="Account").click()
    danger = page.get_by_role("region", name="Delete account")
    delete = danger.get_by_role("button", name="Delete my account")
    expect(delete).to_be_disabled()
    danger.get_by_label("Type your handle (sally) to confirm").fill("sally")
    expect(delete).to_be_disabled()
    danger.get_by_label("Your password").fill("not my password")
    delete.click()
    expect(danger.get_by_role("alert")).not_to_be_empty()
    danger.get_by_label("Your password").fill(NEW_PASSWORD)
    delete.click()
    expect(page).to_have_url(f"{app_url}/signup")
    log_in(page, app_url, "sally@example.com", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{app_url}/@sally")
    expect(page.get_by_role("heading", name="Profile not found")).to_be_visible()
