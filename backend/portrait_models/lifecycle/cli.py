"""``python -m portrait_models evaluate|promote|rollback``: the model lifecycle commands.

    evaluate NAME VERSION [--realfaces DIR] [--no-write]   run the suite, print, write the report
    promote NAME VERSION --why TEXT [--by WHO]             the gate, then champion
    rollback NAME --why TEXT [--by WHO]                    the previous champion serves again

Exit status: 0 done, 1 refused (the reasons are printed), 2 usage.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from portrait_models.config import Settings
from portrait_models.lifecycle import gate, reports, stages
from portrait_models.lifecycle.datasets import DatasetMissing
from portrait_models.lifecycle.evaluate import evaluate

COMMANDS = ("evaluate", "promote", "rollback")


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def table(report: dict[str, Any]) -> None:
    say(f"{report['model']} {report['version']}  ({report['created_at']})")
    say(f"{'metric':34} {'value':>8} {'count':>9}")
    for metric, rate in report["metrics"].items():
        good, total = report["counts"][metric]
        say(f"{metric:34} {rate if rate is not None else '-':>8} {f'{good}/{total}':>9}")
    latency = report["latency"]
    say(f"{gate.LATENCY:34} {latency['ratio_to_full_decode']:>8} "
        f"({latency['model_ms_per_image']} ms vs {latency['full_decode_ms_per_image']} ms "
        f"full decode, {latency['images']} images)")  # fmt: skip
    for name, dataset in report["datasets"].items():
        say(f"dataset {name}: {dataset['items']} items, sha256 {dataset['sha256'][:16]}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m portrait_models", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("evaluate", help="run the evaluation suite and write the report")
    run.add_argument("--no-write", action="store_true", help="print only")
    for command in (run, sub.add_parser("promote", help="gate, then make it champion")):
        command.add_argument("name")
        command.add_argument("version")
    back = sub.add_parser("rollback", help="the previous champion serves again")
    back.add_argument("name")
    for command in sub.choices.values():
        command.add_argument("--realfaces", help="the real-face set (MODELS_EVAL_REALFACES)")
        if command is not run:
            command.add_argument("--why", required=True, help="recorded in the history")
            command.add_argument("--by", default=_who(), help="recorded (default: you)")
    return parser


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.load()
    realfaces = args.realfaces or settings.realfaces_dir or None
    try:
        if args.command == "evaluate":
            report = evaluate(name=args.name, version=args.version, settings=settings,
                              realfaces_dir=realfaces)  # fmt: skip
            table(report)
            if not args.no_write:
                say(f"report written to {reports.write(report, settings.reports_dir or None)}")
            return 0
        return _change(args, settings, realfaces)
    except (DatasetMissing, ValueError) as exc:
        say(f"refused: {exc}")
        return 1


def _change(args: argparse.Namespace, settings: Settings, realfaces: str | None) -> int:
    path = settings.stages_file or None
    current = stages.load(path)
    if args.command == "promote":
        target, champion = args.version, current.champion(args.name)
        demoted_to = "retired"
    else:
        target, champion = stages.previous_champion(current, args.name), None
        demoted_to = "candidate"  # rolled back, not condemned: it may be fixed and return
    report = reports.read(args.name, target, settings.reports_dir or None)
    if report is None:
        say(f"refused: {args.name} {target} has no report; run evaluate first")
        return 1
    base = reports.read(args.name, champion, settings.reports_dir or None) if champion else None
    # A rollback is an emergency exit: the report must be current, but the gate's floors and
    # regression check (against the version being rolled back) do not apply.
    failures = gate.stale(report, realfaces_dir=realfaces)
    if args.command == "promote":
        failures += gate.check(report, base)
    for failure in failures:
        say(f"refused: {failure}")
    if failures:
        return 1
    changed = stages.with_champion(
        current, name=args.name, version=target, action=args.command, by=args.by,
        why=args.why, demoted_to=demoted_to, floors=_floors(args.name),
    )  # fmt: skip
    stages.save(changed, path)
    say(f"{args.name} {target} is champion ({args.command}; was {current.champion(args.name)})")
    return 0


def _floors(name: str) -> dict[str, float]:
    """The floors met at this change, kept in the history: CI holds the champion to them."""
    return {r.metric: r.floor for r in gate.RULES[name] if r.floor is not None}
