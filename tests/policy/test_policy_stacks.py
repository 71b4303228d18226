"""The pack on the real stacks: prod has only waived findings (and the gaps still to close), dev
has exactly the findings its policy config makes advisory; waivers and config stay honest."""

from __future__ import annotations

import ast
from typing import Any

import pytest
from ecs_platform_policies.catalog import RULES_BY_NAME, Finding
from ecs_platform_policies.model import TIERS
from ecs_platform_policies.pack import WAIVED_FINDINGS
from ecs_platform_policies.waivers import load_waivers
from policy_offline import POLICY_DIR, findings_of, policy_config, stack_tier

from harness.engine import run_program
from settings.stack_files import read_stack_config

from conftest import FIXTURES

# Findings today that components will fix (hardening in progress): (stack, policy, resource).
# Empty an entry when its fix lands; the test fails while a listed finding no longer fires.
KNOWN_GAPS_TO_CLOSE: set[tuple[str, str, str]] = set()  # all closed by the hardened defaults
TIER_DEPENDENT = {name for name, rule in RULES_BY_NAME.items() if rule.tiers != TIERS}


@pytest.fixture(scope="module")
def findings(synthesized: Any) -> dict[str, list[Finding]]:
    return {stack: findings_of(synthesized(stack), stack) for stack in ("dev", "prod")}


def open_findings(stack: str, found: list[Finding]) -> set[tuple[str, str, str]]:
    return {(stack, f.policy, f.resource.name) for f in found if f.waiver is None}


def advisory(stack: str) -> set[str]:
    return {
        name
        for name, entry in policy_config(stack).items()
        if entry.get("enforcementLevel") == "advisory"
    }


def test_prod_has_no_unwaived_finding_but_known_gaps(findings: dict[str, list[Finding]]) -> None:
    found = open_findings("prod", findings["prod"])
    gaps = {gap for gap in KNOWN_GAPS_TO_CLOSE if gap[0] == "prod"}
    assert found - gaps == set(), "new prod violations"
    assert gaps - found == set(), "closed gaps: remove them from KNOWN_GAPS_TO_CLOSE"
    assert advisory("prod") == set(), "prod relaxes nothing: every policy is mandatory"


def test_dev_findings_are_exactly_its_advisory_policies(
    findings: dict[str, list[Finding]],
) -> None:
    found = open_findings("dev", findings["dev"])
    gaps = {gap for gap in KNOWN_GAPS_TO_CLOSE if gap[0] == "dev"}
    assert gaps <= found, "closed gaps: remove them from KNOWN_GAPS_TO_CLOSE"
    assert {policy for _, policy, _ in found - gaps} == advisory("dev")


def test_every_relaxation_says_why() -> None:
    for name in advisory("dev"):
        assert len(policy_config("dev")[name].get("reason", "")) > 20, name


def test_every_waiver_covers_a_real_finding(findings: dict[str, list[Finding]]) -> None:
    used = {f.waiver for found in findings.values() for f in found if f.waiver}
    assert set(load_waivers()) - used == set(), "stale waivers"


def test_waivers_never_cover_a_mandatory_gap_we_could_fix() -> None:
    waived = {w.policy for w in load_waivers()}
    assert waived.isdisjoint({policy for _, policy, _ in KNOWN_GAPS_TO_CLOSE})


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_policy_config_names_real_policies_and_the_stack_tier(stack: str) -> None:
    config = policy_config(stack)
    assert set(config) <= set(RULES_BY_NAME) | {WAIVED_FINDINGS}
    tier_needed = TIER_DEPENDENT | {WAIVED_FINDINGS}
    assert {name for name, entry in config.items() if "tier" in entry} == tier_needed
    assert {entry["tier"] for entry in config.values() if "tier" in entry} == {stack_tier(stack)}


def test_pack_is_mandatory_by_default() -> None:
    tree = ast.parse((POLICY_DIR / "__main__.py").read_text())
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "PolicyPack"
    ]
    levels = [
        ast.unparse(k.value) for c in calls for k in c.keywords if k.arg == "enforcement_level"
    ]
    assert levels == ["EnforcementLevel.MANDATORY"]


def test_domain_fixture_passes_the_production_pack() -> None:
    """The domain fixture is prod with a created certificate and alias records: the pack at
    the production tier finds nothing in what the domain adds (or anywhere else)."""
    synthesis = run_program("domain", stack_config=read_stack_config("domain", FIXTURES))
    assert open_findings("domain", findings_of(synthesis, "prod")) == set()
