"""The manifests of Copilot's documentation work here: one sample of each workload type (load
balanced web, backend and worker services, scheduled job) with the documentation's "Basic"
(tier production) and "Imported VPC" (tier development) environments imports, names every value
the user must fill in (the VPC sample's ids are not ids), and once those are filled in each stack
plans offline and passes the policy pack at its tier."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from copilot_helpers import PLACEHOLDER, copilot_text, fill_placeholders, workspace
from policy_offline import findings_of, policy_config

from cli.app import main
from harness.engine import run_program
from settings.loader import SettingsError, load_stack

from conftest import project_copy

WORKLOADS = (
    ("lb-web-service", "Basic"),
    ("backend-service", "Serving Internal Traffic"),
    ("worker-service", "Single queue"),
    ("scheduled-job", "Sample scheduled job manifest"),
)
ENVIRONMENTS = ("Basic", "Imported VPC")
# stack (the environment sample's name) -> the policy config of its tier
POLICY_OF = {"prod": "prod", "imported": "dev"}
VPC_TYPES = {"awsx:ec2:Vpc", "aws:ec2/vpc:Vpc"}  # the awsx component, or a plain VPC


def _sample(page: str, title: str) -> str:
    for document in copilot_text(f"{page}-samples.yml").split("\n--- # ")[1:]:
        heading, _, text = document.partition("\n")
        if heading.strip() == title:
            return text
    raise KeyError(f"{page}: {title}")


def _named(texts: list[str]) -> dict[str, str]:
    return {yaml.load(text, Loader=yaml.BaseLoader)["name"]: text for text in texts}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documented")
    workloads = _named([_sample(page, title) for page, title in WORKLOADS])
    environments = _named([_sample("environment", title) for title in ENVIRONMENTS])
    assert set(environments) == set(POLICY_OF)
    workspace(root, workloads, environments)
    out = root / "out"
    assert main(["import", "copilot", str(root), "--out", str(out), "--region", "eu-west-1"]) == 0
    return out


def test_the_import_names_what_the_samples_leave_to_fill_in(imported: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        load_stack("imported", imported)
    assert refused.value.lines
    assert all("${FILL_IN:" in line for line in refused.value.lines), refused.value.lines
    stack_file = (imported / "Pulumi.imported.yaml").read_text()
    assert "${FILL_IN:the id of VPC vpc-12345 (not a VPC id)}" in stack_file
    report = (imported / "MIGRATION.md").read_text()
    for what in set(PLACEHOLDER.findall(stack_file)) - {"..."}:
        assert what in report, what


@pytest.fixture(scope="module")
def project(imported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    filled = tmp_path_factory.mktemp("filled")
    for path in imported.rglob("*.yaml"):
        target = filled / path.relative_to(imported)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    fill_placeholders(filled)
    return project_copy(tmp_path_factory.mktemp("project"), stacks_from=filled)


@pytest.mark.parametrize("stack", sorted(POLICY_OF))
def test_each_documented_stack_plans_and_passes_the_policy_pack(
    project: Path, stack: str, capsys
) -> None:
    assert main(["plan", stack, "--project-dir", str(project), "--json"]) == 0
    assert f'"stack": "{stack}"' in capsys.readouterr().out
    synthesis = run_program(stack, project_dir=project)  # the plan's run, from the run cache
    types = {r.type for r in synthesis.resources}
    assert bool(types & VPC_TYPES) == (stack == "prod")  # "Imported VPC" makes none
    assert {"aws:sqs/queue:Queue", "aws:sfn/stateMachine:StateMachine"} <= types
    config = policy_config(POLICY_OF[stack])
    advisory = {n for n, e in config.items() if e.get("enforcementLevel") == "advisory"}
    open_findings = {f.policy for f in findings_of(synthesis, POLICY_OF[stack]) if f.waiver is None}
    assert open_findings <= advisory
