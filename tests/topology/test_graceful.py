"""Graceful shutdown of the API under gunicorn (docker/api/gunicorn.conf.py): on SIGTERM (what
`docker compose stop` sends) it lets the upload in flight finish, then exits 0, well within
graceful_timeout."""

import signal
import threading
import uuid

import pytest
import requests

from tests.topology.proxies import HoldingProxy
from tests.topology.servers import gunicorn_api
from tests.topology.workers import API, bearer, new_account
from tests.utils.images import face_photo
from tests.utils.waiting import wait_until

pytestmark = pytest.mark.slow


def test_an_upload_in_flight_finishes_when_the_api_is_told_to_stop(
    mongo_port, models_url, tmp_path
):
    held = HoldingProxy(models_url)  # the real model service, once released
    uri = f"mongodb://127.0.0.1:{mongo_port}/graceful_{uuid.uuid4().hex[:8]}"
    log = tmp_path / "api.log"
    # INFO: gunicorn's master logs the signals it handles, which the test waits for.
    env = {"MODELS_URL": held.url, "LOG_LEVEL": "INFO"}
    try:
        with gunicorn_api(uri, log, workers=1, **env) as base:
            account = requests.post(
                f"{base}{API}/auth/signup", json=new_account("In Flight"), timeout=10
            ).json()
            headers = bearer(account["access_token"])
            held.holding = True
            result = {}

            def upload():
                try:
                    result["response"] = requests.put(
                        f"{base}{API}/me/avatar",
                        files={"file": ("me.jpg", face_photo(), "image/jpeg")},
                        headers=headers,
                        timeout=60,
                    )
                except requests.RequestException as exc:
                    result["error"] = exc

            uploader = threading.Thread(target=upload)
            uploader.start()
            assert held.arrived.wait(60), "the upload never reached the model service"
            base.proc.send_signal(signal.SIGTERM)
            # gunicorn has begun its shutdown while the upload still waits
            wait_until(lambda: "Handling signal: term" in log.read_text(), "gunicorn's SIGTERM")
            assert base.proc.poll() is None, "gunicorn did not wait for the request in flight"
            held.release.set()
            uploader.join(30)
            assert "error" not in result, result
            assert result["response"].status_code == 200, result["response"].text
            assert base.proc.wait(30) == 0
    finally:
        held.close()
