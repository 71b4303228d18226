"""Every `python -m` entry point of the project answers --help (exit 0, no side effects)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from offline.harness import PROJECT_DIR

PACKAGES = ("offline", "delivery", "settings", "components")
ENTRY_POINTS = sorted(
    ".".join(path.relative_to(PROJECT_DIR).with_suffix("").parts)
    for package in PACKAGES
    for path in (PROJECT_DIR / package).rglob("*.py")
    if 'if __name__ == "__main__"' in path.read_text()
)


def test_the_entry_points_are_found() -> None:
    assert {"offline.plan", "delivery.release", "offline.config_reference"} <= set(ENTRY_POINTS)


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_entry_point_answers_help(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
    assert "--help" in result.stdout
