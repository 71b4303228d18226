"""`release` and `promote` of a service declared in its own file: the digest goes to
`environments.<stack>.image` (with `tag: null`), for that stack only, comments kept."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from cli.app import main
from harness.engine import run_program
from ops.release import ReleaseError, promote, release
from settings.loader import load_stack
from settings.stack_files import read_stack_config

from conftest import PROJECTS

DIGEST = "sha256:" + hashlib.sha256(b"api image").hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(PROJECTS / "shipped", folder)
    (folder / "Pulumi.yaml").write_text("name: ecs-platform\nruntime: python\n")
    return folder


def test_release_pins_the_digest_for_one_stack_in_the_service_file(project: Path, capsys) -> None:
    api = project / "services" / "api.yaml"
    before = api.read_text()
    assert main(["release", "api", "--stack", "dev", "--digest", DIGEST, "--json",
                 "--project-dir", str(project)]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out) == {
        "stackFile": "services/api.yaml",
        "service": "api",
        "key": "environments.dev.image",
    }
    after = api.read_text()
    assert after.startswith(before.split("environments:")[0])  # the base is untouched
    document = yaml.safe_load(after)
    assert document["environments"]["dev"] == {"image": {"digest": DIGEST, "tag": None}}
    assert load_stack("dev", project).services["api"].image.digest == DIGEST
    assert load_stack("prod", project).services["api"].image.tag == "1.0.0"  # prod unchanged
    synthesis = run_program(
        "dev", stack_config=read_stack_config("dev", project), workloads_from=project
    )
    task = synthesis.one("aws:ecs/taskDefinition:TaskDefinition", "api-task")
    assert f"@{DIGEST}" in json.loads(task.inputs["containerDefinitions"])[0]["image"]


def test_promote_copies_the_digest_to_the_next_stack(project: Path) -> None:
    release("dev", "worker", DIGEST, project)
    changed = promote("worker", "dev", "prod", project)
    assert changed == project / "services" / "worker.yaml"
    prod = load_stack("prod", project).services["worker"]
    assert (prod.image.repository, prod.image.digest, prod.image.tag) == ("worker", DIGEST, None)
    assert prod.cpu == 1024  # the rest of prod's overrides stay


def test_promote_refuses_a_stack_that_deploys_a_tag(project: Path) -> None:
    with pytest.raises(ReleaseError, match="has no digest to promote"):
        promote("api", "dev", "prod", project)


def test_release_says_the_real_stack_and_key_written(project: Path, capsys) -> None:
    words = ["release", "api", "--stack", "prod", "--digest", DIGEST, "--project-dir", str(project)]
    assert main(words) == 0
    assert (
        capsys.readouterr().out == "services/api.yaml: environments.prod.image pinned by digest\n"
    )


@pytest.mark.parametrize(
    ("words", "prefix"),
    [
        (["release", "nope", "--stack", "dev", "--digest", DIGEST], "release refused"),
        (["promote", "nope", "--from", "dev", "--to", "prod"], "promote refused"),
    ],
    ids=["release", "promote"],
)
def test_an_unknown_service_lists_those_of_the_service_files(
    project: Path, words: list[str], prefix: str, capsys
) -> None:
    before = {path: path.read_text() for path in project.rglob("*.yaml")}
    assert main([*words, "--project-dir", str(project)]) == 2
    declared = ", ".join(sorted(load_stack("dev", project).services))
    assert capsys.readouterr().err == (
        f"{prefix}: stack dev: unknown service 'nope' (declared in Pulumi.dev.yaml or"
        f" services/: {declared})\n"
    )
    assert declared  # the shipped example declares its services in services/<name>.yaml
    assert {path: path.read_text() for path in project.rglob("*.yaml")} == before
