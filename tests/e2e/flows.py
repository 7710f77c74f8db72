"""Steps the end-to-end tests share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image
from playwright.sync_api import Locator, Page, expect
from skimage import data

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
