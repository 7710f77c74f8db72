"""The contract: catalog, latest and pinned versions, unknown names, options, health."""

import pytest

from portrait_models.lifecycle import stages
from tests.models.photos import jpeg

NAMES = ("nudity-detection", "smart-crop")


def test_catalog_describes_every_model(models_client):
    body = models_client.get("/v1/models").get_json()
    models = {entry["name"]: entry for entry in body["models"]}
    assert set(models) == set(NAMES)
    for entry in models.values():
        assert "1.0.0" in entry["versions"]
        assert entry["champion"] == stages.load().champion(entry["name"])
        assert entry["description"] and entry["input"] and entry["output"]
        assert entry["predict"] == f"/v1/models/{entry['name']}/predict"
    assert "AGPL-3.0" in models["nudity-detection"]["license"]
    assert models["smart-crop"]["options"]["aspect"]["default"] == 1.0
    assert models["nudity-detection"]["options"]["threshold"]["minimum"] == 0.25
    assert body["pipelines"][0]["path"] == "/v1/pipelines/avatar"


def test_catalog_describes_each_version_with_its_own_model(models_client, registry):
    body = models_client.get("/v1/models").get_json()
    models = {entry["name"]: entry for entry in body["models"]}
    for name, entry in models.items():
        assert list(entry["stages"]) == entry["versions"]
        for version, staged in entry["stages"].items():
            model = registry.get(name, version)
            assert staged["description"] == model.description
            assert staged["license"] == model.license
            assert staged["stage"] in ("champion", "candidate", "retired")
            assert "report" in staged
    crop = models["smart-crop"]["stages"]
    # The candidate is another method under another license than the champion: the catalog
    # must not give it the champion's words.
    assert crop["2.0.0"]["stage"] == stages.load().stage("smart-crop", "2.0.0")
    assert crop["2.0.0"]["description"] != crop["1.0.0"]["description"]
    assert crop["2.0.0"]["license"] != crop["1.0.0"]["license"]


@pytest.mark.parametrize("name", NAMES)
def test_pinned_champion_answers_like_latest(models_client, name):
    champion = stages.load().champion(name)
    image = jpeg("astronaut")
    latest = models_client.post(f"/v1/models/{name}/predict", data=image).get_json()
    pinned = models_client.post(f"/v1/models/{name}/versions/{champion}/predict", data=image)
    assert pinned.status_code == 200
    assert pinned.get_json()["metadata"]["model"] == name
    assert pinned.get_json()["metadata"]["version"] == champion
    assert pinned.get_json()["metadata"]["duration_ms"] > 0
    assert pinned.get_json()["result"] == latest["result"]


def test_a_retired_version_still_answers_pinned(models_client):
    """1.0.0 of smart-crop, retired by the promotion of 2.0.0: callable, with its own method."""
    assert stages.load().stage("smart-crop", "1.0.0") == "retired"
    image = jpeg("astronaut")
    old = models_client.post("/v1/models/smart-crop/versions/1.0.0/predict", data=image)
    assert old.status_code == 200 and old.get_json()["metadata"]["version"] == "1.0.0"
    assert old.get_json()["result"]["faces"][0]["source"] == "haar+nudenet"
    latest = models_client.post("/v1/models/smart-crop/predict", data=image).get_json()
    assert latest["metadata"]["version"] == "2.0.0"
    assert latest["result"]["faces"][0]["source"] == "blazeface"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/models/face-swap/predict",
        "/v1/models/smart-crop/versions/9.0.0/predict",
        "/v1/models/nudity-detection/versions/1/predict",
    ],
)
def test_unknown_model_or_version_is_404_problem(models_client, path):
    response = models_client.post(path, data=jpeg("astronaut"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404 and response.get_json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "/v1/models/smart-crop/predict?aspect=0",
        "/v1/models/smart-crop/predict?aspect=wide",
        "/v1/models/smart-crop/predict?aspect=nan",
        "/v1/models/smart-crop/predict?zoom=2",
        "/v1/models/nudity-detection/predict?threshold=0.1",
        "/v1/pipelines/avatar?aspect=99",
        "/v1/pipelines/avatar?threshold=0.5",
    ],
)
def test_bad_options_are_400_problem(models_client, query):
    response = models_client.post(query, data=jpeg("astronaut"))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_wrong_method_is_a_problem_not_html(models_client):
    response = models_client.get("/v1/models/smart-crop/predict")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "POST" in response.headers["Allow"]


def test_health_and_readiness(models_client):
    assert models_client.get("/healthz").get_json() == {"status": "ok"}
    ready = models_client.get("/readyz")
    assert ready.status_code == 200
    assert {m["model"] for m in ready.get_json()["models"]} == set(NAMES)


def test_readiness_loads_models_that_were_not_preloaded(make_models_app):
    app = make_models_app(preload=False, enabled_models=("smart-crop",))
    registry = app.extensions["portrait_models"].registry
    assert not registry.ready
    assert app.test_client().get("/readyz").status_code == 200
    assert registry.ready
    # a model this process does not serve is unknown, and so is the pipeline that needs it
    assert app.test_client().post("/v1/pipelines/avatar", data=b"x").status_code == 404
