"""End-to-end fixtures: the real app started the way ./scripts/dev starts it (the model
service and the API serving the built SPA, each its own process on a free loopback port,
embedded store) and Debian's Chromium driven by Playwright (never a downloaded browser).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from tests.e2e import standin_models
from tests.utils import marker_models

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
CHROMIUM = os.environ.get("PORTRAIT_CHROMIUM", "/usr/bin/chromium")
HEADLESS_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 120  # the model service loads NudeNet and the cascades before /readyz


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen | None, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still importing: not yet
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} not ready after {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def _spawn(module: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            # The embedded store, even when the developer's shell names a real database.
            env={**{k: v for k, v in os.environ.items() if k != "MONGO_URI"}, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _api(models_url: str, log: Path, **extra: str) -> Iterator[str]:
    if not (DIST / "index.html").is_file():
        pytest.fail("frontend/dist is missing: build it with `npm run build` in frontend/")
    port = free_port()
    env = {
        "PORTRAIT_ENV": "development",
        "PORT": str(port),
        "MODELS_URL": models_url,
        "WEB_DIST": str(DIST),
        "LOG_LEVEL": "WARNING",
        # Every e2e test signs up from 127.0.0.1; the default 10 per hour is not what they test.
        "RATELIMIT_SIGNUP": "200 per hour",
        # The development mailer (.eml files), beside the logs instead of the repo's .data/.
        "MAIL_DIR": str(log.parent / "mail"),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",  # the mailed links lead here
        **extra,
    }
    process = _spawn("portrait", port, env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base + "/healthz", process, log)
        yield base
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e-logs")


@pytest.fixture(scope="session")
def models_url(logs) -> Iterator[str]:
    """The real model service (NudeNet + smart crop) over HTTP."""
    port = free_port()
    log = logs / "models.log"
    process = _spawn("portrait_models", port, {"MODELS_PORT": str(port)}, log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url + "/readyz", process, log)
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def app_url(models_url, logs) -> Iterator[str]:
    """Portrait as ./scripts/dev runs it: the API serving the SPA, with the real models."""
    yield from _api(models_url, logs / "api.log")


@pytest.fixture(scope="session")
def mail_dir(logs) -> Path:
    """Where every e2e server's development mailer writes its .eml files."""
    return logs / "mail"


@pytest.fixture(scope="session")
def verifying_app_url(models_url, logs) -> Iterator[str]:
    """Portrait as production configures accounts: no login before the mailed link."""
    yield from _api(models_url, logs / "api-verifying.log", EMAIL_VERIFICATION="required")


def _api_with_standin(models, log: Path, **extra: str) -> Iterator[str]:
    """Portrait whose model service is `models`, a stand-in Flask app served on loopback."""
    server = make_server("127.0.0.1", 0, models, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield from _api(f"http://127.0.0.1:{server.server_port}", log, **extra)
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def refusing_app_url(logs) -> Iterator[str]:
    """Portrait whose model service calls every photo explicit (for the refusal page)."""
    yield from _api_with_standin(standin_models.create_app(), logs / "api-refusing.log")


@pytest.fixture(scope="session")
def marker_app_url(logs) -> Iterator[str]:
    """Portrait whose model service sees "nudity" only in a marker: a cyan patch is in the
    review band, a magenta one refused (tests/utils/marker_models.py)."""
    yield from _api_with_standin(marker_models.create_app(), logs / "api-marker.log")


@pytest.fixture(scope="session")
def events_app_url(logs) -> Iterator[str]:
    """Portrait whose webhooks may call loopback receivers, with quick retries that give up
    after about two seconds (so a failing receiver shows `failed` within a test). The
    embedded run dispatches events in a thread of the API process."""
    yield from _api_with_standin(
        standin_models.create_app(),
        logs / "api-events.log",
        WEBHOOKS_ALLOW_PRIVATE="true",
        EVENTS_POLL_SECONDS="0.2",
        EVENTS_RETRY_BASE_SECONDS="0.2",
        WEBHOOKS_RETRY_HOURS="0.0006",  # about 2 s of retries
    )


@pytest.fixture(scope="session")
def modelless_app_url(logs) -> Iterator[str]:
    """Portrait whose model service is down (nothing listens at MODELS_URL)."""
    yield from _api(f"http://127.0.0.1:{free_port()}", logs / "api-modelless.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Web-first assertions poll until they hold; their default 5 s is too short for a machine
    # busy with other work (actions already get 20 s from each context).
    expect.set_options(timeout=20_000)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (scripts/test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=HEADLESS_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught script errors and console errors of `page` (such as a Content-Security-Policy
    violation or a failed request): a working page has none."""
    return []


@pytest.fixture
def page(browser, page_errors):
    """A fresh desktop-sized browser profile (no cookies)."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on(
        "console",
        lambda message: message.type == "error" and page_errors.append(message.text),
    )
    yield page
    context.close()
