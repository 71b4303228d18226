"""Seed the emulator with what `pulumi up` of a fixture stack would have created, named by the
same code the program uses (ops.stack, components/common/naming.py), over HTTP with boto3.

Workarounds for moto (shared reference day2-operations.md, 5.3): every container gets a
`memoryReservation` (moto's RunTask fails without container-level memory, valid on AWS), and the
VPC has DNS host names on (moto's ENI needs them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import boto3

from components.service.containers import container_definitions
from ops.stack import ServiceNames, StackNames

ACCOUNT = "123456789012"
IMAGE = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/ecs-platform-dev/api"
DIGEST = "sha256:" + "1" * 64


@dataclass
class Network:
    vpc: str
    subnets: list[str]
    security_group: str


@dataclass
class Seeded:
    names: StackNames
    network: Network
    task_definitions: dict[str, str] = field(default_factory=dict)
    target_groups: dict[str, str] = field(default_factory=dict)  # name -> ARN
    listener: str | None = None


def client(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region)


def network(region: str) -> Network:
    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.10.{i}.0/24", AvailabilityZone=f"{region}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)
    return Network(vpc, subnets, group["GroupId"])


def stack(names: StackNames) -> Seeded:
    """The cluster, the exec log group and the network."""
    seeded = Seeded(names, network(names.region))
    client("ecs", names.region).create_cluster(
        clusterName=names.cluster, capacityProviders=["FARGATE", "FARGATE_SPOT"]
    )
    client("logs", names.region).create_log_group(logGroupName=names.exec_log_group)
    return seeded


def _definitions(names: ServiceNames, region: str, image: str) -> list[dict[str, Any]]:
    found = container_definitions(
        names.key, names.settings, image=image, log_group=names.log_group, region=region
    )
    for container in found:
        container.setdefault("memoryReservation", 64)  # moto's RunTask needs container memory
        container.pop("dependsOn", None)
    return found


def register(seeded: Seeded, key: str, image: str = f"{IMAGE}@{DIGEST}") -> str:
    names = seeded.names.service(key)
    region = seeded.names.region
    definition = client("ecs", region).register_task_definition(
        family=names.family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu=str(names.settings.cpu),
        memory=str(names.settings.memory),
        executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{names.family}-execution",
        taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{names.family}-task",
        containerDefinitions=_definitions(names, region, image),
    )["taskDefinition"]["taskDefinitionArn"]
    seeded.task_definitions[key] = definition
    return definition


def _route(seeded: Seeded, names: ServiceNames) -> list[dict[str, Any]]:
    region = seeded.names.region
    elbv2 = client("elbv2", region)
    if seeded.listener is None:
        balancer = elbv2.create_load_balancer(
            Name=f"{seeded.names.project}-{seeded.names.stack}"[:32], Subnets=seeded.network.subnets
        )["LoadBalancers"][0]["LoadBalancerArn"]
        seeded.listener = elbv2.create_listener(
            LoadBalancerArn=balancer,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[
                {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}
            ],
        )["Listeners"][0]["ListenerArn"]
    port = names.settings.port
    arns = []
    for group in names.target_groups:
        arn = elbv2.create_target_group(
            Name=group, Protocol="HTTP", Port=port, VpcId=seeded.network.vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        seeded.target_groups[group] = arn
        arns.append(arn)
    weights = [
        {"TargetGroupArn": arn, "Weight": 100 if i == 0 else 0} for i, arn in enumerate(arns)
    ]
    routing = names.settings.routing
    assert routing is not None
    elbv2.create_rule(
        ListenerArn=seeded.listener,
        Priority=routing.priority,
        Conditions=[{"Field": "path-pattern", "Values": routing.path_patterns or ["/*"]}],
        Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": weights}}],
    )
    return [{"targetGroupArn": arns[0], "containerName": names.key, "containerPort": port}]


def _scaling(seeded: Seeded, names: ServiceNames) -> None:
    declared = names.settings.scaling
    if declared is None:
        return
    scaling = client("application-autoscaling", seeded.names.region)
    resource = f"service/{seeded.names.cluster}/{names.service}"
    common = {
        "ServiceNamespace": "ecs",
        "ResourceId": resource,
        "ScalableDimension": "ecs:service:DesiredCount",
    }
    scaling.register_scalable_target(
        **common, MinCapacity=declared.min_count, MaxCapacity=declared.max_count
    )
    for schedule in declared.schedules:
        scaling.put_scheduled_action(
            **common,
            ScheduledActionName=schedule.name,
            Schedule=schedule.schedule,
            Timezone=schedule.timezone,
            ScalableTargetAction={
                "MinCapacity": schedule.min_count,
                "MaxCapacity": schedule.max_count,
            },
        )


def _alarms(seeded: Seeded, names: ServiceNames) -> None:
    cloudwatch = client("cloudwatch", seeded.names.region)
    for alarm in names.alarms:
        cloudwatch.put_metric_alarm(
            AlarmName=alarm,
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            Statistic="Average",
            Period=60,
            EvaluationPeriods=3,
            Threshold=80,
            ComparisonOperator="GreaterThanThreshold",
        )


def _queues(seeded: Seeded, names: ServiceNames) -> None:
    sqs = client("sqs", seeded.names.region)
    for queue in (names.queue, names.dead_letter_queue):
        if queue:
            sqs.create_queue(QueueName=queue)


def service(seeded: Seeded, key: str, desired: int) -> ServiceNames:
    """The service as `up` leaves it: task definition, log group, target groups and rule,
    alarms, scalable target and schedules, queues, the ECS service."""
    names = seeded.names.service(key)
    region = seeded.names.region
    definition = register(seeded, key)
    client("logs", region).create_log_group(logGroupName=names.log_group)
    balancers = _route(seeded, names) if names.target_groups else []
    _alarms(seeded, names)
    _queues(seeded, names)
    client("ecs", region).create_service(
        cluster=seeded.names.cluster,
        serviceName=names.service,
        taskDefinition=definition,
        desiredCount=desired,
        launchType="FARGATE",
        loadBalancers=balancers,
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": seeded.network.subnets,
                "securityGroups": [seeded.network.security_group],
            }
        },
    )
    # moto drops enableExecuteCommand at create and keeps it on update
    client("ecs", region).update_service(
        cluster=seeded.names.cluster,
        service=names.service,
        enableExecuteCommand=names.settings.exec_enabled,
    )
    _scaling(seeded, names)
    return names


def start_task(seeded: Seeded, key: str) -> dict[str, Any]:
    """One task of the service, as the service scheduler starts it (group `service:<name>`)."""
    names = seeded.names.service(key)
    task = client("ecs", seeded.names.region).run_task(
        cluster=seeded.names.cluster,
        taskDefinition=seeded.task_definitions[key],
        launchType="FARGATE",
        group=f"service:{names.service}",
        startedBy="ecs-svc/1234567890123456789",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": seeded.network.subnets[:1],
                "securityGroups": [seeded.network.security_group],
            }
        },
    )["tasks"][0]
    return dict(task)


def register_target(seeded: Seeded, group: str, ip: str, port: int) -> None:
    client("elbv2", seeded.names.region).register_targets(
        TargetGroupArn=seeded.target_groups[group], Targets=[{"Id": ip, "Port": port}]
    )


def log_events(
    seeded: Seeded, group: str, stream: str, events: list[tuple[datetime.datetime, str]]
) -> None:
    logs = client("logs", seeded.names.region)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[
            {"timestamp": int(at.timestamp() * 1000), "message": message} for at, message in events
        ],
    )
