"""`ecs-platform approve|rollback`: names checked in the stack file before any AWS call, the
stack file's cluster and region used (no Pulumi CLI), and AWS failures as one line, exit 3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, NoCredentialsError
from botocore.stub import Stubber

from cli.app import main
from ops import aws
from ops.stack import stack_names

DEPLOYMENT = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/api/Ez5RNVLH6PPzHXINuP28"


class Unreachable:
    """An ECS client whose every call fails as botocore does without credentials or network."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def call(**_: Any) -> Any:
            raise self.error

        return call


@pytest.fixture
def no_client(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """aws.client recording the regions asked for, and failing the test's AWS calls."""
    asked: list[str] = []

    def client(service: str, region: str | None = None) -> Any:
        asked.append(str(region))
        raise AssertionError("no AWS call was expected")

    monkeypatch.setattr(aws, "client", client)
    return asked


@pytest.mark.parametrize("action", ["approve", "rollback"])
def test_an_unknown_stack_is_refused_with_the_stacks_that_exist(
    action: str, fixture_project: Path, no_client: list[str], capsys
) -> None:
    words = [action, "api", "--stack", "nosuch", "--project-dir", str(fixture_project)]
    assert main(words) == 2
    err = capsys.readouterr().err
    assert "no stack 'nosuch'" in err and "stacks here: " in err and "dev" in err
    assert "Traceback" not in err and no_client == []


@pytest.mark.parametrize("as_json", [[], ["--json"]])
def test_an_unknown_service_is_refused_before_any_aws_call(
    as_json: list[str], fixture_project: Path, no_client: list[str], capsys
) -> None:
    words = ["approve", "nope", "--stack", "dev", "--project-dir", str(fixture_project)]
    assert main([*words, *as_json]) == 2
    err = capsys.readouterr().err
    assert "no service 'nope' (declared: " in err
    assert no_client == []


def test_the_stack_file_gives_the_cluster_and_region_without_pulumi(
    fixture_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no `pulumi` to ask for stack outputs
    names = stack_names("dev", fixture_project)
    ecs = boto3.client(
        "ecs", region_name=names.region, aws_access_key_id="t", aws_secret_access_key="t"
    )
    regions: list[str | None] = []
    monkeypatch.setattr(aws, "client", lambda service, region=None: regions.append(region) or ecs)
    # rollback: no paused hook (list, describe), then stop (list again, stop)
    stubber = Stubber(ecs)
    for method, reply, params in [
        ("list_service_deployments", {"serviceDeployments": [{"serviceDeploymentArn": DEPLOYMENT}]},
         {"cluster": names.cluster, "service": "api", "maxResults": 20}),
        ("describe_service_deployments",
         {"serviceDeployments": [{"serviceDeploymentArn": DEPLOYMENT, "status": "IN_PROGRESS"}]},
         {"serviceDeploymentArns": [DEPLOYMENT]}),
        ("list_service_deployments", {"serviceDeployments": [{"serviceDeploymentArn": DEPLOYMENT}]},
         {"cluster": names.cluster, "service": "api", "maxResults": 20}),
        ("stop_service_deployment", {"serviceDeploymentArn": DEPLOYMENT},
         {"serviceDeploymentArn": DEPLOYMENT, "stopType": "ROLLBACK"}),
    ]:  # fmt: skip
        stubber.add_response(method, reply, params)
    words = ["rollback", "api", "--stack", "dev", "--project-dir", str(fixture_project), "--json"]
    with stubber:
        assert main(words) == 0
        stubber.assert_no_pending_responses()
    assert json.loads(capsys.readouterr().out)["serviceDeploymentArn"] == DEPLOYMENT
    assert regions == [names.region]


@pytest.mark.parametrize(
    "error",
    [NoCredentialsError(), EndpointConnectionError(endpoint_url="https://ecs.example")],
    ids=["no-credentials", "no-network"],
)
@pytest.mark.parametrize("action", ["approve", "rollback"])
def test_aws_out_of_reach_is_one_line_and_exit_3(
    action: str, error: Exception, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(aws, "client", lambda service, region=None: Unreachable(error))
    assert main([action, "api", "--cluster", "c", "--region", "eu-west-1"]) == 3
    err = capsys.readouterr().err
    assert err.strip() == f"error: AWS: {error}"
