"""The dashboard is split into several when one would pass CloudWatch's 500 widgets."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from components.common.dashboard import (
    DashboardService,
    PoolMetrics,
    dashboard_bodies,
    dashboard_body,
    dashboard_count,
    pack,
)

CLOUDWATCH_WIDGET_LIMIT = 500


def _services(count: int) -> list[DashboardService]:
    """Every shape in turn: plain, routed, queue-scaled, routed and queue-scaled, no insights."""
    shapes = [
        {},
        {"target_group_suffix": "tg"},
        {"queue_name": "jobs"},
        {"target_group_suffix": "tg", "queue_name": "jobs"},
        {"running_tasks": False},
    ]
    return [DashboardService(f"svc{i}", **shapes[i % len(shapes)]) for i in range(count)]


def _bodies(services: list[DashboardService], pools: int = 3, **kwargs: int) -> list[list[dict]]:
    bodies = dashboard_bodies(
        region="eu-west-1",
        cluster_name="c",
        load_balancer_suffix="app/lb/1",
        services=services,
        pools=[PoolMetrics(f"pool{i}", f"cp{i}", f"asg{i}") for i in range(pools)],
        **kwargs,
    )
    return [json.loads(body)["widgets"] for body in bodies]


def _owner(widget: dict) -> str:
    return widget["properties"]["title"].split(":")[0]


def test_150_services_are_split_and_every_one_is_shown() -> None:
    services = _services(150)
    pages = _bodies(services)
    assert len(pages) > 1
    assert all(len(page) <= CLOUDWATCH_WIDGET_LIMIT for page in pages)
    owners = [_owner(w) for page in pages for w in page]
    assert set(owners) == {s.name for s in services} | {f"pool pool{i}" for i in range(3)}
    assert len(pages) == dashboard_count(services, 3)


def test_split_keeps_each_service_on_one_dashboard_in_order() -> None:
    pages = _bodies(_services(150))
    page_of: dict[str, set[int]] = {}
    for number, page in enumerate(pages):
        for widget in page:
            page_of.setdefault(_owner(widget), set()).add(number)
    assert all(len(numbers) == 1 for numbers in page_of.values())
    order = list(dict.fromkeys(_owner(w) for page in pages for w in page))
    assert order[:150] == [f"svc{i}" for i in range(150)]


def test_split_holds_exactly_the_widgets_of_the_single_body() -> None:
    services = _services(150)
    whole = json.loads(
        dashboard_body(
            region="eu-west-1",
            cluster_name="c",
            load_balancer_suffix="app/lb/1",
            services=services,
            pools=[PoolMetrics(f"pool{i}", f"cp{i}", f"asg{i}") for i in range(3)],
        )
    )["widgets"]
    assert len(whole) > CLOUDWATCH_WIDGET_LIMIT
    assert [w for page in _bodies(services) for w in page] == whole


def test_few_services_make_one_dashboard() -> None:
    services = _services(20)
    assert len(_bodies(services)) == 1 == dashboard_count(services, 3)


@pytest.mark.parametrize("count", [0, 1, 83, 84, 99, 100, 101, 160, 333])
def test_dashboard_count_matches_the_bodies(count: int) -> None:
    services = _services(count)
    assert len(_bodies(services, limit=50)) == dashboard_count(services, 3, limit=50)
    assert len(_bodies(services)) == dashboard_count(services, 3)


def test_pack_fills_pages_without_splitting_a_group() -> None:
    sizes = [3, 3, 4, 2, 5]
    pages = pack(sizes, 6)
    assert pages == [[0, 1], [2, 3], [4]]
    assert Counter(i for page in pages for i in page) == Counter(range(len(sizes)))
    with pytest.raises(ValueError, match="7 widgets"):
        pack([7], 6)
