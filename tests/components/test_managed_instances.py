"""A managed instance pool: capacity provider with `cluster` and `managedInstancesProvider`, its
roles, profile and security group, its place in the association, and services placed on it."""

from __future__ import annotations

import fnmatch
import json

import pytest

from components.cluster.managed_pool import (
    INFRASTRUCTURE_POLICY,
    INSTANCE_POLICY,
    instance_requirements,
    instance_role_name,
)
from components.common.naming import Naming
from harness.engine import run_program
from harness.records import Synthesis
from settings.managed_instances import ManagedInstancePoolSettings
from settings.stack_files import read_stack_config

from conftest import FIXTURES

PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
ASSOCIATION = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
POOL_COMPONENT = "ecs-platform:cluster:ManagedInstancePool"


@pytest.fixture(scope="module")
def managed() -> Synthesis:
    return run_program("managed", stack_config=read_stack_config("managed", FIXTURES))


def provider_inputs(synthesis: Synthesis) -> dict:
    return synthesis.one(PROVIDER, "cluster-batch").inputs


def test_capacity_provider_has_cluster_and_managed_instances_provider(managed: Synthesis):
    inputs = provider_inputs(managed)
    cluster_name = managed.one("aws:ecs/cluster:Cluster").outputs["name"]
    assert inputs["name"] == "batch-ecs-platform-managed"
    assert inputs["cluster"] == cluster_name
    assert "autoScalingGroupProvider" not in inputs
    provider = inputs["managedInstancesProvider"]
    infrastructure = managed.one(ROLE, "cluster-batch-infrastructure")
    assert provider["infrastructureRoleArn"] == infrastructure.outputs["arn"]
    template = provider["instanceLaunchTemplate"]
    profile = managed.one(PROFILE, "cluster-batch-instance")
    assert template["ec2InstanceProfileArn"] == profile.outputs["arn"]
    assert template["capacityOptionType"] == "ON_DEMAND"
    assert template["storageConfiguration"] == {"storageSizeGib": 50}
    assert template["instanceRequirements"] == {
        "vcpuCount": {"min": 2, "max": 8},
        "memoryMib": {"min": 4096, "max": 32768},
        "cpuManufacturers": ["amazon-web-services"],
        "allowedInstanceTypes": ["m7g.*", "c7g.*", "t4g.*"],
    }
    assert provider["infrastructureOptimization"] == {"scaleInAfter": 600}
    assert provider["propagateTags"] == "CAPACITY_PROVIDER"


def test_instances_live_in_the_private_subnets_behind_their_own_group(managed: Synthesis):
    network = provider_inputs(managed)["managedInstancesProvider"]["instanceLaunchTemplate"][
        "networkConfiguration"
    ]
    vpc = managed.one("awsx:ec2:Vpc")
    assert network["subnets"] == vpc.outputs["privateSubnetIds"]
    assert not set(network["subnets"]) & set(vpc.outputs["publicSubnetIds"])
    group = managed.one(GROUP, "cluster-batch-instances")
    assert network["securityGroups"] == [group.id]
    assert group.inputs["ingress"] == []
    assert [(r["protocol"], r["fromPort"]) for r in group.inputs["egress"]] == [("tcp", 443)]


