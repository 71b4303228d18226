"""The docs' diagrams are drawn from the code: the architecture from what the fixtures register,
a stack's network from its settings, traffic shifts from deployment settings."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

import components
from reference import diagrams
from settings.deployment import DeploymentSettings
from settings.loader import parse_settings
from settings.platform import PlatformSettings
from settings.stack_files import PROJECT_DIR, load_config, read_stack_config

from conftest import FIXTURES

DOCS = PROJECT_DIR / "docs"
SNIPPET = re.compile(r'^--8<-- "([^"]+)"$', re.M)


def settings_of(
    stack: str, change: Callable[[dict[str, Any]], None] | None = None
) -> PlatformSettings:
    config = copy.deepcopy(read_stack_config(stack, FIXTURES))
    if change is not None:
        change(config)
    project, flat = load_config(stack, stack_config=config)
    return parse_settings(flat, project=project, stack=stack)


def test_the_architecture_names_every_component_and_what_it_creates(synthesized: Any) -> None:
    stacks = ("maximal", "jobs", "existing")  # SharedFileSystem: the existing fixture's EFS
    graph = diagrams.component_graph([synthesized(stack) for stack in stacks])
    drawn = diagrams.architecture(graph)
    for name in components.__all__:
        assert f"<b>{name}</b>" in drawn, name
    assert {"aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"} <= graph.created[
        "Service"
    ]
    assert ("Network", "Service") in graph.edges  # subnets and the VPC go into each service
    assert ("Network", "Cluster") in graph.edges
    assert "Network --> Service" in drawn
    # a component that registers nothing under it still appears (edges only between components)
    assert all(source != target for source, target in graph.edges)


def test_the_network_has_a_subnet_pair_per_az_and_its_nat() -> None:
    prod = diagrams.network(settings_of("prod"), "prod")
    zones = settings_of("prod").network.availability_zones
    assert prod.count("NAT gateway") == len(zones) >= 2
    for index, zone in enumerate(zones, start=1):
        assert f"alb{index}[" in prod and f"priv{index}[" in prod and zone in prod
        assert f"priv{index} -. egress .-> nat{index}" in prod
    assert "interface: ecr.api" in prod and "gateway: s3" in prod
    dev = diagrams.network(settings_of("dev"), "dev")
    assert dev.count("NAT instance") == 1
    assert "priv2 -. egress .-> nat1" in dev


def test_a_network_without_nat_or_endpoints_and_an_internal_alb() -> None:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:network"]["natGateways"] = "none"
        config["ecs-platform:network"]["endpoints"] = [
            "s3",
            "ecr.api",
            "ecr.dkr",
            "logs",
            "ecs",
            "ecs-agent",
            "ecs-telemetry",
            "secretsmanager",
            "ssm",
            "ssmmessages",
            "kms",
            "sqs",
        ]
        config["ecs-platform:loadBalancer"]["internal"] = True

    drawn = diagrams.network(settings_of("dev", change), "dev")
    assert "NAT" not in drawn and "egress" not in drawn
    assert "internal ALB" in drawn and "igw --> alb" not in drawn


def test_single_nat_serves_every_private_subnet_from_the_first_az() -> None:
    drawn = diagrams.network(
        settings_of("dev", lambda c: c["ecs-platform:network"].update(natGateways="single")),
        "dev",
    )
    assert drawn.count("NAT gateway") == 1
    assert "priv1 -. egress .-> nat1" in drawn and "priv2 -. egress .-> nat1" in drawn


@pytest.mark.parametrize(
    ("deployment", "points"),
    [
        ({"strategy": "blueGreen"}, [(0, 0), (0, 100), (0, 100)]),
        (
            {
                "strategy": "canary",
                "canary": {"percent": 10, "bakeTimeMinutes": 5},
                "bakeTimeMinutes": 15,
            },
            [(0, 0), (0, 10), (5, 10), (5, 100), (20, 100)],
        ),
        (
            {"strategy": "linear", "linear": {"stepPercent": 40, "stepBakeTimeMinutes": 3}},
            [(0, 0), (0, 40), (3, 40), (3, 80), (6, 80), (6, 100), (6, 100), (6, 100)],
        ),
    ],
)
def test_green_share_over_time(deployment: dict[str, Any], points: list) -> None:
    assert diagrams.green_share(DeploymentSettings.model_validate(deployment)) == points


def test_the_traffic_chart_steps_at_the_shift_and_ends_with_the_bake() -> None:
    chart = diagrams.traffic_example("canary")
    values = [float(v) for v in re.search(r"line \[([^\]]+)\]", chart)[1].split(", ")]
    per_minute = diagrams.SAMPLES_PER_MINUTE
    assert values[:per_minute] == [0.0] * per_minute  # the minute before the shift
    assert values[per_minute] == 10.0 and values[-1] == 100.0
    assert len(values) == (20 + 1) * per_minute + 1  # -1 .. 5 min canary + 15 min bake
    assert "x-axis" in chart and "--> 20" in chart


def test_the_canary_chart_is_the_worked_example_of_the_deployments_page() -> None:
    page = (DOCS / "deployments.md").read_text()
    block = re.search(r"<!-- example: prod -->\n```yaml\n(.*?)```", page, re.S)[1]
    deployment = yaml.safe_load(block)["ecs-platform:services"]["api"]["deployment"]
    assert deployment == diagrams.TRAFFIC_EXAMPLES["canary"]


def test_the_stages_diagram_has_every_stage_and_the_rollback() -> None:
    drawn = diagrams.deployment_stages()
    for stage in diagrams.STAGES:
        assert stage in drawn
    assert "green --> ROLLBACK" in drawn and "class BAKE_TIME nohook" in drawn
    assert "class POST_SCALE_UP nohook" not in drawn


def test_every_included_snippet_is_generated() -> None:
    from reference.pages import SNIPPETS

    included = {name for page in DOCS.rglob("*.md") for name in SNIPPET.findall(page.read_text())}
    assert included, "the pages include the generated diagrams"
    assert included <= set(SNIPPETS)
