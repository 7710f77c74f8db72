"""The lifecycle in CI: the champion's stored report must reproduce and still meet the
floors it was promoted under; the gate refuses by metric; promote and rollback through the
command line change the stages file and record who and why."""

import copy
import json

import pytest

from portrait_models.config import Settings
from portrait_models.lifecycle import cli, gate, reports, stages
from portrait_models.lifecycle.datasets import DatasetMissing
from portrait_models.lifecycle.evaluate import evaluate
from portrait_models.models import FACTORIES
from portrait_models.models.smart_crop import SmartCrop

NAMES = ("nudity-detection", "smart-crop")


@pytest.mark.parametrize("name", NAMES)
def test_the_champions_report_reproduces_and_meets_its_floors(name):
    """Fails (never skips) when ../shared/eval/realfaces is absent: CI has it beside the
    clone, and a report that cannot be checked must not keep a version serving."""
    current = stages.load()
    version = current.champion(name)
    stored = reports.read(name, version)
    assert stored is not None, f"{name} {version} serves without a report"
    fresh = evaluate(name=name, version=version, settings=Settings.load())
    assert fresh["datasets"] == stored["datasets"], "datasets changed: re-evaluate"
    assert fresh["weights"] == stored["weights"], "weights changed: re-evaluate"
    assert fresh["counts"] == stored["counts"], "the stored report no longer reproduces"
    floors = next(e for e in reversed(current.history(name)) if e["version"] == version)
    for metric, floor in floors.get("floors", {}).items():
        rule = next(r for r in gate.RULES[name] if r.metric == metric)
        got = gate.value(fresh, metric)
        assert got >= floor if rule.higher_is_better else got <= floor, (metric, got, floor)


def test_evaluate_reads_the_real_face_set_where_the_setting_says(tmp_path, monkeypatch):
    """MODELS_EVAL_REALFACES is where evaluate looks, as its refusal message tells the
    user, not only the command line's --realfaces (the reproduction check above relies on it
    when the clone is not beside ../shared)."""
    elsewhere = tmp_path / "realfaces"
    monkeypatch.setenv("MODELS_EVAL_REALFACES", str(elsewhere))
    with pytest.raises(DatasetMissing, match=str(elsewhere)):
        evaluate(name="smart-crop", version="2.0.0", settings=Settings.load())


@pytest.fixture(scope="module")
def crop_report():
    return reports.read("smart-crop", "1.0.0")


def _passing(report):
    """The stored report with every metric on its floor: what the gate is asked to judge."""
    better = copy.deepcopy(report)
    for rule in gate.RULES["smart-crop"]:
        if rule.floor is not None:
            better["metrics"][rule.metric] = rule.floor
    return better


def test_gate_names_each_metric_under_its_floor(crop_report):
    failures = gate.check(crop_report, None)
    assert any(f.startswith("realfaces.group_kept:") and "floor" in f for f in failures)
    assert not any(f.startswith("composites.kept") for f in failures)  # 71/72 >= 0.98
    assert gate.check(_passing(crop_report), None) == []


def test_gate_refuses_a_regression_beyond_tolerance_and_allows_one_within(crop_report):
    champion = _passing(crop_report)
    champion["metrics"]["realfaces.main_kept"] = 1.0
    candidate = _passing(crop_report)  # 0.97: 0.03 below the champion, within 0.04
    assert gate.check(candidate, champion) == []
    candidate["metrics"]["realfaces.main_kept"] = 0.9699
    assert gate.check(candidate, champion, floors_only=True) != []  # the floor, too
    champion["latency"]["ratio_to_full_decode"] = 1.0
    candidate = _passing(crop_report)
    candidate["latency"]["ratio_to_full_decode"] = 1.3  # 30% slower, tolerance 25%
    (failure,) = gate.check(candidate, champion)
    assert failure.startswith(gate.LATENCY) and "regresses" in failure


class OlderSmartCrop(SmartCrop):
    version = "0.9.0"


@pytest.fixture
def lifecycle(tmp_path, monkeypatch, crop_report):
    """Two real smart-crop versions (0.9.0 champion, 1.0.0 candidate), their reports and a
    stages file in tmp_path, wired through the MODELS_* settings the commands read."""
    monkeypatch.setitem(FACTORIES, "smart-crop", [OlderSmartCrop, SmartCrop])
    older = {**copy.deepcopy(crop_report), "version": "0.9.0"}
    reports.write(_passing(older), tmp_path)
    stages_file = tmp_path / "stages.json"
    entry = {"versions": {"0.9.0": "champion", "1.0.0": "candidate"}, "history": []}
    stages_file.write_text(json.dumps({"models": {"smart-crop": entry}}))
    monkeypatch.setenv("MODELS_STAGES_FILE", str(stages_file))
    monkeypatch.setenv("MODELS_REPORTS_DIR", str(tmp_path))
    return tmp_path


def _run(capsys, *argv):
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def test_promote_refuses_without_report_then_below_floor(lifecycle, crop_report, capsys):
    args = ("promote", "smart-crop", "1.0.0", "--why", "try", "--by", "ada")
    code, out = _run(capsys, *args)
    assert code == 1 and "has no report" in out
    reports.write(crop_report, lifecycle)  # the real 1.0.0 report: under the group floor
    code, out = _run(capsys, *args)
    assert code == 1 and "refused: realfaces.group_kept" in out
    assert stages.load(lifecycle / "stages.json").champion("smart-crop") == "0.9.0"


def test_promote_refuses_a_stale_report(lifecycle, crop_report, capsys):
    stale = _passing(crop_report)
    stale["datasets"]["composites"]["sha256"] = "0" * 64
    reports.write(stale, lifecycle)
    code, out = _run(capsys, "promote", "smart-crop", "1.0.0", "--why", "x", "--by", "ada")
    assert code == 1 and "dataset composites changed" in out


def test_promote_then_rollback_records_who_and_why(lifecycle, crop_report, capsys):
    reports.write(_passing(crop_report), lifecycle)
    code, out = _run(capsys, "promote", "smart-crop", "1.0.0", "--why", "better", "--by", "ada")
    assert code == 0, out
    after = stages.load(lifecycle / "stages.json")
    assert after.champion("smart-crop") == "1.0.0"
    assert after.stage("smart-crop", "0.9.0") == "retired"
    code, out = _run(capsys, "rollback", "smart-crop", "--why", "bad crops", "--by", "grace")
    assert code == 0, out
    back = stages.load(lifecycle / "stages.json")
    assert back.champion("smart-crop") == "0.9.0"
    assert back.stage("smart-crop", "1.0.0") == "candidate"
    event = back.history("smart-crop")[-1]
    assert (event["action"], event["by"], event["why"]) == ("rollback", "grace", "bad crops")
    assert event["previous"] == "1.0.0" and event["at"]
