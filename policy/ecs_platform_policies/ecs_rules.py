"""ECS controls (Security Hub FSBP ECS.*) and the platform's deployment rule."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .model import Context, Resource, Rule, as_json, as_list, truthy

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
TASK_SET = "aws:ecs/taskSet:TaskSet"
CLUSTER = "aws:ecs/cluster:Cluster"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"

# FSBP ECS.8 names these; the pattern adds the names people give secrets.
SECRET_NAME = re.compile(
    r"^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|ECS_ENGINE_AUTH_DATA)$"
    r"|PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL",
    re.IGNORECASE,
)
ROOT_USERS = {"root", "0"}


def containers(task: Resource) -> list[dict[str, Any]]:
    return [c for c in as_list(as_json(task.get("containerDefinitions"))) if isinstance(c, Mapping)]


def is_windows(task: Resource) -> bool:
    family = str(task.get("runtimePlatform", "operatingSystemFamily", default="LINUX"))
    return family.upper().startswith("WINDOWS")


def _each_container(task: Resource) -> Iterator[tuple[str, dict[str, Any]]]:
    for container in containers(task):
        yield str(container.get("name", "?")), container


def no_public_ip(resource: Resource, _: Context) -> Iterator[str]:
    if truthy(resource.get("networkConfiguration", "assignPublicIp")):
        yield "assignPublicIp is true: tasks get a public IP"


def no_host_pid(task: Resource, _: Context) -> Iterator[str]:
    if str(task.get("pidMode", default="")).lower() == "host":
        yield "pidMode is host: containers share the host's process namespace"


def not_privileged(task: Resource, _: Context) -> Iterator[str]:
    for name, container in _each_container(task):
        if truthy(container.get("privileged")):
            yield f"container {name} is privileged"


def read_only_root(task: Resource, _: Context) -> Iterator[str]:
    for name, container in _each_container(task):
        if not truthy(container.get("readonlyRootFilesystem")):
            yield f"container {name} has a writable root file system"


def no_secret_environment(task: Resource, _: Context) -> Iterator[str]:
    for name, container in _each_container(task):
        for variable in as_list(container.get("environment")):
            if isinstance(variable, Mapping) and SECRET_NAME.search(str(variable.get("name", ""))):
                yield f"container {name} has {variable.get('name')} in plain environment"


def log_configuration(task: Resource, _: Context) -> Iterator[str]:
    for name, container in _each_container(task):
        if not (container.get("logConfiguration") or {}).get("logDriver"):
            yield f"container {name} has no log configuration"


def fargate_latest(service: Resource, _: Context) -> Iterator[str]:
    version = service.get("platformVersion")
    if version is not None and str(version).upper() != "LATEST":
        yield f"platformVersion is pinned to {version}"


def container_insights(cluster: Resource, _: Context) -> Iterator[str]:
    levels = {
        str(s.get("value", "")).lower()
        for s in as_list(cluster.get("settings"))
        if isinstance(s, Mapping) and s.get("name") == "containerInsights"
    }
    if not levels & {"enabled", "enhanced"}:
        yield "Container Insights is not enabled"


def no_host_network(task: Resource, _: Context) -> Iterator[str]:
    if str(task.get("networkMode", default="")).lower() == "host":
        yield "networkMode is host"


def efs_transit_encryption(task: Resource, _: Context) -> Iterator[str]:
    for volume in as_list(task.get("volumes")):
        efs = volume.get("efsVolumeConfiguration") if isinstance(volume, Mapping) else None
        if efs and str(efs.get("transitEncryption", "")).upper() != "ENABLED":
            yield f"EFS volume {volume.get('name')} without transit encryption"


def managed_termination_protection(provider: Resource, _: Context) -> Iterator[str]:
    if provider.get("managedInstancesProvider"):
        return  # ECS drains and replaces managed instances itself: there is no ASG to protect
    asg = provider.get("autoScalingGroupProvider") or {}
    if str(asg.get("managedTerminationProtection", "")).upper() != "ENABLED":
        yield "managedTerminationProtection is not ENABLED"


def non_root_user(task: Resource, _: Context) -> Iterator[str]:
    if is_windows(task):
        return
    for name, container in _each_container(task):
        user = str(container.get("user") or "").split(":")[0]
        if not user or user in ROOT_USERS:
            yield f"container {name} runs as root (user {container.get('user') or 'unset'})"


def exec_sessions_encrypted(cluster: Resource, _: Context) -> Iterator[str]:
    exec_config = cluster.get("configuration", "executeCommandConfiguration")
    if not exec_config:
        yield "no executeCommandConfiguration: ECS Exec sessions are neither logged nor encrypted"
        return
    if not exec_config.get("kmsKeyId"):
        yield "executeCommandConfiguration has no kmsKeyId: sessions use no customer key"
    if str(exec_config.get("logging", "DEFAULT")).upper() == "NONE":
        yield "ECS Exec session logging is NONE"
    log_config = exec_config.get("logConfiguration") or {}
    if log_config.get("cloudWatchLogGroupName") and not truthy(
        log_config.get("cloudWatchEncryptionEnabled")
    ):
        yield "ECS Exec session logs are written with cloudWatchEncryptionEnabled false"


def circuit_breaker(service: Resource, _: Context) -> Iterator[str]:
    breaker = service.get("deploymentCircuitBreaker") or {}
    if str(service.get("deploymentController", "type", default="ECS")).upper() != "ECS":
        return
    # The circuit breaker is for rolling deployments; blue/green, canary and linear roll back on
    # their deployment alarms (deployment_rules.py requires those).
    strategy = service.get("deploymentConfiguration", "strategy", default="ROLLING")
    if str(strategy).upper() != "ROLLING":
        return
    if not (truthy(breaker.get("enable")) and truthy(breaker.get("rollback"))):
        yield "deployment circuit breaker with rollback is not on"


ECS_RULES: tuple[Rule, ...] = (
    Rule(
        "ecs-2-16-no-public-ip",
        "ECS.2 / ECS.16",
        "ECS services and task sets do not assign public IPs.",
        "Set networkConfiguration.assignPublicIp false and run tasks in private subnets.",
        (SERVICE, TASK_SET),
        no_public_ip,
    ),
    Rule(
        "ecs-3-no-host-pid",
        "ECS.3",
        "Task definitions do not share the host's PID namespace.",
        "Remove pidMode: host.",
        (TASK_DEFINITION,),
        no_host_pid,
    ),
    Rule(
        "ecs-4-not-privileged",
        "ECS.4",
        "Containers are not privileged.",
        "Set privileged false (the default) on every container.",
        (TASK_DEFINITION,),
        not_privileged,
    ),
    Rule(
        "ecs-5-read-only-root-filesystem",
        "ECS.5",
        "Containers have a read-only root file system.",
        "Keep services.<name>.readOnlyRootFilesystem true; mount writablePaths for scratch.",
        (TASK_DEFINITION,),
        read_only_root,
    ),
    Rule(
        "ecs-8-no-secrets-in-environment",
        "ECS.8",
        "No secrets in container environment variables.",
        "Move the value to Secrets Manager or SSM and declare it under services.<name>.secrets.",
        (TASK_DEFINITION,),
        no_secret_environment,
    ),
    Rule(
        "ecs-9-log-configuration",
        "ECS.9",
        "Every container has a log configuration.",
        "Give every container (sidecars too) a logConfiguration with the awslogs driver.",
        (TASK_DEFINITION,),
        log_configuration,
    ),
    Rule(
        "ecs-10-fargate-latest-platform",
        "ECS.10",
        "Fargate services run on the LATEST platform version.",
        "Set platformVersion LATEST (or leave it unset).",
        (SERVICE,),
        fargate_latest,
    ),
    Rule(
        "ecs-12-container-insights",
        "ECS.12",
        "Clusters have Container Insights enabled.",
        "Set cluster.containerInsights to enabled or enhanced.",
        (CLUSTER,),
        container_insights,
    ),
    Rule(
        "ecs-17-no-host-network",
        "ECS.17",
        "Task definitions do not use host network mode.",
        "Use networkMode awsvpc.",
        (TASK_DEFINITION,),
        no_host_network,
    ),
    Rule(
        "ecs-18-efs-transit-encryption",
        "ECS.18",
        "EFS volumes use transit encryption.",
        "Set efsVolumeConfiguration.transitEncryption ENABLED.",
        (TASK_DEFINITION,),
        efs_transit_encryption,
    ),
    Rule(
        "ecs-19-managed-termination-protection",
        "ECS.19",
        "ASG capacity providers have managed termination protection.",
        "Enable managed scaling, protectFromScaleIn on the ASG and "
        "managedTerminationProtection ENABLED.",
        (CAPACITY_PROVIDER,),
        managed_termination_protection,
    ),
    Rule(
        "ecs-20-non-root-user",
        "ECS.20",
        "Linux containers run as a non-root user.",
        "Set services.<name>.user to a non-root uid:gid (default 1000:1000).",
        (TASK_DEFINITION,),
        non_root_user,
    ),
    Rule(
        "ecs-exec-sessions-encrypted",
        "platform (ECS Exec)",
        "Clusters log ECS Exec sessions, encrypted with a customer KMS key.",
        "Give the cluster executeCommandConfiguration with kmsKeyId, logging OVERRIDE and "
        "cloudWatchEncryptionEnabled true on a KMS-encrypted log group.",
        (CLUSTER,),
        exec_sessions_encrypted,
    ),
    Rule(
        "ecs-circuit-breaker-rollback",
        "platform (reliability)",
        "Every rolling ECS service deploys with the circuit breaker and rollback.",
        "Set deploymentCircuitBreaker {enable: true, rollback: true}.",
        (SERVICE,),
        circuit_breaker,
    ),
)
