"""A new AMI (a new launch template version) rolls through every pool without dropping tasks."""

from __future__ import annotations

import copy

from harness.engine import run_program
from harness.records import Synthesis

from conftest import fixture_config as stack_config
from conftest import problems

GROUP = "aws:autoscaling/group:Group"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
SSM_PARAMETER = "aws:ssm/getParameter:getParameter"
ECS_AMI_ROOT = "/aws/service/ecs/optimized-ami/amazon-linux-2023"
PINNED = "amzn2023-ami-ecs-hvm-2023.0.20240515-kernel-6.1-{arch}"  # an example AMI name shape


def pools(stack: str) -> list[dict]:
    return stack_config(stack)["ecs-platform:cluster"]["ec2Pools"]


def template_spec(group_inputs: dict) -> dict:
    return group_inputs["mixedInstancesPolicy"]["launchTemplate"]["launchTemplateSpecification"]


def test_every_group_uses_its_templates_version_number(stack: str, synthesis: Synthesis) -> None:
    for pool in pools(stack):
        template = synthesis.one(TEMPLATE, f"cluster-{pool['name']}")
        spec = template_spec(synthesis.one(GROUP, f"cluster-{pool['name']}").inputs)
        assert spec["launchTemplateId"] == template.id
        assert spec["version"] != "$Latest"
        assert spec["version"] == str(template.outputs["latestVersion"])


def test_every_group_refreshes_rolling_with_the_pools_settings(
    stack: str, synthesis: Synthesis
) -> None:
    for pool in pools(stack):
        refresh = synthesis.one(GROUP, f"cluster-{pool['name']}").inputs["instanceRefresh"]
        preferences = refresh["preferences"]
        configured = pool.get("instanceRefresh", {})
        assert refresh["strategy"] == "Rolling"
        assert preferences["minHealthyPercentage"] == configured.get("minHealthyPercent", 90)
        assert preferences["maxHealthyPercentage"] == configured.get("maxHealthyPercent", 100)
        assert preferences["instanceWarmup"] == str(pool.get("instanceWarmupSeconds", 180))
        assert preferences["skipMatching"] is True
        # instances are scale-in protected: without Refresh the refresh would skip them all
        assert preferences["scaleInProtectedInstances"] == "Refresh"


def test_drained_before_terminated_during_a_refresh(stack: str, synthesis: Synthesis) -> None:
    for pool in pools(stack):
        group = synthesis.one(GROUP, f"cluster-{pool['name']}").inputs
        provider = synthesis.one(PROVIDER, f"cluster-{pool['name']}").inputs
        assert group["protectFromScaleIn"] is True
        assert provider["autoScalingGroupProvider"]["managedDraining"] == "ENABLED"
        assert provider["autoScalingGroupProvider"]["managedTerminationProtection"] == "ENABLED"


def test_latest_follows_the_recommended_parameter(stack: str, synthesis: Synthesis) -> None:
    asked = {args["name"] for token, args in synthesis.invokes if token == SSM_PARAMETER}
    for pool in pools(stack):
        assert pool.get("amiRelease", "latest") == "latest"
        arch = "/arm64" if pool.get("architecture") == "arm64" else ""
        assert f"{ECS_AMI_ROOT}{arch}/recommended/image_id" in asked


def test_a_pinned_release_reads_that_releases_parameter() -> None:
    config = copy.deepcopy(stack_config("dev"))
    pool = config["ecs-platform:cluster"]["ec2Pools"][0]
    assert pool["architecture"] == "arm64"
    pool["amiRelease"] = PINNED.format(arch="arm64")
    synthesis = run_program("dev", stack_config=config)
    asked = {args["name"] for token, args in synthesis.invokes if token == SSM_PARAMETER}
    expected = f"{ECS_AMI_ROOT}/arm64/{PINNED.format(arch='arm64')}/image_id"
    assert expected in asked
    assert not any(name.endswith("/recommended/image_id") for name in asked)
    template = synthesis.one(TEMPLATE, f"cluster-{pool['name']}")
    assert expected in template.inputs["description"]


def test_a_pinned_release_of_the_wrong_architecture_is_refused() -> None:
    def pin_x86(config: dict) -> None:
        config["ecs-platform:cluster"]["ec2Pools"][0]["amiRelease"] = PINNED.format(arch="x86_64")

    lines = problems("dev", pin_x86)
    assert any("cluster.ec2Pools[0].amiRelease" in line and "arm64" in line for line in lines)


def test_an_ami_release_that_is_not_an_ecs_ami_name_is_refused() -> None:
    def pin_garbage(config: dict) -> None:
        config["ecs-platform:cluster"]["ec2Pools"][0]["amiRelease"] = "ami-0123456789abcdef0"

    assert any("amiRelease" in line for line in problems("dev", pin_garbage))
