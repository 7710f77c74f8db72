"""Steps the end-to-end tests share."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, expect
from skimage import data

PASSWORD = "correct horse battery staple"


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
