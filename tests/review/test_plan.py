"""The offline plan shows exactly what the program registered: no second source of truth."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from cli.app import main
from harness.records import Synthesis
from review.plan import build_plan, render_text
from settings.stack_files import PROJECT_DIR

from conftest import FIXTURES


def test_plan_json_lists_every_registered_resource(synthesized, capsys, fixture_project) -> None:
    synthesis: Synthesis = synthesized("dev")
    assert main(["plan", "dev", "--json", "--project-dir", str(fixture_project)]) == 0
    plan = json.loads(capsys.readouterr().out)
    planned = sorted((r["type"], r["name"]) for group in plan["components"].values() for r in group)
    registered = sorted((r.type, r.name) for r in synthesis.resources if r.custom or r.remote)
    assert planned == registered
    assert plan["counts"] == synthesis.count_by_type()
    assert plan["total"] == len(synthesis.resources)
    assert plan["outputs"] == synthesis.outputs


def test_plan_text_shows_the_network_a_reviewer_checks(synthesized) -> None:
    synthesis: Synthesis = synthesized("dev")
    text = render_text(build_plan(synthesis))
    for resource in synthesis.resources:
        assert f"{resource.name}" in text
    assert "network (ecs-platform:network:Network)" in text
    assert "cidr: 10.10.0.0/16" in text
    assert "availabilityZones: eu-west-1a, eu-west-1b" in text
    assert "natGateways: 0 (None)" in text
    assert "sourceDestCheck: False" in text  # the NAT instance's fixed interface
    assert "deploymentAlarms: ecs-platform-dev-orders-processing-errors rollback=True" in text
    assert "retentionDays: 14" in text
    total_line = text.splitlines()[-len(synthesis.outputs) - 3].split()
    assert total_line == ["total", str(len(synthesis.resources))]


def test_prod_plan_shows_a_nat_per_az(synthesized) -> None:
    text = render_text(build_plan(synthesized("prod")))
    assert "natGateways: 3 (OnePerAz)" in text
    assert "service: com.amazonaws.eu-west-1.ecr.dkr" in text


def test_plan_command_fails_cleanly_on_bad_config(tmp_path) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        (tmp_path / name).write_text((PROJECT_DIR / name).read_text())
    (tmp_path / "components").symlink_to(PROJECT_DIR / "components")
    dev = (FIXTURES / "Pulumi.dev.yaml").read_text()
    (tmp_path / "Pulumi.dev.yaml").write_text(
        dev.replace("natGateways: instance", "natGateways: 2")
    )
    result = subprocess.run(
        [sys.executable, "-m", "cli", "plan", "dev", "--project-dir", str(tmp_path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    *lines, note = result.stderr.strip().splitlines()
    assert lines == [
        "error: invalid stack configuration (1 problem):",
        "Pulumi.dev.yaml: network.natGateways: Input should be 'none', 'single', 'one-per-az'"
        " or 'instance'"
        " (got 2)",
    ]
    assert re.fullmatch(
        r"\(\d+ cross-key checks not run until the problems above are fixed\)", note
    )
    assert "Traceback" not in result.stderr
