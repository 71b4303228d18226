"""One Copilot environment manifest (aws/copilot-cli internal/pkg/manifest/env.go) as the
settings of one stack: the network (a VPC imported as `network.existing`, or the VPC the stack
creates), the ALB's certificate, access logs and ingress, and Container Insights."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from migrate.copilot.addons.keep import Place
from migrate.copilot.context import Context, fixed, placeholders_changed, to_key
from migrate.copilot.values import Interpolation, placeholder
from migrate.copilot.workspace import Manifest
from settings.load_balancer import TLS_POLICIES
from settings.rules.problem import PRODUCTION_MIN_LOG_RETENTION_DAYS
from settings.types import SUBNET_ID_PATTERN, VPC_ID_PATTERN

PRODUCTION_NAMES = {"prod", "production", "prd", "live"}
# copilot-cli site/content/docs/manifest/environment.en.md: network.vpc.cidr defaults to
# 10.0.0.0/16, and Copilot creates two public and two private subnets in two AZs.
COPILOT_DEFAULT_CIDR = "10.0.0.0/16"


def place(manifest: Manifest, stack: str) -> Place:
    """Where Copilot environment `manifest` goes: `stack`, the VPC it imported (network.vpc.id)
    and the VPC's range (network.vpc.cidr, Copilot's default when absent)."""
    network = manifest.body.get("network")
    vpc = network.get("vpc") if isinstance(network, dict) else None
    vpc = vpc if isinstance(vpc, dict) else {}
    vpc_id = vpc.get("id")
    cidr = str(vpc.get("cidr") or COPILOT_DEFAULT_CIDR)
    return Place(stack, str(vpc_id) if vpc_id else None, cidr)


def guess_tier(name: str) -> str:
    """production for prod, production, prd or live; development otherwise."""
    return "production" if name.lower() in PRODUCTION_NAMES else "development"


def map_environment(
    manifest: Manifest, app: str, stack: str, tier: str, region: str | None
) -> Context:
    """The stack's `ecs-platform:` settings (camelCase, without the namespace) in `out`, and
    the ledger's entries."""
    context = Context(manifest.file, manifest.name, "Environment", app,
                      Interpolation(app, manifest.name, stack, stack_file=True))  # fmt: skip
    context.tier = tier
    body = context.interpolation.walk(manifest.body)
    context.each(body, "", {
        "name": fixed("mapped", f"the stack {stack} (Pulumi.{stack}.yaml)"),
        "type": fixed("mapped", "one stack per environment"),
        "network": lambda c, v, p: c.each(v, p, {"vpc": _vpc}),
        "http": lambda c, v, p: c.each(v, p, {"public": _public, "private": _private}),
        "observability": lambda c, v, p: c.each(v, p, {"container_insights": _insights}),
        "cdn": fixed("not mapped", "no CloudFront distribution is made here: put one in front"
                     " of the ALB in another stack"),
    })  # fmt: skip
    placeholders_changed(context, body)
    _network_defaults(context, region)
    if tier == "production":
        context.put("alarms.notify.emails", [placeholder("the address alarms notify")])
    return context


def _insights(context: Context, value: Any, path: str) -> None:
    if isinstance(value, dict):
        level = "enhanced" if value.get("enhanced") else "enabled"
    else:
        level = "enabled" if value else "disabled"
    if level == "disabled":
        context.put("cluster.containerInsights", "enabled")
        why = (
            "tier production keeps Container Insights on (settings/rules/cluster.py, ECS.12)"
            if context.tier == "production"
            else "the policy pack's ecs-12-container-insights (AWS Security Hub ECS.12) is"
            " mandatory at every tier; a waiver in policy/waivers.yaml, with its reason, keeps"
            " it off in development"
        )
        context.changed(path, f"cluster.containerInsights enabled: {why}")
        return
    context.put("cluster.containerInsights", level)
    context.mapped(path, "cluster.containerInsights")


def _vpc(context: Context, value: Any, path: str) -> None:
    context.each(value, path, {
        "id": lambda c, v, p: _resource_id(c, v, p, "network.existing.vpcId", "VPC"),
        "cidr": to_key("network.cidr"),
        "subnets": _subnets,
        "flow_logs": _flow_logs,
        "security_group": fixed("not mapped", "there is no environment-wide security group"
                                " here: each service has its own (egress, allowFrom)"),
    })  # fmt: skip


def _subnets(context: Context, value: Any, path: str) -> None:
    for side in ("public", "private"):
        for index, subnet in enumerate((value or {}).get(side) or []):
            _subnet(context, side, index, subnet or {}, f"{path}.{side}[{index}]")
    for key in set(value or {}) - {"public", "private"}:
        context.not_mapped(f"{path}.{key}", "unknown field: not written")