def test_roles_trust_ecs_and_ec2_with_the_managed_policies(managed: Synthesis):
    infrastructure = managed.one(ROLE, "cluster-batch-infrastructure")
    instance = managed.one(ROLE, "cluster-batch-instance")
    trust = json.loads(infrastructure.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "ecs.amazonaws.com"}
    trust = json.loads(instance.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = {
        r.name: r.inputs["policyArn"] for r in managed.of_type(ATTACHMENT) if "batch" in r.name
    }
    assert attached == {
        "cluster-batch-infrastructure": INFRASTRUCTURE_POLICY,
        "cluster-batch-instance": INSTANCE_POLICY,
    }
    # the managed policy passes only roles named ecsInstanceRole*
    assert instance.inputs["name"].startswith("ecsInstanceRole")
    profile = managed.one(PROFILE, "cluster-batch-instance")
    assert profile.inputs["role"] == instance.outputs["name"]


def test_pool_resources_are_children_of_their_component(managed: Synthesis):
    component = managed.one(POOL_COMPONENT, "cluster-batch")
    assert "ecs-platform:cluster:Cluster$" in component.urn
    for resource in managed.resources:
        if resource.name.startswith("cluster-batch") and resource.type != POOL_COMPONENT:
            assert f"{POOL_COMPONENT}$" in resource.urn, resource.urn


def test_association_includes_the_managed_provider(managed: Synthesis):
    association = managed.one(ASSOCIATION).inputs
    assert "batch-ecs-platform-managed" in association["capacityProviders"]
    assert {"FARGATE", "FARGATE_SPOT", "general-ecs-platform-managed"} <= set(
        association["capacityProviders"]
    )


def test_service_on_the_pool_requires_managed_instances(managed: Synthesis):
    task = managed.one("aws:ecs/taskDefinition:TaskDefinition", "reports-task").inputs
    assert task["requiresCompatibilities"] == ["MANAGED_INSTANCES"]
    assert task["networkMode"] == "awsvpc"
    assert task["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    service = managed.one("aws:ecs/service:Service", "reports").inputs
    assert service["capacityProviderStrategies"] == [
        {"capacityProvider": "batch-ecs-platform-managed", "weight": 1, "base": 0}
    ]
    assert "launchType" not in service
    assert "platformVersion" not in service  # a Fargate-only setting
    other = managed.one("aws:ecs/taskDefinition:TaskDefinition", "api-task").inputs
    assert other["requiresCompatibilities"] == ["FARGATE"]


def test_existing_pools_and_services_keep_their_urns(managed: Synthesis) -> None:
    prod = run_program("prod", stack_config=read_stack_config("prod", FIXTURES))
    managed_urns = {r.urn.replace("urn:pulumi:managed::", "") for r in managed.resources}
    prod_urns = {r.urn.replace("urn:pulumi:prod::", "") for r in prod.resources}
    assert prod_urns <= managed_urns


def pool_settings(**extra: object) -> ManagedInstancePoolSettings:
    data = {"name": "gpu", "vcpu": {"min": 4}, "memoryMib": {"min": 16384}, **extra}
    return ManagedInstancePoolSettings.model_validate(data)


def test_requirements_default_to_the_makers_of_the_architecture() -> None:
    assert instance_requirements(pool_settings())["cpu_manufacturers"] == ["intel", "amd"]
    arm = pool_settings(architecture="arm64")
    assert instance_requirements(arm)["cpu_manufacturers"] == ["amazon-web-services"]
    assert instance_requirements(pool_settings(cpuManufacturers=["amd"]))["cpu_manufacturers"] == [
        "amd"
    ]


def test_open_ranges_and_gpus() -> None:
    requirements = instance_requirements(pool_settings(gpus={"min": 1, "max": 2}))
    assert requirements["vcpu_count"] == {"min": 4}
    assert requirements["accelerator_types"] == ["gpu"]
    assert requirements["accelerator_count"] == {"min": 1, "max": 2}
    assert "allowed_instance_types" not in requirements
    assert pool_settings(capacity="spot").capacity_option_type == "SPOT"


@pytest.mark.parametrize("project", ["ecs-platform", "a-very-long-project-name-for-teams"])
def test_instance_role_name_keeps_the_prefix_the_managed_policy_passes(project: str) -> None:
    naming = Naming(project, "production-eu-west-1-blue")
    name = instance_role_name(naming, "p" * 31)
    assert name.startswith("ecsInstanceRole-")
    assert len(name) <= 64
    assert name.endswith("p" * 31)


def test_pool_gets_an_alarm_and_dashboard_widgets_like_ec2_pools(managed: Synthesis) -> None:
    alarm = managed.one("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-batch-data-volume")
    assert alarm.inputs["namespace"] == "ECS/ContainerInsights"
    assert alarm.inputs["metricName"] == "InstanceDataFilesystemUtilization"
    assert alarm.inputs["dimensions"] == {
        "ClusterName": "ecs-platform-managed",
        "CapacityProviderName": "batch-ecs-platform-managed",
    }
    assert alarm.inputs["alarmActions"]  # notifies like every other alarm
    body = json.loads(managed.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert "pool batch: data volume used %" in titles
    assert "pool general: reservation %" in titles


def test_without_container_insights_no_alarm_watches_a_missing_metric() -> None:
    config = read_stack_config("managed", FIXTURES)
    config["ecs-platform:cluster"]["containerInsights"] = "disabled"
    config["ecs-platform:tier"] = "development"  # production keeps Container Insights on
    synthesis = run_program("managed", stack_config=config)
    assert not [r for r in synthesis.resources if "data-volume" in r.name]
    assert synthesis.one(PROVIDER, "cluster-batch")  # the pool itself is still there


def deploy_statements(synthesis: Synthesis) -> list[dict]:
    role_name = synthesis.one(ROLE, "ci-deploy").inputs["name"]
    attached = {
        a.inputs["policyArn"]
        for a in synthesis.of_type(ATTACHMENT)
        if a.inputs["role"] == role_name
    }
    policies = [
        p for p in synthesis.of_type("aws:iam/policy:Policy") if p.outputs["arn"] in attached
    ]
    return [s for p in policies for s in json.loads(p.inputs["policy"])["Statement"]]


def _allows(statements: list[dict], action: str, arn: str) -> list[dict]:
    """The Allow statements granting `action` on `arn` (wildcards matched as IAM does)."""
    return [
        s
        for s in statements
        if s["Effect"] == "Allow"
        and any(fnmatch.fnmatchcase(action, a) for a in _list(s["Action"]))
        and any(fnmatch.fnmatchcase(arn, r) for r in _list(s["Resource"]))
    ]


def _list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_ci_deploy_role_can_manage_the_pool_roles(managed: Synthesis) -> None:
    statements = deploy_statements(managed)
    arn = "arn:aws:iam::123456789012:{}/{}"
    instance = managed.one(ROLE, "cluster-batch-instance").inputs["name"]
    infrastructure = managed.one(ROLE, "cluster-batch-infrastructure").inputs["name"]
    profile = managed.one(PROFILE, "cluster-batch-instance").inputs["name"]
    for action, kind, name in (
        ("iam:CreateRole", "role", instance),
        ("iam:CreateRole", "role", infrastructure),
        ("iam:CreateInstanceProfile", "instance-profile", profile),
    ):
        assert _allows(statements, action, arn.format(kind, name)), (action, name)
    attach = _allows(statements, "iam:AttachRolePolicy", arn.format("role", instance))
    assert attach
    assert {INFRASTRUCTURE_POLICY, INSTANCE_POLICY} <= set(
        attach[0]["Condition"]["ArnLike"]["iam:PolicyARN"]
    )
    # CreateCapacityProvider passes the infrastructure role to ECS (docs: iam:PassRole with
    # iam:PassedToService ecs.amazonaws.com); ECS itself passes the instance role.
    passing = _allows(statements, "iam:PassRole", arn.format("role", infrastructure))
    assert passing
    assert "ecs.amazonaws.com" in passing[0]["Condition"]["StringEquals"]["iam:PassedToService"]
    assert not _allows(statements, "iam:PassRole", arn.format("role", instance))
