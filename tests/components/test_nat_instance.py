"""Dev's NAT instance: private default routes through a fixed interface that every replacement
instance attaches, a role that can attach only that interface, and never in production."""

from __future__ import annotations

import base64
import copy
import json
import re
import subprocess

from pulumi.runtime.mocks import MockCallArgs

from harness.engine import run_program
from harness.mocks import AwsMocks
from harness.records import Synthesis

from conftest import fixture_config as stack_config
from conftest import problems

ROUTE = "aws:ec2/route:Route"
INTERFACE = "aws:ec2/networkInterface:NetworkInterface"
EIP = "aws:ec2/eip:Eip"
GROUP = "aws:autoscaling/group:Group"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
ROUTE_TABLE_LOOKUP = "aws:ec2/getRouteTable:getRouteTable"
NAT = "network-nat"


def nat_settings() -> dict:
    return stack_config("dev")["ecs-platform:network"]


def test_dev_uses_a_nat_instance_and_prod_does_not(synthesized) -> None:
    assert nat_settings()["natGateways"] == "instance"
    assert synthesized("dev").one(INTERFACE, NAT)
    assert synthesized("prod").of_type(INTERFACE) == []
    assert synthesized("prod").of_type(ROUTE) == []


def test_every_private_route_table_defaults_to_the_fixed_interface(synthesized) -> None:
    synthesis: Synthesis = synthesized("dev")
    interface = synthesis.one(INTERFACE, NAT)
    private_subnets = synthesis.outputs["privateSubnetIds"]
    lookups = [args for token, args in synthesis.invokes if token == ROUTE_TABLE_LOOKUP]
    assert sorted(args["subnetId"] for args in lookups) == sorted(private_subnets)
    # ask the same mock AWS which table each private subnet uses
    answers = [
        AwsMocks(region="eu-west-1").call(MockCallArgs(ROUTE_TABLE_LOOKUP, args, ""))
        for args in lookups
    ]
    routes = synthesis.of_type(ROUTE)
    assert sorted(r.inputs["routeTableId"] for r in routes) == sorted(
        answer["routeTableId"] for answer in answers
    )
    for route in routes:
        assert route.inputs["destinationCidrBlock"] == "0.0.0.0/0"
        assert route.inputs["networkInterfaceId"] == interface.id


def test_the_fixed_interface_forwards_and_keeps_a_stable_address(synthesized) -> None:
    synthesis: Synthesis = synthesized("dev")
    interface = synthesis.one(INTERFACE, NAT)
    assert interface.inputs["sourceDestCheck"] is False
    assert interface.inputs["subnetId"] == synthesis.outputs["publicSubnetIds"][0]
    eip = synthesis.one(EIP, NAT).inputs
    assert eip["networkInterface"] == interface.id
    assert eip["domain"] == "vpc"
    (security_group_id,) = interface.inputs["securityGroups"]
    security_group = synthesis.one(SECURITY_GROUP, NAT)
    assert security_group.id == security_group_id
    (ingress,) = security_group.inputs["ingress"]
    assert ingress["cidrBlocks"] == [nat_settings()["cidr"]]


def test_a_group_of_one_launches_in_the_interfaces_subnet(synthesized) -> None:
    synthesis: Synthesis = synthesized("dev")
    group = synthesis.one(GROUP, NAT).inputs
    template = synthesis.one(TEMPLATE, NAT)
    assert (group["minSize"], group["maxSize"]) == (1, 1)
    assert group["vpcZoneIdentifiers"] == [synthesis.one(INTERFACE, NAT).inputs["subnetId"]]
    assert group["launchTemplate"]["id"] == template.id
    assert group["launchTemplate"]["version"] == str(template.outputs["latestVersion"])


def test_the_instance_is_small_hardened_and_attaches_the_interface(synthesized) -> None:
    synthesis: Synthesis = synthesized("dev")
    wanted = nat_settings()["natInstance"]
    template = synthesis.one(TEMPLATE, NAT).inputs
    assert template["instanceType"] == wanted["instanceType"]
    assert template["metadataOptions"]["httpTokens"] == "required"
    (root,) = template["blockDeviceMappings"]
    assert root["ebs"]["encrypted"] == "true"
    asked = [args["name"] for token, args in synthesis.invokes if token.startswith("aws:ssm/")]
    assert (
        f"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{wanted['architecture']}"
        in asked
    )
    script = base64.b64decode(template["userData"]).decode()
    interface_id = synthesis.one(INTERFACE, NAT).id
    assert f"--network-interface-id {interface_id}" in script
    assert "--device-index 1" in script
    assert "X-aws-ec2-metadata-token" in script  # IMDSv2
    assert "net.ipv4.ip_forward = 1" in script
    assert f"-s {nat_settings()['cidr']} -j MASQUERADE" in script


