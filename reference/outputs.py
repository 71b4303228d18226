"""Command output shown in the docs, produced by the commands' own code on the fixture stacks,
never typed: the text plan (`ecs-platform plan`), an excerpt of it, and the settings' refusal of
a bad stack file (what `pulumi up` and `ecs-platform plan` print).

Written by `ecs-platform reference --write` as docs/reference/example-plan.md and as snippets
under docs/reference/output/ that hand-written pages include (`--8<-- "output/<name>.md"`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from cost import PRICES_DIR
from reference.figures import FIXTURES, synthesize
from review.compare import plan_cost
from review.plan import build_plan, plan_text
from settings.loader import SettingsError, parse_settings
from settings.stack_files import load_config, read_stack_config


def _text_block(text: str) -> str:
    return "\n".join(["```text", text.rstrip(), "```", ""])


def plan_of(stack: str) -> str:
    """`ecs-platform plan <stack>` (text) of a fixture stack file."""
    synthesis = synthesize(stack)
    plan = build_plan(synthesis)
    plan["cost"] = plan_cost(synthesis, FIXTURES, PRICES_DIR)
    return plan_text(plan)


def plan_excerpt(stack: str, resource: str) -> str:
    """The lines of one resource in a fixture's text plan: `+ <type>  <name>` and its
    properties (e.g. resource="aws:ecs/service:Service  api")."""
    lines = plan_of(stack).splitlines()
    start = lines.index(f"  + {resource}")
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("      ")), len(lines)
    )
    return _text_block("\n".join(lines[start:end]))


def _bad_prod(config: dict[str, Any]) -> dict[str, Any]:
    """The prod fixture with a single NAT gateway and a misspelt `cidr`."""
    changed = copy.deepcopy(config)
    changed["ecs-platform:network"]["natGateways"] = "single"
    changed["ecs-platform:network"]["cidrr"] = changed["ecs-platform:network"]["cidr"]
    return changed


def settings_refusal(stack: str = "prod", change: Callable[[dict], dict] = _bad_prod) -> str:
    """What the settings loader raises for a changed fixture: the message `pulumi up` and
    `ecs-platform plan` print."""
    config = change(read_stack_config(stack, FIXTURES))
    project, flat = load_config(stack, stack_config=config)
    try:
        parse_settings(flat, project=project, stack=stack)
    except SettingsError as error:
        return _text_block(str(error))
    raise AssertionError(f"the changed {stack} fixture was accepted")


def example_plan_page(generated: str, stack: str = "dev") -> str:
    return "\n".join(
        [
            "# Example plan",
            "",
            generated,
            "",
            f"What `ecs-platform plan {stack}` prints for the `{stack}` fixture",
            f"(`tests/fixtures/Pulumi.{stack}.yaml`), produced by the same code as the command:",
            "every resource the stack would register, by component, with the properties a",
            "reviewer checks, the resource counts, the stack outputs (mock values) and the",
            "monthly cost estimate. The pull-request form of a change is the",
            "[example PR comment](example-pr-comment.md).",
            "",
            _text_block(plan_of(stack)),
        ]
    )
