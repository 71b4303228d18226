"""The task security group's outbound rules: a pure builder, tested directly."""

from __future__ import annotations

from typing import Any

from settings.service import TaskSettings

HTTPS = 443


def task_egress(service: TaskSettings, vpc_cidr: str) -> list[dict[str, Any]]:
    """HTTPS anywhere (AWS APIs, registries) and anything inside the VPC; the rest only as the
    service or job declares it under `egress`."""
    rules: list[dict[str, Any]] = [
        {
            "description": "HTTPS anywhere",
            "protocol": "tcp",
            "from_port": HTTPS,
            "to_port": HTTPS,
            "cidr_blocks": ["0.0.0.0/0"],
        },
        {
            "description": "anything inside the VPC",
            "protocol": "-1",
            "from_port": 0,
            "to_port": 0,
            "cidr_blocks": [vpc_cidr],
        },
    ]
    for extra in service.egress:
        rule: dict[str, Any] = {
            "description": extra.description,
            "protocol": extra.protocol,
            "from_port": extra.from_port,
            "to_port": extra.last_port,
        }
        if extra.cidrs:
            rule["cidr_blocks"] = list(extra.cidrs)
        if extra.prefix_list_ids:
            rule["prefix_list_ids"] = list(extra.prefix_list_ids)
        rules.append(rule)
    return rules
