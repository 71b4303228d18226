"""What the offline plan shows of each resource type: the properties a reviewer checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cost import nat_gateways
from harness.records import RecordedResource, mask_secrets
from review.summaries.compute import COMPUTE_SUMMARIES
from review.summaries.domain import DOMAIN_SUMMARIES
from review.summaries.jobs import JOB_SUMMARIES
from review.summaries.storage import STORAGE_SUMMARIES

Summary = dict[str, Any]


def _rules(rules: list[dict[str, Any]] | None) -> list[str]:
    described = []
    for rule in rules or []:
        sources = (
            rule.get("cidrBlocks") or rule.get("securityGroups") or rule.get("prefixListIds") or []
        )
        ports = rule.get("fromPort"), rule.get("toPort")
        port = str(ports[0]) if ports[0] == ports[1] else f"{ports[0]}-{ports[1]}"
        what = "all" if rule.get("protocol") == "-1" else f"{rule.get('protocol')}/{port}"
        described.append(f"{what} {','.join(map(str, sources))}".strip())
    return described


def _waf_rule(rule: dict[str, Any]) -> str:
    statement = rule.get("statement") or {}
    rate = statement.get("rateBasedStatement")
    if rate:
        return f"{rule['name']}: block over {rate.get('limit')} per {rate.get('aggregateKeyType')}"
    return str(rule["name"])


def _vpc(inputs: dict[str, Any]) -> Summary:
    zones = inputs.get("availabilityZoneNames") or []
    strategy = (inputs.get("natGateways") or {}).get("strategy", "OnePerAz")
    nat_count = nat_gateways(inputs)
    return {
        "cidr": inputs.get("cidrBlock"),
        "availabilityZones": zones,
        "natGateways": f"{nat_count} ({strategy})",
        "subnets": [
            f"{s.get('type')} /{s.get('cidrMask')} per AZ" for s in inputs.get("subnetSpecs") or []
        ],
    }


def _metric_alarm(inputs: dict[str, Any]) -> Summary:
    expression = next(
        (q["expression"] for q in inputs.get("metricQueries") or [] if q.get("expression")), None
    )
    statistic = inputs.get("statistic") or inputs.get("extendedStatistic")
    measured = expression or (f"{statistic} {inputs.get('namespace')}/{inputs.get('metricName')}")
    return {
        "when": f"{measured} {inputs.get('comparisonOperator')} {inputs.get('threshold')}",
        "window": f"{inputs.get('datapointsToAlarm')} of {inputs.get('evaluationPeriods')}"
        f" x {inputs.get('period') or 60}s, missing={inputs.get('treatMissingData')}",
        "actions": len(inputs.get("alarmActions") or []),
    }


def _oidc_subjects(document: str | None) -> Summary:
    """Who may assume a role through an OIDC provider: the exact `sub` values it trusts."""
    subjects = sorted(
        str(value)
        for s in json.loads(document or "{}").get("Statement", [])
        for key, value in s.get("Condition", {}).get("StringEquals", {}).items()
        if key.endswith(":sub")
    )
    return {"subjects": subjects} if subjects else {}


SUMMARIES: dict[str, Callable[[dict[str, Any]], Summary]] = {
    "awsx:ec2:Vpc": _vpc,
    "aws:cloudwatch/logGroup:LogGroup": lambda i: {
        "name": i.get("name"),
        "retentionDays": i.get("retentionInDays"),
        "customerKey": bool(i.get("kmsKeyId")),
    },
    "aws:ec2/flowLog:FlowLog": lambda i: {
        "trafficType": i.get("trafficType"),
        "destination": i.get("logDestinationType"),
    },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": lambda i: {
        "ingress": _rules(i.get("ingress")) or "none",
        "egress": _rules(i.get("egress")) or "none",
    },
    "aws:ec2/securityGroup:SecurityGroup": lambda i: {
        "name": i.get("name"),
        "ingress": _rules(i.get("ingress")) or ("none" if "ingress" in i else "separate rules"),
        "egress": _rules(i.get("egress")) or "none",
    },
    "aws:ec2/networkInterface:NetworkInterface": lambda i: {
        "subnet": i.get("subnetId"),
        "sourceDestCheck": i.get("sourceDestCheck"),
    },
    "aws:ec2/eip:Eip": lambda i: {"networkInterface": i.get("networkInterface")},
    "aws:ec2/route:Route": lambda i: {
        "route": f"{i.get('routeTableId')} {i.get('destinationCidrBlock')}"
        f" -> {i.get('networkInterfaceId') or i.get('natGatewayId') or i.get('gatewayId')}",
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": lambda i: {
        "service": i.get("serviceName"),
        "type": i.get("vpcEndpointType"),
    },
    "aws:iam/role:Role": lambda i: {
        "name": i.get("name"),
        "trustedBy": sorted(
            {
                str(s.get("Principal", {}).get("Service"))
                for s in json.loads(i.get("assumeRolePolicy") or "{}").get("Statement", [])
            }
        ),
        **_oidc_subjects(i.get("assumeRolePolicy")),
    },
    "aws:iam/policy:Policy": lambda i: {
        "name": i.get("name"),
        # IAM counts a managed policy's characters without whitespace, at most 6,144.
        "size": f"{len(''.join(str(i.get('policy') or '').split()))}/6144 characters",
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": lambda i: {
        "policy": str(i.get("policyArn", "")).rsplit("/", 1)[-1],
    },
    "aws:ecr/repository:Repository": lambda i: {
        "name": i.get("name"),
        "tags": i.get("imageTagMutability"),
        "scanOnPush": (i.get("imageScanningConfiguration") or {}).get("scanOnPush"),
        "encryption": [e.get("encryptionType") for e in i.get("encryptionConfigurations") or []],
        "forceDelete": i.get("forceDelete"),
    },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": lambda i: {
        "rules": [r["description"] for r in json.loads(i.get("policy") or "{}").get("rules", [])],
    },
    "aws:ecr/repositoryPolicy:RepositoryPolicy": lambda i: {
        "pullers": [
            principal
            for s in json.loads(i.get("policy") or "{}").get("Statement", [])
            for principal in s.get("Principal", {}).get("AWS", [])
        ],
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:sns/topic:Topic": lambda i: {"name": i.get("name"), "kms": bool(i.get("kmsMasterKeyId"))},
    "aws:sns/topicSubscription:TopicSubscription": lambda i: {
        "to": f"{i.get('protocol')} {i.get('endpoint')}"
    },
    "aws:kms/key:Key": lambda i: {
        "rotation": i.get("enableKeyRotation"),
        "deletionWindowDays": i.get("deletionWindowInDays"),
    },
    "aws:wafv2/webAcl:WebAcl": lambda i: {
        "name": i.get("name"),
        "rules": [_waf_rule(r) for r in sorted(i.get("rules") or [], key=lambda r: r["priority"])],
    },
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": lambda i: {
        "redactedHeaders": [
            (f.get("singleHeader") or {}).get("name") for f in i.get("redactedFields") or []
        ],
    },
    "aws:cloudwatch/dashboard:Dashboard": lambda i: {
        "name": i.get("dashboardName"),
        "widgets": len(json.loads(i.get("dashboardBody") or "{}").get("widgets", [])),
    },
    "aws:lb/targetGroup:TargetGroup": lambda i: {
        "target": f"{i.get('targetType')} {i.get('protocol')}:{i.get('port')}",
        "health": f"{(i.get('healthCheck') or {}).get('path')} every"
        f" {(i.get('healthCheck') or {}).get('interval')}s",
        "deregistrationDelay": i.get("deregistrationDelay"),
    },
    "aws:lb/listenerRule:ListenerRule": lambda i: {
        "priority": i.get("priority"),
        "when": [
            f"{kind} {values['values']}"
            for condition in i.get("conditions") or []
            for kind, values in condition.items()
        ],
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": lambda i: {
        "allow": f"{i.get('ipProtocol')}/{i.get('fromPort')} from"
        f" {i.get('referencedSecurityGroupId') or i.get('cidrIpv4')}",
    },
    "aws:lb/loadBalancer:LoadBalancer": lambda i: {
        "name": i.get("name"),
        "internal": i.get("internal"),
        "dropInvalidHeaders": i.get("dropInvalidHeaderFields"),
        "desyncMitigation": i.get("desyncMitigationMode"),
        "deletionProtection": i.get("enableDeletionProtection"),
        "accessLogs": (i.get("accessLogs") or {}).get("enabled", False),
    },
    "aws:lb/listener:Listener": lambda i: {
        "listen": f"{i.get('protocol')}:{i.get('port')}",
        "tlsPolicy": i.get("sslPolicy"),
        "default": [
            a.get("type") + (f" to {a['redirect'].get('protocol')}" if a.get("redirect") else "")
            for a in i.get("defaultActions") or []
        ],
    },
    "aws:sqs/queue:Queue": lambda i: {
        "name": i.get("name"),
        "fifo": i.get("fifoQueue"),
        "encryption": "kms"
        if i.get("kmsMasterKeyId")
        else ("sqs-managed" if i.get("sqsManagedSseEnabled") else "none"),
        "visibilityTimeoutSeconds": i.get("visibilityTimeoutSeconds"),
        "retentionSeconds": i.get("messageRetentionSeconds"),
        "redrive": i.get("redrivePolicy"),
    },
    "aws:iam/rolePolicy:RolePolicy": lambda i: {
        "actions": sorted(
            {
                action
                for s in json.loads(i.get("policy") or "{}").get("Statement", [])
                for action in s.get("Action", [])
            }
        ),
    },
    **COMPUTE_SUMMARIES,
    **DOMAIN_SUMMARIES,
    **STORAGE_SUMMARIES,
    **JOB_SUMMARIES,
}


def summarize(resource: RecordedResource) -> Summary:
    summary = SUMMARIES.get(resource.type)
    properties = summary(mask_secrets(resource.inputs)) if summary else {}
    if resource.protect:
        properties["protect"] = True
    if resource.ignore_changes:
        properties["ignoreChanges"] = resource.ignore_changes
    return {key: value for key, value in properties.items() if value not in (None, [], {})}
