"""The Webhooks page in Chromium, against a real loopback receiver: an admin (the role given
from the command line) registers it, sees the secret once, a sign-up reaches the receiver
signed with that secret, the delivery log says so; a receiver answering 500 shows `failed`,
and once it recovers "Send again" delivers the same event."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import (
    delete_webhook,
    endpoint,
    log_shows,
    register_webhook,
    sign_up_admin,
    sign_up_by_api,
)
from tests.events.receivers import receiver
from tests.utils.waiting import wait_until

pytestmark = pytest.mark.e2e


def test_an_admin_registers_a_receiver_and_follows_its_deliveries(page: Page, events_app_url):
    base, answers = events_app_url, {"status": 200}
    with receiver(status=lambda n: answers["status"]) as hook:
        sign_up_admin(page, base, handle="grace_admin")
        secret = register_webhook(page, base, hook.url, "user.created")
        expect(page.get_by_text("you will not see this again")).to_be_visible()
        # The receiver checks every delivery with standardwebhooks and this secret; one that
        # does not verify is never recorded as received.
        hook.secret = secret
        page.get_by_role("button", name="I have stored it").click()
        expect(page.locator('[data-test="secret"]')).to_have_count(0)
        page.reload()
        expect(page.get_by_text("whsec_")).to_have_count(0)  # never shown again

        sign_up_by_api(base, "ada_signup")
        event = wait_until(
            lambda: next((e for e in hook.received if e["data"]["handle"] == "ada_signup"), None),
            "the receiver gets the sign-up",
        )
        assert event["type"] == "portrait.user.created" and event["specversion"] == "1.0"
        item = endpoint(page, hook.url)
        item.get_by_role("button", name="Deliveries").click()
        wait_until(lambda: log_shows(item, "delivered", event["id"]), "the log says delivered")

        answers["status"] = 500  # the receiver breaks: retried for ~2 s, then failed
        sign_up_by_api(base, "bob_signup")
        wait_until(lambda: log_shows(item, "failed", "HTTP 500"), "the log says failed")
        assert not any(e["data"]["handle"] == "bob_signup" for e in hook.received)
        expect(item.locator('[data-test="webhook-state"]')).to_contain_text("Failing")

        answers["status"] = 200  # it recovers; an admin sends the failed one again
        item.get_by_role("button", name="Send again").click()
        expect(page.get_by_text("queued to be sent again")).to_be_visible()
        again = wait_until(
            lambda: next((e for e in hook.received if e["data"]["handle"] == "bob_signup"), None),
            "the failed delivery arrives after Send again",
        )
        wait_until(lambda: log_shows(item, "delivered", again["id"]), "the log says delivered")
        assert len([e for e in hook.received if e["id"] == again["id"]]) == 1
        delete_webhook(item)


def test_the_page_is_not_found_for_anyone_but_admins(page: Page, events_app_url):
    page.goto(f"{events_app_url}/admin/webhooks")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Webhooks")).to_have_count(0)
