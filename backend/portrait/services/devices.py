"""A short, human name for the client behind a user agent ("Firefox on Linux"), for the
sessions list. A few ordered patterns cover the browsers and systems people use; anything
else is named by its first product token, so nothing is ever blank or misleading."""

from __future__ import annotations

import re

# Order matters: Edge and Opera say "Chrome", Chrome says "Safari", so the specific first.
BROWSERS = (
    ("Edge", r"\bEdg(e|A|iOS)?/"),
    ("Opera", r"\bOPR/|\bOpera\b"),
    ("Samsung Internet", r"\bSamsungBrowser/"),
    ("Firefox", r"\bFirefox/|\bFxiOS/"),
    ("Chromium", r"\bChromium/"),
    ("Chrome", r"\bChrome/|\bCriOS/|\bHeadlessChrome/"),
    ("Safari", r"\bSafari/"),
)
SYSTEMS = (
    ("Android", r"\bAndroid\b"),
    ("iOS", r"\biPhone\b|\biPad\b|\biPod\b"),
    ("ChromeOS", r"\bCrOS\b"),
    ("Windows", r"\bWindows\b"),
    ("macOS", r"\bMac OS X\b|\bMacintosh\b"),
    ("Linux", r"\bLinux\b|\bX11\b"),
)
_PRODUCT = re.compile(r"^([A-Za-z][\w.-]{0,40})")


def _first(patterns: tuple[tuple[str, str], ...], user_agent: str) -> str | None:
    return next((name for name, pattern in patterns if re.search(pattern, user_agent)), None)


def describe(user_agent: str) -> str:
    """ "Chrome on Android", "Firefox", "python-requests", or "Unknown device"."""
    browser = _first(BROWSERS, user_agent)
    system = _first(SYSTEMS, user_agent)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system or ""
    product = _PRODUCT.match(user_agent.strip())
    return product.group(1) if product else "Unknown device"
