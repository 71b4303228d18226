"""`make release` / `make promote`: the digest edit on copies of the real stack files."""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from cli.app import main
from harness.engine import run_program
from ops.release import ReleaseError, promote, release, set_digest
from settings.stack_files import read_yaml

from conftest import FIXTURES

DIGEST = "sha256:" + hashlib.sha256(b"api image").hexdigest()
OTHER_DIGEST = "sha256:" + hashlib.sha256(b"another image").hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for stack_file in FIXTURES.glob("Pulumi.*.yaml"):
        shutil.copy(stack_file, tmp_path / stack_file.name)
    return tmp_path


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [line[1:] for line in diff[2:] if line.startswith("-")]
    added = [line[1:] for line in diff[2:] if line.startswith("+")]
    return removed, added


def service_image(path: Path, service: str) -> dict:
    return yaml.safe_load(path.read_text())["config"]["ecs-platform:services"][service]["image"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_release_changes_only_the_image_line_and_keeps_everything_else(project, stack):
    path = project / f"Pulumi.{stack}.yaml"
    before = path.read_text()
    release(stack, "api", DIGEST, project)
    after = path.read_text()

    removed, added = changed_lines(before, after)
    assert len(removed) == 1 and "tag:" in removed[0]
    assert len(added) == 1 and f"digest: {DIGEST}" in added[0]
    assert removed[0].split("image:")[0] == added[0].split("image:")[0]  # same indentation
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert all(comment in after.splitlines() for comment in comments)
    image = service_image(path, "api")
    assert image == {"repository": "api", "digest": DIGEST}


def test_a_released_stack_file_deploys_the_image_by_digest(project):
    release("dev", "api", DIGEST, project)
    config = read_yaml(project / "Pulumi.dev.yaml")["config"]
    synthesis = run_program("dev", stack_config=config)
    images = [
        container["image"]
        for resource in synthesis.resources
        if resource.type == "aws:ecs/taskDefinition:TaskDefinition"
        for container in json.loads(resource.inputs["containerDefinitions"])
    ]
    assert any(image.endswith(f"/api@{DIGEST}") for image in images)


def test_releasing_again_replaces_the_digest(project):
    release("dev", "api", DIGEST, project)
    before = (project / "Pulumi.dev.yaml").read_text()
    release("dev", "api", OTHER_DIGEST, project)
    removed, added = changed_lines(before, (project / "Pulumi.dev.yaml").read_text())
    assert [DIGEST in line for line in removed] == [True]
    assert [OTHER_DIGEST in line for line in added] == [True]


def test_promote_copies_the_digest_and_changes_only_that_line(project):
    release("dev", "worker", DIGEST, project)
    before = (project / "Pulumi.prod.yaml").read_text()
    promote("worker", "dev", "prod", project)
    removed, added = changed_lines(before, (project / "Pulumi.prod.yaml").read_text())
    assert len(removed) == len(added) == 1
    assert service_image(project / "Pulumi.prod.yaml", "worker")["digest"] == DIGEST
    assert service_image(project / "Pulumi.prod.yaml", "api")["tag"] == "1.0.0"


@pytest.mark.parametrize(
    "digest",
    [
        "sha256:" + "a" * 63,
        "sha256:" + "A" * 64,
        "sha512:" + "a" * 64,
        "a" * 64,
        f"{DIGEST}\nsha256:x",
        "",
    ],
)
def test_bad_digests_are_refused_and_the_file_is_untouched(project, digest):
    before = (project / "Pulumi.dev.yaml").read_text()
    with pytest.raises(ReleaseError, match="digest"):
        release("dev", "api", digest, project)
    assert (project / "Pulumi.dev.yaml").read_text() == before


def test_unknown_services_and_stacks_are_refused(project):
    with pytest.raises(ReleaseError, match="unknown service 'billing'"):
        release("dev", "billing", DIGEST, project)
    with pytest.raises(ReleaseError, match=r"no stack file Pulumi\.staging\.yaml"):
        release("staging", "api", DIGEST, project)
    with pytest.raises(ReleaseError, match="not a valid name"):
        release("../dev", "api", DIGEST, project)


def test_an_image_from_another_registry_is_refused():
    text = (FIXTURES / "Pulumi.dev.yaml").read_text()
    foreign = text.replace(
        "image: {repository: api, tag: latest}",
        "image: {uri: public.ecr.aws/nginx/nginx:1.27}",
    )
    assert foreign != text
    with pytest.raises(ReleaseError, match="full uri from another registry"):
        set_digest(foreign, "api", DIGEST, "Pulumi.dev.yaml")


def test_promoting_a_tag_is_refused(project):
    with pytest.raises(ReleaseError, match="no digest to promote"):
        promote("api", "dev", "prod", project)


def test_the_command_exits_2_on_a_refused_input(project, capsys):
    args = ["release", "api", "--project-dir", str(project), "--stack", "dev"]
    assert main([*args, "--digest", "sha256:nope"]) == 2
    assert "release refused" in capsys.readouterr().err
    assert main([*args, "--digest", DIGEST]) == 0
