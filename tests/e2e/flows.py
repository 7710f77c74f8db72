"""Steps the end-to-end tests share."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import requests
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from skimage import data

from tests.utils.smtp import link_in, recipients
from tests.utils.waiting import wait_until

PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]


def photo(path: Path) -> Path:
    """A real photograph (scikit-image's astronaut, Eileen Collins) as a JPEG file."""
    Image.fromarray(data.astronaut()).save(path, quality=90)
    return path


def sign_up(page: Page, base: str, *, handle: str, name: str) -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Email").fill(f"{handle}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{base}/settings")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()


def avatar_src(avatar: Locator) -> str:
    return avatar.get_attribute("src") or ""


def log_in(page: Page, base: str, *, handle: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(f"{handle}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def set_role(base: str, handle: str, role: str) -> None:
    """Gives `role` the only way there is, as an operator would while the run is up:
    `flask --app portrait users set-role` (it reaches the embedded store of the run at `base`
    through the run's own socket, found by its PORT)."""
    env = {k: v for k, v in os.environ.items() if k != "MONGO_URI"}
    env |= {"PORTRAIT_ENV": "development", "PORT": str(urlsplit(base).port)}
    command = [sys.executable, "-m", "flask", "--app", "portrait", "users", "set-role"]
    result = subprocess.run(
        [*command, f"{handle}@example.com", role],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def sign_up_admin(page: Page, base: str, *, handle: str) -> None:
    """A new account made an admin from the command line; the reload picks up the role."""
    sign_up(page, base, handle=handle, name="Grace Hopper")
    set_role(base, handle, "admin")
    page.reload()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
    ).to_be_visible()


def register_webhook(page: Page, base: str, url: str, *types: str) -> str:
    """Registers `url` for `types` on the Webhooks page; the secret it shows, this once."""
    page.goto(f"{base}/admin/webhooks")
    page.get_by_label("URL").fill(url)
    for event_type in types:
        page.get_by_role("checkbox", name=event_type).check()
    page.get_by_role("button", name="Register webhook").click()
    secret = page.locator('[data-test="secret-value"]')
    expect(secret).to_contain_text("whsec_")
    return secret.inner_text().strip()


def sign_up_by_api(base: str, handle: str) -> None:
    body = {"email": f"{handle}@example.com", "password": PASSWORD, "handle": handle}
    body["display_name"] = handle.title()
    response = requests.post(f"{base}/api/v1/auth/signup", json=body, timeout=30)
    assert response.status_code == 201, response.text


def log_shows(item: Locator, state: str, text: str) -> bool:
    """Refreshes an endpoint's delivery log once; whether a delivery in `state` mentions
    `text`."""
    item.get_by_role("button", name="Refresh").click()
    expect(item.get_by_role("button", name="Refresh")).to_be_enabled()
    rows = item.locator(f'[data-test="delivery"][data-state="{state}"]')
    return rows.filter(has_text=text).count() > 0


def endpoint(page: Page, url: str) -> Locator:
    """One endpoint in the Webhooks page's list (the list keeps other tests' endpoints)."""
    return page.get_by_role("listitem", name=url, exact=True)


def webhook_with_a_delivery(page: Page, base: str, hook_url: str, handle: str) -> Locator:
    """The Webhooks page of a new admin: `hook_url` registered (its secret still shown), a
    sign-up delivered to it and its delivery log open; the endpoint's list item."""
    sign_up_admin(page, base, handle=handle)
    register_webhook(page, base, hook_url, "user.created", "profile.updated")
    sign_up_by_api(base, f"{handle}_new")
    item = endpoint(page, hook_url)
    item.get_by_role("button", name="Deliveries").click()
    wait_until(lambda: log_shows(item, "delivered", "user.created"), "a delivery in the log")
    return item


def delete_webhook(item: Locator) -> None:
    item.get_by_role("button", name="Delete").click()
    item.get_by_role("group").get_by_role("button", name="Delete").click()
    expect(item).to_have_count(0)


def mails_to(mail_dir: Path, address: str) -> list[email.message.EmailMessage]:
    """The .eml files written for `address`, oldest first."""
    messages = []
    for path in sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if recipients(message) == [address]:
            messages.append(message)
    return messages


def newest_link(mail_dir: Path, address: str, count: int, path: str) -> str:
    found = wait_until(
        lambda: len(messages := mails_to(mail_dir, address)) >= count and messages,
        f"mail {count} to {address} in {mail_dir}",
    )
    link = link_in(found[count - 1])
    assert path in link, link
    return link


def start_totp(page: Page, base: str) -> tuple[Locator, pyotp.TOTP]:
    """Starts two-factor sign-in on the Account page: its section (QR code and secret shown)
    and the codes an authenticator app would make from the secret."""
    page.goto(f"{base}/settings/account")
    section = page.get_by_role("region", name="Two-factor sign-in")
    section.get_by_label("Your password").fill(PASSWORD)
    section.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(section.get_by_role("img", name="QR code of the two-factor secret")).to_be_visible()
    return section, pyotp.TOTP(section.locator("[data-test=totp-secret]").inner_text().strip())


def confirm_totp(section: Locator, totp: pyotp.TOTP) -> Locator:
    """Turns it on; the recovery codes shown. The previous step's code (accepted: one step
    either side) leaves the current one for a log-in."""
    section.get_by_label("Code from the app").fill(totp.at(time.time() - 30))
    section.get_by_role("button", name="Turn on").click()
    codes = section.locator("[data-test=recovery-codes]").get_by_role("listitem")
    expect(codes).to_have_count(10)
    return codes
