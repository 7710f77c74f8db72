"""axe-core on every screen at phone (390 and 320 px) and desktop sizes, in the light and the
dark theme: 0 violations of WCAG 2.1 A/AA (colour contrast included) and axe's best practices,
and no screen wider than the window (no sideways scrolling).

axe-core comes from frontend/node_modules (npm, pinned in package.json) and is added to each
page as an init script, so nothing is fetched at run time and the app's CSP stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, ROOT
from tests.e2e.flows import (
    confirm_totp,
    delete_webhook,
    log_in,
    photo,
    set_role,
    sign_up,
    start_totp,
    webhook_with_a_delivery,
)
from tests.events.receivers import receiver

pytestmark = pytest.mark.e2e

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SIZES = {"phone": PHONE, "small-phone": {"width": 320, "height": 640}, "desktop": DESKTOP}
THEMES = ["light", "dark"]


def violations(page: Page) -> list[str]:
    """axe's violations on the page as it is now, one line per rule and element (and one for
    a page wider than the window)."""
    page.wait_for_load_state("networkidle")
    # Against the screen's width: on a phone the layout viewport grows to fit wide content.
    overflow = page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]
    wide = [f"scrolls {overflow}px sideways"] if overflow > 0 else []
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)})))",
        TAGS,
    )
    return wide + [f"{v['id']}: {html}" for v in found for html in v["nodes"]]


def visit(page: Page, url: str, heading: str) -> list[str]:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    return violations(page)


@pytest.fixture(params=[(size, theme) for size in SIZES for theme in THEMES], ids=str)
def themed(request, browser) -> Iterator[tuple[Page, str]]:
    """A fresh browser profile at one size and colour scheme, with axe-core loaded."""
    if not AXE.is_file():
        pytest.fail("frontend/node_modules/axe-core is missing: run `npm ci` in frontend/")
    size, theme = request.param
    phone = size != "desktop"
    context = browser.new_context(
        viewport=SIZES[size], is_mobile=phone, has_touch=phone, color_scheme=theme
    )
    context.set_default_timeout(20_000)
    context.add_init_script(path=AXE)
    yield context.new_page(), f"{size}-{theme}"
    context.close()


def test_every_screen_has_no_axe_violations(themed, app_url: str, tmp_path: Path):
    page, name = themed
    seen: dict[str, list[str]] = {}

    seen["login"] = visit(page, f"{app_url}/login", "Log in")

    page.goto(f"{app_url}/signup")
    page.get_by_label("Handle").fill("no spaces allowed")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Please fix the highlighted fields.")).to_be_visible()
    seen["signup with errors"] = violations(page)

    handle = "axe_" + name.replace("-", "_")
    sign_up(page, app_url, handle=handle, name="Eileen Collins")
    seen["profile"] = violations(page)
    page.locator('[data-test="pick"]').set_input_files(photo(tmp_path / "photo.jpg"))
    expect(page.get_by_role("status").filter(has_text="ready")).to_be_visible(timeout=60_000)
    seen["profile with picture"] = violations(page)

    page.get_by_role("button", name="Remove picture").click()
    expect(page.get_by_role("button", name="Keep")).to_be_visible()
    seen["remove confirmation"] = violations(page)
    page.get_by_role("button", name="Keep").click()

    page.get_by_role("button", name="Adjust framing").click()
    expect(page.get_by_role("group", name="Framing square")).to_be_visible()
    seen["re-framing"] = violations(page)

    seen["public page"] = visit(page, f"{app_url}/@{handle}", "Eileen Collins")
    seen["account"] = visit(page, f"{app_url}/settings/account", "Delete account")
    seen["unknown handle"] = visit(page, f"{app_url}/@nobody_here", "Profile not found")
    seen["not found"] = visit(page, f"{app_url}/no/such/page", "Page not found")
    page.goto(f"{app_url}/models")
    expect(page.locator('[data-test="model"]')).to_have_count(2)  # the list, not "Loading…"
    seen["models"] = violations(page)

    # The operator side: the same person made an admin (who is also a moderator).
    set_role(app_url, handle, "admin")
    seen["moderation queue"] = visit(page, f"{app_url}/moderation", "Moderation")
    seen["admin users"] = visit(page, f"{app_url}/admin/users", "Users")
    page.get_by_label("Handle or email starts with").fill(handle)
    page.get_by_role("button", name="Search").click()
    expect(page.locator('[data-test="user"]')).to_have_count(1)  # the search's answer
    page.locator('[data-test="user"]').get_by_role("button", name="Suspend", exact=True).click()
    expect(page.get_by_label("Reason (kept in the audit log)")).to_be_focused()
    seen["suspend question"] = violations(page)
    seen["audit log"] = visit(page, f"{app_url}/admin/audit", "Audit log")

    found = {screen: lines for screen, lines in seen.items() if lines}
    assert found == {}, f"axe violations ({name}): {found}"


def test_two_factor_screens_have_no_axe_violations(themed, app_url: str):
    page, name = themed
    seen: dict[str, list[str]] = {}
    handle = "tf_" + name.replace("-", "_")
    sign_up(page, app_url, handle=handle, name="Grace Hopper")
    section, totp = start_totp(page, app_url)
    seen["two-factor set-up"] = violations(page)
    confirm_totp(section, totp)
    seen["recovery codes"] = violations(page)
    section.get_by_role("button", name="I have stored them").click()
    seen["two-factor on"] = violations(page)
    page.get_by_role("button", name="Log out", exact=True).click()
    log_in(page, app_url, handle=handle)
    expect(page.get_by_label("Code from your authenticator app")).to_be_visible()
    seen["log-in code step"] = violations(page)
    found = {screen: lines for screen, lines in seen.items() if lines}
    assert found == {}, f"axe violations ({name}): {found}"


def test_the_webhooks_page_has_no_axe_violations(themed, events_app_url: str):
    page, name = themed
    seen: dict[str, list[str]] = {}
    with receiver() as hook:
        handle = "wh_" + name.replace("-", "_")
        item = webhook_with_a_delivery(page, events_app_url, hook.url, handle)
        seen["webhooks with secret and log"] = violations(page)
        item.get_by_role("button", name="Edit").click()
        expect(item.get_by_role("heading", name="Edit webhook")).to_be_visible()
        seen["webhook editing"] = violations(page)
        item.get_by_role("button", name="Cancel").click()
        item.get_by_role("button", name="Delete").click()
        expect(item.get_by_role("group", name="Delete this webhook?")).to_be_visible()
        seen["delete confirmation"] = violations(page)
        item.get_by_role("button", name="Cancel").click()
        delete_webhook(item)
        seen["webhooks, one deleted"] = violations(page)
    found = {screen: lines for screen, lines in seen.items() if lines}
    assert found == {}, f"axe violations ({name}): {found}"
