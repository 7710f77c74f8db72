"""The database goes away on the real topology (FerretDB stopped): every endpoint that needs
it answers 503 + Retry-After (never 500) within pymongo's short server-selection timeout,
/readyz says which dependency is down, and the API recovers by itself once it is back."""

from __future__ import annotations

import time

import pytest
import requests

from tests.faults.conftest import SELECTION_MS
from tests.faults.support import API, assert_503, avatar_keys, bearer, me, signup, upload

pytestmark = pytest.mark.slow


def test_database_down_is_503_everywhere_it_is_needed_and_recovers(api, ferret):
    account = signup(api.base)
    assert upload(api.base, account).status_code == 200
    avatar = me(api.base, account).json()["avatar"]
    key = sorted(avatar_keys(avatar))[0]
    login = {"email": account["email"], "password": account["password"]}
    new_account = {**login, "handle": "x_down", "display_name": "X"}
    refresh = {"Authorization": "Bearer " + account["refresh_token"]}
    needs_db = [
        ("GET", f"{API}/me", {"headers": bearer(account)}),
        ("PATCH", f"{API}/me", {"headers": bearer(account), "json": {"bio": "offline"}}),
        ("POST", f"{API}/auth/login", {"json": login}),
        (
            "POST",
            f"{API}/auth/signup",
            {"json": new_account},
        ),
        (
            "POST",
            f"{API}/auth/refresh",
            {"headers": refresh},
        ),
        ("GET", f"{API}/profiles/{account['handle']}", {}),
        ("GET", f"{API}/profiles", {}),
        ("GET", f"/media/{key}", {}),
        ("PUT", f"{API}/me/avatar", {"headers": bearer(account), "data": b"x"}),
        ("DELETE", f"{API}/me/avatar", {"headers": bearer(account)}),
    ]

    ferret.stop()
    try:
        assert requests.get(f"{api.base}/healthz", timeout=30).status_code == 200
        ready = requests.get(f"{api.base}/readyz", timeout=30)
        assert_503(ready)
        assert ready.json()["checks"]["database"].startswith("unavailable")
        for method, path, kwargs in needs_db:
            start = time.monotonic()
            response = requests.request(method, api.base + path, timeout=30, **kwargs)
            assert_503(response)
            # A few server selections at most, not a hang (pymongo's default selection
            # timeout alone is 30 s); the bound leaves room for a busy machine.
            assert time.monotonic() - start < 15 * SELECTION_MS / 1000, (method, path)
    finally:
        ferret.start()

    checks = api.wait_ready().json()["checks"]
    assert checks["database"] == "ok" and checks["models"] == "ok"
    assert checks["events"]["status"] == "ok"  # the dispatcher's lag: informative
    again = me(api.base, account)
    assert again.status_code == 200 and again.json()["avatar"] == avatar
    assert requests.get(f"{api.base}/media/{key}", timeout=30).status_code == 200
    login_again = requests.post(f"{api.base}{API}/auth/login", json=login, timeout=30)
    assert login_again.status_code == 200, login_again.text
