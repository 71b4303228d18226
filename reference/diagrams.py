"""Diagrams of the docs as Mermaid text, drawn from the code so they cannot go stale.

- `architecture`: the components of `components.__all__` (and any other component the fixtures
  register at the top level), the resource types each creates and which component's outputs
  each one uses, read from the fixture stacks synthesized under the mocks.
- `network`: a fixture stack's VPC from its settings: a public and a private subnet per AZ,
  NAT gateways or the NAT instance, VPC endpoints, the ALB and where the tasks run.
- `traffic_shift`: production traffic on green over time for a blue/green, canary or linear
  deployment (xychart), from deployment settings validated by the settings model.
- `deployment_stages`: the stages of an ECS blue/green, canary or linear deployment and where
  it rolls back.

`ecs-platform reference --write` writes them under docs/reference/diagrams/ (Markdown snippets
that the hand-written pages include with `--8<--`) and docs/reference/architecture.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import get_args

import components
from harness.records import Synthesis
from settings.deployment import DeploymentSettings, HookStage
from settings.platform import PlatformSettings

COMPONENT_PREFIX = "ecs-platform:"


def _fence(body: Sequence[str]) -> str:
    return "\n".join(["```mermaid", *body, "```", ""])


def _label(*lines: str) -> str:
    """A node label: lines joined by <br/>, quotes made safe."""
    return '"' + "<br/>".join(line.replace('"', "#quot;") for line in lines) + '"'


def _short(type_: str) -> tuple[str, str]:
    """`aws:ec2/securityGroup:SecurityGroup` -> ("ec2", "SecurityGroup");
    `awsx:ec2:Vpc` -> ("awsx", "Vpc"); `ecs-platform:cluster:ManagedInstancePool` ->
    ("component", "ManagedInstancePool")."""
    provider, module, name = type_.split(":")
    if provider == "aws":
        return module.split("/")[0], name
    if type_.startswith(COMPONENT_PREFIX):
        return "component", name
    return provider, name


# -- architecture -------------------------------------------------------------------------
def component_types() -> dict[str, str]:
    """TYPE -> class name of every component in `components.__all__`."""
    return {getattr(components, name).TYPE: name for name in components.__all__}


@dataclass(frozen=True)
class ComponentGraph:
    """Components by class name: the resource types each creates, and (A, B) pairs where a
    resource of B depends on one of A."""

    created: dict[str, set[str]]
    edges: set[tuple[str, str]]


def component_graph(syntheses: Iterable[Synthesis]) -> ComponentGraph:
    """The top-level component resources of the stacks, the resource types under each, and an
    edge A -> B where a resource of B depends on one of A (Pulumi's recorded dependencies: an
    input taken from A's outputs, or depends_on)."""
    known = component_types()
    created: dict[str, set[str]] = {}
    edges: set[tuple[str, str]] = set()
    for synthesis in syntheses:
        by_urn = {r.urn: r for r in synthesis.resources}
        for resource in synthesis.resources:
            top = synthesis.top_component(resource)
            if top is None:
                continue
            name = known.get(top.type, top.type.rsplit(":", 1)[-1])
            created.setdefault(name, set())
            if resource is not top:
                created[name].add(resource.type)
            for urn in resource.dependencies:
                other = by_urn.get(urn)
                source = synthesis.top_component(other) if other else None
                if source is not None and source.type != top.type:
                    edges.add((known.get(source.type, source.type.rsplit(":", 1)[-1]), name))
    return ComponentGraph(created, edges)


def modules(types: Iterable[str]) -> dict[str, list[str]]:
    """AWS module (or `awsx`, `component`) -> the sorted type names in it."""
    found: dict[str, set[str]] = {}
    for type_ in types:
        module, name = _short(type_)
        found.setdefault(module, set()).add(name)
    return {module: sorted(names) for module, names in sorted(found.items())}


def architecture(graph: ComponentGraph) -> str:
    """One node per component (the AWS services it creates resources in), an arrow per edge."""
    lines = ["flowchart TB"]
    for name in sorted(graph.created):
        title = f"<b>{name}</b>" + (" (one per service)" if name == "Service" else "")
        found = modules(graph.created[name])
        used = " · ".join(", ".join(v) if k == "component" else k for k, v in found.items())
        lines.append(f"  {_node_id(name)}[{_label(title, used)}]")
    for source, target in sorted(graph.edges):
        lines.append(f"  {_node_id(source)} --> {_node_id(target)}")
    return _fence(lines)


def _node_id(name: str) -> str:
    return re.sub(r"\W", "_", name)


# -- network ------------------------------------------------------------------------------
def network(settings: PlatformSettings, fixture: str) -> str:
    """The VPC of a stack's settings, a row per subnet tier and a box per AZ in each row. awsx
    places one NAT gateway per AZ (`one-per-az`) or, for `single`, routes every private subnet
    to the first AZ's (pulumi-awsx awsx/ec2/vpc.ts: `natGatewayStrategy === "Single" ?
    natGateways[0]`); the NAT instance runs in the first public subnet
    (components/nat_instance.py); an internal ALB sits in the private subnets."""
    net, lb = settings.network, settings.load_balancer
    routed = ", ".join(name for name, s in settings.services.items() if s.routing is not None)
    tasks = ", ".join(settings.services) or "none yet"
    zones = list(enumerate(net.availability_zones, start=1))
    nat_kind = "NAT instance" if net.nat_gateways == "instance" else "NAT gateway"
    lines = ["flowchart TB", '  internet(("Internet"))']
    lines.append(f'  subgraph vpc["VPC {net.cidr} ({fixture} fixture)"]')
    lines.append('    igw["Internet gateway"]')
    lines.append(f'    subgraph public["public subnets, /{net.public_subnet_mask} each"]')
    for index, zone in zones:
        if not lb.internal:
            lines.append(f"      alb{index}[{_label('ALB', zone)}]")
        if _nat_in(net.nat_gateways, index):
            lines.append(f"      nat{index}[{_label(nat_kind, zone)}]")
    lines.append("    end")
    lines.append(f'    subgraph private["private subnets, /{net.private_subnet_mask} each"]')
    for index, zone in zones:
        if lb.internal:
            lines.append(f"      alb{index}[{_label('internal ALB', zone)}]")
        lines.append(f"      priv{index}[{_label(zone, f'tasks: {tasks}')}]")
    lines.append("    end")
    if net.endpoints:
        gateway = [e for e in net.endpoints if e in ("s3", "dynamodb")]
        interface = [e for e in net.endpoints if e not in gateway]
        rows = ["VPC endpoints"]
        rows += [f"interface: {', '.join(interface)}"] if interface else []
        rows += [f"gateway: {', '.join(gateway)}"] if gateway else []
        lines.append(f"    endpoints[{_label(*rows)}]")
    lines.append("  end")
    lines.append("  internet <--> igw")
    for index, _ in zones:
        if not lb.internal:
            lines.append(f"  igw --> alb{index}")
        if routed:
            lines.append(f"  alb{index} -- {routed} --> priv{index}")
        nat = _nat_for(net.nat_gateways, index)
        if nat:
            lines.append(f"  priv{index} -. egress .-> nat{nat}")
    if net.endpoints:
        lines += [f"  priv{index} -.-> endpoints" for index, _ in zones]
    return _fence(lines)


def _nat_in(mode: str, index: int) -> bool:
    return mode == "one-per-az" or (mode in ("single", "instance") and index == 1)


def _nat_for(mode: str, index: int) -> int | None:
    if mode == "one-per-az":
        return index
    return 1 if mode in ("single", "instance") else None


# -- deployments --------------------------------------------------------------------------
def green_share(deployment: DeploymentSettings) -> list[tuple[int, float]]:
    """(minute, % of production traffic on green) from the start of the production shift to
    the end of the bake time: blue/green moves everything at once, canary `percent` for
    `bakeTimeMinutes` then the rest, linear `stepPercent` every `stepBakeTimeMinutes`."""
    points: list[tuple[int, float]] = [(0, 0.0)]
    minute = 0
    if deployment.canary is not None and deployment.strategy == "canary":
        points.append((minute, deployment.canary.percent))
        minute += deployment.canary.bake_time_minutes
        points.append((minute, deployment.canary.percent))
    elif deployment.linear is not None and deployment.strategy == "linear":
        share = 0.0
        while share < 100:
            share = min(100.0, share + deployment.linear.step_percent)
            points.append((minute, share))
            if share < 100:
                minute += deployment.linear.step_bake_time_minutes
                points.append((minute, share))
    points.append((minute, 100.0))
    minute += deployment.bake_time_minutes or 0
    points.append((minute, 100.0))
    return points


SAMPLES_PER_MINUTE = 4  # xychart joins equally spaced values: a shift shows as a steep step
LINE_COLOUR = "#3f51b5"  # the theme's indigo: the default palette's first colour is too pale


def traffic_shift(deployment: DeploymentSettings, title: str) -> str:
    """An xychart of `green_share` from a minute before the shift to the end of the bake time."""
    points = green_share(deployment)
    last = points[-1][0]
    values = []
    for step in range(-SAMPLES_PER_MINUTE, last * SAMPLES_PER_MINUTE + 1):
        minute = step / SAMPLES_PER_MINUTE
        values.append(0.0 if minute < 0 else [s for m, s in points if m <= minute][-1])
    init = {"themeVariables": {"xyChart": {"plotColorPalette": LINE_COLOUR}}}
    lines = [
        f"%%{{init: {json.dumps(init)}}}%%",
        "xychart-beta",
        f'  title "{title}"',
        f'  x-axis "minutes after the production shift starts" -1 --> {last}',
        '  y-axis "% of production traffic on green" 0 --> 100',
        f"  line [{', '.join(f'{v:g}' for v in values)}]",
    ]
    return _fence(lines)


# Stages of an ECS blue/green, canary or linear deployment, in order (ECS API reference,
# ServiceDeployment.lifecycleStage, as docs/deployments.md lists them). SCALE_UP, BAKE_TIME and
# CLEAN_UP take no hook; the others are the settings' HookStage values.
STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
)


