"""Risk flags on a plan diff: what a reviewer must not miss. Pure functions over diff.Change."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from components.common.ci_catalogue.data_classes import holds
from harness.deployments import SERVICE, strategy_of
from harness.records import RecordedResource, inputs_document
from review.diff import Change
from review.risks.codes import RISK_CODES
from review.risks.domain import DOMAIN_CHECKS
from review.risks.jobs import JOB_CHECKS
from review.risks.shared import shared_resource_flags

GENERATED_ID = re.compile(r"^[a-z]+(-[a-z]+)*-[0-9a-f]{8,}$")  # sg-0a1b..., subnet-..., vpc-...
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
IAM_DOCUMENTS = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:kms/key:Key": "policy",
}
CAPACITY_FIELDS = {
    "aws:autoscaling/group:Group": ("minSize", "maxSize", "desiredCapacity"),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
    "aws:ecs/service:Service": ("desiredCount",),
}


@dataclass(frozen=True)
class Risk:
    code: str
    urn: str | None
    message: str
    blocking: bool = False  # AWS refuses a step of the change: the plan exits 4

    def __post_init__(self) -> None:
        known = RISK_CODES.get(self.code)
        if known is None or known.blocking != self.blocking:
            raise ValueError(
                f"risk code {self.code!r} (blocking={self.blocking}) is not in"
                " review/risks/codes.py as such: list it there with its meaning"
            )


def _inputs(change: Change, side: str) -> dict[str, Any]:
    return inputs_document(change.old if side == "old" else change.new)


def loss_kind(change: Change, tier: str) -> str | None:
    """ "protected" when the engine refuses the change (a `protect`ed resource deleted, or
    replaced while it stays protected), "data" when it loses data in a production stack, None
    otherwise. Either is a blocking hazard (review/risks/data_loss.py)."""
    if change.action not in ("delete", "replace") or change.old is None:
        return None
    if change.old.protect and (change.new is None or change.new.protect):
        return "protected"
    if tier == "production" and holds(change.type).kind == "data":
        return "data"
    return None


def _stateful(change: Change, tier: str) -> Iterator[Risk]:
    """What holds data (in a development stack) or identity, deleted or replaced, when nothing
    blocks it (the type's class: components/common/ci_catalogue/data_classes.py)."""
    held = holds(change.type)
    if held.kind == "neither" or change.action not in ("delete", "replace"):
        return
    if loss_kind(change, tier) is not None:
        return  # a blocking hazard says it, with the safe sequence
    verb = "deleted" if change.action == "delete" else "replaced (deleted, then created anew)"
    what = f"holds {held.what}" if held.kind == "data" else f"is known to others by {held.what}"
    yield Risk(
        f"stateful-{change.action}",
        change.urn,
        f"{change.name} ({change.type}) {what}: it would be {verb}.",
    )


def _protect(change: Change, tier: str) -> Iterator[Risk]:
    """A protected resource left unprotected (deleting one is the blocking protected-delete)."""
    if change.old is not None and change.old.protect and change.new and not change.new.protect:
        yield Risk(
            "protect-removed",
            change.urn,
            f"{change.name} was protected and would be left unprotected.",
        )


def _ports(rule: dict[str, Any]) -> tuple[int, int]:
    low, high = rule.get("fromPort", 0) or 0, rule.get("toPort", 0) or 0
    return (
        (0, 65535) if str(rule.get("protocol") or rule.get("ipProtocol")) == "-1" else (low, high)
    )


def _ingress_rules(change: Change, side: str) -> set[tuple[str, str, int, int]]:
    """(protocol, source, from, to) for every source of every ingress rule on one side."""
    inputs = _inputs(change, side)
    if change.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        rules = [inputs] if inputs else []
    elif change.type == "aws:ec2/securityGroupRule:SecurityGroupRule":
        rules = [inputs] if inputs.get("type") == "ingress" else []
    elif change.type.endswith(
        ("/securityGroup:SecurityGroup", "SecurityGroup:DefaultSecurityGroup")
    ):
        rules = inputs.get("ingress") or []
    else:
        return set()
    found = set()
    for rule in rules:
        protocol = str(rule.get("protocol") or rule.get("ipProtocol"))
        sources = [
            *(rule.get("cidrBlocks") or []),
            *(rule.get("ipv6CidrBlocks") or []),
            *(rule.get("securityGroups") or []),
            *(rule.get("prefixListIds") or []),
            *[
                rule[k]
                for k in (
                    "cidrIpv4",
                    "cidrIpv6",
                    "referencedSecurityGroupId",
                    "prefixListId",
                    "sourceSecurityGroupId",
                )
                if rule.get(k)
            ],
        ]
        found.update((protocol, str(source), *_ports(rule)) for source in sources or ["(self)"])
    return found


def _describe_rule(rule: tuple[str, str, int, int]) -> str:
    protocol, source, low, high = rule
    ports = str(low) if low == high else f"{low}-{high}"
    return f"{protocol}/{ports} from {source}"


def _within(source: str, wider: str) -> bool:
    """`source` is `wider` or, for CIDRs of one family, a subnet of it."""
    if source == wider:
        return True
    try:
        inner, outer = ipaddress.ip_network(source), ipaddress.ip_network(wider)
    except ValueError:
        return False
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def _covered(rule: tuple[str, str, int, int], old: set[tuple[str, str, int, int]]) -> bool:
    protocol, source, low, high = rule
    return any(
        r[0] == protocol and _within(source, r[1]) and r[2] <= low and high <= r[3] for r in old
    )


def _ingress(change: Change, tier: str) -> Iterator[Risk]:
    old, new = _ingress_rules(change, "old"), _ingress_rules(change, "new")
    for rule in sorted(new - old):
        if _covered(rule, old):
            continue  # narrower than something already allowed
        _, source, low, high = rule
        if source in OPEN_CIDRS:
            why = "opens it to the whole internet"
        elif any(r[1] == source and r[2] >= low and r[3] <= high for r in old):
            why = "widens the port range"
        elif any(r[1] == source for r in old):
            why = "adds ports for an existing source"
        else:
            why = "adds a new source"
        message = f"{change.name}: ingress {_describe_rule(rule)} {why}."
        yield Risk("ingress-widened", change.urn, message)


def _statements(document: Any) -> list[dict[str, Any]]:
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    statements = statements if isinstance(statements, list) else [statements]
    return [s for s in statements if isinstance(s, dict) and s.get("Effect", "Allow") == "Allow"]


def _as_set(value: Any) -> set[str]:
    if value is None:
        return set()
    return {str(v) for v in value} if isinstance(value, list) else {str(value)}


def _grants(change: Change, side: str) -> dict[str, set[str]]:
    document = _inputs(change, side).get(IAM_DOCUMENTS.get(change.type, ""), {})
    grants: dict[str, set[str]] = {"actions": set(), "anywhere": set(), "principals": set()}
    for statement in _statements(document):
        actions = _as_set(statement.get("Action"))
        grants["actions"] |= actions
        if "*" in _as_set(statement.get("Resource")):
            grants["anywhere"] |= actions  # actions allowed on every resource
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            for kind, values in principal.items():
                grants["principals"] |= {f"{kind}:{v}" for v in _as_set(values)}
        elif principal is not None:
            grants["principals"] |= {f"*:{principal}"}
    return grants


def _iam(change: Change, tier: str) -> Iterator[Risk]:
    if change.type not in IAM_DOCUMENTS or change.new is None:
        return
    old, new = _grants(change, "old"), _grants(change, "new")
    if change.type == "aws:iam/role:Role":
        yield from _trust(change, old["principals"], new["principals"])
        return
    added_actions = sorted(new["actions"] - old["actions"])
    if added_actions:
        shown = ", ".join(added_actions[:5]) + (" ..." if len(added_actions) > 5 else "")
        yield Risk("iam-widened", change.urn, f"{change.name} allows new actions: {shown}.")
    anywhere = sorted(new["anywhere"] - old["anywhere"])
    if anywhere:
        shown = ", ".join(anywhere[:5]) + (" ..." if len(anywhere) > 5 else "")
        message = f"{change.name} now allows {shown} on every resource (*)."
        yield Risk("iam-widened", change.urn, message)
    added_principals = sorted(new["principals"] - old["principals"])
    if added_principals:
        trusted = ", ".join(p.split(":", 1)[1] for p in added_principals)
        yield Risk("iam-widened", change.urn, f"{change.name} trusts new principals: {trusted}.")
        if change.type == "aws:ecr/repositoryPolicy:RepositoryPolicy":
            yield Risk(
                "public-exposure",
                change.urn,
                f"{change.name} lets new accounts pull images: {trusted}.",
            )


def _trust(change: Change, old: set[str], new: set[str]) -> Iterator[Risk]:
    """A trust policy's actions (sts:AssumeRole, sts:TagSession) grant nothing: who may assume
    the role is what matters. A new role trusted by an AWS service (ecs-tasks.amazonaws.com) is
    how every task gets its role; a new account, role or federated principal, or any change of
    an existing role's trust, is flagged."""
    added = sorted(new - old)
    if change.action == "add":
        added = [p for p in added if not _aws_service(p)]
    if added:
        trusted = ", ".join(p.split(":", 1)[1] for p in added)
        yield Risk("iam-widened", change.urn, f"{change.name} trusts new principals: {trusted}.")


def _aws_service(principal: str) -> bool:
    kind, _, value = principal.partition(":")
    return kind == "Service" and value.endswith(".amazonaws.com")


def logical_namer(resources: Iterable[RecordedResource]) -> Callable[[str], str]:
    """A function that replaces each mock (or real) id and ARN of a recorded resource in a text
    by the resource's logical name in backticks (`alb-sg`): what a reviewer knows it by."""
    names: dict[str, str] = {}
    for resource in resources:
        if not resource.custom:
            continue
        for value in (resource.id, resource.outputs.get("arn")):
            if isinstance(value, str) and (value.startswith("arn:") or GENERATED_ID.match(value)):
                names.setdefault(value, resource.name)  # ids and ARNs, not physical names
    longest_first = sorted(names, key=len, reverse=True)

    def name(text: str) -> str:
        # One pattern of the values in this text only: the same matches as one pattern of them
        # all, without compiling thousands of alternatives for a large stack.
        present = [value for value in longest_first if value in text]
        if not present:
            return text
        pattern = re.compile("|".join(re.escape(value) for value in present))
        return pattern.sub(lambda m: f"`{names[m.group(0)]}`", text)

    return name


def with_logical_names(risks: Iterable[Risk], resources: Iterable[RecordedResource]) -> list[Risk]:
    """The risks with ids and ARNs in their messages named by logical name."""
    name = logical_namer(resources)
    return [dataclasses.replace(risk, message=name(risk.message)) for risk in risks]


def _public_ip(inputs: dict[str, Any], type_: str) -> bool:
    if type_ == "aws:ecs/service:Service":
        return bool((inputs.get("networkConfiguration") or {}).get("assignPublicIp"))
    if type_ == "aws:ec2/launchTemplate:LaunchTemplate":
        return any(
            n.get("associatePublicIpAddress") in (True, "true")
            for n in inputs.get("networkInterfaces") or []
        )
    if type_ == "aws:ec2/instance:Instance":
        return bool(inputs.get("associatePublicIpAddress"))
    return False


def _exposure(change: Change, tier: str) -> Iterator[Risk]:
    if change.new is None:
        return
    old, new = _inputs(change, "old"), _inputs(change, "new")
    if (
        change.type == "aws:lb/loadBalancer:LoadBalancer"
        and old.get("internal")
        and not new.get("internal")
    ):
        yield Risk(
            "public-exposure",
            change.urn,
            f"{change.name} changes from internal to internet-facing.",
        )
    if _public_ip(new, change.type) and not (change.old and _public_ip(old, change.type)):
        yield Risk(
            "public-exposure",
            change.urn,
            f"{change.name} gives its tasks or instances a public IP address.",
        )


def _capacity(change: Change, tier: str) -> Iterator[Risk]:
    if tier != "production" or change.action not in ("update", "replace"):
        return
    old, new = _inputs(change, "old"), _inputs(change, "new")
    for key in CAPACITY_FIELDS.get(change.type, ()):
        before, after = old.get(key), new.get(key)
        if isinstance(before, int | float) and isinstance(after, int | float) and after < before:
            yield Risk(
                "capacity-reduced",
                change.urn,
                f"{change.name}: {key} lowered from {before} to {after} in a production stack.",
            )


def _deployment_strategy(change: Change, tier: str) -> Iterator[Risk]:
    """A service moving between rolling, blue/green, canary and linear: the next deployment runs
    differently (twice the tasks, alarms instead of the circuit breaker, a second target group)."""
    if change.type != SERVICE or change.action != "update":
        return
    before, after = strategy_of(_inputs(change, "old")), strategy_of(_inputs(change, "new"))
    # leaving blue/green, canary or linear is a blocking hazard (hazards.leaving_progressive)
    if before != after and not (after == "ROLLING" and before != "ROLLING"):
        yield Risk(
            "deployment-strategy",
            change.urn,
            f"{change.name}: deployment strategy {before} -> {after}; the next deployment runs"
            " the new way (docs/deployments.md).",
        )


def _domains(change: Change, tier: str) -> Iterator[Risk]:
    """A hostname going away, a certificate replaced (review/risks/domain.py)."""
    for check in DOMAIN_CHECKS:
        for code, urn, message in check(change, tier):
            yield Risk(code, urn, message)


def _jobs(change: Change, tier: str) -> Iterator[Risk]:
    """A job's schedule changing or going away (review/risks/jobs.py)."""
    for check in JOB_CHECKS:
        for code, urn, message in check(change, tier):
            yield Risk(code, urn, message)


CHECKS: tuple[Callable[[Change, str], Iterable[Risk]], ...] = (
    _stateful,
    _protect,
    _ingress,
    _iam,
    _exposure,
    _capacity,
    _deployment_strategy,
    _domains,
    _jobs,
)


def assess(
    changes: Sequence[Change], tier: str, new: Sequence[RecordedResource] = ()
) -> list[Risk]:
    """Every risk of every change, in change order; `tier` is the new side's tier; `new` (the
    new side's resources) tells what the stack owns (review/risks/shared.py)."""
    risks = [risk for change in changes for check in CHECKS for risk in check(change, tier)]
    if not new:  # without the new side's resources nothing tells what the stack owns
        return risks
    return risks + [Risk(code, urn, message) for code, urn, message in
                    shared_resource_flags(changes, new)]  # fmt: skip


def cost_risk(
    monthly: float | None, base_monthly: float | None, threshold: float = 0.10
) -> Risk | None:
    if monthly is None or base_monthly is None or monthly <= base_monthly * (1 + threshold):
        return None
    if base_monthly == 0:
        return Risk("cost-up", None, f"The monthly estimate rises from 0 to {monthly:.2f}.")
    rise = (monthly - base_monthly) / base_monthly * 100
    return Risk(
        "cost-up",
        None,
        f"The monthly estimate rises by {rise:.0f}% ({base_monthly:.2f} to {monthly:.2f}).",
    )
