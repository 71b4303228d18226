"""A job moved in beside a team's setup as a service is: it joins the groups it names, reads its
secrets by name and its environment files, and the stack exports its own group."""

from __future__ import annotations

import json

from harness.engine import run_program

from conftest import fixture_config

DATABASE_GROUP = "sg-0f1e2d3c4b5a69788"


def test_a_job_joins_its_groups_and_reads_secrets_by_name() -> None:
    config = fixture_config("jobs")
    job = config["ecs-platform:jobs"]["nightly-report"]
    job.update(
        securityGroups=[DATABASE_GROUP],
        secrets={"DB_PASSWORD": "secretsmanager:prod/db:password"},
        environmentFiles=["arn:aws:s3:::acme-config/prod/report.env"],
    )
    synthesis = run_program("jobs", stack_config=config)
    own = synthesis.one("aws:ec2/securityGroup:SecurityGroup", "nightly-report-sg").id
    assert synthesis.outputs["jobSecurityGroupIds"]["nightly-report"] == own
    machine = synthesis.one("aws:sfn/stateMachine:StateMachine", "nightly-report-state-machine")
    text = machine.inputs["definition"]
    assert json.dumps([own, DATABASE_GROUP]) in json.dumps(json.loads(text))
    [container] = json.loads(
        synthesis.one("aws:ecs/taskDefinition:TaskDefinition", "nightly-report-task").inputs[
            "containerDefinitions"
        ]
    )
    assert container["secrets"] == [
        {
            "name": "DB_PASSWORD",
            "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db:password::",
        }
    ]
    assert container["environmentFiles"] == [
        {"value": "arn:aws:s3:::acme-config/prod/report.env", "type": "s3"}
    ]
    execution = json.loads(
        synthesis.one("aws:iam/rolePolicy:RolePolicy", "nightly-report-execution").inputs["policy"]
    )["Statement"]
    resources = {s["Sid"]: s["Resource"] for s in execution}
    assert resources["ReadDeclaredSecrets"] == [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????"
    ]
    assert resources["ReadDeclaredEnvironmentFiles"] == ["arn:aws:s3:::acme-config/prod/report.env"]
