"""The pull-request Markdown and secret handling of plans (secret stack outputs and inputs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli.app import main
from cost import PRICES_DIR
from harness.engine import run_program
from harness.records import SECRET_SIG, SECRET_SIG_KEY, Synthesis
from review.compare import against_nothing
from review.diff import diff_resources
from review.plan import build_plan
from review.render import MARKDOWN_LIMIT, render_markdown

from conftest import FIXTURES

SECRET_PROGRAM = """
import pulumi
import pulumi_aws as aws

token = pulumi.Output.secret("s3cr3t-value")
aws.ssm.Parameter("token", type="SecureString", value=token)
pulumi.export("token", token)
pulumi.export("plain", "visible")
"""


def heading_counts(markdown: str) -> str:
    match = re.search(r"^### Plan for `\w+` against .*: (\+\d+ ~\d+ ±\d+ -\d+)$", markdown, re.M)
    assert match, markdown[:300]
    return match.group(1)


def test_markdown_has_marker_counts_estimate_and_details(capsys, fixture_project) -> None:
    project = ["--project-dir", str(fixture_project)]
    assert main(["plan", "dev", "--format", "json", *project]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert main(["plan", "dev", "--format", "markdown", *project]) == 0
    markdown = capsys.readouterr().out
    lines = markdown.splitlines()
    assert lines[0] == "<!-- ecs-platform-plan:dev -->"
    resources = sum(len(group) for group in plan["components"].values())
    assert heading_counts(markdown) == f"+{resources} ~0 ±0 -0"
    estimate = f"${plan['cost']['monthly']:,.2f}/month"
    before_details = markdown.split("<details>")[0]
    assert f"**Monthly estimate:** {estimate}" in before_details
    assert "> [!WARNING]" in before_details  # the internet-facing listener is a new ingress rule
    assert "<summary>Changes by component" in markdown
    assert "ran offline under Pulumi mocks" in markdown and "leaves out" in markdown


def test_markdown_for_101_services_stays_under_the_limit(many_services: Synthesis) -> None:
    synthesis = many_services
    report = against_nothing("prod", synthesis, FIXTURES, PRICES_DIR)
    markdown = render_markdown(report)
    assert len(markdown) < MARKDOWN_LIMIT
    assert markdown.startswith("<!-- ecs-platform-plan:prod -->\n")
    planned = sum(1 for r in synthesis.resources if r.custom or r.remote)
    assert heading_counts(markdown) == f"+{planned} ~0 ±0 -0"
    assert "Trimmed: the longest sections were shortened" in markdown
    assert markdown.rstrip().endswith("</sub>")  # the note survives trimming


def test_small_markdown_is_not_trimmed(synthesized) -> None:
    report = against_nothing("dev", synthesized("dev"), FIXTURES, PRICES_DIR)
    assert "Trimmed" not in render_markdown(report)
    assert "Trimmed" in render_markdown(report, limit=10_000)
    assert len(render_markdown(report, limit=10_000)) < 10_000


def test_secret_outputs_and_inputs_are_masked(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: secret-test\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(SECRET_PROGRAM)
    synthesis = run_program("dev", project_dir=tmp_path)
    assert synthesis.secret_outputs == ["token"]
    parameter = synthesis.one("aws:ssm/parameter:Parameter")
    assert parameter.inputs["value"] == {SECRET_SIG_KEY: SECRET_SIG, "value": "s3cr3t-value"}
    assert synthesis.outputs["token"] == "s3cr3t-value"  # the harness keeps the value ...
    plan = build_plan(synthesis)
    assert plan["outputs"] == {"token": "[secret]", "plain": "visible"}  # ... the plan never
    diff = diff_resources([], synthesis.resources)
    assert "s3cr3t-value" not in json.dumps(plan)
    report = against_nothing("dev", synthesis, tmp_path, PRICES_DIR)
    assert "s3cr3t-value" not in render_markdown(report) + json.dumps(report)
    assert diff.count("add") == 1


def test_trimming_stops_when_nothing_more_can_be_cut(synthesized) -> None:
    report = against_nothing("dev", synthesized("dev"), FIXTURES, PRICES_DIR)
    markdown = render_markdown(report, limit=100)  # below the fixed part: must still return
    assert markdown.startswith("<!-- ecs-platform-plan:dev -->")
    assert "Trimmed" in markdown
