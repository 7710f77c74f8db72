"""The login delay and the address keys (portrait/services/login_guard.py), and the device
names of the sessions list (portrait/services/devices.py)."""

from __future__ import annotations

import pytest

from portrait.services import devices, login_guard


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (10, 128), (11, 256), (12, 300), (500, 300)],
)
def test_the_delay_doubles_after_the_free_failures_up_to_the_cap(app, failures, seconds):
    app.config.update(LOGIN_DELAY_AFTER=3, LOGIN_DELAY_MAX=300)
    with app.app_context():
        assert login_guard.delay_for(failures) == seconds


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),  # an IPv4 client on a dual-stack socket
        ("not an address", "not an address"),
    ],
)
def test_address_keys_group_an_ipv6_64(ip, key):
    assert login_guard.address_key(ip) == key


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome on macOS",
        ),
        ("python-requests/2.32.3", "python-requests"),
        ("", "Unknown device"),
    ],
)
def test_devices_are_named_from_the_user_agent(user_agent, device):
    assert devices.describe(user_agent) == device
