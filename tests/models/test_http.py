"""Over a real socket: the pipeline, and the API's client against the real service."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from portrait.clients import (
    AvatarAnalysis,
    Box,
    ModelInputRefused,
    ModelServiceClient,
    ModelServiceUnavailable,
)
from tests.models.photos import composite, encode, jpeg
from tests.utils.model_stages import CROP, CROP_STAGES, CROP_VERSIONS
from tests.utils.model_stages import CROP_OTHER as OTHER

IMAGES = {
    "astronaut": lambda: jpeg("astronaut"),
    "coffee": lambda: jpeg("coffee"),
    "off-centre-12mp": lambda: encode(composite((4000, 3000), 2.5, (0.1, 0.3))[0], quality=85),
}


@pytest.fixture(scope="module")
def client(service_url) -> ModelServiceClient:
    return ModelServiceClient(service_url, connect_timeout=2, read_timeout=30, retries=1)


@pytest.mark.parametrize("name", IMAGES)
def test_pipeline_equals_the_two_separate_calls(service_url, name):
    image, params = IMAGES[name](), {"aspect": 0.8}
    headers = {"Content-Type": "image/jpeg"}
    pipeline = requests.post(
        f"{service_url}/v1/pipelines/avatar", data=image, params=params, headers=headers
    )
    nudity = requests.post(
        f"{service_url}/v1/models/nudity-detection/predict", data=image, headers=headers
    )
    crop = requests.post(
        f"{service_url}/v1/models/smart-crop/predict", data=image, params=params, headers=headers
    )
    assert pipeline.status_code == nudity.status_code == crop.status_code == 200
    body = pipeline.json()
    assert body["result"]["moderation"] == nudity.json()["result"]
    assert body["result"]["crop"] == crop.json()["result"]
    models = body["metadata"]["models"]
    assert (models["moderation"]["model"], models["moderation"]["version"]) == (
        "nudity-detection",
        "1.0.0",
    )
    assert (models["crop"]["model"], models["crop"]["version"]) == ("smart-crop", CROP)
    assert body["metadata"]["duration_ms"] >= models["moderation"]["duration_ms"]


def test_client_analyze_avatar_returns_typed_results(client):
    analysis = client.analyze_avatar(jpeg("astronaut"), content_type="image/jpeg")
    assert isinstance(analysis, AvatarAnalysis)
    assert analysis.explicit is False and analysis.reasons == ()
    assert analysis.method == "faces"
    assert analysis.faces[0].source == {"1.0.0": "haar+nudenet", "2.0.0": "blazeface"}[CROP]
    assert isinstance(analysis.crop, Box) and analysis.crop.width == analysis.crop.height
    assert (analysis.image_width, analysis.image_height) == (512, 512)
    assert analysis.detections[0].label == "FACE_FEMALE"
    assert (analysis.moderation_model, analysis.moderation_version) == ("nudity-detection", "1.0.0")
    assert (analysis.crop_model, analysis.crop_version) == ("smart-crop", CROP)
    assert analysis.threshold == 0.25 and analysis.duration_ms > 0


def test_client_predict_latest_and_pinned(client):
    image = jpeg("rocket")
    latest = client.predict("smart-crop", image, aspect=1.5)
    pinned = client.predict("smart-crop", image, version=CROP, aspect=1.5)
    assert latest.result == pinned.result and pinned.version == CROP
    other = client.predict("smart-crop", image, version=OTHER, aspect=1.5)
    assert other.version == OTHER
    crop = latest.result["crop"]
    assert crop["width"] / crop["height"] == pytest.approx(1.5, rel=0.01)


def test_client_list_models_reads_the_catalog_typed(client, registry):
    catalog = {entry.name: entry for entry in client.list_models()}
    assert set(catalog) == {"nudity-detection", "smart-crop"}
    crop = catalog["smart-crop"]
    assert crop.champion == CROP and crop.predict == "/v1/models/smart-crop/predict"
    assert [v.version for v in crop.versions] == list(CROP_VERSIONS)  # oldest first
    assert [v.stage for v in crop.versions] == CROP_STAGES
    for version in crop.versions:
        assert version.description == registry.get("smart-crop", version.version).description
    assert crop.options["aspect"]["default"] == 1.0 and crop.output


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (lambda c: c.analyze_avatar(b"plain text", content_type="text/plain"), 415),
        (lambda c: c.analyze_avatar(jpeg("coffee")[:2000], content_type="image/jpeg"), 422),
        (lambda c: c.analyze_avatar(jpeg("coffee"), content_type="image/jpeg", aspect=0), 400),
        (lambda c: c.predict("no-such-model", jpeg("coffee")), 404),
        (lambda c: c.predict("smart-crop", jpeg("coffee"), version="9.9.9"), 404),
    ],
)
def test_client_raises_input_refused_on_4xx(client, call, status):
    with pytest.raises(ModelInputRefused) as caught:
        call(client)
    assert caught.value.status == status and caught.value.detail


def test_client_ready_and_unavailable_after_the_service_stops(models_app):
    server = make_server("127.0.0.1", 0, models_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    client = ModelServiceClient(f"http://127.0.0.1:{server.server_port}", retries=1)
    assert client.ready() is True
    server.shutdown()
    thread.join()
    server.server_close()
    assert client.ready() is False
    with pytest.raises(ModelServiceUnavailable):
        client.analyze_avatar(jpeg("coffee"), content_type="image/jpeg")


def test_concurrent_requests_get_the_same_answers_as_sequential_ones(service_url):
    """The threaded server shares one ONNX session and one decoded image per request."""
    images = [jpeg("astronaut"), jpeg("coffee"), jpeg("camera"), jpeg("rocket")] * 3

    def call(image: bytes) -> dict:
        response = requests.post(f"{service_url}/v1/pipelines/avatar", data=image, timeout=60)
        response.raise_for_status()
        return response.json()["result"]

    sequential = [call(image) for image in images[:4]]
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = list(pool.map(call, images))
    assert concurrent == sequential * 3
