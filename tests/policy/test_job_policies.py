"""The job policies on the `jobs` fixture: compliant as synthesized, each broken edit reported;
and the whole fixture passes the pack at both tiers (production as declared, and with the
development policy config)."""

from __future__ import annotations

import pytest
from ecs_platform_policies.catalog import evaluate
from ecs_platform_policies.model import Resource
from ecs_platform_policies.waivers import load_waivers
from job_cases import JOB_CASES, MACHINE
from policy_cases import edit, setter
from policy_offline import policy_config, policy_resources
from test_policy_rules import flagged

from harness.engine import run_program
from settings.stack_files import read_stack_config

from conftest import FIXTURES

SCHEDULE = ("aws:scheduler/schedule:Schedule", "nightly-report-schedule")


@pytest.fixture(scope="module")
def job_resources() -> list[Resource]:
    return policy_resources(run_program("jobs", stack_config=read_stack_config("jobs", FIXTURES)))


@pytest.mark.parametrize("policy", sorted(JOB_CASES))
def test_compliant_job_passes(policy: str, job_resources: list[Resource]) -> None:
    assert JOB_CASES[policy].flagged in {(r.type, r.name) for r in job_resources}
    assert flagged(policy, job_resources) == set()


@pytest.mark.parametrize("policy", sorted(JOB_CASES))
def test_broken_job_is_reported(policy: str, job_resources: list[Resource]) -> None:
    case = JOB_CASES[policy]
    assert case.flagged in flagged(policy, case.breaks(job_resources))


def test_a_schedule_starting_public_tasks_is_reported(job_resources: list[Resource]) -> None:
    public = setter("target", "ecsParameters", "networkConfiguration", "assignPublicIp", value=True)
    assert SCHEDULE in flagged("jobs-no-public-ip", edit(*SCHEDULE, public)(job_resources))
    assert MACHINE not in flagged("jobs-no-public-ip", job_resources)


@pytest.mark.parametrize("tier", ["prod", "dev"])
def test_the_jobs_fixture_passes_the_pack_at_both_tiers(
    tier: str, job_resources: list[Resource]
) -> None:
    config = policy_config(tier)
    open_findings = [
        f"{f.policy}: {f.resource.name}: {f.message}"
        for f in evaluate(job_resources, config, load_waivers())
        if f.waiver is None and config.get(f.policy, {}).get("enforcementLevel") != "advisory"
    ]
    assert open_findings == []


def test_the_job_task_groups_are_held_to_the_task_rules(job_resources: list[Resource]) -> None:
    """A job's security group is a task group: egress to the world beyond HTTPS is refused."""
    group = ("aws:ec2/securityGroup:SecurityGroup", "nightly-report-sg")
    udp = [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 53, "toPort": 53, "protocol": "udp"}]
    broken = edit(*group, setter("egress", value=udp))(job_resources)
    assert group in flagged("task-sg-egress-restricted", broken)
