"""Orchestrates a plan diff: synthesize both sides, diff, flag risks, estimate costs.

against a git revision: this working tree's stack vs the same stack at REF (base.py)
against another stack:  this stack vs OTHER at the same revision, matched by stack-free URN
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cost import PRICES_DIR, Estimate, NoPricesError, estimate, load_prices
from cost.usage import usage_pricer
from cost.usage_file import UsageInputs, load_usage
from harness.engine import run_program
from harness.records import Synthesis, without_stack_name
from review import base_revision
from review.diff import diff_resources
from review.report import cost_report, diff_report
from review.risks import assess, cost_risk, logical_namer, with_logical_names
from review.risks.data_loss import Acknowledgements, data_loss
from review.risks.hazards import hazards
from settings.acknowledgements import LossAcknowledgement
from settings.platform import stack_file_name
from settings.stack_files import read_stack_config, read_yaml


@dataclass
class Timing:
    """Wall-clock seconds of each step, for the plan's --timing line and the bench."""

    steps: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def mark(self, step: str, since: float) -> None:
        self.steps[step] = time.perf_counter() - since

    def line(self) -> str:
        total = time.perf_counter() - self.started
        parts = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in self.steps.items())
        return f"timing: {parts}, total {total:.2f} s"


def stack_setting(stack: str, project_dir: Path, key: str) -> Any:
    return read_stack_config(stack, project_dir).get(key)


def acknowledgements(stack: str, project_dir: Path) -> Acknowledgements:
    """The stack file's `acknowledgedLosses` (the program has validated them by now)."""
    entries = stack_setting(stack, project_dir, "ecs-platform:acknowledgedLosses") or []
    return Acknowledgements(
        [LossAcknowledgement.model_validate(entry) for entry in entries], stack_file_name(stack)
    )


def stack_usage(stack: str, project_dir: Path, usage_path: Path | None = None) -> UsageInputs:
    """`--usage FILE`, else `usage.<stack>.yaml` beside the stack file, else the tier's defaults."""
    tier = stack_setting(stack, project_dir, "ecs-platform:tier")
    return load_usage(stack, project_dir, str(tier) if tier else None, usage_path)


def estimate_for(
    synthesis: Synthesis,
    region: str | None,
    prices_dir: Path = PRICES_DIR,
    usage: UsageInputs | None = None,
) -> tuple[Estimate | None, str | None]:
    """(estimate, None), or (None, why there is none). Without `usage`, fixed costs only."""
    if not region:
        return None, "the stack sets no aws:region"
    try:
        table = load_prices(region, prices_dir)
    except NoPricesError as error:
        return None, str(error)
    if usage is None:
        return estimate(synthesis.resources, table), None
    pricer = usage_pricer(usage.values)
    return estimate(synthesis.resources, table, pricer, usage.source), None


def plan_cost(
    synthesis: Synthesis, project_dir: Path, prices_dir: Path, usage_path: Path | None = None
) -> dict[str, Any]:
    region = stack_setting(synthesis.stack, project_dir, "aws:region")
    usage = stack_usage(synthesis.stack, project_dir, usage_path)
    new, error = estimate_for(synthesis, region, prices_dir, usage)
    return cost_report(new, error=error)


def report_between(
    new: Synthesis,
    old: Synthesis,
    *,
    base: str,
    commit: str,
    tier: str,
    regions: tuple[str | None, str | None],
    prices_dir: Path,
    usages: tuple[UsageInputs | None, UsageInputs | None] = (None, None),
    acknowledged: Acknowledgements | None = None,
) -> dict[str, Any]:
    changes = diff_resources(old.resources, new.resources)
    acknowledged = acknowledged or Acknowledgements(stack_file=stack_file_name(new.stack))
    risks = (
        hazards(changes.changes, new.resources, old.resources)
        + data_loss(changes.changes, tier, old.resources, new.resources, acknowledged)
        + assess(changes.changes, tier, new.resources)
    )
    risks = with_logical_names(risks, [*old.resources, *new.resources])
    new_estimate, error = estimate_for(new, regions[0], prices_dir, usages[0])
    old_estimate, old_error = estimate_for(old, regions[1] or regions[0], prices_dir, usages[1])
    if new_estimate is not None and old_estimate is None and old.resources:
        new_estimate, error = None, old_error  # no delta without a base price
    cost = cost_report(new_estimate, old_estimate, error=error, compared=True)
    flagged = cost_risk(cost["monthly"], cost["baseMonthly"])
    if flagged is not None:
        risks.append(flagged)
    report = diff_report(
        stack=new.stack, base=base, commit=commit, diff=changes, risks=risks, cost=cost
    )
    report["acknowledgements"] = acknowledged.report()
    name = logical_namer([*old.resources, *new.resources])
    for change in report["changes"]:  # a new resource's properties name others by logical name
        change["summary"] = {
            key: [name(v) if isinstance(v, str) else v for v in value]
            if isinstance(value, list)
            else name(value)
            if isinstance(value, str)
            else value
            for key, value in change["summary"].items()
        }
    return report


