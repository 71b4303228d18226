"""Every fixture stack file synthesized once per test process, with `ciAccess` on."""

from __future__ import annotations

import functools
import json
from typing import Any

from harness.engine import run_program
from harness.records import Synthesis
from settings.stack_files import read_stack_config

from conftest import FIXTURES

FIXTURE_NAMES = sorted(
    p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in FIXTURES.glob("Pulumi.*.yaml")
)
CI_ACCESS = {  # for a fixture without ciAccess: the roles must still cover what it registers
    "repository": "your-org/ecs-platform",
    "deployEnvironment": "production",
    "createOidcProvider": True,
}
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def fixture_config(name: str) -> dict[str, Any]:
    config = read_stack_config(name, FIXTURES)
    config.setdefault("ecs-platform:ciAccess", dict(CI_ACCESS))
    return config


@functools.cache
def synthesized(name: str) -> Synthesis:
    return run_program(name, stack_config=fixture_config(name))


def role_policies(synthesis: Synthesis, part: str) -> list[tuple[str, str]]:
    """(policy name, document) of each managed policy attached to the CI role `part`."""
    role_name = synthesis.one(ROLE, f"ci-{part}").inputs["name"]
    attachments = synthesis.of_type(ATTACHMENT)
    attached = {a.inputs["policyArn"] for a in attachments if a.inputs["role"] == role_name}
    found = [
        (p.inputs["name"], p.inputs["policy"])
        for p in synthesis.of_type(POLICY)
        if p.outputs["arn"] in attached
    ]
    assert len(found) == len(attached)
    return found


def role_statements(synthesis: Synthesis, part: str) -> list[dict[str, Any]]:
    return [s for _, d in role_policies(synthesis, part) for s in json.loads(d)["Statement"]]
