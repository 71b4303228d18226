"""How long a `--base` plan diff takes next to one plan, as a user runs them (whole commands).

    python -m offline.bench_diff [--stack prod] [--base HEAD] [--repeat 3]

The base revision synthesizes in a subprocess while this side synthesizes, so on two or more
cores the diff should cost well under two plans (target: under 2.5 x one plan).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from offline.harness import PROJECT_DIR


def seconds(argv: list[str], repeat: int) -> float:
    """Median wall-clock seconds of `python -m offline.plan ARGV` over `repeat` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "offline.plan", *argv, "--format", "json"],
            cwd=PROJECT_DIR,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--base", default="HEAD")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    plan = seconds([options.stack], options.repeat)
    diff = seconds([options.stack, "--base", options.base], options.repeat)
    print(f"plan {options.stack}: {plan:.2f} s (median of {options.repeat})")
    print(
        f"plan {options.stack} --base {options.base}: {diff:.2f} s ({diff / plan:.2f} x one plan)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
