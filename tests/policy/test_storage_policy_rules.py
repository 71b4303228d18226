"""The EFS policies: the `existing` fixture's file system, access point and EFS volume pass as
synthesized (production), and each broken one is reported."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ecs_platform_policies.model import Resource
from policy_offline import policy_resources
from storage_cases import FILE_SYSTEM, STORAGE_CASES, UNPROTECTED_FILE_SYSTEM
from test_policy_rules import flagged

from harness.records import Synthesis


@pytest.fixture(scope="module")
def existing_resources(synthesized: Callable[[str], Synthesis]) -> list[Resource]:
    return policy_resources(synthesized("existing"))


@pytest.mark.parametrize("policy", sorted(STORAGE_CASES))
def test_compliant_efs_passes(policy: str, existing_resources: list[Resource]) -> None:
    assert STORAGE_CASES[policy].flagged in {(r.type, r.name) for r in existing_resources}
    assert flagged(policy, existing_resources) == set()


@pytest.mark.parametrize("policy", sorted(STORAGE_CASES))
def test_broken_efs_is_reported(policy: str, existing_resources: list[Resource]) -> None:
    case = STORAGE_CASES[policy]
    assert case.flagged in flagged(policy, case.breaks(existing_resources))


def test_the_file_system_holds_production_data(existing_resources: list[Resource]) -> None:
    assert FILE_SYSTEM not in flagged("production-data-protected", existing_resources)
    broken = UNPROTECTED_FILE_SYSTEM(existing_resources)
    assert FILE_SYSTEM in flagged("production-data-protected", broken)
