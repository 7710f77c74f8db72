"""`MONGO_URI=mongodb://… ./scripts/dev`: accounts and avatars survive a restart of the app.

The app runs as scripts/dev runs it (`python -m portrait`), against a real MongoDB-wire
server (FerretDB), and is stopped and started again between the write and the read.
"""

import sys
import uuid

import pytest
import requests

from tests.topology.servers import api_env, api_process, free_port
from tests.topology.workers import new_account
from tests.utils.images import encode, photo

pytestmark = pytest.mark.slow

API = "/api/v1"


def dev_app(mongo_uri: str, models_url: str, log):
    port = free_port()
    argv = [sys.executable, "-m", "portrait", "--host", "127.0.0.1", "--port", str(port)]
    env = api_env(mongo_uri, PORTRAIT_ENV="development", MODELS_URL=models_url)
    return api_process(argv, env, port, log, graceful=False)


def test_an_account_its_profile_and_avatar_survive_an_app_restart(mongo_port, models_url, tmp_path):
    uri = f"mongodb://127.0.0.1:{mongo_port}/restart_{uuid.uuid4().hex[:8]}"
    account = new_account("Before Restart")
    with dev_app(uri, models_url, tmp_path / "first.log") as base:
        signup = requests.post(f"{base}{API}/auth/signup", json=account, timeout=30)
        assert signup.status_code == 201, signup.text
        upload = requests.put(
            f"{base}{API}/me/avatar",
            data=encode(photo((800, 600)), "JPEG", quality=90),
            headers={
                "Authorization": f"Bearer {signup.json()['access_token']}",
                "Content-Type": "image/jpeg",
            },
            timeout=30,
        )
        assert upload.status_code == 200, upload.text
        avatar = {}
        for url in upload.json()["urls"].values():
            media = requests.get(base + url, timeout=30)
            assert media.status_code == 200 and media.headers["Content-Type"].startswith("image/")
            avatar[url] = media.content

    with dev_app(uri, models_url, tmp_path / "second.log") as base:
        login = requests.post(
            f"{base}{API}/auth/login",
            json={"email": account["email"], "password": account["password"]},
            timeout=30,
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        me = requests.get(f"{base}{API}/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["handle"] == account["handle"]
        assert me.json()["display_name"] == "Before Restart"
        public = requests.get(f"{base}{API}/profiles/{account['handle']}", timeout=30)
        assert public.status_code == 200
        assert set(me.json()["avatar"]["urls"].values()) == set(avatar)
        for url, content in avatar.items():
            media = requests.get(base + url, timeout=30)
            assert media.status_code == 200 and media.content == content
        # A refresh token issued before the restart still works after it.
        refresh = requests.post(
            f"{base}{API}/auth/refresh",
            headers={"Authorization": f"Bearer {signup.json()['refresh_token']}"},
            timeout=30,
        )
        assert refresh.status_code == 200, refresh.text
