"""Load balancer (ELB.*), EC2 / security group (EC2.*) and Auto Scaling controls; the instance
and Auto Scaling checks are in instance_checks.py."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .instance_checks import (
    INSTANCE,
    SUBNET,
    asg_elb_health_checks,
    asg_instance_types,
    asg_launch_template,
    asg_several_azs,
    encrypted_volumes,
    imdsv2,
    no_public_ip,
)
from .model import Context, Resource, Rule, as_list, number, truthy

LOAD_BALANCER = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENER = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
TARGET_GROUP = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"
SERVICE_COMPONENT = "ecs-platform:service:Service"
JOB_COMPONENT = "ecs-platform:job:Job"
WORLD = {"0.0.0.0/0", "::/0"}
HIGH_RISK_PORTS = (
    20,
    21,
    22,
    23,
    25,
    110,
    135,
    143,
    445,
    1433,
    1434,
    3000,
    3306,
    3389,
    4333,
    5000,
    5432,
    5500,
    5601,
    8080,
    8088,
    8888,
    9200,
    9300,
)
RECOMMENDED_TLS = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
)


# -- load balancers ----------------------------------------------------------------------------
def is_application(lb: Resource) -> bool:
    return str(lb.get("loadBalancerType", default="application")) == "application"


def http_redirects(listener: Resource, _: Context) -> Iterator[str]:
    if str(listener.get("protocol", default="")).upper() != "HTTP":
        return
    for action in as_list(listener.get("defaultActions")):
        redirect = action.get("redirect") or {}
        if action.get("type") == "redirect" and str(redirect.get("protocol")).upper() == "HTTPS":
            return
    yield f"HTTP listener on port {listener.get('port')} serves instead of redirecting to HTTPS"


def drop_invalid_headers(lb: Resource, _: Context) -> Iterator[str]:
    if is_application(lb) and not truthy(lb.get("dropInvalidHeaderFields")):
        yield "dropInvalidHeaderFields is not true"


def access_logs(lb: Resource, _: Context) -> Iterator[str]:
    if not truthy(lb.get("accessLogs", "enabled")):
        yield "access logs are off"


def deletion_protection(lb: Resource, _: Context) -> Iterator[str]:
    if not truthy(lb.get("enableDeletionProtection")):
        yield "enableDeletionProtection is not true"


def desync_mitigation(lb: Resource, _: Context) -> Iterator[str]:
    mode = str(lb.get("desyncMitigationMode", default="defensive")).lower()
    if is_application(lb) and mode not in {"defensive", "strictest"}:
        yield f"desyncMitigationMode is {mode}"


def several_azs(lb: Resource, _: Context) -> Iterator[str]:
    subnets = as_list(lb.get("subnets")) or as_list(lb.get("subnetMappings"))
    if len(subnets) < 2:
        yield f"load balancer spans {len(subnets)} subnet(s); at least two AZs needed"


def recommended_tls(listener: Resource, _: Context) -> Iterator[str]:
    if str(listener.get("protocol", default="")).upper() not in {"HTTPS", "TLS"}:
        return
    policy = listener.get("sslPolicy")
    if policy not in RECOMMENDED_TLS:
        yield f"sslPolicy {policy} is not a recommended TLS 1.3/1.2 policy"


def secure_protocols(resource: Resource, ctx: Context) -> Iterator[str]:
    protocol = str(resource.get("protocol", default="")).upper()
    if resource.type in TARGET_GROUP:
        if protocol == "HTTP":
            yield f"target group speaks plain HTTP to targets on port {resource.get('port')}"
        return
    yield from http_redirects(resource, ctx)


# -- security groups ---------------------------------------------------------------------------
def sg_rules(resource: Resource, direction: str) -> list[dict[str, Any]]:
    """Inline and standalone rules of one direction, in one shape (cidrs, ports, source)."""
    if resource.type == SECURITY_GROUP:
        return [
            _inline(rule) for rule in as_list(resource.get(direction)) if isinstance(rule, Mapping)
        ]
    kinds = {INGRESS_RULE: "ingress", EGRESS_RULE: "egress"}
    kind = kinds.get(resource.type) or resource.get("type")
    if kind != direction:
        return []
    props = resource.props
    cidrs = [
        props.get("cidrIpv4"),
        props.get("cidrIpv6"),
        *as_list(props.get("cidrBlocks")),
        *as_list(props.get("ipv6CidrBlocks")),
    ]
    return [
        {
            "cidrs": [c for c in cidrs if c],
            "from": props.get("fromPort"),
            "to": props.get("toPort"),
            "protocol": str(props.get("ipProtocol", props.get("protocol", ""))),
            "source_sg": props.get("referencedSecurityGroupId")
            or props.get("sourceSecurityGroupId"),
            "prefix_list": props.get("prefixListId") or props.get("prefixListIds"),
        }
    ]


def _inline(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "cidrs": [*as_list(rule.get("cidrBlocks")), *as_list(rule.get("ipv6CidrBlocks"))],
        "from": rule.get("fromPort"),
        "to": rule.get("toPort"),
        "protocol": str(rule.get("protocol", "")),
        "source_sg": as_list(rule.get("securityGroups")) or truthy(rule.get("self")),
        "prefix_list": rule.get("prefixListIds"),
    }


def port_range(rule: dict[str, Any]) -> tuple[int, int]:
    if rule["protocol"] in {"-1", "all"}:
        return 0, 65535
    return int(number(rule["from"])), int(number(rule["to"], number(rule["from"])))


def restricted_ingress(resource: Resource, ctx: Context) -> Iterator[str]:
    authorised = {int(p) for p in ctx.config.get("authorisedPorts", [443])}
    for rule in sg_rules(resource, "ingress"):
        if not WORLD & set(rule["cidrs"]):
            continue
        low, high = port_range(rule)
        risky = [p for p in HIGH_RISK_PORTS if low <= p <= high]
        if risky:
            yield f"ports {low}-{high} open to the world include high-risk ports {risky}"
        elif not (low == high and low in authorised):
            yield (
                f"port {low}-{high} open to the world"
                if low != high
                else (f"port {low} open to the world")
            )


def _task_group(resource: Resource) -> bool:
    """A service's or a job's task security group."""
    return resource.under(SERVICE_COMPONENT) or resource.under(JOB_COMPONENT)


def task_sg_ingress(resource: Resource, _: Context) -> Iterator[str]:
    if not _task_group(resource):
        return
    for rule in sg_rules(resource, "ingress"):
        if rule["cidrs"] or rule["prefix_list"] or not rule["source_sg"]:
            yield f"task ingress on port {rule['from']} from CIDRs or prefix lists, not a group"


def task_sg_egress(resource: Resource, _: Context) -> Iterator[str]:
    if not _task_group(resource):
        return
    for rule in sg_rules(resource, "egress"):
        if not WORLD & set(rule["cidrs"]):
            continue
        low, high = port_range(rule)
        if rule["protocol"].lower() not in {"tcp", "6"} or (low, high) != (443, 443):
            yield f"task egress {rule['protocol']} {low}-{high} to the world (only TCP 443 may be)"


def default_sg_closed(resource: Resource, _: Context) -> Iterator[str]:
    for direction in ("ingress", "egress"):
        if as_list(resource.get(direction)):
            yield f"the default security group has {direction} rules"


INGRESS_TYPES = (SECURITY_GROUP, INGRESS_RULE, SG_RULE)
NETWORK_RULES: tuple[Rule, ...] = (
    Rule(
        "elb-1-http-redirects-to-https",
        "ELB.1",
        "HTTP listeners only redirect to HTTPS.",
        "Set loadBalancer.certificateArn or loadBalancer.domain: port 80 then only redirects.",
        LISTENER,
        http_redirects,
    ),
    Rule(
        "elb-4-drop-invalid-headers",
        "ELB.4",
        "ALBs drop invalid HTTP header fields.",
        "Set dropInvalidHeaderFields true.",
        LOAD_BALANCER,
        drop_invalid_headers,
    ),
    Rule(
        "elb-5-access-logs",
        "ELB.5",
        "Load balancers write access logs.",
        "Set loadBalancer.accessLogs.enabled true.",
        LOAD_BALANCER,
        access_logs,
    ),
    Rule(
        "elb-6-deletion-protection",
        "ELB.6",
        "Production load balancers have deletion protection.",
        "Set loadBalancer.deletionProtection true.",
        LOAD_BALANCER,
        deletion_protection,
        tiers=("production",),
    ),
    Rule(
        "elb-12-desync-mitigation",
        "ELB.12",
        "ALBs use defensive or strictest desync mitigation.",
        "Set loadBalancer.desyncMitigationMode defensive or strictest.",
        LOAD_BALANCER,
        desync_mitigation,
    ),
    Rule(
        "elb-13-multiple-azs",
        "ELB.13",
        "Load balancers span at least two AZs.",
        "List at least two network.availabilityZones.",
        LOAD_BALANCER,
        several_azs,
    ),
    Rule(
        "elb-17-recommended-tls-policy",
        "ELB.17",
        "HTTPS/TLS listeners use a recommended TLS 1.3/1.2 security policy.",
        "Set loadBalancer.sslPolicy to one of the TLS13 policies.",
        LISTENER,
        recommended_tls,
    ),
    Rule(
        "elb-18-secure-protocols",
        "ELB.18",
        "Listeners and target groups encrypt traffic in transit (HTTPS).",
        "Serve HTTPS on the listener; use an HTTPS target group if targets terminate TLS.",
        LISTENER + TARGET_GROUP,
        secure_protocols,
    ),
    Rule(
        "ec2-2-default-sg-closed",
        "EC2.2",
        "The VPC default security group allows nothing.",
        "Manage it with ec2.DefaultSecurityGroup and no ingress or egress.",
        ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",),
        default_sg_closed,
    ),
    Rule(
        "ec2-8-170-imdsv2",
        "EC2.8 / EC2.170",
        "Launch templates and instances require IMDSv2.",
        "Set metadataOptions.httpTokens required (hop limit 1 for awsvpc tasks).",
        (LAUNCH_TEMPLATE, INSTANCE),
        imdsv2,
    ),
    Rule(
        "ec2-9-25-15-no-public-ip",
        "EC2.9 / EC2.25 / EC2.15",
        "Instances, launch templates and subnets assign no public IPs.",
        "Set associatePublicIpAddress false; keep instances in private subnets.",
        (LAUNCH_TEMPLATE, INSTANCE, SUBNET),
        no_public_ip,
    ),
    Rule(
        "ec2-18-19-restricted-ingress",
        "EC2.18 / EC2.19",
        "Ingress from the world only on authorised ports (HTTPS) and never on high-risk ports.",
        "Restrict loadBalancer.ingressCidrs or the port; waive port 80 only where it redirects.",
        INGRESS_TYPES,
        restricted_ingress,
        config_schema={
            "authorisedPorts": {"type": "array", "items": {"type": "integer"}, "default": [443]}
        },
    ),
    Rule(
        "ec2-181-encrypted-volumes",
        "EC2.181",
        "Launch templates and instances encrypt their EBS volumes.",
        "Set ebs.encrypted true on every block device mapping.",
        (LAUNCH_TEMPLATE, INSTANCE),
        encrypted_volumes,
    ),
    Rule(
        "task-sg-ingress-from-security-groups",
        "platform (network)",
        "Task security groups admit traffic only from security groups, never from CIDRs.",
        "Reach tasks through the ALB or allowFrom (security group references).",
        INGRESS_TYPES,
        task_sg_ingress,
    ),
    Rule(
        "task-sg-egress-restricted",
        "platform (network)",
        "Task security groups send to the internet only TCP 443, never all protocols.",
        "Limit egress to TCP 443 (AWS APIs via NAT or endpoints) and the VPC CIDR.",
        (SECURITY_GROUP, EGRESS_RULE, SG_RULE),
        task_sg_egress,
    ),
    Rule(
        "autoscaling-1-elb-health-checks",
        "AutoScaling.1",
        "Groups behind a load balancer use ELB health checks.",
        "Set healthCheckType ELB.",
        (ASG,),
        asg_elb_health_checks,
    ),
    Rule(
        "autoscaling-2-multiple-azs",
        "AutoScaling.2",
        "Groups span several AZs.",
        "Launch into the private subnets of at least two AZs.",
        (ASG,),
        asg_several_azs,
    ),
    Rule(
        "autoscaling-6-multiple-instance-types",
        "AutoScaling.6",
        "Groups use several instance types.",
        "List at least two cluster.ec2Pools.instanceTypes.",
        (ASG,),
        asg_instance_types,
    ),
    Rule(
        "autoscaling-9-launch-template",
        "AutoScaling.9",
        "Groups use launch templates.",
        "Use a launch template, not a launch configuration.",
        (ASG,),
        asg_launch_template,
    ),
)
