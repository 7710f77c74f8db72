"""Two-factor sign-in in Chromium: set it up from the Account page (the code computed from
the secret shown, as an authenticator app would), log out, log in with password then code,
and turn it off with password + a recovery code."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import PASSWORD, confirm_totp, log_in, sign_up, start_totp

pytestmark = pytest.mark.e2e


def test_enrol_log_in_with_a_code_and_turn_it_off(page: Page, app_url: str):
    sign_up(page, app_url, handle="grace", name="Grace Hopper")
    section, totp = start_totp(page, app_url)
    codes = confirm_totp(section, totp)
    recovery = codes.first.inner_text().strip()
    section.get_by_role("button", name="I have stored them").click()
    expect(section.get_by_role("button", name="Turn off two-factor sign-in")).to_be_visible()

    page.get_by_role("button", name="Log out", exact=True).click()
    log_in(page, app_url, handle="grace")
    code = page.get_by_label("Code from your authenticator app")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    code.fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{app_url}/settings")

    page.get_by_role("link", name="Account").click()
    section.get_by_label("Your password").fill(PASSWORD)
    section.get_by_label("Code from the app (or a recovery code)").fill(recovery)
    section.get_by_role("button", name="Turn off two-factor sign-in").click()
    expect(section.get_by_text("Two-factor sign-in is off.")).to_be_visible()
    page.get_by_role("button", name="Log out", exact=True).click()
    log_in(page, app_url, handle="grace")
    expect(page).to_have_url(f"{app_url}/settings")  # no code asked any more
