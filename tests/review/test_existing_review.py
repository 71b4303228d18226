"""The plan, the diff's flags and the cost of a stack moved in beside a team's setup."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cost import estimate, load_prices
from cost.usage import usage_pricer
from cost.usage_file import TIER_DEFAULTS, Usage
from harness.records import Synthesis
from review.diff import diff_resources
from review.plan import build_plan, render_text
from review.risks import assess
from review.risks.data_loss import data_loss

LISTENER = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared-alb/"
    "0123456789abcdef/fedcba9876543210"
)


@pytest.fixture(scope="module")
def existing(synthesized: Callable[[str], Synthesis]) -> Synthesis:
    return synthesized("existing")


def test_the_plan_names_what_the_stack_moves_in_beside(existing: Synthesis) -> None:
    plan = build_plan(existing)
    assert plan["existing"] == [
        "VPC vpc-0a1b2c3d4e5f60718",
        "subnet subnet-0a1b2c3d4e5f60011",
        "subnet subnet-0a1b2c3d4e5f60012",
        "subnet subnet-0a1b2c3d4e5f60013",
        f"listener {LISTENER}",
        "load balancer " + LISTENER.replace(":listener/", ":loadbalancer/").rsplit("/", 1)[0],
    ]
    text = render_text(plan)
    assert "Existing (looked up, not managed by this stack):" in text
    assert "volumes: uploads: efs fs-0a1b2c3d4e5f60718 ap fsap-0a1b2c3d4e5f607189" in text
    assert "joins: sg-0f1e2d3c4b5a69788" in text


def test_a_plan_of_a_stack_of_its_own_names_nothing_existing(synthesized) -> None:
    assert build_plan(synthesized("prod"))["existing"] == []


def test_rules_on_the_teams_listener_and_joined_groups_are_flagged(existing: Synthesis) -> None:
    changes = diff_resources([], existing.resources).changes
    risks = assess(changes, "production", existing.resources)
    flags = {(r.code, r.urn.rsplit("::", 1)[-1]) for r in risks
             if r.code in ("shared-listener", "security-group-joined")}  # fmt: skip
    assert flags == {
        ("shared-listener", "web-route"),
        ("security-group-joined", "web"),
        ("security-group-joined", "worker"),
    }


def test_rules_on_the_stacks_own_listener_are_not_flagged(synthesized) -> None:
    prod = synthesized("prod")
    risks = assess(diff_resources([], prod.resources).changes, "production", prod.resources)
    assert not [r for r in risks if r.code in ("shared-listener", "security-group-joined")]


def test_the_same_rule_at_the_same_priority_is_not_flagged_again(existing: Synthesis) -> None:
    changes = diff_resources(existing.resources, existing.resources).changes
    assert [r for r in assess(changes, "production", existing.resources)] == []


def test_removing_the_stacks_file_system_is_refused_with_its_recipe(existing: Synthesis) -> None:
    without = [r for r in existing.resources if not r.name.startswith("efs")]
    changes = diff_resources(existing.resources, without).changes
    [risk] = [r for r in data_loss(changes, "production", existing.resources, without)
              if r.urn and r.urn.endswith("::efs-fs")]  # fmt: skip
    assert risk.blocking and risk.code == "protected-delete"
    assert "copy the files into the new file system first" in risk.message


def test_the_stacks_file_system_storage_is_priced_from_the_usage(existing: Synthesis) -> None:
    table = load_prices("eu-west-1")
    usage = Usage.model_validate(TIER_DEFAULTS["production"])
    found = estimate(existing.resources, table, usage_pricer(usage))
    [item] = [i for i in found.items if i.price_key == "efsStandardGbMonth"]
    price = table.price("efsStandardGbMonth")
    assert price is not None and item.usage
    assert item.quantity == usage.efs_storage_gb
    assert item.monthly == pytest.approx(usage.efs_storage_gb * price)
    # a stack without a file system of its own pays no EFS storage
    assert not [i for i in estimate(existing.resources[:0], table, usage_pricer(usage)).items]
