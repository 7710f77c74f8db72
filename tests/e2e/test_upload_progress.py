"""The upload's progress bar and its "checking and framing" state, in Chromium.

On loopback the bytes go out at once and neither state lasts long enough to see, so the test
slows the page's uploads with Chrome's own network emulation (DevTools Protocol), the way
DevTools' throttling presets do.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import photo, sign_up

pytestmark = pytest.mark.e2e

UPLOAD_BYTES_PER_S = 24_000  # a ~68 kB photo takes about three seconds


@pytest.fixture(scope="module")
def astronaut(tmp_path_factory) -> Path:
    return photo(tmp_path_factory.mktemp("photos") / "astronaut.jpg")


def slow_uploads(page: Page, bytes_per_s: int) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,  # -1: not throttled
            "uploadThroughput": bytes_per_s,
        },
    )


# Notes every change of the uploader (bar value, status text) in the page itself, so that a
# state shorter than Playwright's polling interval is still seen, in order.
RECORD_CHANGES = """() => {
  const uploader = document.querySelector('.avatar-uploader')
  const seen = (window.uploaderStates = [])
  const note = () => {
    const bar = uploader.querySelector('progress')
    const status = uploader.querySelector('[role=status]').textContent
    const last = seen.at(-1)
    const state = { bar: bar ? bar.value : null, status }
    if (!last || last.bar !== state.bar || last.status !== state.status) seen.push(state)
  }
  new MutationObserver(note).observe(uploader, {
    subtree: true, childList: true, characterData: true, attributes: true,
  })
}"""


def test_a_slow_upload_shows_progress_then_checking(
    page: Page, page_errors: list[str], app_url: str, astronaut: Path
):
    sign_up(page, app_url, handle="mae", name="Mae Jemison")
    slow_uploads(page, UPLOAD_BYTES_PER_S)
    page.evaluate(RECORD_CHANGES)
    page.locator('[data-test="pick"]').set_input_files(astronaut)

    # The bar shows while the bytes go out (its value is what it reports as aria-valuenow).
    progress = page.get_by_role("progressbar", name="Upload progress")
    expect(progress).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Uploading your photo…")
    expect(page.get_by_role("status").filter(has_text="ready")).to_be_visible(timeout=60_000)
    avatar = page.get_by_role("img", name="Mae Jemison's profile picture")
    expect(avatar).to_have_attribute("srcset", re.compile(r"/media/\S+ 512w"))
    assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(progress).to_have_count(0)

    states = page.evaluate("window.uploaderStates")
    statuses = [s["status"] for s in states]
    # Uploading, then checking and framing, then ready: each once, in that order.
    assert [s for i, s in enumerate(statuses) if s not in statuses[:i]] == [
        "Uploading your photo…",
        "Checking and framing your photo…",
        "Your new profile picture is ready.",
    ], states
    # While uploading, the bar advanced in several steps, never back.
    bars = [s["bar"] for s in states if s["status"] == "Uploading your photo…"]
    partial = [v for v in bars if v is not None and 0 < v < 1]
    assert len(partial) >= 2, states
    assert bars == sorted(bars, key=lambda v: -1 if v is None else v), states
    assert page_errors == []
