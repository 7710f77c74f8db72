"""The API under gunicorn with two worker processes on a real MongoDB-wire server (FerretDB):
what one worker learns (a rate-limit hit, a revoked or rotated token) the other must know,
so nothing may live in per-process memory. Requests alternate between two connections, each
pinned to a different worker (see tests/topology/workers.py).
"""

import pytest

from tests.topology.workers import API, LOGIN_LIMIT, bearer, signup

pytestmark = pytest.mark.slow


def test_the_login_rate_limit_counts_requests_of_every_worker(workers):
    a, b = workers
    statuses = []
    for i in range(2 * LOGIN_LIMIT):
        worker = (a, b)[i % 2]
        body = {"email": "nobody@example.com", "password": "wrong password"}
        statuses.append(worker.call("POST", f"{API}/auth/login", json=body).status_code)
    # Per-process counters would let each worker allow LOGIN_LIMIT attempts (no 429 at all).
    assert statuses[:LOGIN_LIMIT] == [401] * LOGIN_LIMIT
    assert statuses[LOGIN_LIMIT:] == [429] * LOGIN_LIMIT


def test_a_rotated_refresh_token_is_dead_on_every_worker(workers):
    a, b = workers
    first = signup(a)["refresh_token"]
    rotated = b.call("POST", f"{API}/auth/refresh", headers=bearer(first))
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    # Replaying the spent token on the other worker is refused, and (it was copied) the
    # whole session ends, so the token the rotation issued dies too.
    assert a.call("POST", f"{API}/auth/refresh", headers=bearer(first)).status_code == 401
    assert b.call("POST", f"{API}/auth/refresh", headers=bearer(second)).status_code == 401


def test_logout_on_one_worker_ends_the_session_on_the_other(workers):
    a, b = workers
    account = signup(a)
    assert b.call("GET", f"{API}/me", headers=bearer(account["access_token"])).status_code == 200
    logout = a.call("POST", f"{API}/auth/logout", headers=bearer(account["access_token"]))
    assert logout.status_code == 204
    assert b.call("GET", f"{API}/me", headers=bearer(account["access_token"])).status_code == 401
    refresh = b.call("POST", f"{API}/auth/refresh", headers=bearer(account["refresh_token"]))
    assert refresh.status_code == 401
