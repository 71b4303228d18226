"""Offline plan: what a stack would create, from the real program run under mocks.

    python -m offline.plan [STACK] [--base REF | --against OTHER] [--format text|json|markdown]

No AWS account and no Pulumi CLI needed. `--base REF` diffs the stack against the same stack at
git revision REF, `--against OTHER` against another stack; every output has the monthly cost
estimate. Exit status: 0 success (changes or not), 2 bad stack config (the same error the program
raises under `pulumi up`), 3 the base revision could not be synthesized, 4 (with --base or
--against) the diff has a blocking risk: a step AWS would refuse in the order the engine applies
the change (offline/hazards.py); the output says the safe sequence of deploys.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from offline.base import BaseError
from offline.cost import PRICES_DIR
from offline.harness import PROJECT_DIR, ConfigFileError, Synthesis, SynthesisError, run_program
from offline.plan_diff import Timing, against_nothing, against_revision, against_stack, plan_cost
from offline.queue_access import queue_access, render_queues
from offline.records import masked_outputs
from offline.render import cost_lines, render_diff_text, render_markdown
from offline.summaries import summarize

FORMATS = ("text", "json", "markdown")
CONFIG_ERROR, BASE_FAILED, BLOCKED = 2, 3, 4
# Exit statuses of `python -m offline.plan` (docs/reference/exit-codes.md is generated from it).
EXIT_STATUS = {
    0: "plan or diff printed (changes or not)",
    CONFIG_ERROR: "bad stack config or usage file: the error `pulumi up` would raise",
    BASE_FAILED: "the base revision (`--base`) could not be synthesized",
    BLOCKED: "the diff has a blocking risk: a step AWS would refuse in the order the engine"
    " applies the change; the output gives the safe sequence of deploys",
}


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


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="exit status: 0 success, 2 bad stack config, 3 the base could not be synthesized,"
        " 4 the diff has a blocking risk (a step AWS would refuse; the output gives the safe"
        " sequence of deploys)",
    )
    parser.add_argument("stack", nargs="?", default="dev", help="stack name (default: dev)")
    compare = parser.add_mutually_exclusive_group()
    compare.add_argument("--base", metavar="REF", help="diff against this stack at git REF")
    compare.add_argument("--against", metavar="OTHER", help="diff against another stack")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument("--timing", action="store_true", help="print step timings to stderr")
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="the Pulumi project to plan"
    )
    parser.add_argument(
        "--prices-dir", type=Path, default=PRICES_DIR, help="folder of <region>.yaml price files"
    )
    parser.add_argument(
        "--usage",
        type=Path,
        metavar="FILE",
        help="usage file (default: usage.<stack>.yaml beside the stack file, else tier defaults)",
    )
    options = parser.parse_args(argv)
    if options.json:
        options.format = "json"
    options.project_dir = options.project_dir.resolve()
    return options


def _plan_output(options: argparse.Namespace, timing: Timing) -> str:
    started = time.perf_counter()
    synthesis = run_program(options.stack, project_dir=options.project_dir)
    timing.mark("synthesis", started)
    if options.format == "markdown":
        report = against_nothing(
            options.stack, synthesis, options.project_dir, options.prices_dir, options.usage
        )
        return render_markdown(report)
    plan = build_plan(synthesis)
    plan["cost"] = plan_cost(synthesis, options.project_dir, options.prices_dir, options.usage)
    if options.format == "json":
        return json.dumps(plan, indent=2, sort_keys=False)
    return render_text(plan) + "\n\n" + "\n".join(cost_lines(plan["cost"]))


def _diff_output(options: argparse.Namespace, timing: Timing) -> tuple[str, int]:
    if options.base:
        report = against_revision(
            options.stack,
            options.base,
            options.project_dir,
            options.prices_dir,
            timing,
            usage_path=options.usage,
        )
    else:
        report = against_stack(
            options.stack,
            options.against,
            options.project_dir,
            options.prices_dir,
            usage_path=options.usage,
        )
    status = BLOCKED if report["blocking"] else 0
    if options.format == "json":
        return json.dumps(report, indent=2, default=str), status
    render = render_markdown if options.format == "markdown" else render_diff_text
    return render(report), status


def main(argv: list[str] | None = None) -> int:
    """Exit 0 on success (changes or not), 2 on bad stack config, 3 if the base failed, 4 if the
    diff has a blocking risk (printed with the safe sequence of deploys)."""
    options = _arguments(argv)
    timing = Timing()
    status = 0
    try:
        if options.base or options.against:
            output, status = _diff_output(options, timing)
        else:
            output = _plan_output(options, timing)
    except ConfigFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return CONFIG_ERROR
    except SynthesisError as failure:
        print(f"error: {failure.cause}", file=sys.stderr)
        return CONFIG_ERROR
    except BaseError as error:
        print(f"error: the base revision could not be synthesized: {error}", file=sys.stderr)
        return BASE_FAILED
    print(output)
    if options.timing:
        print(timing.line(), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
