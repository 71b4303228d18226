"""The cluster has both Fargate providers and every EC2 pool, each removed only by draining."""

from __future__ import annotations

import base64

import pytest

from harness.engine import run_program
from harness.mocks import MOCK_AMI_ID
from harness.records import Synthesis
from settings.rules.cluster import instance_architecture

from conftest import fixture_config as stack_config

CLUSTER = "aws:ecs/cluster:Cluster"
ASSOCIATION = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
GROUP = "aws:autoscaling/group:Group"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def cluster_config(stack: str) -> dict:
    return stack_config(stack)["ecs-platform:cluster"]


def pools(stack: str) -> list[dict]:
    return cluster_config(stack)["ec2Pools"]


def user_data(synthesis: Synthesis, pool: str) -> str:
    template = synthesis.one(TEMPLATE, f"cluster-{pool}")
    return base64.b64decode(template.inputs["userData"]).decode()


def test_cluster_has_both_fargate_providers_and_every_pool(stack: str, synthesis: Synthesis):
    association = synthesis.one(ASSOCIATION).inputs
    expected_pools = [f"{p['name']}-ecs-platform-{stack}" for p in pools(stack)]
    assert sorted(association["capacityProviders"]) == sorted(
        ["FARGATE", "FARGATE_SPOT", *expected_pools]
    )
    assert sorted(p.inputs["name"] for p in synthesis.of_type(PROVIDER)) == sorted(expected_pools)
    assert association["clusterName"] == synthesis.one(CLUSTER).outputs["name"]


def test_default_strategy_matches_the_stack_file(stack: str, synthesis: Synthesis) -> None:
    strategy = synthesis.one(ASSOCIATION).inputs["defaultCapacityProviderStrategies"]
    assert strategy == [
        {
            "capacityProvider": item["provider"],
            "weight": item["weight"],
            "base": item.get("base", 0),
        }
        for item in cluster_config(stack)["defaultStrategy"]
    ]


def test_container_insights_and_exec_logging(stack: str, synthesis: Synthesis) -> None:
    cluster = synthesis.one(CLUSTER).inputs
    assert cluster["settings"] == [
        {"name": "containerInsights", "value": cluster_config(stack)["containerInsights"]}
    ]
    exec_logs = synthesis.one("aws:cloudwatch/logGroup:LogGroup", "cluster-exec-logs").inputs
    assert exec_logs["retentionInDays"] == cluster_config(stack)["execLogRetentionDays"]
    exec_config = cluster["configuration"]["executeCommandConfiguration"]
    assert exec_config["logging"] == "OVERRIDE"
    assert exec_config["logConfiguration"]["cloudWatchLogGroupName"] == exec_logs["name"]


def test_prod_runs_enhanced_container_insights(synthesized) -> None:
    settings = synthesized("prod").one(CLUSTER).inputs["settings"]
    assert settings == [{"name": "containerInsights", "value": "enhanced"}]


def test_capacity_providers_only_remove_drained_instances(stack: str, synthesis: Synthesis):
    for pool in pools(stack):
        provider = synthesis.one(PROVIDER, f"cluster-{pool['name']}").inputs
        group = synthesis.one(GROUP, f"cluster-{pool['name']}")
        asg = provider["autoScalingGroupProvider"]
        assert asg["autoScalingGroupArn"] == group.outputs["arn"]
        assert asg["managedTerminationProtection"] == "ENABLED"
        assert asg["managedDraining"] == "ENABLED"
        assert asg["managedScaling"]["status"] == "ENABLED"
        assert asg["managedScaling"]["targetCapacity"] == pool["targetCapacity"]
        # managed termination protection only works with scale-in protection on the ASG
        assert group.inputs["protectFromScaleIn"] is True
        assert "desiredCapacity" not in group.inputs
        assert group.ignore_changes == ["desiredCapacity"]


def test_auto_scaling_groups_follow_the_pool_settings(stack: str, synthesis: Synthesis):
    for pool in pools(stack):
        group = synthesis.one(GROUP, f"cluster-{pool['name']}").inputs
        assert (group["minSize"], group["maxSize"]) == (pool["minSize"], pool["maxSize"])
        assert group["vpcZoneIdentifiers"] == synthesis.outputs["privateSubnetIds"]
        distribution = group["mixedInstancesPolicy"]["instancesDistribution"]
        assert distribution["onDemandBaseCapacity"] == pool.get("onDemandBaseCapacity", 0)
        assert distribution["onDemandPercentageAboveBaseCapacity"] == 100 - pool["spotPercentage"]
        overrides = group["mixedInstancesPolicy"]["launchTemplate"]["overrides"]
        assert [o["instanceType"] for o in overrides] == pool["instanceTypes"]
        assert group["capacityRebalance"] is (pool["spotPercentage"] > 0)
        assert {"key": "AmazonECSManaged", "value": "true", "propagateAtLaunch": True} in group[
            "tags"
        ]


