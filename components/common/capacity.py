"""Capacity provider strategies as ECS takes them, for the cluster default and for services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from settings.cluster import StrategyItem


def strategy_entries(
    items: Iterable[StrategyItem], provider_names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """`provider_names` maps FARGATE, FARGATE_SPOT and pool names to capacity provider names."""
    return [
        {
            "capacity_provider": provider_names[item.provider],
            "weight": item.weight,
            "base": item.base,
        }
        for item in items
    ]
