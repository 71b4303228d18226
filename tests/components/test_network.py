"""The network of each stack matches its stack file."""

from __future__ import annotations

import json

from harness.records import Synthesis

from conftest import fixture_config as stack_config

VPC = "awsx:ec2:Vpc"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"


def network_config(stack: str) -> dict:
    return stack_config(stack)["ecs-platform:network"]


def test_vpc_matches_stack_file(stack: str, synthesis: Synthesis) -> None:
    expected = network_config(stack)
    vpc = synthesis.one(VPC).inputs
    assert vpc["cidrBlock"] == expected["cidr"]
    assert vpc["availabilityZoneNames"] == expected["availabilityZones"]
    assert vpc["subnetStrategy"] == "Auto"
    assert vpc["enableDnsHostnames"] is True
    assert [(s["type"], s["cidrMask"]) for s in vpc["subnetSpecs"]] == [
        ("Public", expected["publicSubnetMask"]),
        ("Private", expected["privateSubnetMask"]),
    ]


def test_nat_strategy_per_stack(synthesized) -> None:
    # dev's NAT is an instance: awsx adds no NAT gateway and no default route
    assert synthesized("dev").one(VPC).inputs["natGateways"] == {"strategy": "None"}
    assert synthesized("prod").one(VPC).inputs["natGateways"] == {"strategy": "OnePerAz"}
    assert len(synthesized("prod").one(VPC).inputs["availabilityZoneNames"]) == 3


def test_outputs_have_one_subnet_per_az_and_tier(stack: str, synthesis: Synthesis) -> None:
    zones = network_config(stack)["availabilityZones"]
    outputs = synthesis.outputs
    assert outputs["availabilityZones"] == zones
    assert outputs["vpcCidr"] == network_config(stack)["cidr"]
    assert outputs["vpcId"].startswith("vpc-")
    assert len(outputs["publicSubnetIds"]) == len(zones)
    assert len(outputs["privateSubnetIds"]) == len(zones)
    assert not set(outputs["publicSubnetIds"]) & set(outputs["privateSubnetIds"])


def test_flow_logs_go_to_a_group_with_the_stack_retention(stack: str, synthesis: Synthesis):
    flow_logs = network_config(stack)["flowLogs"]
    group = synthesis.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")
    assert group.inputs["retentionInDays"] == flow_logs["retentionDays"]
    flow_log = synthesis.one("aws:ec2/flowLog:FlowLog").inputs
    assert flow_log["logDestination"] == group.outputs["arn"]
    assert flow_log["trafficType"] == flow_logs["trafficType"]
    assert flow_log["vpcId"] == synthesis.outputs["vpcId"]


def test_flow_log_role_is_least_privilege(synthesis: Synthesis) -> None:
    role = synthesis.one("aws:iam/role:Role", "network-flow-logs")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Action": ["sts:AssumeRole"],
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        }
    ]
    group_arn = synthesis.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").outputs[
        "arn"
    ]
    policy = json.loads(
        synthesis.one("aws:iam/rolePolicy:RolePolicy", "network-flow-logs").inputs["policy"]
    )
    assert policy["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource": [group_arn, f"{group_arn}:*"],
        }
    ]
    assert synthesis.one("aws:ec2/flowLog:FlowLog").inputs["iamRoleArn"] == role.outputs["arn"]


def test_default_security_group_has_no_rules(synthesis: Synthesis) -> None:
    default = synthesis.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs
    assert default["ingress"] == []
    assert default["egress"] == []
    assert default["vpcId"] == synthesis.outputs["vpcId"]


def test_endpoints_are_exactly_the_configured_ones(stack: str, synthesis: Synthesis) -> None:
    region = stack_config(stack)["aws:region"]
    wanted = network_config(stack).get("endpoints", [])
    endpoints = {e.inputs["serviceName"]: e.inputs for e in synthesis.of_type(ENDPOINT)}
    assert sorted(endpoints) == sorted(f"com.amazonaws.{region}.{s}" for s in wanted)
    for service in wanted:
        endpoint = endpoints[f"com.amazonaws.{region}.{service}"]
        if service == "s3":
            assert endpoint["vpcEndpointType"] == "Gateway"
            # one route table per private subnet, found by association with those subnets
            assert len(endpoint["routeTableIds"]) == len(synthesis.outputs["privateSubnetIds"])
        else:
            assert endpoint["vpcEndpointType"] == "Interface"
            assert endpoint["privateDnsEnabled"] is True
            assert endpoint["subnetIds"] == synthesis.outputs["privateSubnetIds"]


