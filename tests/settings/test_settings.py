"""Bad stack config: one clear line per problem, naming the file and the key; nothing registered."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from harness.engine import run_program
from settings.loader import SettingsError, parse_settings
from settings.stack_files import ConfigFileError, load_config

from conftest import fixture_config as stack_config
from conftest import problems, refused

Config = dict[str, Any]


def network(change: Callable[[Config], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:network"])


BAD_DEV_CONFIG: list[tuple[str, Callable[[Config], Any], str]] = [
    (
        "wrong type",
        network(lambda n: n.update(publicSubnetMask="abc")),
        "network.publicSubnetMask: Input should be a valid integer, unable to parse string as"
        " an integer (got 'abc')",
    ),
    (
        "unknown key (typo)",
        network(lambda n: n.update(cidrr="10.0.0.0/16")),
        "network.cidrr: unknown key (did you mean 'cidr'? allowed: availabilityZones, cidr,"
        " endpoints, existing, flowLogs,"
        " natGateways, natInstance, privateSubnetMask, publicSubnetMask)",
    ),
    (
        "unknown top-level key",
        lambda c: c.update({"ecs-platform:netwrok": {}}),
        "netwrok: unknown key (did you mean 'network'? allowed: acknowledgedLosses, alarms,"
        " ciAccess, cluster, jobs, loadBalancer, logEncryption,"
        " network, quotas, registry, services, tags, tier)",
    ),
    (
        "invalid CIDR",
        network(lambda n: n.update(cidr="10.0.0.0/33")),
        "network.cidr: '10.0.0.0/33' is not a valid IPv4 CIDR block ('33' is not a valid netmask)",
    ),
    (
        "CIDR with host bits",
        network(lambda n: n.update(cidr="10.0.0.1/16")),
        "network.cidr: '10.0.0.1/16' is not a valid IPv4 CIDR block"
        " (10.0.0.1/16 has host bits set)",
    ),
    (
        "public CIDR",
        network(lambda n: n.update(cidr="8.8.0.0/16")),
        "network.cidr: 8.8.0.0/16 is not a private (RFC 1918) range",
    ),
    (
        "too many AZs",
        network(lambda n: n.update(availabilityZones=[f"eu-west-1{x}" for x in "abcdefg"])),
        "network.availabilityZones: List should have at most 6 items, not 7 (got ['eu-west-1a',"
        " 'eu-west-1b', 'eu-west-1c', 'eu-west-1d', 'eu-west-1e', 'eu-west-1f', 'eu-west-1g'])",
    ),
    (
        "no AZ",
        network(lambda n: n.update(availabilityZones=[])),
        "network.availabilityZones: required: one or more AZ names (or set network.existing)",
    ),
    (
        "AZ outside the region",
        network(lambda n: n.update(availabilityZones=["eu-west-1a", "eu-west-2b"])),
        "network.availabilityZones[1]: eu-west-2b is not in the stack's region eu-west-1"
        " (aws:region)",
    ),
    (
        "duplicate AZ",
        network(lambda n: n.update(availabilityZones=["eu-west-1a", "eu-west-1a"])),
        "network.availabilityZones: duplicate entries: eu-west-1a",
    ),
    (
        "unknown NAT strategy",
        network(lambda n: n.update(natGateways="double")),
        "network.natGateways: Input should be 'none', 'single', 'one-per-az' or 'instance'"
        " (got 'double')",
    ),
    (
        "missing required key",
        network(lambda n: n.pop("cidr")),
        "network.cidr: required key is missing (or set network.existing)",
    ),
    (
        "negative retention",
        network(lambda n: n["flowLogs"].update(retentionDays=-1)),
        "network.flowLogs.retentionDays: -1 is not a CloudWatch Logs retention period (allowed:"
        " 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,"
        " 2922, 3288, 3653)",
    ),
    (
        "subnets do not fit",
        network(lambda n: n.update(cidr="10.0.0.0/22")),
        "network.privateSubnetMask: a /24 public and a /20 private subnet per AZ do not fit in"
        " the /23 that each of 2 AZs gets from 10.0.0.0/22; use larger masks or a larger VPC",
    ),
    (
        "subnet mask out of range",
        network(lambda n: n.update(privateSubnetMask=30)),
        "network.privateSubnetMask: Input should be less than or equal to 28 (got 30)",
    ),
    (
        "ECR endpoint without S3",
        network(lambda n: n.update(endpoints=["ecr.dkr"])),
        "network.endpoints: ecr.dkr needs the s3 gateway endpoint too (ECR serves image layers"
        " from S3)",
    ),
    (
        "unknown endpoint",
        network(lambda n: n.update(endpoints=["s3", "ecr"])),
        "network.endpoints[1]: Input should be 's3', 'dynamodb', 'ecr.api', 'ecr.dkr', 'logs',"
        " 'secretsmanager', 'ssm', 'ssmmessages', 'ec2messages', 'sts', 'kms', 'sqs',"
        " 'monitoring', 'ecs', 'ecs-agent' or 'ecs-telemetry' (got 'ecr')",
    ),
    (
        "missing region",
        lambda c: c.pop("aws:region"),
        "aws:region: required key is missing (e.g. eu-west-1)",
    ),
    (
        "unknown tier",
        lambda c: c.update({"ecs-platform:tier": "prod"}),
        "tier: Input should be 'production' or 'development' (got 'prod')",
    ),
    (
        "tag value not a string",
        lambda c: c.update({"ecs-platform:tags": {"Team": {"name": "x"}}}),
        "tags.Team: Input should be a valid string (got {'name': 'x'})",
    ),
    (
        "block that is not a mapping",
        lambda c: c.update({"ecs-platform:network": "10.0.0.0/16"}),
        "network: expected a mapping of keys to values (got '10.0.0.0/16')",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=case) for case, change, expected in BAD_DEV_CONFIG],
)
def test_bad_config_gets_one_clear_line_and_registers_nothing(change, expected) -> None:
    failure = refused("dev", change)
    assert isinstance(failure.cause, SettingsError)
    assert isinstance(failure.cause, pulumi.RunError)  # printed by the engine without traceback
    assert failure.cause.lines == [f"Pulumi.dev.yaml: {expected}"]
    assert str(failure.cause).startswith(
        f"invalid stack configuration (1 problem):\nPulumi.dev.yaml: {expected}"
    )
    assert failure.resources == []


def test_every_problem_is_listed_at_once() -> None:
    def break_three_rules(config: Config) -> None:
        config["ecs-platform:network"]["natGateways"] = "double"
        config["ecs-platform:network"]["flowLogs"]["retentionDays"] = 8
        config["ecs-platform:colour"] = "blue"

    failure = refused("dev", break_three_rules)
    lines = str(failure.cause).splitlines()
    assert lines[0] == "invalid stack configuration (3 problems):"
    assert sorted(line.split(": ")[1] for line in failure.cause.lines) == [
        "colour",
        "network.flowLogs.retentionDays",
        "network.natGateways",
    ]
    # The network failed, so the rules that read it wait; the note says how many.
    assert re.fullmatch(
        r"\(\d+ cross-key checks not run until the problems above are fixed\)", lines[-1]
    )
    assert failure.resources == []


def test_production_rules_follow_the_declared_tier() -> None:
    def weaken(config: Config) -> None:
        network = config["ecs-platform:network"]
        network.update(availabilityZones=["eu-west-1a"], natGateways="single")
        network["flowLogs"]["retentionDays"] = 30

    failure = refused("prod", weaken)
    assert str(failure.cause).splitlines() == [
        "invalid stack configuration (3 problems):",
        "Pulumi.prod.yaml: network.availabilityZones: tier production needs at least 2"
        " availability zones",
        "Pulumi.prod.yaml: network.natGateways: tier production cannot use a single NAT gateway"
        " (one AZ failure cuts all egress); use one-per-az, or none with VPC endpoints",
        "Pulumi.prod.yaml: network.flowLogs.retentionDays: tier production keeps logs at least"
        " 365 days (got 30)",
    ]
    assert failure.resources == []

    # A development tier drops the production rules; only the ALB's own need of two AZs remains.
    def weaken_development(config: Config) -> None:
        weaken(config)
        config["ecs-platform:tier"] = "development"

    assert problems("prod", weaken_development) == [
        "Pulumi.prod.yaml: network.availabilityZones: the load balancer needs subnets in at least"
        " 2 availability zones (got 1)"
    ]
    config = stack_config("prod")
    weaken_development(config)
    config["ecs-platform:network"]["availabilityZones"] = ["eu-west-1a", "eu-west-1b"]
    assert run_program("prod", stack_config=config).one("awsx:ec2:Vpc")


def test_missing_declared_project_key_is_refused_like_the_engine_does() -> None:
    config = stack_config("dev")
    del config["ecs-platform:tier"]
    with pytest.raises(ConfigFileError, match=r"missing required configuration value.*tier"):
        load_config("dev", stack_config=config)


def test_defaults_fill_what_the_stack_file_leaves_out() -> None:
    settings = parse_settings(
        {
            "aws:region": "us-east-1",
            "ecs-platform:tier": "development",
            "ecs-platform:network": (
                '{"cidr": "10.0.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"]}'
            ),
            "ecs-platform:loadBalancer": '{"allowPlainHttp": true}',
        },
        project="ecs-platform",
        stack="sandbox",
    )
    network = settings.network
    assert (network.nat_gateways, network.public_subnet_mask, network.private_subnet_mask) == (
        "single",
        24,
        20,
    )
    assert network.flow_logs.retention_days == 14
    assert network.endpoints == []
    assert settings.stack_file == "Pulumi.sandbox.yaml"
    assert settings.tags == {
        "Project": "ecs-platform",
        "Environment": "sandbox",
        "ManagedBy": "pulumi",
    }


def test_scalars_arrive_as_strings_and_are_coerced() -> None:
    settings = parse_settings(
        {
            "aws:region": "eu-west-1",
            "ecs-platform:tier": "development",
            "ecs-platform:network": (
                '{"cidr": "10.0.0.0/16", "availabilityZones": ["eu-west-1a", "eu-west-1b"],'
                ' "privateSubnetMask": "19"}'
            ),
            "ecs-platform:loadBalancer": '{"allowPlainHttp": "true"}',
        },
        project="ecs-platform",
        stack="dev",
    )
    assert settings.network.private_subnet_mask == 19


def test_settings_are_immutable() -> None:
    parsed = parse_settings(load_config("dev")[1], project="ecs-platform", stack="dev")
    with pytest.raises(Exception, match="frozen"):
        parsed.network.cidr = "10.99.0.0/16"  # type: ignore[misc]
