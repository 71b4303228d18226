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
