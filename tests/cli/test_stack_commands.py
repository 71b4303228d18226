"""`ecs-platform config STACK [--explain]`, `ecs-platform stack add NAME --from STACK`, and the
plan's checks across stack files, on a copy of the shipped example (services/ files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from cli.app import main
from settings.stack_files import PROJECT_DIR, read_stack_config

from conftest import PROJECTS, project_copy


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The shipped example with its own copy of the workflows (stack add edits them)."""
    folder = project_copy(tmp_path / "project", stacks_from=PROJECTS / "shipped")
    shutil.copytree(PROJECT_DIR / ".github", folder / ".github")
    return folder


def test_config_prints_the_merged_settings_and_where_each_value_came_from(
    project: Path, capsys
) -> None:
    assert main(["config", "prod", "--project-dir", str(project)]) == 0
    merged = yaml.safe_load(capsys.readouterr().out)
    api = merged["services"]["api"]
    assert (api["cpu"], api["memory"], api["desiredCount"]) == (512, 1024, 3)
    assert api["secrets"] == {
        "DB_PASSWORD": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecs-platform/prod/"
        "db-password-AbCdEf"
    }
    assert api["scaling"]["schedules"] == []  # removed by `schedules: null`
    assert api["stopTimeoutSeconds"] == 30  # a default

    assert main(["config", "prod", "--explain", "--project-dir", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "    cpu: 512  # services/api.yaml environments.prod" in lines
    assert "    port: 8080  # services/api.yaml" in lines
    assert "    execEnabled: false  # default (services/api.yaml environments.prod: null)" in lines
    assert "  cidr: 10.20.0.0/16  # Pulumi.prod.yaml" in lines
    assert "    stopTimeoutSeconds: 30  # default" in lines

    assert main(["config", "prod", "--json", "--explain", "--project-dir", str(project)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["settings"]["services"]["api"]["cpu"] == 512
    assert data["origins"]["services.api.cpu"] == "services/api.yaml environments.prod"
    assert data["origins"]["network.cidr"] == "Pulumi.prod.yaml"


def test_config_of_a_bad_stack_prints_its_problems(project: Path, capsys) -> None:
    api = project / "services" / "api.yaml"
    api.write_text(api.read_text().replace("cpu: 512", "cpu: 300"))
    assert main(["config", "prod", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert "services/api.yaml: environments.prod.cpu: 300 is not a Fargate cpu size" in err


def test_stack_add_writes_a_stack_file_and_the_workflow_entries(project: Path, capsys) -> None:
    command = ["stack", "add", "staging", "--from", "dev", "--project-dir", str(project)]
    assert main(command) == 0
    out = capsys.readouterr().out
    assert out.startswith("wrote Pulumi.staging.yaml from Pulumi.dev.yaml:")
    config = read_stack_config("staging", project)
    assert config["ecs-platform:network"]["cidr"] == "10.11.0.0/16"
    assert config["ecs-platform:ciAccess"]["deployEnvironment"] == "staging"
    workflows = project / ".github" / "workflows"
    deploy = yaml.safe_load((workflows / "deploy.yml").read_text())["jobs"]
    assert deploy["staging"]["needs"] == "dev"
    assert deploy["staging"]["with"] == {"stack": "staging", "environment": "staging"}
    drift = yaml.safe_load((workflows / "drift.yml").read_text())
    assert drift["jobs"]["drift"]["strategy"]["matrix"]["stack"] == ["dev", "prod", "staging"]
    assert main(["plan", "staging", "--project-dir", str(project)]) == 0
    capsys.readouterr()

    assert main(command) == 2  # the same again
    assert "Pulumi.staging.yaml exists already" in capsys.readouterr().err
    assert main(["stack", "add", "uat", "--from", "nope", "--project-dir", str(project)]) == 2
    assert "no stack 'nope' to copy (stacks: dev, prod, staging)" in capsys.readouterr().err

    again = ["stack", "add", "qa", "--from", "dev", "--json", "--project-dir", str(project)]
    assert main(again) == 0
    made = json.loads(capsys.readouterr().out)
    assert (made["stack"], made["from"]) == ("qa", "dev")
    assert "Pulumi.qa.yaml" in made["files"] and made["changes"][0].startswith("wrote Pulumi.qa")


def test_stack_add_from_a_production_stack_copies_its_service_overrides(project: Path) -> None:
    assert main(["stack", "add", "qa", "--from", "prod", "--project-dir", str(project)]) == 0
    api = yaml.safe_load((project / "services" / "api.yaml").read_text())
    assert api["environments"]["qa"] == api["environments"]["prod"]
    assert main(["config", "qa", "--project-dir", str(project)]) == 0


def test_the_plan_checks_its_stack_against_the_others(project: Path, capsys) -> None:
    dev = project / "Pulumi.dev.yaml"
    dev.write_text(
        dev.read_text().replace(
            "config:\n", "config:\n  aws:allowedAccountIds: ['111111111111']\n", 1
        )
    )
    shutil.copy(dev, project / "Pulumi.qa.yaml")  # copied, not edited: the same account
    assert main(["plan", "qa", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "error: invalid stack configuration (3 problems across stack files):"
    assert err[1].startswith(
        "Pulumi.qa.yaml: network.cidr: 10.10.0.0/16 overlaps 10.10.0.0/16 of Pulumi.dev.yaml"
    )
    assert err[2].startswith(
        "Pulumi.qa.yaml: ciAccess.deployEnvironment: 'dev' is also the deploy environment of"
        " Pulumi.dev.yaml"
    )


def test_stack_add_existing_puts_a_written_stack_into_the_workflows(project: Path, capsys) -> None:
    """An imported stack's file is there already: only the workflows take it."""
    command = ["stack", "add", "staging", "--from", "dev", "--existing"]
    command += ["--project-dir", str(project)]
    assert main(command) == 2
    assert "--existing: there is no Pulumi.staging.yaml" in capsys.readouterr().err
    kept = (project / "Pulumi.dev.yaml").read_text()
    (project / "Pulumi.staging.yaml").write_text(kept)
    assert main(command) == 0
    out = capsys.readouterr().out
    assert "wrote Pulumi.staging.yaml" not in out and "updated .github/workflows" in out
    assert (project / "Pulumi.staging.yaml").read_text() == kept
    workflows = project / ".github" / "workflows"
    drift = yaml.safe_load((workflows / "drift.yml").read_text())
    assert drift["jobs"]["drift"]["strategy"]["matrix"]["stack"] == ["dev", "prod", "staging"]
    deploy = yaml.safe_load((workflows / "deploy.yml").read_text())["jobs"]
    assert deploy["staging"]["with"] == {"stack": "staging", "environment": "staging"}
