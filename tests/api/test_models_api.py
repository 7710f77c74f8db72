"""The Models page's API: the catalog and a try, against the real model service over HTTP,
and against one that is down or answers nonsense."""

from __future__ import annotations

import json
import threading

import pytest
import requests
from werkzeug.serving import make_server

from portrait.clients.model_service import CatalogEntry, ModelVersion
from portrait.models import User
from portrait.services import model_catalog
from portrait_models.app import create_app as create_models_app
from tests.utils import images
from tests.utils.model_stages import CROP, CROP_STAGES, CROP_VERSIONS, CURRENT
from tests.utils.model_stages import CROP_OTHER as OTHER

API = "/api/v1/models"
BOUNDARY = "portrait-test-boundary-models"
PROBLEM = "application/problem+json"


@pytest.fixture
def app(make_app, model_service_url):
    """The API wired to the real model service."""
    return make_app(MODELS_URL=model_service_url)


def multipart(data: bytes, field: str = "file") -> dict:
    """A browser form's body with the photo in `field` (as tests/utils/avatar.upload)."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    )
    return {
        "data": head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode(),
        "content_type": f"multipart/form-data; boundary={BOUNDARY}",
    }


def try_model(client, path: str, data: bytes, **kwargs):
    return client.post(f"{API}/{path}", **multipart(data), **kwargs)


def direct(model_service_url: str, path: str, data: bytes) -> dict:
    """What the model service itself answers, to compare the API's pass-through with."""
    response = requests.post(
        f"{model_service_url}/v1/models/{path}",
        data=data,
        headers={"Content-Type": "image/jpeg"},
        timeout=60,
    )
    assert response.status_code == 200
    return response.json()


def stored_documents() -> dict[str, int]:
    """Documents in every collection of the app's database (users, media, events, audit...)."""
    database = User._get_collection().database
    return {name: database[name].count_documents({}) for name in database.list_collection_names()}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


def test_catalog_lists_every_model_with_its_versions(client, model_service_url):
    response = client.get(API)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    models = {entry["name"]: entry for entry in response.get_json()["models"]}
    assert set(models) == {"nudity-detection", "smart-crop"}
    crop = models["smart-crop"]
    assert crop["champion"] == CROP
    aspect = crop["options"]["aspect"]
    assert set(aspect) == {"type", "default", "minimum", "maximum", "description"}
    assert (aspect["type"], aspect["default"]) == ("float", 1.0)
    assert crop["output"]["crop"]
    assert [v["version"] for v in crop["versions"]] == list(CROP_VERSIONS)  # oldest first
    assert [v["stage"] for v in crop["versions"]] == CROP_STAGES
    assert crop["versions"][0]["description"] != crop["versions"][1]["description"]
    assert crop["endpoints"] == {
        "predict": "/v1/models/smart-crop/predict",
        "pinned": "/v1/models/smart-crop/versions/{version}/predict",
    }
    for version in [v for entry in models.values() for v in entry["versions"]]:
        assert set(version) == {"version", "stage", "description", "license", "report"}
        assert version["license"] and version["description"]
        report = version["report"]
        assert report is None or set(report) >= {"metrics", "created_at", "datasets", "report"}
    assert "AGPL-3.0" in models["nudity-detection"]["versions"][0]["license"]
    # The model service is internal: its address is never published.
    assert model_service_url.split("//")[1] not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "query", "model_path", "version", "stage"),
    [
        ("smart-crop/try", "?aspect=1.5", "smart-crop/predict?aspect=1.5", CROP, "champion"),
        (
            "smart-crop/try",
            f"?version={OTHER}&aspect=1.5",
            f"smart-crop/versions/{OTHER}/predict?aspect=1.5",
            OTHER,
            CURRENT.stage("smart-crop", OTHER),
        ),
        (
            "nudity-detection/try",
            "?threshold=0.6",
            "nudity-detection/predict?threshold=0.6",
            "1.0.0",
            "champion",
        ),  # fmt: skip
        (
            "nudity-detection/try",
            "?version=1.0.0",
            "nudity-detection/versions/1.0.0/predict",
            "1.0.0",
            "champion",
        ),
    ],
)
def test_try_runs_the_model_on_a_real_photo(
    client, model_service_url, path, query, model_path, version, stage
):
    photo = images.face_photo()
    response = try_model(client, path + query, photo)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert set(body) == {"model", "version", "stage", "duration_ms", "result"}
    assert (body["model"], body["version"], body["stage"]) == (path.split("/")[0], version, stage)
    assert body["duration_ms"] > 0
    assert body["result"] == direct(model_service_url, model_path, photo)["result"]


