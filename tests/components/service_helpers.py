"""Helpers the service tests share: the declared services, a task's containers, a role's policy."""

from __future__ import annotations

import json
from typing import Any

from harness.engine import run_program
from harness.records import Synthesis

from conftest import fixture_config as stack_config

SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def services(stack: str) -> dict[str, Any]:
    return stack_config(stack)["ecs-platform:services"]


def containers(synthesis: Synthesis, name: str) -> list[dict[str, Any]]:
    return json.loads(synthesis.one(TASK, f"{name}-task").inputs["containerDefinitions"])


def policy(synthesis: Synthesis, name: str) -> list[dict[str, Any]]:
    found = [r for r in synthesis.of_type(ROLE_POLICY) if r.name == name]
    return json.loads(found[0].inputs["policy"])["Statement"] if found else []


def with_service(stack: str, name: str, **settings: Any) -> Synthesis:
    config = stack_config(stack)
    config["ecs-platform:services"][name] = settings
    return run_program(stack, stack_config=config)
