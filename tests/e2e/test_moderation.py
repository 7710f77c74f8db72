"""People in the loop, in Chromium against the real app and a marker stand-in model service
(tests/utils/marker_models.py: a cyan patch scores in the review band, a magenta one is
refused). Roles are given only as an operator would: `flask --app portrait users set-role`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP
from tests.e2e.flows import log_in, set_role, sign_up
from tests.utils.marker_models import CYAN, MAGENTA, marked_photo

pytestmark = pytest.mark.e2e


@pytest.fixture
def new_page(browser) -> Iterator[Callable[[], Page]]:
    """Fresh browser profiles (no cookies): one per person in a test."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def marked(tmp_path: Path, colour) -> Path:
    """A photo whose marker fills most of it, so every view the API sends shows it."""
    path = tmp_path / "marked.jpg"
    path.write_bytes(marked_photo((800, 600), (100, 50, 600, 500), colour))
    return path


def moderator_page(new_page, base: str, handle: str, role: str = "moderator") -> Page:
    page = new_page()
    sign_up(page, base, handle=handle, name=handle.title())
    set_role(base, handle, role)
    page.reload()  # the app reads who it is (and the role) again
    return page


def public_picture(page: Page, base: str, handle: str, name: str):
    page.goto(f"{base}/@{handle}")
    return page.locator('[data-test="public-profile"]').get_by_role("img", name=name)


def approve_first(moderator: Page, reason: str) -> None:
    moderator.get_by_role("link", name="Moderation").click()
    item = moderator.locator('[data-test="item"]')
    expect(item.get_by_role("img")).to_be_visible()
    moderator.get_by_label("Reason (the owner sees it)").fill(reason)
    moderator.get_by_role("button", name="Approve (A)").click()
    expect(moderator.locator('[data-test="empty"]')).to_be_visible()


def test_a_borderline_picture_is_public_only_once_a_moderator_approves_it(
    page: Page, new_page, marker_app_url: str, tmp_path: Path
):
    base = marker_app_url
    sign_up(page, base, handle="bora", name="Bora Line")
    page.locator('[data-test="pick"]').set_input_files(marked(tmp_path, CYAN))
    expect(page.locator('[data-test="review-pending"]')).to_be_visible(timeout=60_000)

    visitor = new_page()
    unpublished = public_picture(visitor, base, "bora", "Bora Line has no profile picture yet")
    expect(unpublished).to_be_visible()

    moderator = moderator_page(new_page, base, "mona_mod")
    approve_first(moderator, "Fine: a blue square.")

    visitor.reload()
    expect(public_picture(visitor, base, "bora", "Bora Line's profile picture")).to_be_visible()
    page.reload()
    expect(page.locator('[data-test="review-pending"]')).to_have_count(0)


def test_an_appealed_refusal_is_published_when_a_moderator_approves_it(
    page: Page, new_page, marker_app_url: str, tmp_path: Path
):
    base = marker_app_url
    sign_up(page, base, handle="appy", name="Appy Peal")
    page.locator('[data-test="pick"]').set_input_files(marked(tmp_path, MAGENTA))
    page.get_by_label("Tell the moderator why").fill("It is a pink poster.")
    page.get_by_role("button", name="Ask a person to look").click()
    expect(page.locator('[data-test="appeal-result"]')).to_contain_text("A person will look")

    moderator = moderator_page(new_page, base, "otto_mod")
    moderator.get_by_role("link", name="Moderation").click()
    expect(moderator.locator('[data-test="item"]')).to_contain_text("Appeal of a refusal")
    expect(moderator.locator('[data-test="item"]')).to_contain_text("It is a pink poster.")
    approve_first(moderator, "A poster, not a person.")

    visitor = new_page()
    expect(public_picture(visitor, base, "appy", "Appy Peal's profile picture")).to_be_visible()


def test_an_admin_suspends_a_user_who_then_cannot_log_in_until_unsuspended(
    page: Page, new_page, marker_app_url: str
):
    base = marker_app_url
    sign_up(page, base, handle="sus_pect", name="Sus Pect")
    page.get_by_role("button", name="Log out").click()

    admin = moderator_page(new_page, base, "ada_admin", role="admin")
    admin.get_by_role("link", name="Admin").click()
    admin.get_by_label("Handle or email starts with").fill("sus_")
    admin.get_by_role("button", name="Search").click()
    row = admin.locator('[data-test="user"]').filter(has_text="@sus_pect")
    expect(admin.locator('[data-test="user"]')).to_have_count(1)
    row.get_by_role("button", name="Suspend", exact=True).click()
    row.get_by_label("Reason (kept in the audit log)").fill("Posting spam links.")
    row.get_by_role("button", name="Suspend", exact=True).click()
    expect(row.locator('[data-test="state"]')).to_contain_text("Suspended")
    expect(row.locator('[data-test="state"]')).to_contain_text("by @ada_admin")

    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Audit log").click()
    newest = admin.locator('[data-test="entry"]').first
    expect(newest).to_contain_text("@ada_admin")
    expect(newest).to_contain_text("suspended")
    expect(newest).to_contain_text("@sus_pect")
    expect(newest).to_contain_text("Posting spam links.")

    log_in(page, base, handle="sus_pect")
    expect(page.get_by_text("This account is suspended.")).to_be_visible()
    expect(page).to_have_url(f"{base}/login")

    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Users").click()
    admin.get_by_label("Handle or email starts with").fill("sus_")
    admin.get_by_role("button", name="Search").click()
    row.get_by_role("button", name="Unsuspend").click()
    expect(row.locator('[data-test="state"]')).to_contain_text("Active")

    log_in(page, base, handle="sus_pect")
    expect(page).to_have_url(f"{base}/settings")


def test_the_queue_works_by_keyboard(page: Page, new_page, marker_app_url: str, tmp_path: Path):
    """J/K move, R rejects with the reason typed, A approves; typing in the reason is safe."""
    base = marker_app_url
    for handle in ("kay_one", "kay_two"):
        owner = new_page()
        sign_up(owner, base, handle=handle, name=handle.replace("_", " ").title())
        owner.locator('[data-test="pick"]').set_input_files(marked(tmp_path, CYAN))
        expect(owner.locator('[data-test="review-pending"]')).to_be_visible(timeout=60_000)

    moderator = moderator_page(new_page, base, "kim_mod")
    moderator.get_by_role("link", name="Moderation").click()
    item = moderator.locator('[data-test="item"]')
    expect(item).to_contain_text("@kay_one")
    moderator.keyboard.press("j")
    expect(item).to_contain_text("@kay_two")
    moderator.keyboard.press("k")
    expect(item).to_contain_text("@kay_one")
    reason = moderator.get_by_label("Reason (the owner sees it)")
    reason.fill("Not a face.")  # an "a" typed here approves nothing
    expect(item).to_contain_text("1 of 2")
    moderator.locator("h1").click()  # out of the field: the keys are shortcuts again
    moderator.keyboard.press("r")
    expect(item).to_contain_text("@kay_two")
    expect(item).to_contain_text("1 of 1")
    reason.fill("Fine.")
    moderator.locator("h1").click()
    moderator.keyboard.press("a")
    expect(moderator.locator('[data-test="empty"]')).to_be_visible()
