"""Graceful shutdown of the API under gunicorn (docker/api/gunicorn.conf.py): on SIGTERM (what
`docker compose stop` sends) it lets the upload in flight finish, then exits 0, well within
graceful_timeout."""

import signal
import threading
import time
import uuid

import pytest
import requests

from tests.faults.conftest import ModelProxy
from tests.topology.servers import gunicorn_api
from tests.topology.workers import API
from tests.utils.images import face_photo

pytestmark = pytest.mark.slow


def test_an_upload_in_flight_finishes_when_the_api_is_told_to_stop(
    mongo_port, models_url, tmp_path
):
    held = ModelProxy(models_url)  # passes requests on to the real model service when released
    uri = f"mongodb://127.0.0.1:{mongo_port}/graceful_{uuid.uuid4().hex[:8]}"
    try:
        with gunicorn_api(uri, tmp_path / "api.log", workers=1, MODELS_URL=held.url) as base:
            name = uuid.uuid4().hex[:10]
            account = requests.post(
                f"{base}{API}/auth/signup",
                json={
                    "email": f"{name}@example.com",
                    "password": "correct horse battery staple",
                    "handle": f"u{name}",
                    "display_name": "In Flight",
                },
                timeout=10,
            ).json()
            headers = {"Authorization": f"Bearer {account['access_token']}"}
            held.mode = "hold"
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
            assert held.arrived.wait(30), "the upload never reached the model service"
            base.proc.send_signal(signal.SIGTERM)
            time.sleep(1)  # gunicorn has begun its shutdown while the upload still waits
            assert base.proc.poll() is None, "gunicorn did not wait for the request in flight"
            held.release.set()
            uploader.join(30)
            assert "error" not in result, result
            assert result["response"].status_code == 200, result["response"].text
            assert base.proc.wait(30) == 0
    finally:
        held.release.set()
        held.stop()