def _resource_id(context: Context, value: Any, path: str, key: str, kind: str) -> None:
    """An id as written, or a placeholder where it cannot be one (the documentation's samples
    say `vpc-12345`): the plan would refuse it, so the import names it for the user to fill."""
    pattern = VPC_ID_PATTERN if kind == "VPC" else SUBNET_ID_PATTERN
    if re.match(pattern, str(value)):
        written = value
        context.mapped(path, key)
    else:
        written = placeholder(f"the id of {kind} {value} (not a {kind} id)")
        context.changed(path, f"{key}: {value!r} is not a {kind} id, written as a placeholder")
    if key.endswith("Ids"):
        context.put(key, [*(context.get(key) or []), written])
    else:
        context.put(key, written)


def _subnet(context: Context, side: str, index: int, subnet: dict[str, Any], path: str) -> None:
    if "id" in subnet:
        key = f"network.existing.{side}SubnetIds"
        _resource_id(context, subnet["id"], f"{path}.id", key, "subnet")
    try:
        mask = ipaddress.ip_network(str(subnet.get("cidr")), strict=False).prefixlen
    except ValueError:
        mask = None
    if "cidr" in subnet and mask is None:
        context.not_mapped(f"{path}.cidr", f"{subnet['cidr']!r} is not a CIDR range: not written")
    elif "cidr" in subnet:
        context.put(f"network.{side}SubnetMask", mask)
        context.changed(
            f"{path}.cidr",
            f"network.{side}SubnetMask {mask}: the stack makes a new"
            " VPC whose subnets are laid out from the mask; the exact ranges are not"
            " kept",
        )
    if "az" in subnet:
        zones = context.get("network.availabilityZones") or []
        if subnet["az"] not in zones:
            context.put("network.availabilityZones", [*zones, subnet["az"]])
        context.mapped(f"{path}.az", "network.availabilityZones")
    for key in set(subnet) - {"id", "cidr", "az"}:
        context.not_mapped(f"{path}.{key}", "unknown field: not written")


def _flow_logs(context: Context, value: Any, path: str) -> None:
    retention = value.get("retention", 14) if isinstance(value, dict) else 14
    if value is False:
        context.changed(path, "flow logs are always on for a VPC the stack creates")
        return
    if context.tier == "production" and retention < PRODUCTION_MIN_LOG_RETENTION_DAYS:
        context.put("network.flowLogs.retentionDays", PRODUCTION_MIN_LOG_RETENTION_DAYS)
        context.changed(
            path,
            f"network.flowLogs.retentionDays {PRODUCTION_MIN_LOG_RETENTION_DAYS}"
            f": tier production keeps logs a year (Copilot's {retention})",
        )
        return
    context.put("network.flowLogs.retentionDays", retention)
    context.mapped(path, "network.flowLogs.retentionDays")


def _public(context: Context, value: Any, path: str) -> None:
    context.each(value, path, {
        "certificates": _certificates,
        "access_logs": _access_logs,
        "ssl_policy": _ssl_policy,
        "ingress": lambda c, v, p: c.each(v, p, {
            "source_ips": to_key("loadBalancer.ingressCidrs"),
            "cdn": fixed("not mapped", "no CloudFront prefix-list ingress here"),
        }),
        "security_groups": fixed("not mapped", "the ALB's ingress is loadBalancer.ingressCidrs"),
    })  # fmt: skip


def _certificates(context: Context, value: Any, path: str) -> None:
    arns = list(value or [])
    if arns:
        context.put("loadBalancer.certificateArn", arns[0])
        context.mapped(f"{path}[0]", "loadBalancer.certificateArn")
    for index in range(1, len(arns)):
        context.not_mapped(
            f"{path}[{index}]",
            "one brought certificate per ALB here (or"
            " loadBalancer.domain, whose certificates the stack makes)",
        )


def _access_logs(context: Context, value: Any, path: str) -> None:
    context.put("loadBalancer.accessLogs.enabled", bool(value))
    if isinstance(value, dict):
        context.put("loadBalancer.accessLogs.enabled", True)
        context.changed(
            path,
            "loadBalancer.accessLogs: the stack makes its own bucket and prefix"
            " (bucket_name and prefix are not kept)",
        )
    else:
        context.mapped(path, "loadBalancer.accessLogs.enabled")


def _ssl_policy(context: Context, value: Any, path: str) -> None:
    if value in TLS_POLICIES:
        context.put("loadBalancer.sslPolicy", value)
        context.mapped(path, "loadBalancer.sslPolicy")
    else:
        context.changed(
            path,
            f"{value} is not allowed here: the listener uses {TLS_POLICIES[0]}"
            f" (allowed: {', '.join(TLS_POLICIES)})",
        )


