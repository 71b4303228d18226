"""How long a `--base` plan diff takes next to one plan, as a user runs them (whole commands).

    ecs-platform bench --stack prod --base HEAD

The base revision synthesizes in a subprocess while this side synthesizes, so on two or more
cores the diff should cost well under two plans (target: under 2.5 x one plan).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from settings.stack_files import PROJECT_DIR


def seconds(argv: list[str], repeat: int) -> float:
    """Median wall-clock seconds of `ecs-platform plan ARGV` over `repeat` runs (a new process
    each time, as a user runs it)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cli", "plan", *argv, "--format", "json"],
            cwd=PROJECT_DIR,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def plan_figures(stack: str, base: str, repeat: int) -> dict[str, float]:
    """Median seconds of `ecs-platform plan STACK` and of the same with `--base BASE`."""
    plan = seconds([stack], repeat)
    diff = seconds([stack, "--base", base], repeat)
    return {
        "planSeconds": round(plan, 2),
        "diffSeconds": round(diff, 2),
        "ratio": round(diff / plan, 2),
    }