def deployment_stages() -> str:
    """A state diagram of the stages (the ones that take no hook in italics) and the rollback
    from any stage while green runs: a deployment alarm, a Lambda hook answering FAILED, an
    approval answered with rollback (or timed out with `onTimeout: rollback`)."""
    hooked = set(get_args(HookStage))
    first, last = STAGES.index("SCALE_UP"), STAGES.index("BAKE_TIME")
    lines = [
        '%%{init: {"state": {"rankSpacing": 24, "nodeSpacing": 24}}}%%',
        "stateDiagram-v2",
        "  direction LR",
        f"  [*] --> {STAGES[0]}",
    ]
    lines += [f"  {a} --> {b}" for a, b in pairwise(STAGES[:first])]
    lines.append('  state "green starts, traffic shifts, blue stays" as green {')
    lines.append("    direction TB")
    lines.append(f"    [*] --> {STAGES[first]}")
    inner = STAGES[first : last + 1]
    lines += [f"    {a} --> {b}" for a, b in pairwise(inner)]
    lines.append(f"    {STAGES[last]} --> [*]")
    lines.append("  }")
    lines.append(f"  {STAGES[first - 1]} --> green")
    lines.append(f"  green --> {STAGES[-1]}")
    lines.append(f"  {STAGES[-1]} --> [*]: blue stopped")
    lines.append("  green --> ROLLBACK: alarm, hook FAILED or approval rollback")
    lines.append("  ROLLBACK --> [*]: production on blue again")
    lines += [f"  class {stage} nohook" for stage in STAGES if stage not in hooked]
    lines.append("  classDef nohook font-style:italic")
    return _fence(lines)


