"""Helpers for the fault tests: accounts, uploads and what is stored, over real HTTP."""

from __future__ import annotations

import uuid

import requests

from tests.utils.images import encode, photo

API = "/api/v1"


def signup(base: str) -> dict:
    name = uuid.uuid4().hex[:10]
    body = {
        "email": f"{name}@example.com",
        "password": "correct horse battery staple",
        "handle": f"f{name}",
        "display_name": "Fault Tester",
    }
    response = requests.post(f"{base}{API}/auth/signup", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return {**response.json(), **body}


def bearer(account: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {account['access_token']}"}


def upload(base: str, account: dict, seed: int = 1, timeout: float = 30) -> requests.Response:
    picture = encode(photo((640, 480), seed=seed), "JPEG", quality=90)
    headers = {**bearer(account), "Content-Type": "image/jpeg"}
    return requests.put(f"{base}{API}/me/avatar", data=picture, headers=headers, timeout=timeout)


def me(base: str, account: dict) -> requests.Response:
    return requests.get(f"{base}{API}/me", headers=bearer(account), timeout=30)


def avatar_keys(avatar: dict) -> set[str]:
    urls = [*avatar["urls"].values(), avatar["master"]["url"]]
    return {url.rsplit("/", 1)[1] for url in urls}


def assert_served(base: str, avatar: dict) -> None:
    for key in avatar_keys(avatar):
        assert requests.get(f"{base}/media/{key}", timeout=30).status_code == 200, key


def assert_503(response: requests.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) > 0
