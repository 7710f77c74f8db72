"""Reports: one per reporter and profile, gathered in one queue item per reported profile."""

from __future__ import annotations

import pytest

from portrait.models.moderation import Report

API = "/api/v1"


def report(client, reporter, handle, body):
    return client.post(f"{API}/profiles/{handle}/reports", headers=reporter.headers, json=body)


@pytest.fixture
def moderator(app, auth):
    account = auth.signup()
    result = app.test_cli_runner().invoke(args=["users", "set-role", account.email, "moderator"])
    assert result.exit_code == 0, result.output
    return account


def queue(client, moderator):
    response = client.get(f"{API}/moderation/queue?kind=report", headers=moderator.headers)
    assert response.status_code == 200
    return response.get_json()["items"]


def test_reports_gather_in_one_item_per_profile(client, auth, moderator):
    target, ada, bob = auth.signup(), auth.signup(), auth.signup()
    handle = target.user["handle"].upper()  # handles are case-insensitive
    response = report(client, ada, handle, {"reason": "spam", "note": " Links only. "})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reason"] == "spam" and response.get_json()["note"] == "Links only."
    assert report(client, bob, handle, {"reason": "impersonation"}).status_code == 201
    [item] = queue(client, moderator)
    assert item["user"]["handle"] == target.user["handle"]
    assert (item["reports"], sorted(item["reasons"])) == (2, ["impersonation", "spam"])
    assert item["image_url"] is None  # no avatar to show
    decision = {"decision": "reject", "reason": "Not spam."}
    url = f"{API}/moderation/items/{item['id']}/decision"
    assert client.post(url, headers=moderator.headers, json=decision).status_code == 200
    assert queue(client, moderator) == []


def test_a_second_report_by_the_same_user_is_a_409(client, auth):
    target, ada = auth.signup(), auth.signup()
    assert report(client, ada, target.user["handle"], {"reason": "spam"}).status_code == 201
    again = report(client, ada, target.user["handle"], {"reason": "other"})
    assert again.status_code == 409 and again.get_json()["type"].endswith("already-reported")
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"reason": "ugly"}, 422),
        ({}, 422),
        ({"reason": "spam", "note": "x" * 501}, 422),
        ({"reason": "spam", "weight": 10}, 422),
    ],
)
def test_bad_reports_are_refused(client, auth, body, status):
    target, ada = auth.signup(), auth.signup()
    assert report(client, ada, target.user["handle"], body).status_code == status
    assert Report.objects.count() == 0


def test_own_profile_unknown_profile_and_anonymous(client, auth, account):
    own = report(client, account, account.user["handle"], {"reason": "spam"})
    assert own.status_code == 422 and own.get_json()["type"].endswith("cannot-report-yourself")
    assert report(client, account, "nobody_here", {"reason": "spam"}).status_code == 404
    anonymous = client.post(
        f"{API}/profiles/{account.user['handle']}/reports", json={"reason": "spam"}
    )
    assert anonymous.status_code == 401
    assert Report.objects.count() == 0
