"""Blue/green status, wait, approve and rollback: the service-deployment calls moto does not
implement (List/DescribeServiceDeployments, ContinueServiceDeployment, StopServiceDeployment,
DescribeServiceRevisions) come from botocore's Stubber with the ECS API reference's shapes;
ELBv2, CloudWatch and Application Auto Scaling are the emulator's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.stub import Stubber
from emulator.progressive_stubs import (
    DEPLOYMENT,
    GOOD,
    HOOK,
    PAUSED,
    SOURCE,
    deployment,
    described_service,
    listed,
    no_tasks,
    seeded_web,
    stubbed_ecs,
)

from cli.app import main

from conftest import project_copy


@pytest.fixture
def ecs(emulator, monkeypatch) -> Iterator[Stubber]:
    stubber = stubbed_ecs(monkeypatch)
    yield stubber
    stubber.deactivate()


def argv(project: Path, *words: str) -> list[str]:
    return [*words, "--stack", "progressive", "--project-dir", str(project)]


def test_blue_green_status_shows_the_serving_group_and_the_paused_approval(
    ecs, names_of, fixture_project, capsys
):
    seeded = seeded_web(names_of)
    described_service(ecs)
    no_tasks(ecs)
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", PAUSED)
    assert main(argv(fixture_project, "svc", "status", "web", "--json")) == 4
    found = json.loads(capsys.readouterr().out)
    alternate = seeded.names.service("web").target_groups[1]
    assert found["servingTargetGroups"] == [alternate]
    assert found["serviceDeployment"]["lifecycleStage"] == "POST_TEST_TRAFFIC_SHIFT"
    (hook,) = found["serviceDeployment"]["pausedForApproval"]
    assert (hook["hookId"], hook["timeoutAction"]) == (HOOK, "ROLLBACK")
    assert found["verdict"] == "waiting"
    ecs.assert_no_pending_responses()


def test_wait_says_loudly_that_an_approval_blocks_it(ecs, names_of, fixture_project, capsys):
    seeded_web(names_of)
    listed(ecs)
    described_service(ecs)
    deployment(ecs, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", PAUSED)
    assert main(argv(fixture_project, "svc", "wait", "web", "--timeout", "0")) == 4
    err = capsys.readouterr().err
    assert "PAUSED FOR APPROVAL at POST_TEST_TRAFFIC_SHIFT" in err
    assert (
        "ecs-platform svc approve web --stack progressive or ecs-platform svc rollback web"
        " --stack progressive\n" in err
    )


def test_approve_continues_the_paused_hook(ecs, names_of, fixture_project, capsys):
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", PAUSED)
    ecs.add_response(
        "continue_service_deployment",
        {"serviceDeploymentArn": DEPLOYMENT},
        {"serviceDeploymentArn": DEPLOYMENT, "hookId": HOOK, "action": "CONTINUE"},
    )
    assert main(argv(fixture_project, "svc", "approve", "web")) == 0
    assert capsys.readouterr().out == f"approve: web: {DEPLOYMENT}\n"
    ecs.assert_no_pending_responses()


def rolled_back_to_good(ecs: Stubber) -> None:
    """A baking deployment stopped with ROLLBACK, whose source revision ran GOOD."""
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "BAKE_TIME")  # nothing paused: StopServiceDeployment
    listed(ecs)
    ecs.add_response(
        "stop_service_deployment",
        {"serviceDeploymentArn": DEPLOYMENT},
        {"serviceDeploymentArn": DEPLOYMENT, "stopType": "ROLLBACK"},
    )
    deployment(ecs, "ROLLBACK_IN_PROGRESS", "BAKE_TIME")
    ecs.add_response(
        "describe_service_revisions",
        {
            "serviceRevisions": [
                {
                    "serviceRevisionArn": SOURCE,
                    "containerImages": [
                        {"containerName": "web", "imageDigest": GOOD, "image": f"web@{GOOD}"}
                    ],
                }
            ],
            "failures": [],
        },
        {"serviceRevisionArns": [SOURCE]},
    )


def test_rollback_pins_the_previous_digest_in_the_stack_file(ecs, emulator, tmp_path, capsys):
    project = project_copy(tmp_path / "project")
    rolled_back_to_good(ecs)
    words = argv(project, "svc", "rollback", "web", "--pin-previous", "--json")
    assert main(words) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["previousDigest"], found["pinned"]) == (GOOD, True)
    text = (project / "Pulumi.progressive.yaml").read_text()
    assert f"image: {{repository: web, digest: {GOOD}}}" in text
    assert "# Progressive delivery on the production fixture" in text  # comments kept
    ecs.assert_no_pending_responses()


def test_rollback_says_the_file_and_key_it_pinned(ecs, emulator, tmp_path, capsys):
    project = project_copy(tmp_path / "project")
    rolled_back_to_good(ecs)
    assert main(argv(project, "svc", "rollback", "web", "--pin-previous")) == 0
    out = capsys.readouterr().out
    assert out.endswith(f"\nPulumi.progressive.yaml: services.web.image pinned to {GOOD}\n")
    ecs.assert_no_pending_responses()


def test_approve_without_a_paused_deployment_exits_1(ecs, fixture_project, capsys):
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "BAKE_TIME")
    assert main(argv(fixture_project, "svc", "approve", "web")) == 1
    assert "not paused for approval" in capsys.readouterr().err