def test_launch_templates_enforce_imdsv2_encryption_and_no_public_ip(synthesis: Synthesis):
    for pool in pools(synthesis.stack):
        inputs = synthesis.one(TEMPLATE, f"cluster-{pool['name']}").inputs
        assert inputs["metadataOptions"]["httpTokens"] == "required"
        assert inputs["metadataOptions"]["httpPutResponseHopLimit"] == 1
        (root,) = inputs["blockDeviceMappings"]
        assert root["ebs"]["encrypted"] == "true"
        assert root["ebs"]["volumeType"] == "gp3"
        (interface,) = inputs["networkInterfaces"]
        assert interface["associatePublicIpAddress"] == "false"
        assert inputs["imageId"] == MOCK_AMI_ID  # resolved from SSM at deploy time, not config


def test_ami_comes_from_the_ssm_parameter_for_the_pool_architecture(stack, synthesis):
    requested = [
        args["name"]
        for token, args in synthesis.invokes
        if token.startswith("aws:ssm/") and args["name"].startswith("/aws/service/ecs/")
    ]
    expected = {
        "arm64": "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
        "x86_64": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    }
    assert requested == [expected[pool["architecture"]] for pool in pools(stack)]


def test_user_data_configures_the_ecs_agent(stack: str, synthesis: Synthesis) -> None:
    cluster_name = synthesis.one(CLUSTER).inputs["name"]
    for pool in pools(stack):
        script = user_data(synthesis, pool["name"])
        assert script.startswith("#!/bin/bash\ncat <<'EOF' >> /etc/ecs/ecs.config\n")
        lines = script.splitlines()
        assert f"ECS_CLUSTER={cluster_name}" in lines
        assert "ECS_AWSVPC_BLOCK_IMDS=true" in lines
        assert "ECS_CONTAINER_STOP_TIMEOUT=30s" in lines
        assert ("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in lines) is (pool["spotPercentage"] > 0)


def test_spot_draining_is_off_for_on_demand_pools() -> None:
    config = stack_config("dev")
    config["ecs-platform:cluster"]["ec2Pools"][0]["spotPercentage"] = 0
    script = user_data(run_program("dev", stack_config=config), "general")
    assert "ECS_ENABLE_SPOT_INSTANCE_DRAINING" not in script


def test_instance_role_has_exactly_the_expected_policies(stack: str, synthesis: Synthesis):
    attachments = synthesis.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    for pool in pools(stack):
        role = synthesis.one("aws:iam/role:Role", f"cluster-{pool['name']}-instance")
        attached = sorted(
            a.inputs["policyArn"] for a in attachments if a.inputs["role"] == role.outputs["name"]
        )
        assert attached == [
            "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
        ]
        assert "ec2.amazonaws.com" in role.inputs["assumeRolePolicy"]


def test_ssm_access_adds_only_the_ssm_core_policy() -> None:
    config = stack_config("dev")
    config["ecs-platform:cluster"]["ec2Pools"][0]["ssmAccess"] = True
    synthesis = run_program("dev", stack_config=config)
    attached = sorted(
        a.inputs["policyArn"]
        for a in synthesis.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.name.startswith("cluster-")
    )
    assert attached == [
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ]


def test_instance_security_group_has_no_ingress(synthesis: Synthesis) -> None:
    group = synthesis.one("aws:ec2/securityGroup:SecurityGroup", "cluster-general-instances")
    assert group.inputs["ingress"] == []
    assert [(r["protocol"], r["fromPort"], r["toPort"]) for r in group.inputs["egress"]] == [
        ("tcp", 443, 443)
    ]


def test_dev_can_be_destroyed_without_waiting_and_prod_drains_first(synthesized) -> None:
    assert synthesized("dev").one(GROUP, "cluster-general").inputs["forceDelete"] is True
    assert synthesized("prod").one(GROUP, "cluster-general").inputs["forceDelete"] is False


def test_outputs(stack: str, synthesis: Synthesis) -> None:
    outputs = synthesis.outputs
    assert outputs["clusterName"] == f"ecs-platform-{stack}"
    assert outputs["clusterArn"] == (
        f"arn:aws:ecs:eu-west-1:123456789012:cluster/ecs-platform-{stack}"
    )
    assert outputs["capacityProviderNames"]["general"] == f"general-ecs-platform-{stack}"
    assert outputs["poolAsgNames"] == {"general": f"ecs-platform-{stack}-general"}


@pytest.mark.parametrize(
    ("instance_type", "architecture"),
    [
        ("t4g.small", "arm64"),
        ("m7g.large", "arm64"),
        ("c7gn.xlarge", "arm64"),
        ("a1.medium", "arm64"),
        ("g5g.xlarge", "arm64"),
        ("m5.large", "x86_64"),
        ("g4dn.xlarge", "x86_64"),
        ("m7i-flex.large", "x86_64"),
        ("c7a.large", "x86_64"),
    ],
)
def test_instance_architecture_is_read_from_the_type_name(instance_type, architecture) -> None:
    assert instance_architecture(instance_type) == architecture
