"""Stages: the champion serves, pinned versions answer, retired is never chosen, and a
stages file that does not say exactly one champion stops the start."""

import json

import pytest

from portrait_models import create_app
from portrait_models.lifecycle import stages as stages_module
from portrait_models.lifecycle.stages import StagesError, load, previous_champion, with_champion
from portrait_models.models.smart_crop import SmartCrop
from portrait_models.registry import Registry
from tests.models.photos import jpeg


class OlderSmartCrop(SmartCrop):
    """The real smart-crop under an older version number: two versions of one model."""

    version = "0.9.0"


def _stages(tmp_path, versions, history=()):
    path = tmp_path / "stages.json"
    entry = {"versions": versions, "history": list(history)}
    path.write_text(json.dumps({"models": {"smart-crop": entry}}))
    return path


def _registry(models_app, path):
    service = models_app.extensions["portrait_models"]
    detector = service.registry.get("nudity-detection").detector
    models = [cls(service.settings, detector) for cls in (OlderSmartCrop, SmartCrop)]
    return Registry(models, load(path))


@pytest.mark.parametrize("newer_stage", ["candidate", "retired"])
def test_predict_without_version_serves_the_champion_not_the_newest(
    models_app, tmp_path, newer_stage
):
    path = _stages(tmp_path, {"0.9.0": "champion", "1.0.0": newer_stage})
    registry = _registry(models_app, path)
    assert registry.get("smart-crop").version == "0.9.0"
    assert registry.get("smart-crop", "1.0.0").version == "1.0.0"  # still callable pinned
    entry = registry.catalog()[0]
    assert entry["champion"] == "0.9.0" and entry["latest"] == "1.0.0"
    assert entry["stages"]["1.0.0"]["stage"] == newer_stage


def test_a_version_without_a_stage_does_not_serve(models_app, tmp_path):
    with pytest.raises(ValueError, match="no stage"):
        _registry(models_app, _stages(tmp_path, {"1.0.0": "champion"}))


@pytest.mark.parametrize(
    "versions",
    [
        {"1.0.0": "champion", "0.9.0": "champion"},
        {"1.0.0": "candidate", "0.9.0": "retired"},
        {"1.0.0": "champion", "0.9.0": "serving"},
    ],
)
def test_stages_file_needs_exactly_one_champion_and_known_stages(tmp_path, versions):
    with pytest.raises(StagesError):
        load(_stages(tmp_path, versions))


def test_a_bad_stages_file_stops_the_start_with_a_clear_message(tmp_path):
    path = tmp_path / "stages.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="stages file"):
        create_app({"stages_file": str(path), "preload": False})


def test_the_served_champion_must_be_one_this_process_has(tmp_path):
    path = _stages(tmp_path, {"1.0.0": "retired", "2.0.0": "candidate", "3.0.0": "champion"})
    with pytest.raises(ValueError, match="champion 3.0.0"):
        create_app({"stages_file": str(path), "preload": False, "enabled_models": ("smart-crop",)})


def test_champion_change_keeps_history_and_knows_the_previous_one(tmp_path):
    stages = load(_stages(tmp_path, {"0.9.0": "champion", "1.0.0": "candidate"}))
    changed = with_champion(
        stages, name="smart-crop", version="1.0.0", action="promote", by="ada",
        why="better framing", demoted_to="retired",
    )  # fmt: skip
    assert changed.champion("smart-crop") == "1.0.0"
    assert changed.stage("smart-crop", "0.9.0") == "retired"
    event = changed.history("smart-crop")[-1]
    assert (event["by"], event["why"], event["previous"]) == ("ada", "better framing", "0.9.0")
    assert previous_champion(changed, "smart-crop") == "0.9.0"
    assert stages.champion("smart-crop") == "0.9.0"  # the original is untouched
    stages_module.save(changed, tmp_path / "stages.json")
    assert load(tmp_path / "stages.json") == changed
    with pytest.raises(StagesError, match="who and why"):
        with_champion(stages, name="smart-crop", version="1.0.0", action="promote", by="",
                      why="", demoted_to="retired")  # fmt: skip


def test_catalog_shows_each_versions_stage(models_client):
    models = {m["name"]: m for m in models_client.get("/v1/models").get_json()["models"]}
    current = load()  # the stages file the service serves from
    for entry in models.values():
        champion = current.champion(entry["name"])
        assert entry["champion"] == champion
        assert entry["stages"][champion]["stage"] == "champion"
        report = entry["stages"][champion]["report"]  # why it serves: its measured numbers
        assert report["metrics"] and report["datasets"]["realfaces"] == 36
        assert report["report"].endswith(f"{entry['name']}-{champion}.json")
        for version, staged in entry["stages"].items():
            assert staged["stage"] == current.stage(entry["name"], version)
    body = models_client.post("/v1/models/smart-crop/predict", data=jpeg("astronaut")).get_json()
    assert body["metadata"]["version"] == models["smart-crop"]["champion"]
