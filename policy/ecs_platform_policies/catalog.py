"""Every rule of the pack, and a pure evaluation of them over a stack's resources.

`evaluate` is what the pack does, minus the gRPC server: the tests run it on the resources the
mock harness records; the pack's `waived-findings` policy runs it to list waived findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .data_rules import DATA_RULES
from .deployment_rules import DEPLOYMENT_RULES
from .ecs_rules import ECS_RULES
from .job_rules import JOB_RULES
from .managed_instance_rules import MANAGED_INSTANCE_RULES
from .model import Context, Resource, Rule, Tier
from .network_rules import NETWORK_RULES
from .queue_rules import QUEUE_RULES
from .stack_rules import STACK_RULES
from .storage_rules import STORAGE_RULES
from .waivers import Waiver, waiver_for

RULES: tuple[Rule, ...] = (
    ECS_RULES
    + NETWORK_RULES
    + DATA_RULES
    + STACK_RULES
    + DEPLOYMENT_RULES
    + MANAGED_INSTANCE_RULES
    + QUEUE_RULES
    + STORAGE_RULES
    + JOB_RULES
)
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
DEFAULT_TIER: Tier = "production"


@dataclass(frozen=True)
class Finding:
    policy: str
    resource: Resource
    message: str
    waiver: Waiver | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.policy, self.resource.name


def context_for(rule: Rule, config: Mapping[str, Any] | None) -> Context:
    """The rule's context from its policy config (the engine fills in schema defaults)."""
    merged = {**rule.defaults(), **(config or {})}
    return Context(tier=merged.get("tier", DEFAULT_TIER), config=merged)


def evaluate(
    resources: Sequence[Resource],
    policy_config: Mapping[str, Mapping[str, Any]] | None = None,
    waivers: Sequence[Waiver] = (),
) -> list[Finding]:
    """Every finding of every rule, each with the waiver that covers it (if any)."""
    findings = []
    for rule in RULES:
        ctx = context_for(rule, (policy_config or {}).get(rule.name))
        for resource, message in rule.findings(resources, ctx):
            waiver = waiver_for(waivers, rule.name, resource, message, ctx.tier)
            findings.append(Finding(rule.name, resource, message, waiver))
    return findings
