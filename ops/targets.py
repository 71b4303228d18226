"""Target groups of a routed service: the health of each target and, for blue/green, canary
and linear services, which of the two groups production traffic goes to.

ECS moves production between `<name>-tg` and `<name>-tg-alt` at every blue/green, canary or
linear deployment by rewriting the weights of the production listener rule's forward action
(ECS developer guide, "Amazon ECS blue/green deployments": "production traffic shift"), so the
serving group is read from that rule, never assumed. ELBv2 calls: DescribeTargetGroups (by
name), DescribeTargetHealth, DescribeListeners and DescribeRules (ELBv2 API reference).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def target_groups(elbv2: Any, names: Sequence[str]) -> list[dict[str, Any]]:
    """The target groups called `names` that exist (DescribeTargetGroups fails on any missing
    name, so each is asked alone)."""
    found = []
    for name in names:
        try:
            found += elbv2.describe_target_groups(Names=[name]).get("TargetGroups") or []
        except elbv2.exceptions.TargetGroupNotFoundException:
            continue
    return found


def target_health(elbv2: Any, groups: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per registered target: group name, target (ip:port), state, reason."""
    rows = []
    for group in groups:
        response = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
        for item in response.get("TargetHealthDescriptions") or []:
            target, health = item.get("Target") or {}, item.get("TargetHealth") or {}
            rows.append(
                {
                    "targetGroup": group["TargetGroupName"],
                    "target": f"{target.get('Id')}:{target.get('Port')}",
                    "ip": target.get("Id"),
                    "state": health.get("State"),
                    "reason": health.get("Reason"),
                    "description": health.get("Description"),
                }
            )
    return rows


def _forward_weights(rule: Mapping[str, Any]) -> dict[str, int]:
    weights: dict[str, int] = {}
    for action in rule.get("Actions") or []:
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        for group in groups:
            weights[group["TargetGroupArn"]] = int(group.get("Weight", 1))
        if not groups and action.get("TargetGroupArn"):
            weights[action["TargetGroupArn"]] = 1
    return weights


def production_weights(
    elbv2: Any, groups: Sequence[Mapping[str, Any]], priority: int | None
) -> dict[str, int]:
    """Target group name -> weight in the production rule: the listener rule forwarding to
    these groups at the service's routing priority (the test-traffic rule has another)."""
    by_arn = {g["TargetGroupArn"]: g["TargetGroupName"] for g in groups}
    balancers = sorted({arn for g in groups for arn in g.get("LoadBalancerArns") or []})
    candidates: list[dict[str, int]] = []
    for balancer in balancers:
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer).get("Listeners") or []:
            rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"]).get("Rules") or []
            for rule in rules:
                weights = _forward_weights(rule)
                if not set(weights) & set(by_arn):
                    continue
                named = {by_arn[arn]: w for arn, w in weights.items() if arn in by_arn}
                if priority is not None and str(rule.get("Priority")) == str(priority):
                    return named
                candidates.append(named)
    return candidates[0] if candidates else {}


def serving(weights: Mapping[str, int]) -> list[str]:
    """The groups production traffic reaches (weight above zero), heaviest first."""
    return [name for name, weight in sorted(weights.items(), key=lambda i: -i[1]) if weight > 0]
