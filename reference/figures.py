"""The figures and the example pull-request comment of the docs, computed from the fixtures.

Used by `ecs-platform reference --write` (docs/reference/figures.md and
example-pr-comment.md). Everything is synthesized here under the mocks from the fixture stack
files in tests/fixtures/ (never the user's own stack files), priced from cost/prices/.
"""

from __future__ import annotations

import copy
from typing import Any

from cost import PRICES_DIR
from cost.usage_file import load_usage
from harness.engine import run_program
from harness.records import Synthesis
from review import compare as plan_diff
from review.iam_reference import compact_length
from review.render import render_markdown
from settings.stack_files import PROJECT_DIR, read_stack_config

FIXTURES = PROJECT_DIR / "tests" / "fixtures"
FIGURE_STACKS = ("dev", "prod", "minimal", "maximal", "jobs", "existing")
CI_POLICY = "aws:iam/policy:Policy"
IAM_POLICY_LIMIT = 6144  # characters, whitespace not counted (IAM quotas)


def synthesize(stack: str, config: dict[str, Any] | None = None) -> Synthesis:
    config = read_stack_config(stack, FIXTURES) if config is None else config
    return run_program(stack, stack_config=config, mock_seed=f"ecs-platform/{stack}")


def _money(value: float | None) -> str:
    return "unpriced" if value is None else f"${value:,.2f}"


def stack_row(stack: str) -> str:
    config = read_stack_config(stack, FIXTURES)
    synthesis = synthesize(stack, config)
    tier = str(config.get("ecs-platform:tier"))
    usage = load_usage(stack, FIXTURES, tier)
    estimate, error = plan_diff.estimate_for(
        synthesis, str(config.get("aws:region")), PRICES_DIR, usage
    )
    if estimate is None:
        return f"| {stack} | {tier} | {len(synthesis.resources)} | {error} | | | | |"
    fixed = sum(i.monthly or 0.0 for i in estimate.items if not i.usage)
    used = sum(i.monthly or 0.0 for i in estimate.items if i.usage)
    return (
        f"| {stack} | {tier} | {len(synthesis.resources)} | {_money(fixed)} | {_money(used)}"
        f" | {_money(fixed + used)} | {len(estimate.unpriced)} | {len(estimate.left_out)} |"
    )


def ci_policy_sizes(stack: str) -> list[tuple[str, int]]:
    """(policy logical name, size) of the CI roles' managed policies of a fixture."""
    return sorted(
        (
            (policy.name, compact_length(str(policy.inputs.get("policy") or "")))
            for policy in synthesize(stack).of_type(CI_POLICY)
            if policy.name.startswith("ci-")
        ),
        key=lambda item: (-item[1], item[0]),
    )


def figures_page(generated: str) -> str:
    rows = [stack_row(stack) for stack in FIGURE_STACKS]
    sizes = ci_policy_sizes("maximal")
    size_rows = [f"| `{name}` | {size:,} | {IAM_POLICY_LIMIT - size:,} |" for name, size in sizes]
    return "\n".join(
        [
            "# Figures of the fixture stacks",
            "",
            generated,
            "",
            "Computed by the offline plan from the stack files in `tests/fixtures/` (the shipped",
            "dev and prod as examples, a minimal and a maximal stack), prices from",
            "`cost/prices/`, usage from each tier's default usage inputs (no usage file). Left",
            "out: items whose price was looked for and not found ([Prices](prices.md)). Your",
            "own figures: `ecs-platform plan <stack>`.",
            "",
            "| fixture | tier | resources | fixed / month | usage / month | total | unpriced "
            "| left out |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "## CI roles' managed policies (maximal fixture)",
            "",
            f"IAM counts at most {IAM_POLICY_LIMIT:,} characters per managed policy, whitespace",
            "not counted; the plan shows each policy's size.",
            "",
            "| policy | characters | headroom |",
            "|---|---:|---:|",
            *size_rows,
            "",
        ]
    )


EXAMPLE_CHANGE = (
    "a new routed service `billing` (Fargate, `/billing/*`, priority 30) and the `api` image"
    " tag `1.0.0` → `1.1.0`"
)


def example_change(config: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(config)
    services = changed["ecs-platform:services"]
    services["api"]["image"]["tag"] = "1.1.0"
    services["billing"] = {
        "image": {"repository": "api", "tag": "1.1.0"},
        "cpu": 256,
        "memory": 512,
        "port": 8080,
        "capacity": "fargate",
        "desiredCount": 2,
        "routing": {"pathPatterns": ["/billing/*"], "priority": 30},
        "logRetentionDays": 365,
    }
    return changed


def example_comment_page(generated: str, stack: str = "prod") -> str:
    config = read_stack_config(stack, FIXTURES)
    old = synthesize(stack, config)
    new = synthesize(stack, example_change(config))
    tier = str(config.get("ecs-platform:tier"))
    usage = load_usage(stack, FIXTURES, tier)
    region = str(config.get("aws:region"))
    report = plan_diff.report_between(
        new,
        old,
        base="main (example)",
        commit="example",
        tier=tier,
        regions=(region, region),
        prices_dir=PRICES_DIR,
        usages=(usage, usage),
    )
    return "\n".join(
        [
            "# Example pull-request comment",
            "",
            generated,
            "",
            f"What the preview workflow posts for the `{stack}` fixture when a change brings",
            f"{EXAMPLE_CHANGE}, rendered by the same code as",
            "`ecs-platform plan prod --base <ref> --format markdown`.",
            "",
            "````markdown",
            render_markdown(report),
            "````",
            "",
        ]
    )
