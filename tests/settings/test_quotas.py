"""AWS quotas are checked before anything is created; a raised quota is a setting."""

from __future__ import annotations

import copy
from typing import Any

from settings_check import settings_problems

SERVICES = "ecs-platform:services"


def _clone_api(config: dict[str, Any], count: int) -> None:
    api = config[SERVICES]["api"]
    for index in range(count):
        clone = copy.deepcopy(api)
        clone["routing"] = {"pathPatterns": [f"/s{index}/*"], "priority": 1000 + index}
        config[SERVICES][f"svc{index}"] = clone


def test_more_routed_services_than_listener_rules_is_refused() -> None:
    routed = 1  # api is routed in prod
    lines = settings_problems("prod", lambda c: _clone_api(c, 101 - routed))
    assert "Pulumi.prod.yaml: services: 101 listener rules, above the quota of 100" in lines[0]
    assert "quotas.listenerRules" in lines[0] and "101 target groups" in lines[1]


def test_a_raised_quota_accepts_them() -> None:
    def change(config: dict[str, Any]) -> None:
        _clone_api(config, 100)
        config["ecs-platform:quotas"] = {"listenerRules": 200, "targetGroups": 200}

    assert settings_problems("prod", change) == []


def test_alb_security_group_inbound_rules() -> None:
    cidrs = [f"10.{i}.0.0/16" for i in range(31)]
    lines = settings_problems(
        "prod", lambda c: c["ecs-platform:loadBalancer"].update(ingressCidrs=cidrs)
    )
    assert lines == [
        "Pulumi.prod.yaml: loadBalancer.ingressCidrs: 62 inbound rules on the ALB security"
        " group, above the quota of 60 (raise it with AWS, then set quotas.securityGroupRules)"
    ]


def test_service_security_group_inbound_rules() -> None:
    def change(config: dict[str, Any]) -> None:
        _clone_api(config, 63)
        config[SERVICES]["api"]["allowFrom"] = [f"svc{i}" for i in range(63)]

    lines = settings_problems("prod", change)
    assert any("services.api.allowFrom: 64 inbound rules" in line for line in lines), lines


def _egress(count: int) -> list[dict[str, Any]]:
    return [
        {"description": f"partner {index}", "fromPort": 5432, "cidrs": [f"10.{index}.0.0/24"]}
        for index in range(count)
    ]


def test_service_security_group_outbound_rules() -> None:
    default_rules = 2  # HTTPS anywhere and anything inside the VPC, always there
    at_limit = 60 - default_rules
    assert settings_problems("prod", lambda c: _set_egress(c, at_limit)) == []
    lines = settings_problems("prod", lambda c: _set_egress(c, at_limit + 1))
    assert lines == [
        "Pulumi.prod.yaml: services.api.egress: 61 outbound rules on the service's security"
        " group, above the quota of 60 (raise it with AWS, then set quotas.securityGroupRules)"
    ]


def test_outbound_rules_count_each_cidr_and_prefix_list() -> None:
    def change(config: dict[str, Any]) -> None:
        config[SERVICES]["api"]["egress"] = [
            {
                "description": "many destinations",
                "fromPort": 443,
                "cidrs": [f"10.{i}.0.0/24" for i in range(40)],
                "prefixListIds": [f"pl-{i:08x}" for i in range(19)],
            }
        ]
        config["ecs-platform:quotas"] = {"securityGroupRules": 60}

    lines = settings_problems("prod", change)
    assert len(lines) == 1 and "61 outbound rules" in lines[0], lines


def test_a_raised_security_group_quota_accepts_more_egress() -> None:
    def change(config: dict[str, Any]) -> None:
        _set_egress(config, 100)
        config["ecs-platform:quotas"] = {"securityGroupRules": 102}

    assert settings_problems("prod", change) == []


def _set_egress(config: dict[str, Any], count: int) -> None:
    config[SERVICES]["api"]["egress"] = _egress(count)


def _pools(config: dict[str, Any], count: int) -> None:
    cluster = config["ecs-platform:cluster"]
    template = cluster["ec2Pools"][0]
    extra = [{**copy.deepcopy(template), "name": f"pool{i}"} for i in range(count - 1)]
    cluster["ec2Pools"] = [template, *extra]  # services still use the first pool


def test_capacity_providers_per_cluster_are_fixed_by_aws() -> None:
    fargate_providers = 2
    assert settings_problems("prod", lambda c: _pools(c, 20 - fargate_providers)) == []
    lines = settings_problems("prod", lambda c: _pools(c, 21 - fargate_providers))
    assert lines == [
        "Pulumi.prod.yaml: cluster.ec2Pools: 21 capacity providers on the cluster (FARGATE,"
        " FARGATE_SPOT and each pool), above the quota of 20 (not adjustable)"
    ]
