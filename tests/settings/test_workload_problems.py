"""A service added as a file gives the right resources per stack, and the mistakes a team makes
in service files each get one line naming the file and the key as written, all in one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from workload_helpers import edit, lines, shipped_copy, synthesize, write

from settings.loader import load_stack
from settings.stack_files import ConfigFileError

BILLING = """\
# Billing: routed at /billing/*, two tasks in dev, four in prod.
image: {repository: billing, tag: "1.0.0"}
cpu: 512
memory: 1024
port: 8080
desiredCount: 2
routing: {pathPatterns: ["/billing/*"], priority: 20}
healthCheck: {path: /health}
writablePaths: [/tmp]
secrets:
  STRIPE_KEY: arn:aws:ssm:${region}:123456789012:parameter/${project}/${stack}/billing/stripe-key
scaling: {minCount: 1, maxCount: 10, cpuTarget: 60}
environments:
  prod:
    desiredCount: 4
"""


def _add_repository(config: dict[str, Any]) -> None:
    config["config"]["ecs-platform:registry"]["repositories"].append("billing")


def test_billing_as_a_service_file_gives_the_right_resources_in_dev_and_prod(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    write(project, "services/billing.yaml", BILLING)
    for stack in ("dev", "prod"):
        edit(project, f"Pulumi.{stack}.yaml", _add_repository)
    for stack, tasks in (("dev", 2), ("prod", 4)):
        synthesis = synthesize(project, stack)
        service = synthesis.one("aws:ecs/service:Service", "billing")
        assert service.inputs["desiredCount"] == tasks
        task = synthesis.one("aws:ecs/taskDefinition:TaskDefinition", "billing-task")
        (container,) = json.loads(task.inputs["containerDefinitions"])
        parameter = (
            f"arn:aws:ssm:eu-west-1:123456789012:parameter/ecs-platform/{stack}/billing/stripe-key"
        )
        assert container["secrets"] == [{"name": "STRIPE_KEY", "valueFrom": parameter}]
        rule = synthesis.one("aws:lb/listenerRule:ListenerRule", "billing-route")
        assert rule.inputs["priority"] == 20
        execution = synthesis.one("aws:iam/rolePolicy:RolePolicy", "billing-execution")
        assert parameter in execution.inputs["policy"]  # it may read exactly that parameter


def _mistakes(project: Path) -> None:
    def api(document: dict[str, Any]) -> None:
        document["environments"] = {
            "production": {"desiredCount": 3},  # 1. the stack is called prod
            "prod": {"memory": 1536, "cpu": 256, "image": None},  # 2. size 3. required key
        }
        document["environment"] = ["LOG_LEVEL=debug"]  # 4. a list where a map is expected
        document["scaling"]["maxCount"] = "many"  # 5. a type error
        document["stacks"] = ["dev", "prod", "staging"]  # 6. a stack that does not exist

    def worker(document: dict[str, Any]) -> None:
        document["environment"] = {"QUEUE_NAME": "${env}-orders"}  # 7. unknown variable
        document["routing"] = {"pathPatterns": ["/worker/*"], "priority": 10}  # 8. no port
        document["desiredCont"] = 2  # 9. a typo
        document["permissions"][0]["resources"] = ["arn:aws:sqs:${region}:${accountId}:orders"]

    edit(project, "services/api.yaml", api)
    edit(project, "services/worker.yaml", worker)
    # 10. both forms at once: a cache service in its own file and in the stack file
    cache = {"image": {"uri": "public.ecr.aws/docker/library/redis:7.2"}, "port": 6379}
    write(project, "services/cache.yaml", cache)
    edit(
        project,
        "Pulumi.prod.yaml",
        lambda d: d["config"].update({"ecs-platform:services": {"cache": cache}}),
    )


def test_ten_mistakes_in_service_files_each_get_one_line_in_one_run(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    _mistakes(project)
    found = lines(project, "prod")
    expected = [
        "services/api.yaml: environments.production: no stack 'production' (did you mean"
        " 'prod'? stacks: dev, prod)",
        "services/api.yaml: stacks[2]: no stack 'staging' (stacks: dev, prod)",
        "services/worker.yaml: environment.QUEUE_NAME: unknown variable ${env} (known:"
        " ${stack}, ${region}, ${project}, ${service}, ${accountId}; write $${ for a literal ${)",
        "services/worker.yaml: permissions[0].resources[0]: ${accountId} needs the stack to pin"
        " its account: aws:allowedAccountIds with exactly one account id in Pulumi.prod.yaml",
        "services/cache.yaml: service cache is also declared in Pulumi.prod.yaml"
        " (ecs-platform:services.cache): keep one",
        "services/api.yaml: environments.prod.image: required: null removes only optional keys",
        "services/api.yaml: environment: expected a mapping of keys to values (got"
        " ['LOG_LEVEL=debug'])",
        "services/api.yaml: scaling.maxCount: expected a whole number from 1 to 1000 (got 'many')",
        "services/api.yaml: environments.prod.memory: 1536 is not valid for cpu 256 (512,"
        " 1024, 2048)",
    ]
    for line in expected:
        assert line in found, "\n".join(found)
    typo = [line for line in found if "desiredCont:" in line]
    assert typo and typo[0].startswith(
        "services/worker.yaml: desiredCont: unknown key (did you mean 'desiredCount'?"
    )
    # a rule about the merged settings says so: another key of prod may have caused it
    assert (
        "services/worker.yaml: routing: a routed service needs a port (as merged for stack prod)"
        in found
    )
    # every rule that can run still runs: the priority clash of a service with other errors
    assert (
        "services/worker.yaml: routing.priority: 10 is already used by service api (as merged"
        " for stack prod)" in found
    )
    assert all(line.startswith("services/") for line in found)
    assert len(found) == len(set(found)) == len(expected) + 3


def test_broken_and_empty_files_are_one_line_with_the_position(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    write(project, "services/broken.yaml", "image: {repository: broken\ncpu: 256\n")
    write(project, "services/empty.yaml", "# nothing yet\n")
    assert lines(project, "dev") == [
        "services/broken.yaml: not valid YAML: expected ',' or '}', but got ':' (line 2, column 4)",
        "services/empty.yaml: the file is empty: a service needs its settings (at least image)",
    ]


def test_a_broken_stack_file_is_one_line_with_the_position(tmp_path) -> None:
    project = shipped_copy(tmp_path)
    text = (project / "Pulumi.dev.yaml").read_text()
    write(project, "Pulumi.dev.yaml", text + "  broken: [\n")
    with pytest.raises(ConfigFileError) as refused:
        load_stack("dev", project)
    assert str(refused.value).startswith("Pulumi.dev.yaml: not valid YAML: ")
    assert "\n" not in str(refused.value) and "unicode string" not in str(refused.value)
    assert str(refused.value).endswith(f"(line {text.count(chr(10)) + 2}, column 1)")
