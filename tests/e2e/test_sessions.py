"""Sessions in Chromium: signed in from two browsers, one sees both and ends the other,
which is signed out at its next refresh."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import PASSWORD, sign_up
from tests.e2e.test_account import log_in

pytestmark = pytest.mark.e2e


def test_see_two_sessions_and_end_the_other(page: Page, browser, app_url: str):
    sign_up(page, app_url, handle="valentina", name="Valentina Tereshkova")
    other_context = browser.new_context()
    other_context.set_default_timeout(20_000)
    other = other_context.new_page()
    try:
        log_in(other, app_url, "valentina@example.com", PASSWORD)
        expect(other).to_have_url(f"{app_url}/settings")

        page.get_by_role("link", name="Account").click()
        sessions = page.locator('[data-test="session"]')
        expect(sessions).to_have_count(2)
        expect(sessions.filter(has_text="this device")).to_have_count(1)
        expect(sessions.first).to_contain_text("127.0.0.1")
        expect(page.locator('[data-test="security-events"]')).to_contain_text("Signed in")

        page.locator('[data-test="end-session"]').click()
        expect(sessions).to_have_count(1)
        expect(sessions.first).to_contain_text("this device")

        # The other browser's next refresh (a reload restores the session) fails: signed out.
        other.reload()
        other.goto(f"{app_url}/settings/account")
        expect(other).to_have_url(re.compile(r"/login"))
        # This one is still signed in after its own refresh, and alone in the list.
        page.reload()
        expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
        expect(sessions).to_have_count(1)
    finally:
        other_context.close()


def test_log_out_everywhere(page: Page, app_url: str):
    sign_up(page, app_url, handle="svetlana", name="Svetlana Savitskaya")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Log out everywhere").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto(f"{app_url}/settings/account")
    expect(page).to_have_url(re.compile(r"/login"))