def test_the_role_can_attach_only_that_interface_to_the_nat_instance(synthesized) -> None:
    synthesis: Synthesis = synthesized("dev")
    interface = synthesis.one(INTERFACE, NAT)
    policy = json.loads(synthesis.one(ROLE_POLICY, NAT).inputs["policy"])
    statements = policy["Statement"]
    assert {a for s in statements for a in s["Action"]} == {
        "ec2:AttachNetworkInterface",
        "autoscaling:SetInstanceHealth",  # the egress check replaces a broken NAT
    }
    (health,) = [s for s in statements if s["Action"] == ["autoscaling:SetInstanceHealth"]]
    group_name = synthesis.one(GROUP, NAT).inputs["name"]
    (group_arn,) = health["Resource"]
    assert group_arn.startswith("arn:aws:autoscaling:eu-west-1:")
    assert group_arn.endswith(f":autoScalingGroup:*:autoScalingGroupName/{group_name}")
    resources = [r for s in statements for r in s["Resource"]]
    assert "*" not in resources
    assert interface.outputs["arn"] in resources
    instance_name = synthesis.one(GROUP, NAT).inputs["tags"]
    name_tag = next(t["value"] for t in instance_name if t["key"] == "Name")
    (instances,) = [s for s in statements if s["Resource"][0].endswith(":instance/*")]
    assert instances["Condition"] == {"StringEquals": {"aws:ResourceTag/Name": name_tag}}
    nat_attachments = [a for a in synthesis.of_type(ATTACHMENT) if a.name.startswith(NAT)]
    assert nat_attachments == []  # ssmAccess is off in dev


def test_ssm_access_is_optional() -> None:
    config = copy.deepcopy(stack_config("dev"))
    config["ecs-platform:network"]["natInstance"]["ssmAccess"] = True
    synthesis = run_program("dev", stack_config=config)
    (attachment,) = [a for a in synthesis.of_type(ATTACHMENT) if a.name.startswith(NAT)]
    assert attachment.inputs["policyArn"].endswith("/AmazonSSMManagedInstanceCore")


def test_production_refuses_a_nat_instance() -> None:
    def use_instance(config: dict) -> None:
        config["ecs-platform:network"]["natGateways"] = "instance"

    (line,) = problems("prod", use_instance)
    assert line.startswith("Pulumi.prod.yaml: network.natGateways: tier production")
    assert "single point of failure" in line


def test_instance_type_must_match_the_architecture() -> None:
    def x86_type(config: dict) -> None:
        config["ecs-platform:network"]["natInstance"]["instanceType"] = "t3.nano"

    assert problems("dev", x86_type) == [
        "Pulumi.dev.yaml: network.natInstance.instanceType: t3.nano is x86_64 but"
        " natInstance.architecture is arm64"
    ]


def _heredocs(script: str) -> dict[str, str]:
    """The files the user data writes: path -> content."""
    found = re.findall(r"cat > (\S+) <<'NAT_EOF'\n(.*?)\nNAT_EOF", script, re.S)
    return dict(found)


def test_the_nat_is_configured_on_every_boot_by_a_systemd_unit(synthesized) -> None:
    synthesis: Synthesis = synthesized("dev")
    script = base64.b64decode(synthesis.one(TEMPLATE, NAT).inputs["userData"]).decode()
    files = _heredocs(script)
    unit = files["/etc/systemd/system/nat-configure.service"]
    assert "WantedBy=multi-user.target" in unit and "After=network-online.target" in unit
    assert "systemctl enable --now nat-configure.service nat-check.timer" in script
    configure = files["/usr/local/sbin/nat-configure"]
    interface_id = synthesis.one(INTERFACE, NAT).id
    assert f'= "{interface_id}"' in configure
    assert 'ip -4 -o addr show dev "$device" | grep -q inet' in configure  # waits for its address
    assert 'ip route replace default via "$gateway" dev "$device"' in configure
    assert "ip route" not in script.split("cat > ")[0]  # nothing boot-time left to cloud-init
    timer = files["/etc/systemd/system/nat-check.timer"]
    assert "OnUnitActiveSec=1min" in timer
    check = files["/usr/local/sbin/nat-check"]
    assert "--health-status Unhealthy" in check and "-ge 3 ]" in check
    for path, content in [("user-data", script), *files.items()]:
        if content.startswith("#!/bin/bash"):
            result = subprocess.run(["bash", "-n"], input=content, text=True, capture_output=True)
            assert result.returncode == 0, (path, result.stderr)
