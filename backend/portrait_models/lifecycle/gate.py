"""The promotion gate (MLflow's ``MetricThreshold`` / TFMA's idea): a candidate passes when
its report is current, every metric meets its absolute floor, and none regresses against the
champion's report by more than the metric's tolerance. Rates are 0..1; latency is the ratio
to a full Pillow decode of the same images in the same run (lower is better)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portrait_models.lifecycle import datasets


@dataclass(frozen=True)
class Rule:
    metric: str
    higher_is_better: bool
    floor: float | None  # the absolute bar (a ceiling when lower is better)
    tolerance: float  # how much worse than the champion is still no regression
    relative: bool = False  # tolerance as a fraction of the champion's value (latency)


LATENCY = "latency.ratio_to_full_decode"
REAL_PHOTO = 0.04  # one photo of the 33-36 each real-face metric applies to (1/33 = 0.0303)

RULES: dict[str, tuple[Rule, ...]] = {
    "smart-crop": (
        Rule("composites.kept", True, 0.98, 0.02),
        Rule("realfaces.main_kept", True, 0.97, REAL_PHOTO),
        Rule("realfaces.framed", True, 0.97, REAL_PHOTO),
        Rule("realfaces.no_face_sliced", True, 0.97, REAL_PHOTO),
        Rule("realfaces.group_kept", True, 0.80, 0.0),
        Rule(LATENCY, False, None, 0.25, relative=True),
    ),
    "nudity-detection": (
        Rule("realfaces.false_positives", False, 0.0, 0.0),
        Rule("safe-photos.false_positives", False, 0.05, 0.0),
        Rule("safe-photos.flip_keeps_verdict", True, 0.95, 0.0),
        Rule("realfaces.main_face_found", True, 0.5, 0.03),
        Rule(LATENCY, False, None, 0.25, relative=True),
    ),
}


def value(report: dict[str, Any], metric: str) -> float | None:
    if metric == LATENCY:
        return report["latency"]["ratio_to_full_decode"]
    return report["metrics"].get(metric)


def stale(report: dict[str, Any], *, realfaces_dir: Path | str | None = None) -> list[str]:
    """Why the report no longer describes today's datasets and weights ([] = current)."""
    from portrait_models.lifecycle.evaluate import SUITES, model_weights  # no import cycle

    reasons = []
    now = SUITES[report["model"]]() + [datasets.realfaces(realfaces_dir)]
    for dataset in now:
        stored = report["datasets"].get(dataset.name, {}).get("sha256")
        if stored != dataset.sha256:
            reasons.append(f"dataset {dataset.name} changed (report {str(stored)[:12]}, "
                           f"now {dataset.sha256[:12]})")  # fmt: skip
    if report["weights"] != model_weights(report["model"], report["version"]):
        reasons.append("weights changed since the report")
    return reasons


def check(
    report: dict[str, Any],
    champion: dict[str, Any] | None,
    floors_only: bool = False,
) -> list[str]:
    """Failures, one line per metric ([] = passes); ``champion`` None skips regressions."""
    failures = []
    for rule in RULES[report["model"]]:
        got = value(report, rule.metric)
        if got is None:
            failures.append(f"{rule.metric}: not in the report")
            continue
        better = (lambda a, b: a >= b) if rule.higher_is_better else (lambda a, b: a <= b)
        if rule.floor is not None and not better(got, rule.floor):
            bound = ">=" if rule.higher_is_better else "<="
            failures.append(f"{rule.metric}: {got} misses the floor {bound} {rule.floor}")
        if floors_only or champion is None or value(champion, rule.metric) is None:
            continue
        base = value(champion, rule.metric)
        slack = rule.tolerance * base if rule.relative else rule.tolerance
        allowed = base - slack if rule.higher_is_better else base + slack
        if not better(got, allowed):
            kind = "relative" if rule.relative else "absolute"
            failures.append(f"{rule.metric}: {got} regresses on the champion's {base} "
                            f"({kind} tolerance {rule.tolerance})")  # fmt: skip
    return failures
