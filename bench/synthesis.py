"""Synthesis benchmark: the real program (prod stack) with 1, 10, 50 and 100 services under the
mock harness, next to the SDK's own cost of registering as many bare resources; then the
checks of bench/scale.py (names, quotas, dashboard widgets) on the largest count.

    ecs-platform bench [--counts 1,10,50,100] [--repeat 3] [--json]

It reports figures; it asserts nothing (speed is measured, not tested).
"""

from __future__ import annotations

import gc
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.scale import all_checks, render_checks, stack_with_services
from harness.engine import run_program
from settings.loader import SettingsError
from settings.quotas import QuotaSettings

STACK = "prod"

FLOOR_PROGRAM = """
import pulumi
import pulumi_aws as aws

count = int(pulumi.Config().require("count"))
for index in range(count):
    aws.cloudwatch.LogGroup(f"bare-{index}", name=f"/bench/{index}")
"""


def timed(run: Any, repeat: int, *, collect_garbage: bool) -> tuple[float, int]:
    """(median seconds, resources registered) over `repeat` runs. Python's cyclic garbage
    collector rescans every live object the SDK keeps per resource, which makes synthesis
    quadratic in resources; measuring with it off separates that from the program's own cost."""
    seconds, resources = [], 0
    for _ in range(repeat):
        gc.collect()
        if not collect_garbage:
            gc.disable()
        try:
            start = time.perf_counter()
            synthesis = run()
            seconds.append(time.perf_counter() - start)
        finally:
            gc.enable()
        resources = len(synthesis.resources)
    return statistics.median(seconds), resources


def floor_project(directory: Path) -> Path:
    (directory / "Pulumi.yaml").write_text(
        yaml.safe_dump({"name": "bench-floor", "runtime": "python"})
    )
    (directory / "__main__.py").write_text(FLOOR_PROGRAM)
    return directory


def measure(counts: list[int], repeat: int, *, collect_garbage: bool) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        floor_dir = floor_project(Path(scratch))
        run_program(STACK)  # warm up: imports and first-use caches are not synthesis
        for count in counts:
            config = stack_with_services(count, STACK)
            program_s, resources = timed(
                lambda config=config: run_program(STACK, stack_config=config, reuse=False),
                repeat,
                collect_garbage=collect_garbage,
            )
            floor_config = {"aws:region": "eu-west-1", "bench-floor:count": str(resources)}
            floor_s, floor_resources = timed(
                lambda c=floor_config: run_program(
                    "bench", project_dir=floor_dir, stack_config=c, reuse=False
                ),
                repeat,
                collect_garbage=collect_garbage,
            )
            rows.append(
                {
                    "services": count,
                    "resources": resources,
                    "seconds": round(program_s, 3),
                    "msPerResource": round(1000 * program_s / resources, 3),
                    "secondsPerService": round(program_s / count, 3),
                    "floorResources": floor_resources,
                    "floorSeconds": round(floor_s, 3),
                    "floorMsPerResource": round(1000 * floor_s / floor_resources, 3),
                    "ratioToFloor": round(program_s / floor_s, 2),
                }
            )
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    header = (
        "| services | resources | synthesis s | s/service | ms/resource | bare resources s"
        " | bare ms/resource | ratio |"
    )
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(
            f"| {row['services']} | {row['resources']} | {row['seconds']} |"
            f" {row['secondsPerService']} | {row['msPerResource']} | {row['floorSeconds']} |"
            f" {row['floorMsPerResource']} | {row['ratioToFloor']} |"
        )
    return "\n".join(lines)


def scale_checks(count: int) -> str:
    """The checks for `count` services in prod, with the quotas the settings ask to raise
    (none up to 100 routed services: AWS's defaults allow exactly 100)."""
    config = stack_with_services(count, STACK)
    raised = {}
    if count > QuotaSettings().listener_rules:
        raised = {"listenerRules": count, "targetGroups": count}
        config["ecs-platform:quotas"] = raised
    try:
        synthesis = run_program(STACK, stack_config=config)
    except Exception as error:  # noqa: BLE001 (reported, the bench goes on)
        cause = getattr(error, "cause", error)
        kind = "refused by the settings" if isinstance(cause, SettingsError) else "failed"
        return f"{count} services in {STACK}: {kind}: {cause}"
    checks = all_checks(synthesis, QuotaSettings.model_validate(raised))
    quotas = ", ".join(f"{k}={v}" for k, v in raised.items()) or "AWS defaults"
    verdict = "all checks pass" if all(c.ok for c in checks) else "CHECKS FAIL"
    return (
        f"{count} services in {STACK} ({len(synthesis.resources)} resources, quotas: {quotas}):"
        f" {verdict}\n{render_checks(checks)}"
    )


def synthesis_figures(counts: list[int], repeat: int) -> dict[str, list[dict[str, Any]]]:
    """The table's rows with the garbage collector on, then off."""
    return {
        mode: measure(counts, repeat, collect_garbage=mode == "gc on")
        for mode in ("gc on", "gc off")
    }
