"""Sessions: list, end one, log out everywhere, absolute lifetime, the refresh-reuse grace
window (portrait/api/sessions.py, portrait/services/sessions.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from portrait.models import RefreshSession
from tests.utils.auth import AuthActions

API = "/api/v1"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)


def sessions_of(client, account) -> list[dict]:
    response = client.get(f"{API}/me/sessions", headers=account.headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()["sessions"]


def refresh(client, token, **headers):
    headers = {"Authorization": f"Bearer {token}", **headers}
    return client.post(f"{API}/auth/refresh", headers=headers)


def login_from(auth, account, user_agent: str, ip: str):
    response = auth.login(
        account.email,
        account.password,
        headers={"User-Agent": user_agent},
        environ_base={"REMOTE_ADDR": ip},
    )
    assert response.status_code == 200
    return AuthActions._account(account.email, account.password, response.get_json())


def test_sessions_list_devices_addresses_and_marks_the_current_one(client, auth, account):
    laptop = login_from(auth, account, FIREFOX, "192.0.2.10")
    phone = login_from(auth, account, PHONE, "192.0.2.20")
    listed = sessions_of(client, laptop)
    assert len(listed) == 3  # sign-up, laptop, phone
    by_device = {s["device"]: s for s in listed}
    assert by_device["Firefox on Linux"]["ip"] == "192.0.2.10"
    assert by_device["Firefox on Linux"]["current"] is True
    assert by_device["Chrome on Android"]["ip"] == "192.0.2.20"
    assert [s["current"] for s in listed].count(True) == 1
    assert {"id", "created_at", "last_used_at"} <= set(listed[0])
    assert [s for s in sessions_of(client, phone) if s["current"]][0]["device"] == (
        "Chrome on Android"
    )


def test_ending_another_session_signs_it_out_at_once(client, auth, account):
    other = auth.login_account(account)
    target = next(s for s in sessions_of(client, other) if not s["current"])
    response = client.delete(f"{API}/me/sessions/{target['id']}", headers=other.headers)
    assert response.status_code == 204
    assert client.get(f"{API}/me", headers=account.headers).status_code == 401
    assert refresh(client, account.refresh_token).status_code == 401
    assert client.get(f"{API}/me", headers=other.headers).status_code == 200
    assert [s["current"] for s in sessions_of(client, other)] == [True]


@pytest.mark.parametrize("session_id", ["not-a-uuid", str(uuid.uuid4())])
def test_unknown_sessions_are_404(client, account, session_id):
    response = client.delete(f"{API}/me/sessions/{session_id}", headers=account.headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_someone_elses_session_is_404_and_stays_alive(client, auth, account):
    stranger = auth.signup()
    their_id = sessions_of(client, stranger)[0]["id"]
    response = client.delete(f"{API}/me/sessions/{their_id}", headers=account.headers)
    assert response.status_code == 404
    assert client.get(f"{API}/me", headers=stranger.headers).status_code == 200


def test_logout_all_ends_every_session_including_this_one(client, auth, account):
    other = auth.login_account(account)
    bystander = auth.signup()
    assert client.post(f"{API}/auth/logout-all", headers=account.headers).status_code == 204
    for session in (account, other):
        assert client.get(f"{API}/me", headers=session.headers).status_code == 401
        assert refresh(client, session.refresh_token).status_code == 401
    assert client.get(f"{API}/me", headers=bystander.headers).status_code == 200
    assert client.post(f"{API}/auth/logout-all").status_code == 401


def test_sessions_need_a_token(client):
    assert client.get(f"{API}/me/sessions").status_code == 401
    assert client.delete(f"{API}/me/sessions/{uuid.uuid4()}").status_code == 401


def test_refreshes_never_extend_a_session_past_its_absolute_lifetime(make_app):
    client = make_app(SESSION_MAX_AGE=3600).test_client()  # one hour, refresh lifetime 30 days
    account = AuthActions(client).signup()
    response = refresh(client, account.refresh_token)
    assert response.status_code == 200
    session = RefreshSession.objects.get()
    ends_at = session.ends_at.replace(tzinfo=UTC)
    assert session.expires_at.replace(tzinfo=UTC) <= ends_at
    assert ends_at - datetime.now(UTC) <= timedelta(hours=1)
    # Past the absolute end the session is over, however fresh its last refresh.
    RefreshSession.objects(id=session.id).update_one(
        set__ends_at=datetime.now(UTC) - timedelta(seconds=1),
        set__expires_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    assert refresh(client, response.get_json()["refresh_token"]).status_code == 401


def test_a_refresh_token_spent_moments_ago_gets_the_same_session(client, account):
    # Two tabs restoring at once: both present the same refresh token.
    first = refresh(client, account.refresh_token)
    second = refresh(client, account.refresh_token)
    assert first.status_code == second.status_code == 200
    for pair in (first.get_json(), second.get_json()):
        assert client.get(f"{API}/me", headers=bearer(pair["access_token"])).status_code == 200
    # Both tabs now hold the current token of one session: whichever refreshes next wins.
    assert refresh(client, second.get_json()["refresh_token"]).status_code == 200
    assert len(RefreshSession.objects(revoked_at=None)) == 1


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_reuse_after_the_grace_window_revokes_the_family(client, account):
    pair = refresh(client, account.refresh_token).get_json()
    past = datetime.now(UTC) - timedelta(seconds=11)  # REFRESH_REUSE_GRACE is 10 s
    RefreshSession.objects.update(set__rotated_at=past)
    reused = refresh(client, account.refresh_token)
    assert reused.status_code == 401
    assert reused.get_json()["type"].endswith("refresh-token-reused")
    assert refresh(client, pair["refresh_token"]).status_code == 401


def test_reuse_from_another_client_within_the_window_revokes_the_family(client, account):
    pair = refresh(client, account.refresh_token).get_json()
    reused = refresh(client, account.refresh_token, **{"User-Agent": "curl/8.0"})
    assert reused.status_code == 401
    assert refresh(client, pair["refresh_token"]).status_code == 401


def test_an_older_token_within_the_window_is_still_a_copy(client, account):
    second = refresh(client, account.refresh_token).get_json()
    refresh(client, second["refresh_token"])
    # The first token is two rotations old: no tab could still hold it legitimately.
    assert refresh(client, account.refresh_token).status_code == 401