# Example deployments the traffic charts draw, validated by the settings model (the canary is
# the worked example of docs/deployments.md).
TRAFFIC_EXAMPLES: dict[str, dict[str, object]] = {
    "blueGreen": {"strategy": "blueGreen", "bakeTimeMinutes": 10},
    "canary": {
        "strategy": "canary",
        "canary": {"percent": 10, "bakeTimeMinutes": 5},
        "bakeTimeMinutes": 15,
    },
    "linear": {
        "strategy": "linear",
        "linear": {"stepPercent": 25, "stepBakeTimeMinutes": 5},
        "bakeTimeMinutes": 10,
    },
}


def traffic_example(strategy: str) -> str:
    deployment = DeploymentSettings.model_validate(TRAFFIC_EXAMPLES[strategy])
    if deployment.canary is not None:
        canary = deployment.canary
        shape = f"{canary.percent:g}% for {canary.bake_time_minutes} min, then all"
    elif deployment.linear is not None:
        shape = (
            f"{deployment.linear.step_percent:g}% more every"
            f" {deployment.linear.step_bake_time_minutes} min"
        )
    else:
        shape = "all at once"
    bake = deployment.bake_time_minutes or 0
    return traffic_shift(deployment, f"{strategy}: {shape}; blue kept {bake} min (bake)")


def architecture_page(generated: str, syntheses: Sequence[Synthesis], stacks: Sequence[str]) -> str:
    known = component_types()
    graph = component_graph(syntheses)
    rows = [
        f"| `{name}` | "
        + "; ".join(f"{module}: {', '.join(names)}" for module, names in modules(types).items())
        + " |"
        for name, types in sorted(graph.created.items())
    ]
    return "\n".join(
        [
            "# Architecture",
            "",
            generated,
            "",
            "The components the program composes and whose outputs each uses (an arrow A → B: a",
            "resource of B takes an input from A or depends on it), with the AWS services each",
            "creates resources in, drawn from what the fixture stacks",
            f"{', '.join(f'`{s}`' for s in stacks)} register under the mocks. The components are",
            f"those of `components.__all__` ({', '.join(f'`{c}`' for c in sorted(known.values()))}"
            ")",
            "and any other component the program registers at the top level.",
            "",
            architecture(graph),
            "## What each component creates",
            "",
            "| component | resource types (by AWS service) |",
            "|---|---|",
            *rows,
            "",
        ]
    )