def against_revision(
    stack: str,
    ref: str,
    project_dir: Path,
    prices_dir: Path = PRICES_DIR,
    timing: Timing | None = None,
    usage_path: Path | None = None,
) -> dict[str, Any]:
    """The working tree's `stack` vs the same stack at git revision `ref` (same usage inputs)."""
    timing = timing or Timing()
    started = time.perf_counter()
    run = base_revision.start(project_dir, ref, stack)  # runs while this side synthesizes
    try:
        new = run_program(stack, project_dir=project_dir)
    except BaseException:
        if run.process is not None:
            run.process.kill()
        run.cleanup()
        raise
    timing.mark("synthesis", started)
    old = run.result(stack)
    timing.mark("with base (in parallel)", started)
    region = stack_setting(stack, project_dir, "aws:region")
    label = f"{ref} ({run.commit[:7]})" + ("" if run.process else ", no stack file there")
    return report_between(
        new,
        old,
        base=label,
        commit=base_revision.describe_worktree(project_dir),
        tier=str(stack_setting(stack, project_dir, "ecs-platform:tier")),
        regions=(region, run.region),
        prices_dir=prices_dir,
        usages=(usage := stack_usage(stack, project_dir, usage_path), usage),
        acknowledged=acknowledgements(stack, project_dir),
    )


def against_stack(
    stack: str,
    other: str,
    project_dir: Path,
    prices_dir: Path = PRICES_DIR,
    usage_path: Path | None = None,
) -> dict[str, Any]:
    """`stack` vs `other` at this revision: what `stack` has that `other` has not (each with
    its own usage inputs; `usage_path` replaces `stack`'s)."""
    project = str(read_yaml(project_dir / "Pulumi.yaml")["name"])
    seed = f"{project}/{stack}"  # one seed: same mock ids for the same logical resources
    new = run_program(stack, project_dir=project_dir, mock_seed=seed)
    old = run_program(other, project_dir=project_dir, mock_seed=seed)
    renamed_new = Synthesis(stack, without_stack_name(new.resources, stack, project), {}, [])
    renamed_old = Synthesis(stack, without_stack_name(old.resources, other, project), {}, [])
    report = report_between(
        renamed_new,
        renamed_old,
        base=f"stack {other}",
        commit=base_revision.describe_worktree(project_dir),
        tier=str(stack_setting(stack, project_dir, "ecs-platform:tier")),
        regions=(
            stack_setting(stack, project_dir, "aws:region"),
            stack_setting(other, project_dir, "aws:region"),
        ),
        prices_dir=prices_dir,
        usages=(stack_usage(stack, project_dir, usage_path), stack_usage(other, project_dir)),
        acknowledged=acknowledgements(stack, project_dir),
    )
    return report


def against_nothing(
    stack: str,
    synthesis: Synthesis,
    project_dir: Path,
    prices_dir: Path,
    usage_path: Path | None = None,
) -> dict[str, Any]:
    """A plan as a diff from an empty stack (every resource an add), for Markdown."""
    empty = Synthesis(stack, [], {}, [])
    region = stack_setting(stack, project_dir, "aws:region")
    return report_between(
        synthesis,
        empty,
        base="(nothing deployed)",
        commit=base_revision.describe_worktree(project_dir),
        tier=str(stack_setting(stack, project_dir, "ecs-platform:tier")),
        regions=(region, region),
        prices_dir=prices_dir,
        usages=(stack_usage(stack, project_dir, usage_path), None),
    )
