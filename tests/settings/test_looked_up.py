"""What only AWS's answers reveal about a team's VPC and listener: checked on hand-made answers
(the mock world of harness/existing_mocks.py is a well-formed one), each problem one line naming
the key."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from components.existing import Lookups
from settings.loader import SettingsError, check_looked_up, parse_settings
from settings.looked_up import ListenerFacts, LookedUp, SubnetFacts
from settings.platform import PlatformSettings
from settings.rules.looked_up import looked_up_problems
from settings.stack_files import load_config

from conftest import fixture_config

VPC = "vpc-0a1b2c3d4e5f60718"
PRIVATE = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"]
BALANCER_ARN = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shared-alb/"
    "0123456789abcdef"
)


def settings(change: Any = None) -> PlatformSettings:
    """The `existing` fixture's settings (production), optionally changed."""
    project, flat = load_config("existing", stack_config=fixture_config("existing"))
    parsed = parse_settings(flat, project=project, stack="existing")
    return change(parsed) if change else parsed


def facts(**overrides: Any) -> LookedUp:
    subnets = {
        subnet: SubnetFacts(subnet, VPC, f"eu-west-1{zone}", f"10.84.{i}.0/24", False)
        for i, (subnet, zone) in enumerate(zip(PRIVATE, "abc", strict=True))
    }
    listener = ListenerFacts(
        arn="arn:listener",
        protocol="HTTPS",
        port=443,
        load_balancer_arn=BALANCER_ARN,
        load_balancer_type="application",
        vpc_id=VPC,
        security_group_ids=("sg-0a1b2c3d4e5f60718",),
        dns_name="shared-alb.example",
    )
    base = LookedUp("123456789012", "10.84.0.0/16", subnets, listener)
    return dataclasses.replace(base, **overrides)


def lines(found: LookedUp, configured: PlatformSettings | None = None) -> list[str]:
    return [f"{p.path}: {p.message}" for p in looked_up_problems(configured or settings(), found)]


def test_the_fixture_answers_raise_nothing() -> None:
    assert lines(facts()) == []
    check_looked_up(settings(), facts())  # does not raise


def test_a_subnet_of_another_vpc_is_named_by_its_key() -> None:
    subnets = facts().subnets | {
        PRIVATE[1]: dataclasses.replace(facts().subnets[PRIVATE[1]], vpc_id="vpc-99999999")
    }
    assert lines(facts(subnets=subnets)) == [
        f"network.existing.privateSubnetIds[1]: {PRIVATE[1]} is in vpc-99999999, not in {VPC}"
        " (vpcId)"
    ]


def test_production_needs_private_subnets_in_two_zones() -> None:
    one_zone = {s: dataclasses.replace(f, availability_zone="eu-west-1a")
                for s, f in facts().subnets.items()}  # fmt: skip
    assert lines(facts(subnets=one_zone)) == [
        "network.existing.privateSubnetIds: tier production needs private subnets in at least 2"
        " availability zones (these are all in eu-west-1a)"
    ]


def test_production_refuses_a_private_subnet_that_maps_public_ips() -> None:
    public = facts().subnets | {
        PRIVATE[0]: dataclasses.replace(facts().subnets[PRIVATE[0]], map_public_ip_on_launch=True)
    }
    assert lines(facts(subnets=public)) == [
        f"network.existing.privateSubnetIds[0]: {PRIVATE[0]} gives instances public IPs on"
        " launch, as a public subnet does; tier production runs tasks in private subnets"
    ]


@pytest.mark.parametrize(
    ("listener_change", "expected"),
    [
        (
            {"protocol": "HTTP", "port": 80},
            "loadBalancer.existing.listenerArn: the listener is HTTP:80; routes go on an HTTPS"
            " listener (HTTP only with allowPlainHttp in development)",
        ),
        (
            {"vpc_id": "vpc-99999999"},
            f"loadBalancer.existing.listenerArn: its load balancer is in vpc-99999999, not in"
            f" network.existing.vpcId {VPC} (target groups must be in the load balancer's VPC)",
        ),
        (
            {"security_group_ids": ("sg-11111111",)},
            "loadBalancer.existing.securityGroupId: sg-0a1b2c3d4e5f60718 is not a security group"
            " of the listener's load balancer (sg-11111111)",
        ),
        (
            {"load_balancer_type": "network"},
            "loadBalancer.existing.listenerArn: the listener's load balancer is network",
        ),
    ],
)
def test_a_listener_the_stack_cannot_use_is_refused(
    listener_change: dict[str, Any], expected: str
) -> None:
    assert facts().listener is not None
    listener = dataclasses.replace(facts().listener, **listener_change)  # type: ignore[arg-type]
    assert lines(facts(listener=listener)) == [expected]


def test_a_listener_of_another_account_is_refused() -> None:
    assert lines(facts(account_id="210987654321")) == [
        "loadBalancer.existing.listenerArn: the listener is in account 123456789012, not in the"
        " stack's account 210987654321: a stack adds rules only to its own account's listeners"
    ]


def test_a_created_internet_facing_alb_needs_public_subnets_in_two_zones() -> None:
    public = "subnet-0a1b2c3d4e5f60021"

    def own_balancer(parsed: PlatformSettings) -> PlatformSettings:
        network = parsed.network.model_copy(
            update={
                "existing": parsed.network.existing.model_copy(  # type: ignore[union-attr]
                    update={"public_subnet_ids": [public]}
                )
            }
        )
        balancer = parsed.load_balancer.model_copy(update={"existing": None})
        config = parsed.config.model_copy(update={"network": network, "load_balancer": balancer})
        return dataclasses.replace(parsed, config=config)

    subnets = facts().subnets | {public: SubnetFacts(public, VPC, "eu-west-1a", "x", True)}
    assert lines(facts(subnets=subnets, listener=None), own_balancer(settings())) == [
        "network.existing.publicSubnetIds: the load balancer needs public subnets in at least 2"
        " availability zones (got eu-west-1a)"
    ]


def test_a_lookup_that_finds_nothing_is_the_problem_at_its_key() -> None:
    lookups = Lookups()

    def not_found() -> None:
        raise Exception(
            "invoke of aws:ec2/getSubnet:getSubnet failed: no matching EC2 Subnet found\n  ..."
        )

    assert lookups.get("network.existing.privateSubnetIds[2]", PRIVATE[2], not_found) is None
    found = facts(missing=lookups.missing)
    with pytest.raises(SettingsError) as refused:
        check_looked_up(settings(), found)
    assert refused.value.lines == [
        f"Pulumi.existing.yaml: network.existing.privateSubnetIds[2]: {PRIVATE[2]} could not be"
        " looked up: invoke of aws:ec2/getSubnet:getSubnet failed: no matching EC2 Subnet found"
    ]


def test_one_mount_target_subnet_per_zone_the_first_of_each() -> None:
    extra = "subnet-0a1b2c3d4e5f60014"
    subnets = facts().subnets | {extra: SubnetFacts(extra, VPC, "eu-west-1a", "x", False)}
    found = facts(subnets=subnets)
    assert found.one_per_zone([*PRIVATE, extra]) == {
        "eu-west-1a": PRIVATE[0],
        "eu-west-1b": PRIVATE[1],
        "eu-west-1c": PRIVATE[2],
    }
    assert found.zones([extra, *PRIVATE]) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert found.listener is not None
    assert found.listener.arn_suffix == "app/shared-alb/0123456789abcdef"
