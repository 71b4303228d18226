"""Defaults that fit the declared tier: a key left out in a production stack gets the value the
production rules ask for, so a block written for development is accepted in production unless it
says something production forbids.

The model defaults (settings/*.py) are the development ones; each entry below is a production
rule in settings/rules/ whose input has a model default the rule would refuse.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from settings.platform import PlatformConfig
from settings.rules.problem import PRODUCTION_MIN_LOG_RETENTION_DAYS

EACH = "*"  # every entry of a mapping (each service)
REQUIRED_SECTIONS = {
    f.alias or name for name, f in PlatformConfig.model_fields.items() if f.is_required()
}

# (key path, production default, the rule it satisfies)
PRODUCTION_DEFAULTS: tuple[tuple[tuple[str, ...], Any, str], ...] = (
    (("network", "natGateways"), "one-per-az", "rules/network.py production_network"),
    (
        ("network", "flowLogs", "retentionDays"),
        PRODUCTION_MIN_LOG_RETENTION_DAYS,
        "rules/network.py production_network",
    ),
    (
        ("cluster", "execLogRetentionDays"),
        PRODUCTION_MIN_LOG_RETENTION_DAYS,
        "rules/cluster.py production_cluster",
    ),
    (("loadBalancer", "deletionProtection"), True, "rules/load_balancer.py listeners"),
    (("loadBalancer", "accessLogs", "enabled"), True, "rules/load_balancer.py listeners"),
    (
        ("loadBalancer", "waf", "logRetentionDays"),
        PRODUCTION_MIN_LOG_RETENTION_DAYS,
        "rules/load_balancer.py listeners",
    ),
    (
        ("services", EACH, "logRetentionDays"),
        PRODUCTION_MIN_LOG_RETENTION_DAYS,
        "rules/tasks.py production_tasks",
    ),
    (
        ("jobs", EACH, "logRetentionDays"),
        PRODUCTION_MIN_LOG_RETENTION_DAYS,
        "rules/tasks.py production_tasks",
    ),
)


# A section that moves in beside a team's own (`existing`) gets none of its defaults: the VPC's
# NAT and the ALB's protection, logs and WAF are the team's (settings/rules/existing.py refuses
# those keys there), and an existing VPC's flow log is made only when the file asks for one.
EXISTING = "existing"


def with_tier_defaults(raw: Mapping[str, Any]) -> dict[str, Any]:
    """`raw` (the project's keys of a stack file) with the production defaults filled in where a
    production stack leaves the key out. Anything the file says is kept as written."""
    filled = dict(raw)
    if raw.get("tier") != "production":
        return filled
    for path, value, _rule in PRODUCTION_DEFAULTS:
        section = raw.get(path[0])
        if isinstance(section, Mapping) and EXISTING in section:
            continue
        _set_default(filled, path, value)
    return filled


def _set_default(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    head, rest = path[0], path[1:]
    if head == EACH:
        for key, item in list(data.items()):
            if isinstance(item, Mapping):
                data[key] = dict(item)
                _set_default(data[key], rest, value)
        return
    if not rest:
        data.setdefault(head, copy.deepcopy(value))
        return
    if head not in data and head in REQUIRED_SECTIONS:  # "required key is missing", as written
        return
    current = data.get(head, {})
    if not isinstance(current, Mapping):  # a wrong type: validation reports it as written
        return
    data[head] = dict(current)
    _set_default(data[head], rest, value)
