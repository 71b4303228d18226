"""Checks of a synthesized stack against AWS's rules, counted from the resources themselves
(not from the settings that produced them): physical names, quotas and dashboard widgets.

Used by the scale bench (`make bench`) on a prod stack with 100 services."""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.records import Synthesis
from settings.names import name_problem
from settings.quotas import CAPACITY_PROVIDERS_PER_CLUSTER, QuotaSettings
from settings.stack_files import PROJECT_DIR, read_stack_config

CLOUDWATCH_WIDGETS_PER_DASHBOARD = 500
# The platform's own fixture stacks: the bench measures the platform, not the user's stack files
# (whose services may live in services/<name>.yaml, or be few).
FIXTURES_DIR = PROJECT_DIR / "tests" / "fixtures"

# resource type -> (settings.names kind, the input holding its physical name)
NAME_INPUTS: dict[str, tuple[str, str]] = {
    "aws:lb/loadBalancer:LoadBalancer": ("alb", "name"),
    "aws:lb/targetGroup:TargetGroup": ("target-group", "name"),
    "aws:iam/role:Role": ("iam-role", "name"),
    "aws:iam/instanceProfile:InstanceProfile": ("instance-profile", "name"),
    "aws:s3/bucket:Bucket": ("s3-bucket", "bucket"),
    "aws:ecr/repository:Repository": ("ecr-repository", "name"),
    "aws:ecs/cluster:Cluster": ("cluster", "name"),
    "aws:ecs/service:Service": ("ecs-service", "name"),
    "aws:ecs/taskDefinition:TaskDefinition": ("task-family", "family"),
    "aws:ecs/capacityProvider:CapacityProvider": ("capacity-provider", "name"),
    "aws:sns/topic:Topic": ("sns-topic", "name"),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboard", "dashboardName"),
    "aws:cloudwatch/logGroup:LogGroup": ("log-group", "name"),
    "aws:ec2/securityGroup:SecurityGroup": ("security-group", "name"),
    "aws:ec2/launchTemplate:LaunchTemplate": ("launch-template", "name"),
    "aws:autoscaling/group:Group": ("autoscaling-group", "name"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("alarm", "name"),
    "aws:appautoscaling/policy:Policy": ("scaling-policy", "name"),
    "aws:appautoscaling/scheduledAction:ScheduledAction": ("scheduled-action", "name"),
    "aws:sfn/stateMachine:StateMachine": ("state-machine", "name"),
    "aws:scheduler/schedule:Schedule": ("schedule", "name"),
}


@dataclass(frozen=True)
class Check:
    what: str
    largest: int  # the largest count seen (or names checked)
    limit: int | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def stack_with_services(
    count: int, stack: str = "dev", stacks_dir: Path = FIXTURES_DIR
) -> dict[str, Any]:
    """`stack`'s config (from `stacks_dir`, whose stack file declares its services) with `count`
    routed services cloned from its `api` (or its first routed service), replacing the rest."""
    config = read_stack_config(stack, stacks_dir)
    declared = config["ecs-platform:services"]
    routed = [name for name, service in declared.items() if service.get("routing")]
    template = declared["api" if "api" in declared else routed[0]]
    services = {}
    for index in range(count):
        service = copy.deepcopy(template)
        service["routing"] = {"pathPatterns": [f"/s{index}/*"], "priority": index + 1}
        service.pop("allowFrom", None)
        services[f"svc{index}"] = service
    config["ecs-platform:services"] = services
    return config


def name_check(synthesis: Synthesis) -> Check:
    problems, checked = [], 0
    for resource in synthesis.resources:
        kind, key = NAME_INPUTS.get(resource.type, (None, ""))
        name = resource.inputs.get(key)
        if kind is None or not isinstance(name, str):
            continue
        checked += 1
        problem = name_problem(kind, name)
        if problem:
            problems.append(f"{resource.urn}: {problem}")
    return Check("physical names valid (settings/names.py)", checked, None, tuple(problems))


def _over(what: str, counts: Counter[str], limit: int) -> Check:
    problems = tuple(f"{key}: {n} > {limit}" for key, n in counts.items() if n > limit)
    return Check(what, max(counts.values(), default=0), limit, problems)


def _rules_per_group(synthesis: Synthesis, direction: str) -> Counter[str]:
    """Rules per security group and direction: inline ones (one per CIDR, prefix list or group
    referenced) plus standalone vpc.SecurityGroup{Ingress,Egress}Rule resources."""
    counts: Counter[str] = Counter()
    by_id = {}
    for group in synthesis.of_type("aws:ec2/securityGroup:SecurityGroup"):
        by_id[group.outputs.get("id") or group.id] = group.name
        for rule in group.inputs.get(direction, []):
            destinations = (
                len(rule.get("cidrBlocks", []))
                + len(rule.get("prefixListIds", []))
                + len(rule.get("securityGroups", []))
                + int(bool(rule.get("self")))
            )
            counts[group.name] += max(destinations, 1)
    standalone = "Ingress" if direction == "ingress" else "Egress"
    for rule in synthesis.of_type(
        f"aws:vpc/securityGroup{standalone}Rule:SecurityGroup{standalone}Rule"
    ):
        counts[by_id.get(rule.inputs.get("securityGroupId"), "(unknown group)")] += 1
    return counts


def _widgets_per_dashboard(synthesis: Synthesis) -> Counter[str]:
    return Counter(
        {
            d.inputs["dashboardName"]: len(json.loads(d.inputs["dashboardBody"])["widgets"])
            for d in synthesis.of_type("aws:cloudwatch/dashboard:Dashboard")
        }
    )


def quota_checks(synthesis: Synthesis, quotas: QuotaSettings) -> Iterator[Check]:
    # one ALB per stack: its rules on every listener count (default actions do not)
    rules = Counter({"alb": len(synthesis.of_type("aws:lb/listenerRule:ListenerRule"))})
    yield _over("listener rules per ALB", rules, quotas.listener_rules)
    groups = Counter({"alb": len(synthesis.of_type("aws:lb/targetGroup:TargetGroup"))})
    yield _over("target groups per ALB", groups, quotas.target_groups)
    for direction in ("ingress", "egress"):
        yield _over(
            f"{direction} rules per security group",
            _rules_per_group(synthesis, direction),
            quotas.security_group_rules,
        )
    providers = Counter(
        {
            c.name: len(c.inputs["capacityProviders"])
            for c in synthesis.of_type("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
        }
    )
    yield _over("capacity providers per cluster", providers, CAPACITY_PROVIDERS_PER_CLUSTER)
    widgets = _widgets_per_dashboard(synthesis)
    yield _over(
        f"widgets per dashboard ({len(widgets)} dashboards)",
        widgets,
        CLOUDWATCH_WIDGETS_PER_DASHBOARD,
    )


def all_checks(synthesis: Synthesis, quotas: QuotaSettings) -> list[Check]:
    return [name_check(synthesis), *quota_checks(synthesis, quotas)]


def render_checks(checks: list[Check]) -> str:
    lines = ["| check | largest | limit | result |", "|---|---:|---:|---|"]
    for check in checks:
        limit = "-" if check.limit is None else str(check.limit)
        result = "ok" if check.ok else "; ".join(check.problems[:3])
        lines.append(f"| {check.what} | {check.largest} | {limit} | {result} |")
    return "\n".join(lines)