def test_dev_has_no_interface_endpoints_and_prod_has_ecr_logs_secrets(synthesized) -> None:
    def kinds(stack: str) -> set[str]:
        return {e.inputs["vpcEndpointType"] for e in synthesized(stack).of_type(ENDPOINT)}

    assert kinds("dev") == {"Gateway"}
    assert "network-endpoints" not in {g.name for g in synthesized("dev").of_type(SECURITY_GROUP)}
    prod_services = {
        e.inputs["serviceName"].removeprefix("com.amazonaws.eu-west-1.")
        for e in synthesized("prod").of_type(ENDPOINT)
    }
    assert {"ecr.api", "ecr.dkr", "logs", "secretsmanager", "s3"} <= prod_services


def test_interface_endpoint_group_admits_only_https_from_the_vpc(synthesized) -> None:
    prod = synthesized("prod")
    group = prod.one(SECURITY_GROUP, "network-endpoints")
    assert group.inputs["ingress"] == [
        {
            "description": "HTTPS from the VPC",
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlocks": [network_config("prod")["cidr"]],
        }
    ]
    assert group.inputs["egress"] == []
    for endpoint in prod.of_type(ENDPOINT):
        if endpoint.inputs["vpcEndpointType"] == "Interface":
            assert endpoint.inputs["securityGroupIds"] == [group.outputs["id"]]


def test_flow_log_waits_for_its_role_policy(synthesis: Synthesis) -> None:
    flow_log = synthesis.one("aws:ec2/flowLog:FlowLog")
    role_policy = synthesis.one("aws:iam/rolePolicy:RolePolicy", "network-flow-logs")
    assert role_policy.urn in flow_log.dependencies


def test_public_subnets_do_not_auto_assign_public_ips(synthesis: Synthesis) -> None:
    import pulumi

    from components.network import no_public_ip_on_launch

    assert synthesis.one(VPC).transforms == 1  # awsx's children pass through the transform

    def transform(type_: str) -> pulumi.ResourceTransformResult | None:
        args = pulumi.ResourceTransformArgs(
            custom=True,
            type_=type_,
            name="network-vpc-public-1",
            props={"mapPublicIpOnLaunch": True, "cidrBlock": "10.10.0.0/24"},
            opts=pulumi.ResourceOptions(),
        )
        return no_public_ip_on_launch(args)

    result = transform("aws:ec2/subnet:Subnet")
    assert result is not None
    assert result.props == {"mapPublicIpOnLaunch": False, "cidrBlock": "10.10.0.0/24"}
    assert transform("aws:ec2/routeTable:RouteTable") is None


def test_without_nat_the_needed_endpoints_are_required() -> None:
    from harness.engine import SynthesisError, run_program

    config = stack_config("dev")
    config["ecs-platform:network"].update(natGateways="none", endpoints=["s3"])
    try:
        run_program("dev", stack_config=config)
    except SynthesisError as failure:
        assert str(failure.cause).splitlines()[1] == (
            "Pulumi.dev.yaml: network.endpoints: natGateways is none, so private subnets need"
            " endpoints for ecr.api, ecr.dkr, logs, ecs, ecs-agent, ecs-telemetry (image pulls,"
            " logs, ECS agent)"
        )  # then what the services declare (tests/settings/test_endpoint_needs.py)
        assert failure.resources == []
    else:
        raise AssertionError("a NAT-less network without endpoints was accepted")

    needed = ["s3", "ecr.api", "ecr.dkr", "logs", "ecs", "ecs-agent", "ecs-telemetry"]
    needed += ["secretsmanager", "ssm", "ssmmessages", "kms", "sqs"]  # dev's services declare
    config["ecs-platform:network"]["endpoints"] = needed
    synthesis = run_program("dev", stack_config=config)
    assert synthesis.one(VPC).inputs["natGateways"] == {"strategy": "None"}
    assert len(synthesis.of_type(ENDPOINT)) == len(needed)
