"""Shadow: a candidate sees a sample of real requests after the answer is sent; its result
never reaches the caller and a slow candidate never holds an answer back."""

import json
import threading
import time

import pytest
import requests
from werkzeug.serving import make_server

from portrait_models import create_app
from portrait_models.lifecycle import stages
from portrait_models.models import FACTORIES
from portrait_models.models.smart_crop import SmartCrop
from tests.models.photos import jpeg

RELEASE = threading.Event()


class HeldSmartCrop(SmartCrop):
    """The real smart-crop as candidate 0.9.0, held until the test releases it."""

    version = "0.9.0"

    def predict(self, image, **options):
        RELEASE.wait(timeout=120)
        return super().predict(image, **options)


def _wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.fixture
def shadowed(tmp_path, monkeypatch):
    monkeypatch.setitem(FACTORIES, "smart-crop", [HeldSmartCrop, SmartCrop])
    stages_file = tmp_path / "stages.json"
    versions = {"smart-crop": {"0.9.0": "candidate", "1.0.0": "champion"},
                "nudity-detection": {"1.0.0": "champion"}}  # fmt: skip
    body = {name: {"versions": v, "history": []} for name, v in versions.items()}
    stages_file.write_text(json.dumps({"models": body}))
    config = {"stages_file": str(stages_file), "shadow": ("smart-crop@0.9.0",), "shadow_rate": 1.0}
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    RELEASE.clear()
    yield f"http://127.0.0.1:{server.server_port}"
    RELEASE.set()
    server.shutdown()
    thread.join()
    server.server_close()


def _summary(url):
    return requests.get(f"{url}/v1/models/smart-crop/shadow", timeout=30).json()["shadow"]


def test_answers_do_not_wait_for_the_candidate_and_are_unchanged(shadowed, models_client):
    image = jpeg("astronaut")
    # the fixture's champion is 1.0.0 (its own stages file): what 1.0.0 answers, pinned
    expected = models_client.post("/v1/models/smart-crop/versions/1.0.0/predict", data=image)
    expected = expected.get_json()
    for path in ("/v1/models/smart-crop/predict", "/v1/pipelines/avatar"):
        answer = requests.post(shadowed + path, data=image, timeout=60)  # candidate held
        assert answer.status_code == 200
        result = answer.json()["result"]
        crop = result["crop"] if path.endswith("avatar") else result
        assert crop == expected["result"]  # the champion's answer, untouched
    summary = _wait_for(lambda: (s := _summary(shadowed))["sampled"] == 2 and s)
    assert summary["compared"] == 0  # answered while the candidate was still held
    RELEASE.set()
    done = _wait_for(lambda: (s := _summary(shadowed))["compared"] == 2 and s)
    assert done["agreement"]["mean"] == 1.0 and done["failed"] == 0  # same code: same crops
    assert done["latency_ms"]["candidate_mean"] > 0 and done["latency_ms"]["ratio"] > 0


def test_a_held_candidate_drops_samples_instead_of_queueing_without_end(shadowed):
    image = jpeg("astronaut")
    for _ in range(7):  # one held in the thread, four queued, the rest dropped
        assert requests.post(shadowed + "/v1/models/smart-crop/predict", data=image).ok
    summary = _wait_for(lambda: (s := _summary(shadowed))["sampled"] == 7 and s)
    assert summary["dropped"] >= 2


def test_pinned_calls_are_not_shadowed_and_other_models_report_none(shadowed):
    image = jpeg("astronaut")
    assert requests.post(shadowed + "/v1/models/smart-crop/versions/1.0.0/predict", data=image).ok
    assert _summary(shadowed)["sampled"] == 0
    other = requests.get(shadowed + "/v1/models/nudity-detection/shadow", timeout=30).json()
    assert other == {"model": "nudity-detection", "champion": "1.0.0", "shadow": None}
    assert requests.get(shadowed + "/v1/models/face-swap/shadow", timeout=30).status_code == 404


@pytest.mark.parametrize(
    ("shadow", "message"),
    [(("smart-crop",), "name@version"),
     ((f"smart-crop@{stages.load().champion('smart-crop')}",), "champion itself"),
     (("smart-crop@3.0.0",), "no version")],
)  # fmt: skip
def test_a_bad_shadow_setting_stops_the_start(shadow, message):
    with pytest.raises(Exception, match=message):
        create_app({"shadow": shadow, "preload": False})
