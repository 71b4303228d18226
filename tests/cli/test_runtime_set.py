"""`make plan` installs only requirements.txt: the command, and every command's --help, must work
without the test tools of requirements-dev.txt (a subprocess where importing them fails)."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from settings.stack_files import PROJECT_DIR

BLOCKER = """
import importlib.abc, sys
BLOCKED = set({blocked!r})
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is a test tool, not in requirements.txt")
        return None
sys.meta_path.insert(0, Blocker())
from cli.app import main
sys.exit(main(sys.argv[1:]))
"""


def _pins(name: str) -> set[str]:
    text = (PROJECT_DIR / name).read_text()
    return {m.lower().replace("_", "-") for m in re.findall(r"^([A-Za-z0-9_.-]+)==", text, re.M)}


def dev_only_modules() -> set[str]:
    dev_only = _pins("requirements-dev.txt") - _pins("requirements.txt")
    return {
        module
        for module, distributions in packages_distributions().items()
        if any(d.lower().replace("_", "-") in dev_only for d in distributions)
        and not module.startswith("_")
    }


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    code = BLOCKER.format(blocked=sorted(dev_only_modules()))
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_blocker_knows_the_test_tools() -> None:
    assert {"pytest", "mkdocs", "policy_sentry"} <= dev_only_modules()
    assert "pulumi" not in dev_only_modules() and "click" not in dev_only_modules()


def test_plan_runs_with_the_runtime_set_alone(fixture_project: Path) -> None:
    result = run("plan", "dev", "--json", "--project-dir", str(fixture_project))
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("{")


def test_every_help_page_loads_with_the_runtime_set_alone() -> None:
    result = run("reference", "--help")
    assert result.returncode == 0, result.stderr
