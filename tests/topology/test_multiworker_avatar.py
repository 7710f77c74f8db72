"""Avatars with two gunicorn workers, the real model service and FerretDB: /readyz sees both
dependencies, and uploads racing on two workers leave one complete avatar."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.topology.workers import API, bearer, signup
from tests.utils.images import encode, photo

pytestmark = pytest.mark.slow


def test_readyz_reports_the_database_and_the_model_service(workers):
    a, _ = workers
    response = a.call("GET", "/readyz")
    assert response.status_code == 200, response.text
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["models"] == "ok"
    assert checks["events"]["status"] == "ok"  # the dispatcher's lag: informative


def media_urls(avatar: dict) -> set[str]:
    urls = set(avatar["urls"].values())
    if avatar.get("master", {}).get("url"):
        urls.add(avatar["master"]["url"])
    return urls


def test_racing_avatar_uploads_on_two_workers_leave_one_complete_avatar(workers):
    a, b = workers
    account = signup(a)
    headers = {**bearer(account["access_token"]), "Content-Type": "image/jpeg"}
    pictures = [encode(photo((800, 600), seed=seed), "JPEG", quality=90) for seed in (1, 2)]
    with ThreadPoolExecutor(2) as pool:
        uploads = list(
            pool.map(
                lambda job: job[0].call("PUT", f"{API}/me/avatar", data=job[1], headers=headers),
                [(a, pictures[0]), (b, pictures[1])],
            )
        )
    statuses = sorted(r.status_code for r in uploads)
    # Overlapping changes: the per-user lease (in MongoDB) refuses the second with 409.
    # One after the other: both succeed and the later one wins. Never anything else.
    assert statuses in ([200, 200], [200, 409]), [r.text for r in uploads]

    current = b.call("GET", f"{API}/me", headers=bearer(account["access_token"])).json()["avatar"]
    winners = [r.json() for r in uploads if r.status_code == 200]
    assert media_urls(current) in [media_urls(w) for w in winners]
    for url in media_urls(current):  # the profile never points at missing media
        assert a.call("GET", url, headers=bearer(account["access_token"])).status_code == 200
    for loser in (w for w in winners if media_urls(w) != media_urls(current)):
        for url in media_urls(loser) - media_urls(current):  # and replaced media are gone
            assert a.call("GET", url, headers=bearer(account["access_token"])).status_code == 404