def _private(context: Context, value: Any, path: str) -> None:
    context.not_mapped(
        path,
        "Copilot's internal ALB sits beside the public one; here a stack"
        " has one ALB (loadBalancer.internal: true makes it internal)",
    )


def certificate_default(
    context: Context, tier: str, aliases: Mapping[str, list[str]] | None = None
) -> None:
    """Routed services need HTTPS or, in development, plain HTTP: what Copilot did without a
    certificate (an HTTP listener on port 80) where the manifest brings none. `aliases`
    (service -> its `http.alias` names in this stack) need HTTPS in any tier: Copilot refuses an
    alias unless the environment imports certificates or the application has a domain
    (aws/copilot-cli internal/pkg/cli/deploy/lbws.go, `validateRuntimeRoutingRule`), and the
    application's domain is not in the workspace, so the certificate is asked for."""
    if context.get("loadBalancer.certificateArn") is not None:
        return
    path = "http.public.certificates (absent)"
    aliases = aliases or {}
    names = ", ".join(sorted({name for hosts in aliases.values() for name in hosts}))
    if names:
        services = ", ".join(
            f"{svc} ({', '.join(hosts)})" for svc, hosts in sorted(aliases.items())
        )
        certificate = placeholder(f"the ACM certificate ARN (covering {names})")
        context.put("loadBalancer.certificateArn", certificate)
        context.changed(
            path,
            f"loadBalancer.certificateArn (a placeholder): the http.alias names of {services}"
            " are served over HTTPS, and Copilot deploys an alias only with the environment's"
            " imported certificates or the application's domain (copilot app init --domain),"
            " which the workspace does not record: give an ACM certificate of the stack's"
            " region covering them, or instead loadBalancer.domain (the domain's hosted zone:"
            " the stack then makes the certificate and the alias records); plain HTTP is not"
            " kept for an alias",
        )
    elif tier == "production":
        context.put("loadBalancer.certificateArn", placeholder("the ACM certificate ARN"))
        context.changed(
            path,
            "tier production serves HTTPS only: give the ALB's certificate"
            " (loadBalancer.certificateArn), or a zone (loadBalancer.domain)",
        )
    else:
        context.put("loadBalancer.allowPlainHttp", True)
        context.changed(
            path,
            "loadBalancer.allowPlainHttp: plain HTTP on port 80 without a"
            " certificate, as Copilot served it (development only)",
        )


def backlog_insights(context: Context, workers: list[str]) -> None:
    """`workers` (names) scale on backlog per task in this stack: the metric divides by
    ECS/ContainerInsights RunningTaskCount (settings/rules/queues.py `queue_scaling`), so
    Container Insights is turned on where the environment left it off, and said. Copilot
    counted the running tasks in a Lambda function instead (aws/copilot-cli
    cf-custom-resources/lib/backlog-per-task-calculator.js, ECS DescribeServices), and left
    Container Insights off unless the manifest enabled it
    (internal/pkg/template/templates/environment/cf.yml, ClusterSettings)."""
    current = context.get("cluster.containerInsights")
    if not workers or current not in (None, "disabled"):
        return
    path = "observability.container_insights" + (" (absent)" if current is None else "")
    context.entries = [entry for entry in context.entries if entry[0] != path]
    context.put("cluster.containerInsights", "enabled")
    context.changed(
        path,
        f"cluster.containerInsights enabled (the Copilot environment had it off):"
        f" count.queue_delay of {', '.join(workers)} scales on scaling.backlogPerTask here,"
        " whose metric divides by ECS/ContainerInsights RunningTaskCount (Copilot's Lambda"
        " function counted the tasks itself); Container Insights is billed: to keep it off,"
        " scale on cpuTarget instead of backlogPerTask",
    )


def _network_defaults(context: Context, region: str | None) -> None:
    """A created VPC needs a range and zones: Copilot's defaults where the manifest has none."""
    if context.get("network.existing") is not None:
        if not context.get("network.existing.privateSubnetIds"):
            context.put("network.existing.privateSubnetIds",
                        [placeholder("the private subnet ids of the imported VPC")])  # fmt: skip
        return
    if context.get("network.cidr") is None:
        context.put("network.cidr", COPILOT_DEFAULT_CIDR)
        context.changed(
            "network.vpc.cidr (absent)",
            f"network.cidr {COPILOT_DEFAULT_CIDR},"
            " Copilot's default: the stack makes a new VPC with this range",
        )
    if not context.get("network.availabilityZones"):
        zones = [f"{region}a", f"{region}b"] if region else [placeholder("two AZs of the region")]
        context.put("network.availabilityZones", zones)
        context.changed(
            "network.vpc.subnets (absent)",
            f"network.availabilityZones {zones}:"
            " Copilot took the region's first two zones; check they are the ones"
            " your account uses",
        )