def test_try_passes_the_options_on(client):
    crop = try_model(client, "smart-crop/try?aspect=2", images.face_photo()).get_json()
    box = crop["result"]["crop"]
    assert box["width"] / box["height"] == pytest.approx(2, rel=0.02)
    assert crop["result"]["faces"] and crop["result"]["method"] == "faces"
    nudity = try_model(client, "nudity-detection/try?threshold=0.7", images.face_photo())
    assert nudity.get_json()["result"]["threshold"] == 0.7
    assert nudity.get_json()["result"]["explicit"] is False


@pytest.mark.parametrize(
    "path", ["face-swap/try", "smart-crop/try?version=9.0.0", "nudity-detection/try?version=2"]
)
def test_unknown_model_or_version_is_404(client, path):
    assert_problem(try_model(client, path, images.jpeg()), 404)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("smart-crop/try?aspect=99", "aspect must be within"),
        ("smart-crop/try?zoom=2", "unknown option"),
        ("nudity-detection/try?threshold=0.1", "threshold must be within"),
        ("smart-crop/try?content_type=text/plain", "not an option"),  # predict()'s own names
        ("smart-crop/try?name=face-swap", "not an option"),
        ("smart-crop/try?image=x", "not an option"),
    ],
)
def test_a_refused_option_is_422_with_the_reason(client, query, reason):
    body = assert_problem(try_model(client, query, images.jpeg()), 422)
    assert reason in body["detail"]


@pytest.mark.parametrize(
    "query", ["smart-crop/try?aspect=wide", "nudity-detection/try?threshold=nan"]
)
def test_a_declared_option_that_is_no_number_is_422_from_the_api_itself(client, query):
    """aspect and threshold are declared in the OpenAPI document (so generated clients can
    send them): the API checks their type before the photo goes anywhere."""
    body = assert_problem(try_model(client, query, images.jpeg()), 422)
    option = query.split("?")[1].split("=")[0]
    assert option in json.dumps(body["errors"]), body


@pytest.mark.parametrize(
    "data", [b"just some text, not a photo", images.animated_gif(), images.heic(), images.tiff()]
)
def test_not_jpeg_png_or_webp_is_415(client, data):
    assert_problem(try_model(client, "smart-crop/try", data), 415)


def test_png_and_webp_are_tried(client):
    for data in (images.encode(images.photo((300, 200)), "PNG"), images.webp()):
        assert try_model(client, "smart-crop/try", data).status_code == 200


def test_over_the_upload_limit_is_413(make_app, model_service_url):
    client = make_app(MODELS_URL=model_service_url, AVATAR_MAX_BYTES=100_000).test_client()
    photo = images.jpeg()
    photo += b"\0" * (100_001 - len(photo))  # one byte over; JPEG readers ignore the tail
    assert_problem(try_model(client, "smart-crop/try", photo), 413)  # read, then refused
    huge = photo * 4  # refused from Content-Length alone, before reading
    assert_problem(try_model(client, "smart-crop/try", huge), 413)


def test_no_file_is_400(client):
    form = multipart(images.jpeg(), field="photo")
    body = assert_problem(client.post(f"{API}/smart-crop/try", **form), 400)
    assert body["errors"] == {"file": ["missing"]}
    raw = client.post(f"{API}/smart-crop/try", data=images.jpeg(), content_type="image/jpeg")
    assert_problem(raw, 400)


def test_tries_are_rate_limited_per_address(make_app, model_service_url):
    client = make_app(MODELS_URL=model_service_url, MODELS_TRY_RATE_LIMIT="2 per minute")
    client = client.test_client()
    text = b"not a photo"  # refused tries count too: each costs the API work
    for _ in range(2):
        assert try_model(client, "smart-crop/try", text).status_code == 415
    limited = try_model(client, "smart-crop/try", text)
    assert_problem(limited, 429)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    other = try_model(client, "smart-crop/try", text, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 415
    assert client.get(API).status_code == 200  # the catalog has a budget of its own


def test_catalog_reads_are_rate_limited_per_address(make_app, model_service_url):
    """A public read (the model service is asked when the API's copy has expired): one
    address has a budget of its own, another address is not affected."""
    app = make_app(MODELS_URL=model_service_url, MODELS_CATALOG_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        assert client.get(API).status_code == 200
    limited = client.get(API)
    assert_problem(limited, 429)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get(API, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_model_service_down_is_503_for_both(make_app, stopped_url):
    client = make_app(MODELS_URL=stopped_url).test_client()
    for response in (client.get(API), try_model(client, "smart-crop/try", images.jpeg())):
        body = assert_problem(response, 503)
        assert "unavailable" in body["detail"]
        assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b"<html>a proxy's error page</html>"),
        (200, {"models": [{"name": "smart-crop"}], "result": {}}),
        (500, {"title": "Internal Server Error"}),
    ],
)
def test_model_service_nonsense_is_503_for_both(make_app, canned_models, status, body):
    client = make_app(MODELS_URL=canned_models(status, body)).test_client()
    assert_problem(client.get(API), 503)
    assert_problem(try_model(client, "smart-crop/try", images.jpeg()), 503)


