"""Offline plan: what a stack would create, from the real program run under mocks.

    python -m offline.plan [STACK] [--json]

No AWS account and no Pulumi CLI needed. Bad stack config prints the same error the program
raises under `pulumi up` and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from offline.harness import PROJECT_DIR, ConfigFileError, Synthesis, SynthesisError, run_program
from offline.mocks import RecordedResource

Summary = dict[str, Any]


def _rules(rules: list[dict[str, Any]] | None) -> list[str]:
    described = []
    for rule in rules or []:
        sources = (
            rule.get("cidrBlocks") or rule.get("securityGroups") or rule.get("prefixListIds") or []
        )
        ports = rule.get("fromPort"), rule.get("toPort")
        port = str(ports[0]) if ports[0] == ports[1] else f"{ports[0]}-{ports[1]}"
        described.append(f"{rule.get('protocol')}/{port} {','.join(map(str, sources))}".strip())
    return described


def _vpc(inputs: dict[str, Any]) -> Summary:
    zones = inputs.get("availabilityZoneNames") or []
    strategy = (inputs.get("natGateways") or {}).get("strategy", "OnePerAz")
    nat_count = {"None": 0, "Single": 1}.get(strategy, len(zones))
    return {
        "cidr": inputs.get("cidrBlock"),
        "availabilityZones": zones,
        "natGateways": f"{nat_count} ({strategy})",
        "subnets": [
            f"{s.get('type')} /{s.get('cidrMask')} per AZ" for s in inputs.get("subnetSpecs") or []
        ],
    }


def _capacity_provider(inputs: dict[str, Any]) -> Summary:
    provider = inputs.get("autoScalingGroupProvider") or {}
    scaling = provider.get("managedScaling") or {}
    return {
        "name": inputs.get("name"),
        "managedScaling": f"{scaling.get('status')} target {scaling.get('targetCapacity')}%",
        "terminationProtection": provider.get("managedTerminationProtection"),
        "draining": provider.get("managedDraining"),
    }


def _auto_scaling_group(inputs: dict[str, Any]) -> Summary:
    policy = inputs.get("mixedInstancesPolicy")
    summary: Summary = {
        "name": inputs.get("name"),
        "size": f"{inputs.get('minSize')}..{inputs.get('maxSize')}",
    }
    if policy:
        distribution = policy.get("instancesDistribution") or {}
        template = policy.get("launchTemplate") or {}
        summary |= {
            "instanceTypes": [o.get("instanceType") for o in template.get("overrides") or []],
            "onDemand": f"base {distribution.get('onDemandBaseCapacity')}, "
            f"{distribution.get('onDemandPercentageAboveBaseCapacity')}% above base",
            "protectFromScaleIn": inputs.get("protectFromScaleIn"),
            "forceDelete": inputs.get("forceDelete"),
            "templateVersion": (template.get("launchTemplateSpecification") or {}).get("version"),
        }
    else:
        summary["templateVersion"] = (inputs.get("launchTemplate") or {}).get("version")
    summary["instanceRefresh"] = _instance_refresh(inputs.get("instanceRefresh") or {})
    return summary


def _instance_refresh(refresh: dict[str, Any]) -> str | None:
    if not refresh:
        return None
    preferences = refresh.get("preferences") or {}
    shown = {
        "min": "minHealthyPercentage",
        "max": "maxHealthyPercentage",
        "warmup": "instanceWarmup",
        "skipMatching": "skipMatching",
        "protected": "scaleInProtectedInstances",
    }
    return " ".join(
        [refresh.get("strategy") or "?"]
        + [f"{label}={preferences[key]}" for label, key in shown.items() if key in preferences]
    )


def _task_definition(inputs: dict[str, Any]) -> Summary:
    containers = json.loads(inputs.get("containerDefinitions") or "[]")
    platform = inputs.get("runtimePlatform") or {}
    return {
        "size": f"{inputs.get('cpu')} cpu / {inputs.get('memory')} MiB",
        "platform": f"{platform.get('operatingSystemFamily')}/{platform.get('cpuArchitecture')}",
        "launch": inputs.get("requiresCompatibilities"),
        "containers": [
            f"{c['name']} {c['image']}"
            + (f" :{c['portMappings'][0]['containerPort']}" if c.get("portMappings") else "")
            for c in containers
        ],
        "secrets": sorted(s["name"] for c in containers for s in c.get("secrets", [])),
    }


def _ecs_service(inputs: dict[str, Any]) -> Summary:
    strategy = inputs.get("capacityProviderStrategies")
    breaker = inputs.get("deploymentCircuitBreaker") or {}
    alarms = inputs.get("alarms") or {}
    return {
        "desiredCount": inputs.get("desiredCount"),
        "capacity": [f"{s['capacityProvider']} w={s.get('weight')}" for s in strategy]
        if strategy
        else "cluster default",
        "publicIp": (inputs.get("networkConfiguration") or {}).get("assignPublicIp"),
        "circuitBreaker": f"enable={breaker.get('enable')} rollback={breaker.get('rollback')}",
        "deploymentAlarms": (
            f"{', '.join(alarms.get('alarmNames') or [])} rollback={alarms.get('rollback')}"
            if alarms
            else "none"
        ),
        "exec": inputs.get("enableExecuteCommand"),
        "serviceConnect": bool((inputs.get("serviceConnectConfiguration") or {}).get("enabled")),
    }


def _scaling_policy(inputs: dict[str, Any]) -> Summary:
    tracking = inputs.get("targetTrackingScalingPolicyConfiguration")
    if tracking:
        metric = tracking["predefinedMetricSpecification"]["predefinedMetricType"]
        return {"track": f"{metric} = {tracking['targetValue']}"}
    steps = (inputs.get("stepScalingPolicyConfiguration") or {}).get("stepAdjustments", [])
    return {
        "steps": [
            f"[{s.get('metricIntervalLowerBound', '-inf')},"
            f" {s.get('metricIntervalUpperBound', '+inf')}) {s['scalingAdjustment']:+d}"
            for s in steps
        ]
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


SUMMARIES: dict[str, Callable[[dict[str, Any]], Summary]] = {
    "awsx:ec2:Vpc": _vpc,
    "aws:cloudwatch/logGroup:LogGroup": lambda i: {
        "name": i.get("name"),
        "retentionDays": i.get("retentionInDays"),
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
    "aws:ecs/cluster:Cluster": lambda i: {
        "name": i.get("name"),
        "containerInsights": next(
            (s["value"] for s in i.get("settings") or [] if s["name"] == "containerInsights"), None
        ),
    },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": lambda i: {
        "providers": i.get("capacityProviders"),
        "defaultStrategy": [
            f"{s['capacityProvider']} weight={s.get('weight')} base={s.get('base')}"
            for s in i.get("defaultCapacityProviderStrategies") or []
        ],
    },
    "aws:ecs/capacityProvider:CapacityProvider": _capacity_provider,
    "aws:ec2/launchTemplate:LaunchTemplate": lambda i: {
        "imdsv2": (i.get("metadataOptions") or {}).get("httpTokens"),
        "hopLimit": (i.get("metadataOptions") or {}).get("httpPutResponseHopLimit"),
        "rootVolume": [
            f"{m['ebs'].get('volumeSize')} GiB {m['ebs'].get('volumeType')}"
            f" encrypted={m['ebs'].get('encrypted')}"
            for m in i.get("blockDeviceMappings") or []
        ],
        "publicIp": [n.get("associatePublicIpAddress") for n in i.get("networkInterfaces") or []],
        "image": i.get("description"),
    },
    "aws:autoscaling/group:Group": _auto_scaling_group,
    "aws:ecs/taskDefinition:TaskDefinition": _task_definition,
    "aws:ecs/service:Service": _ecs_service,
    "aws:appautoscaling/policy:Policy": _scaling_policy,
    "aws:appautoscaling/target:Target": lambda i: {
        "tasks": f"{i.get('minCapacity')}..{i.get('maxCapacity')}"
    },
    "aws:appautoscaling/scheduledAction:ScheduledAction": lambda i: {
        "schedule": f"{i.get('schedule')} {i.get('timezone')}",
        "tasks": f"{(i.get('scalableTargetAction') or {}).get('minCapacity')}.."
        f"{(i.get('scalableTargetAction') or {}).get('maxCapacity')}",
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:sns/topic:Topic": lambda i: {"name": i.get("name"), "kms": bool(i.get("kmsMasterKeyId"))},
    "aws:sns/topicSubscription:TopicSubscription": lambda i: {
        "to": f"{i.get('protocol')} {i.get('endpoint')}"
    },
    "aws:kms/key:Key": lambda i: {"rotation": i.get("enableKeyRotation")},
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
    "aws:iam/rolePolicy:RolePolicy": lambda i: {
        "actions": sorted(
            {
                action
                for s in json.loads(i.get("policy") or "{}").get("Statement", [])
                for action in s.get("Action", [])
            }
        ),
    },
}


def summarize(resource: RecordedResource) -> Summary:
    summary = SUMMARIES.get(resource.type)
    properties = summary(resource.inputs) if summary else {}
    if resource.protect:
        properties["protect"] = True
    if resource.ignore_changes:
        properties["ignoreChanges"] = resource.ignore_changes
    return {key: value for key, value in properties.items() if value not in (None, [], {})}


def build_plan(synthesis: Synthesis) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for resource in synthesis.resources:
        if resource.is_component and not resource.remote:
            continue
        top = synthesis.top_component(resource)
        group = f"{top.name} ({top.type})" if top is not None else "(stack)"
        groups.setdefault(group, []).append(
            {"type": resource.type, "name": resource.name, "properties": summarize(resource)}
        )
    for resources in groups.values():
        resources.sort(key=lambda r: (r["type"], r["name"]))
    groups = dict(sorted(groups.items()))
    return {
        "stack": synthesis.stack,
        "components": groups,
        "counts": synthesis.count_by_type(),
        "total": len(synthesis.resources),
        "outputs": synthesis.outputs,
    }


def render_text(plan: dict[str, Any]) -> str:
    lines = [
        f"Offline plan for stack '{plan['stack']}' (Pulumi mocks; nothing was sent to AWS)",
        "",
    ]
    for group, resources in plan["components"].items():
        lines.append(f"{group}: {len(resources)} resources")
        for resource in resources:
            lines.append(f"  + {resource['type']}  {resource['name']}")
            for key, value in resource["properties"].items():
                shown = ", ".join(map(str, value)) if isinstance(value, list) else value
                lines.append(f"      {key}: {shown}")
        lines.append("")
    lines.append("Resources by type:")
    width = max((len(t) for t in plan["counts"]), default=0)
    for type_, count in plan["counts"].items():
        lines.append(f"  {type_.ljust(width)}  {count}")
    lines.append(f"  {'total'.ljust(width)}  {plan['total']}")
    lines.append("")
    lines.append("Stack outputs:")
    for key, value in plan["outputs"].items():
        lines.append(f"  {key}: {json.dumps(value)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stack", nargs="?", default="dev", help="stack name (default: dev)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="the Pulumi project to plan"
    )
    options = parser.parse_args(argv)
    try:
        synthesis = run_program(options.stack, project_dir=options.project_dir.resolve())
    except ConfigFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SynthesisError as failure:
        print(f"error: {failure.cause}", file=sys.stderr)
        return 2
    plan = build_plan(synthesis)
    print(json.dumps(plan, indent=2, sort_keys=False) if options.json else render_text(plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
