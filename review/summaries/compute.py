"""What the offline plan shows of ECS and EC2 compute: capacity, tasks, services, scaling."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.deployments import deployment_summary
from review.summaries.storage import efs_volume

Summary = dict[str, Any]


def _span(value: dict[str, Any] | None, unit: str = "") -> str | None:
    if not value:
        return None
    return f"{value.get('min')}-{value.get('max', 'any')}{unit}"


def _managed_instances_provider(inputs: dict[str, Any]) -> Summary:
    """An ECS Managed Instances pool: what AWS may launch, and where."""
    provider = inputs.get("managedInstancesProvider") or {}
    template = provider.get("instanceLaunchTemplate") or {}
    requirements = template.get("instanceRequirements") or {}
    optimization = provider.get("infrastructureOptimization") or {}
    return {
        "name": inputs.get("name"),
        "cluster": inputs.get("cluster"),
        "managedInstances": template.get("capacityOptionType", "ON_DEMAND"),
        "vcpus": _span(requirements.get("vcpuCount")),
        "memory": _span(requirements.get("memoryMib"), " MiB"),
        "cpuManufacturers": requirements.get("cpuManufacturers"),
        "instanceTypes": requirements.get("allowedInstanceTypes"),
        "gpus": _span(requirements.get("acceleratorCount")),
        "storageGib": (template.get("storageConfiguration") or {}).get("storageSizeGib"),
        "subnets": len((template.get("networkConfiguration") or {}).get("subnets") or []),
        "scaleInAfterSeconds": optimization.get("scaleInAfter"),
        "lifetime": "drained 14 days after launch, replaced by day 21 (AWS)",
    }


def _capacity_provider(inputs: dict[str, Any]) -> Summary:
    if inputs.get("managedInstancesProvider"):
        return _managed_instances_provider(inputs)
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
        "environmentFiles": [f["value"] for c in containers for f in c.get("environmentFiles", [])],
        "volumes": [efs_volume(v) for v in inputs.get("volumes") or [] if _declared(v)],
    }


def _declared(volume: dict[str, Any]) -> bool:
    """A volume from `volumes` or the EBS volume (not the writable paths' scratch volumes)."""
    return "scratch" not in str(volume.get("name"))


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
        # its own group is first; the rest are groups the stack file names (a database's, ...)
        "joins": ((inputs.get("networkConfiguration") or {}).get("securityGroups") or [])[1:],
        "circuitBreaker": f"enable={breaker.get('enable')} rollback={breaker.get('rollback')}",
        "deploymentAlarms": (
            f"{', '.join(alarms.get('alarmNames') or [])} rollback={alarms.get('rollback')}"
            if alarms
            else "none"
        ),
        "exec": inputs.get("enableExecuteCommand"),
        "serviceConnect": bool((inputs.get("serviceConnectConfiguration") or {}).get("enabled")),
        **deployment_summary(inputs),
    }


def _custom(tracking: dict[str, Any]) -> list[dict[str, Any]]:
    specification = tracking.get("customizedMetricSpecification") or {}
    return [{"returnData": False, **m} for m in specification.get("metrics") or []]


def _scaling_policy(inputs: dict[str, Any]) -> Summary:
    tracking = inputs.get("targetTrackingScalingPolicyConfiguration")
    if tracking:
        predefined = tracking.get("predefinedMetricSpecification")
        # a customized metric (metric math, like backlog per task) shows its returned expression
        metric = (
            predefined["predefinedMetricType"]
            if predefined
            else next(
                (m.get("expression") or m.get("id") for m in _custom(tracking) if m["returnData"]),
                "custom metric",
            )
        )
        return {"track": f"{metric} = {tracking['targetValue']}"}
    steps = (inputs.get("stepScalingPolicyConfiguration") or {}).get("stepAdjustments", [])
    return {
        "steps": [
            f"[{s.get('metricIntervalLowerBound', '-inf')},"
            f" {s.get('metricIntervalUpperBound', '+inf')}) {s['scalingAdjustment']:+d}"
            for s in steps
        ]
    }


COMPUTE_SUMMARIES: dict[str, Callable[[dict[str, Any]], Summary]] = {
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
}
