"""Hostile clients: password guessing is throttled (429 + Retry-After) per account and client
address, without a lockout weapon against the owner, and login gives no way to learn whether
an email has an account (same answer, similar time)."""

from __future__ import annotations

import statistics
import time

from tests.utils.auth import AuthActions
from tests.utils.factories import PASSWORD, signup_data

API = "/api/v1"
# The real argon2id cost (the suite's fixtures use the cheapest), so timings are realistic.
REAL_ARGON2 = {"ARGON2_TIME_COST": 3, "ARGON2_MEMORY_KIB": 65536, "ARGON2_PARALLELISM": 4}


def assert_429(response, most_seconds: int) -> None:
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert 0 < int(response.headers["Retry-After"]) <= most_seconds


def test_guessing_from_one_address_is_429_with_retry_after(make_app):
    client = make_app(RATELIMIT_LOGIN="5 per minute").test_client()
    account = AuthActions(client).signup()
    guesses = [AuthActions(client).login(account.email, f"guess {n}") for n in range(5)]
    assert [g.status_code for g in guesses] == [401] * 5
    blocked = AuthActions(client).login(account.email, PASSWORD)  # even the right password
    assert_429(blocked, 60)
    assert "access_token" not in blocked.get_json()


def behind_proxy(make_app, **config):
    """An app behind one trusted proxy, which names the client in X-Forwarded-For."""
    client = make_app(PROXY_HOPS=1, LOGIN_DELAY_AFTER=3, **config).test_client()
    auth = AuthActions(client)

    def login(email: str, password: str, address: str):
        return auth.login(email, password, headers={"X-Forwarded-For": address})

    return auth, login


def test_an_attacker_at_one_address_cannot_lock_the_owner_out(make_app):
    auth, login = behind_proxy(make_app)
    owner = auth.signup()
    attacker = "203.0.113.7"
    assert [login(owner.email, f"guess {n}", attacker).status_code for n in range(3)] == [401] * 3
    # From now on the attacker waits longer after every failure; hammering changes nothing,
    # and even the right password from the failing address waits.
    for n in range(20):
        assert_429(login(owner.email, f"guess {n}", attacker), 300)
    assert_429(login(owner.email, PASSWORD, attacker), 300)
    # The owner, at an address that has not been failing, logs in at once.
    assert login(owner.email, PASSWORD, "198.51.100.20").status_code == 200


def test_a_botnet_gets_no_account_wide_lock_either(make_app):
    auth, login = behind_proxy(make_app, RATELIMIT_LOGIN_FAILURES="2 per 15 minutes")
    owner = auth.signup()
    for n in range(30):  # every guess from another address: each pair is under its budget
        assert login(owner.email, f"guess {n}", f"10.0.{n}.1").status_code == 401
    assert login(owner.email, PASSWORD, "198.51.100.20").status_code == 200


def test_ipv6_addresses_of_one_64_share_one_budget(make_app):
    auth, login = behind_proxy(make_app)
    owner = auth.signup()
    # An IPv6 subscriber holds a whole /64: a new address per guess gains nothing.
    guesses = [login(owner.email, "guess", f"2001:db8:1:2::{n:x}") for n in range(1, 4)]
    assert [g.status_code for g in guesses] == [401] * 3
    assert_429(login(owner.email, PASSWORD, "2001:db8:1:2:ffff:ffff:ffff:ffff"), 300)
    # The neighbouring /64 is someone else.
    assert login(owner.email, PASSWORD, "2001:db8:1:3::1").status_code == 200


def test_unknown_email_and_wrong_password_get_the_same_answer(client, auth, account):
    unknown = auth.login("nobody-" + account.email, "some password")
    wrong = auth.login(account.email, "some password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()
    assert dict(unknown.headers) == dict(wrong.headers)


def _alternated_medians(first, second, runs: int = 9) -> tuple[float, float]:
    """Median seconds of each call, sampled in turn so that a busy neighbour slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for call, into in zip((first, second), times, strict=True):
            start = time.perf_counter()
            assert call().status_code == 401
            into.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def test_unknown_email_takes_as_long_as_a_wrong_password(make_app):
    client = make_app(**REAL_ARGON2).test_client()
    auth = AuthActions(client)
    data = signup_data()
    assert client.post(f"{API}/auth/signup", json=data).status_code == 201
    auth.login("warm-up@example.com", "x")  # the dummy hash is made on first use
    wrong, unknown = _alternated_medians(
        lambda: auth.login(data["email"], "wrong password"),
        lambda: auth.login("nobody@example.com", "wrong password"),
    )
    # Without the dummy argon2 verify an unknown email answers ~100x faster; the bound is
    # generous because the machine is shared.
    assert 0.5 < unknown / wrong < 2.0, (unknown, wrong)


def test_signup_with_a_taken_email_reveals_nothing_about_the_account(client, auth, account):
    taken = client.post(f"{API}/auth/signup", json=signup_data(email=account.email.upper()))
    assert taken.status_code == 409
    text = taken.get_data(as_text=True)
    assert account.handle not in text and account.user["display_name"] not in text
