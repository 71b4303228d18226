"""Run the policy pack's rules on what the mock harness records, without the gRPC server.

The harness records each resource's inputs (camelCase, as the engine sends them to policies),
`protect` and the URNs it depends on, but not which property came from which resource. The
engine sends those property dependencies to stack policies; here they are rebuilt by matching a
property's value against the ids, ARNs and names of the resources it depends on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ecs_platform_policies.catalog import Finding, evaluate
from ecs_platform_policies.model import Resource
from ecs_platform_policies.waivers import load_waivers

from harness.records import RecordedResource, Synthesis
from settings.stack_files import read_stack_config

from conftest import FIXTURES

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"  # pytest puts it on sys.path

IDENTITY_OUTPUTS = ("arn", "name", "vpcId", "bucket")


def _identities(resource: RecordedResource) -> set[str]:
    values = {resource.id} if resource.id else set()
    values |= {str(resource.outputs[k]) for k in IDENTITY_OUTPUTS if k in resource.outputs}
    return values


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):  # nested blocks (loadBalancers[].advancedConfiguration)
        for item in value.values():
            yield from _strings(item)


def property_dependencies(
    resource: RecordedResource, by_urn: dict[str, RecordedResource]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop, value in resource.inputs.items():
        wanted = set(_strings(value))
        urns = [
            urn
            for urn in resource.dependencies
            if urn in by_urn and wanted & _identities(by_urn[urn])
        ]
        if urns:
            found[prop] = urns
    return found


def to_policy_resource(resource: RecordedResource, by_urn: dict[str, RecordedResource]) -> Resource:
    return Resource(
        resource.type,
        resource.name,
        resource.urn,
        resource.inputs,
        resource.protect,
        property_dependencies(resource, by_urn),
    )


def policy_resources(synthesis: Synthesis) -> list[Resource]:
    by_urn = {r.urn: r for r in synthesis.resources}
    return [to_policy_resource(r, by_urn) for r in synthesis.resources]


def policy_config(stack: str) -> dict[str, dict[str, Any]]:
    """The committed policy config of a stack (policy/config.<stack>.json)."""
    return json.loads((POLICY_DIR / f"config.{stack}.json").read_text())


def stack_tier(stack: str) -> str:
    return str(read_stack_config(stack, FIXTURES)["ecs-platform:tier"])


def findings_of(synthesis: Synthesis, stack: str) -> list[Finding]:
    return evaluate(policy_resources(synthesis), policy_config(stack), load_waivers())
