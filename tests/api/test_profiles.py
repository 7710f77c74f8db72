"""Public profiles: by handle, and the cursor-paginated listing."""

from __future__ import annotations

import pytest

API = "/api/v1"


def test_public_profile_hides_the_email(client, auth):
    account = auth.signup(handle="Grace_H", display_name="Grace")
    response = client.get(f"{API}/profiles/grace_h")  # any case finds it
    assert response.status_code == 200
    body = response.get_json()
    assert body["handle"] == "Grace_H" and body["display_name"] == "Grace"
    assert "email" not in body and "id" not in body
    assert account.email not in response.get_data(as_text=True)


def test_unknown_handle_is_404_problem(client):
    response = client.get(f"{API}/profiles/nobody_here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def walk(client, **params):
    """Follows next_cursor to the end; returns the handles and the number of pages."""
    handles, pages, cursor = [], 0, None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"{API}/profiles", query_string=query)
        assert response.status_code == 200
        body = response.get_json()
        pages += 1
        handles += [item["handle"] for item in body["items"]]
        assert all("email" not in item for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return handles, pages


def test_listing_pages_through_every_profile_once_in_handle_order(client, auth):
    for handle in ["delta", "Alpha", "echo", "charlie", "bravo"]:
        auth.signup(handle=handle)
    handles, pages = walk(client, limit=2)
    assert handles == ["Alpha", "bravo", "charlie", "delta", "echo"]
    assert pages == 3


def test_listing_is_stable_when_profiles_are_added_meanwhile(client, auth):
    for handle in ["aa1", "aa3", "aa5"]:
        auth.signup(handle=handle)
    first = client.get(f"{API}/profiles", query_string={"limit": 2}).get_json()
    auth.signup(handle="aa0")  # lands before the cursor: must not shift the next page
    second = client.get(
        f"{API}/profiles", query_string={"limit": 2, "cursor": first["next_cursor"]}
    ).get_json()
    assert [p["handle"] for p in second["items"]] == ["aa5"]


def test_listing_filters_by_handle_prefix(client, auth):
    for handle in ["ann", "anna", "bob", "Annika"]:
        auth.signup(handle=handle)
    handles, _ = walk(client, q="AN", limit=10)
    assert handles == ["ann", "anna", "Annika"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_listing_rejects_bad_parameters(client, query, field):
    response = client.get(f"{API}/profiles", query_string=query)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_listing_rejects_a_garbled_cursor(client):
    response = client.get(f"{API}/profiles", query_string={"cursor": "%%%"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"cursor": ["invalid"]}
