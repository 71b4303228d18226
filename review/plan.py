"""Offline plan: what a stack would create, from the real program run under mocks.

    ecs-platform plan [STACK] [--base REF | --against OTHER] [--format text|json|markdown]

No AWS account and no Pulumi CLI needed. `--base REF` diffs the stack against the same stack at
git revision REF, `--against OTHER` against another stack; every output has the monthly cost
estimate. Exit status: 0 success (changes or not), 2 bad stack config (the same error the program
raises under `pulumi up`), 3 the base revision could not be synthesized, 4 (with --base or
--against) the diff has a blocking risk: a step AWS or the engine would refuse in the order the
engine applies the change (review/risks/hazards.py), or a loss of data (review/risks/data_loss.py);
the output says the safe sequence.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cost import PRICES_DIR
from harness.engine import SynthesisError, run_program
from harness.records import Synthesis, masked_outputs
from review.base_revision import BaseError
from review.compare import Timing, against_nothing, against_revision, against_stack, plan_cost
from review.render import cost_lines, render_diff_text, render_markdown
from review.risks.data_loss import AcknowledgementError
from review.summaries import summarize
from review.summaries.queues import queue_access, render_queues
from settings.stack_files import PROJECT_DIR, ConfigFileError

FORMATS = ("text", "json", "markdown")
CONFIG_ERROR, BASE_FAILED, BLOCKED = 2, 3, 4
# Exit statuses of `ecs-platform plan` (docs/reference/commands.md is generated from them).
EXIT_STATUS = {
    0: "plan or diff printed (changes or not)",
    CONFIG_ERROR: "bad stack config or usage file (the error `pulumi up` would raise), or an"
    " acknowledgement of a resource the stack does not have",
    BASE_FAILED: "the base revision (`--base`) could not be synthesized",
    BLOCKED: "the diff has a blocking risk: a step AWS or the engine would refuse, or a loss of"
    " data; the output gives the safe sequence",
}


# The data sources that name what a team already has (network.existing, loadBalancer.existing).
EXISTING_LOOKUPS = {
    "aws:ec2/getVpc:getVpc": ("VPC", "id"),
    "aws:ec2/getSubnet:getSubnet": ("subnet", "id"),
    "aws:lb/getListener:getListener": ("listener", "arn"),
    "aws:lb/getLoadBalancer:getLoadBalancer": ("load balancer", "arn"),
}


def existing_resources(synthesis: Synthesis) -> list[str]:
    """What the stack moves in beside: looked up when it runs, never created or changed."""
    found = [
        f"{EXISTING_LOOKUPS[token][0]} {args.get(EXISTING_LOOKUPS[token][1])}"
        for token, args in synthesis.invokes
        if token in EXISTING_LOOKUPS
    ]
    return list(dict.fromkeys(found))


def build_plan(synthesis: Synthesis) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for resource in synthesis.resources:
        if resource.is_component and not resource.remote:
            continue
        top = synthesis.top_component(resource)
        group = f"{top.name} ({top.type})" if top is not None else "(stack)"
        groups.setdefault(group, []).append(
            {"type": resource.type, "name": resource.name, "properties": summarize(resource)}
        )
    for resources in groups.values():
        resources.sort(key=lambda r: (r["type"], r["name"]))
    groups = dict(sorted(groups.items()))
    return {
        "stack": synthesis.stack,
        "components": groups,
        "counts": synthesis.count_by_type(),
        "total": len(synthesis.resources),
        "outputs": masked_outputs(synthesis),
        "queues": queue_access(synthesis),
        "existing": existing_resources(synthesis),
    }


def render_text(plan: dict[str, Any]) -> str:
    lines = [
        f"Offline plan for stack '{plan['stack']}' (Pulumi mocks; nothing was sent to AWS)",
        "",
    ]
    for group, resources in plan["components"].items():
        lines.append(f"{group}: {len(resources)} resources")
        for resource in resources:
            lines.append(f"  + {resource['type']}  {resource['name']}")
            for key, value in resource["properties"].items():
                shown = ", ".join(map(str, value)) if isinstance(value, list) else value
                lines.append(f"      {key}: {shown}")
        lines.append("")
    if plan.get("existing"):
        lines.append("Existing (looked up, not managed by this stack):")
        lines += [f"  = {what}" for what in plan["existing"]]
        lines.append("")
    lines += render_queues(plan.get("queues") or [])
    lines.append("Resources by type:")
    width = max((len(t) for t in plan["counts"]), default=0)
    for type_, count in plan["counts"].items():
        lines.append(f"  {type_.ljust(width)}  {count}")
    lines.append(f"  {'total'.ljust(width)}  {plan['total']}")
    lines.append("")
    lines.append("Stack outputs:")
    for key, value in plan["outputs"].items():
        lines.append(f"  {key}: {json.dumps(value)}")
    return "\n".join(lines)


@dataclass
class PlanRequest:
    """One `ecs-platform plan`: a stack, and optionally what to diff it against."""

    stack: str
    project_dir: Path = PROJECT_DIR
    prices_dir: Path = PRICES_DIR
    usage: Path | None = None
    format: str = "text"
    base: str | None = None
    against: str | None = None


def plan_output(request: PlanRequest, timing: Timing) -> str:
    """The plan of one stack in `request.format`, with its monthly cost estimate."""
    started = time.perf_counter()
    synthesis = run_program(request.stack, project_dir=request.project_dir)
    timing.mark("synthesis", started)
    if request.format == "markdown":
        report = against_nothing(
            request.stack, synthesis, request.project_dir, request.prices_dir, request.usage
        )
        return render_markdown(report)
    plan = build_plan(synthesis)
    plan["cost"] = plan_cost(synthesis, request.project_dir, request.prices_dir, request.usage)
    if request.format == "json":
        return json.dumps(plan, indent=2, sort_keys=False)
    return plan_text(plan)


def plan_text(plan: dict[str, Any]) -> str:
    """The text plan with its cost lines (`plan["cost"]`), as `ecs-platform plan` prints it."""
    return render_text(plan) + "\n\n" + "\n".join(cost_lines(plan["cost"]))


def diff_output(request: PlanRequest, timing: Timing) -> tuple[str, int]:
    """The diff against `request.base` (a git revision) or `request.against` (another stack),
    and the exit status: BLOCKED when a risk blocks."""
    if request.base:
        report = against_revision(
            request.stack,
            request.base,
            request.project_dir,
            request.prices_dir,
            timing,
            usage_path=request.usage,
        )
    else:
        report = against_stack(
            request.stack,
            str(request.against),
            request.project_dir,
            request.prices_dir,
            usage_path=request.usage,
        )
    status = BLOCKED if report["blocking"] else 0
    if request.format == "json":
        return json.dumps(report, indent=2, default=str), status
    render = render_markdown if request.format == "markdown" else render_diff_text
    return render(report), status


def run_plan(request: PlanRequest, timing: Timing) -> tuple[str, int]:
    """(output, exit status) of a plan or diff; errors become the statuses of EXIT_STATUS with
    one line on stderr (returned as the output with the status, never raised)."""
    try:
        if request.base or request.against:
            return diff_output(request, timing)
        return plan_output(request, timing), 0
    except ConfigFileError as error:
        return f"error: {error}", CONFIG_ERROR
    except SynthesisError as failure:
        return f"error: {failure.cause}", CONFIG_ERROR
    except AcknowledgementError as error:
        return f"error: {error}", CONFIG_ERROR
    except BaseError as error:
        return f"error: the base revision could not be synthesized: {error}", BASE_FAILED