def test_the_model_services_own_pixel_limit_stays_a_413(make_app, model_service_url):
    """A model service whose MODELS_MAX_PIXELS is under the API's: its 413 reaches the
    visitor as a 413 with its reason, not as a 422."""
    strict = create_models_app({"max_pixels": 10_000, "preload": False})
    server = make_server("127.0.0.1", 0, strict, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = make_app(MODELS_URL=f"http://127.0.0.1:{server.server_port}").test_client()
        body = assert_problem(try_model(client, "smart-crop/try", images.jpeg()), 413)
        assert "pixel" in body["detail"].lower(), body
    finally:
        server.shutdown()
        thread.join()


def test_nothing_is_stored(client):
    before = stored_documents()
    assert try_model(client, "smart-crop/try", images.face_photo()).status_code == 200
    assert try_model(client, "smart-crop/try?aspect=99", images.jpeg()).status_code == 422
    assert try_model(client, "smart-crop/try", b"not a photo").status_code == 415
    assert client.get(API).status_code == 200
    assert stored_documents() == before


def _stale_copy() -> tuple[CatalogEntry, ...]:
    """A catalog from a (pretend) other time: the other version champion, CROP retired."""
    versions = (
        ModelVersion(CROP, "retired", "old words", "old license", None),
        ModelVersion(OTHER, "champion", "old words", "old license", None),
    )
    predict = "/v1/models/smart-crop/predict"
    return (CatalogEntry("smart-crop", OTHER, {}, {}, versions, predict),)


def test_a_stale_catalog_can_only_make_a_stale_stage_label(app, client, model_service_url):
    cache = app.extensions[model_catalog.CACHE]
    now = [1000.0]
    cache.clock = lambda: now[0]
    cache.get(_stale_copy, refresh=True)
    photo = images.face_photo()
    truth = direct(model_service_url, "smart-crop/predict", photo)["result"]
    # Unpinned: the model service's champion answers, whatever the copy says.
    champion = try_model(client, "smart-crop/try", photo).get_json()
    assert champion["result"] == truth
    assert (champion["version"], champion["stage"]) == (CROP, "champion")
    # Pinned: the right version and result; only the label is the copy's (stale) one.
    pinned = try_model(client, f"smart-crop/try?version={CROP}", photo).get_json()
    assert pinned["result"] == truth
    assert (pinned["version"], pinned["stage"]) == (CROP, "retired")
    # A version the copy does not know makes it read again, at once.
    nudity = try_model(client, "nudity-detection/try?version=1.0.0", photo).get_json()
    assert nudity["stage"] == "champion"
    # And a copy older than the TTL is read again too.
    cache.get(_stale_copy, refresh=True)
    now[0] += model_catalog.CATALOG_TTL_SECONDS
    pinned = try_model(client, f"smart-crop/try?version={CROP}", photo).get_json()
    assert pinned["stage"] == "champion"


def test_the_catalog_is_read_once_per_ttl(app, client):
    cache = app.extensions[model_catalog.CACHE]
    now = [1000.0]
    cache.clock = lambda: now[0]
    assert client.get(API).status_code == 200
    models = app.extensions["portrait.model_service"]
    models.base_url = "http://127.0.0.1:9"  # the model service is gone (nothing listens)
    assert client.get(API).status_code == 200  # from the copy
    now[0] += model_catalog.CATALOG_TTL_SECONDS
    assert client.get(API).status_code == 503  # read again


def test_openapi_documents_both_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    catalog = spec["paths"]["/api/v1/models"]["get"]
    assert catalog["operationId"] == "listModels" and catalog["tags"] == ["Models"]
    assert set(catalog["responses"]) == {"200", "429", "503", "default"}
    tried = spec["paths"]["/api/v1/models/{name}/try"]["post"]
    assert tried["operationId"] == "tryModel"
    assert {"200", "400", "404", "413", "415", "422", "429", "503"} <= set(tried["responses"])
    body = tried["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file"]
    assert "version" in {p["name"] for p in tried["parameters"] if p["in"] == "query"}
    result = spec["components"]["schemas"]["ModelTry"]["properties"]["result"]
    assert [ref["$ref"].rsplit("/", 1)[1] for ref in result["oneOf"]] == [
        "SmartCropResult",
        "NudityResult",
    ]
    assert json.dumps(spec).count("127.0.0.1:8001") == 0
