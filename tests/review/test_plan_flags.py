"""Risk flags a reviewer can trust: adding one routed service to the prod fixture."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from harness.engine import run_program
from harness.records import RecordedResource, Synthesis
from review.compare import report_between as _report
from review.diff import compare, diff_resources
from review.render import render_diff_text, render_markdown
from review.risks import Risk, assess, with_logical_names
from settings.stack_files import read_stack_config

from conftest import FIXTURES

MOCK_ID = re.compile(r"\b(sg|subnet|vpc|vpce|eni|i|lt|rtb)-[0-9a-f]{8,}\b")
WEB = {
    "image": {"repository": "api", "tag": "1.0.0"},
    "port": 8080,
    "cpu": 256,
    "memory": 512,
    "desiredCount": 2,
    "logRetentionDays": 365,
    "routing": {"pathPatterns": ["/web/*"], "priority": 20},
    "scaling": {"minCount": 2, "maxCount": 6, "cpuTarget": 60},
}


def synthesize(edit=None) -> Synthesis:
    config = copy.deepcopy(read_stack_config("prod", FIXTURES))
    if edit is not None:
        edit(config)
    return run_program("prod", stack_config=config)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    def add_web(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["web"] = copy.deepcopy(WEB)

    old, new = synthesize(), synthesize(add_web)
    return _report(
        new,
        old,
        base="main",
        commit="abc1234",
        tier="production",
        regions=("eu-west-1", "eu-west-1"),
        prices_dir=Path("cost/prices"),
    )


def test_no_trust_policy_flag_and_no_mock_ids(report) -> None:
    messages = [r["message"] for r in report["risks"]]
    assert not [m for m in messages if "sts:AssumeRole" in m or "trusts new principals" in m]
    assert not [m for m in messages if MOCK_ID.search(m)]
    assert "web-from-alb: ingress tcp/8080 from `alb-sg` adds a new source." in messages
    assert not any(r["blocking"] for r in report["risks"])


def test_dashboard_widgets_are_compared_by_title(report) -> None:
    dashboard = next(c for c in report["changes"] if c["name"] == "alarms-dashboard")
    paths = [p["path"] for p in dashboard["properties"]]
    assert paths == [
        'dashboardBody.widgets["web: CPU %"]',
        'dashboardBody.widgets["web: memory %"]',
        'dashboardBody.widgets["web: p99 latency (s)"]',
        'dashboardBody.widgets["web: requests and 5xx"]',
        'dashboardBody.widgets["web: running tasks"]',
    ]


def test_the_new_service_is_one_entry_with_its_key_properties(report) -> None:
    assert report["newComponents"] == ["web (ecs-platform:service:Service)"]
    markdown = render_markdown(report)
    section = markdown[markdown.index("#### web (") : markdown.index("</details>")]
    assert section.count("- `+`") == 1  # one grouped entry, not 18
    for expected in (
        "route (web-route): priority 20 when pathPattern ['/web/*']",
        "service (web): 2 tasks on FARGATE w=1, FARGATE_SPOT w=3",
        "task (web-task): 256 cpu / 512 MiB LINUX/X86_64",
        "scaling (web-scaling): 2..6 tasks",
        "ingress (web-from-alb): tcp/8080 from 'alb-sg'",
        "grants (web-execution): ecr:BatchCheckLayerAvailability",
    ):
        assert expected in section
    assert not MOCK_ID.search(section)
    text = render_diff_text(report)
    assert "+ new web (ecs-platform:service:Service): 18 resources" in text
    assert 'dashboardBody.widgets["web: CPU %"]: added' in text


def _role(name: str, principal: dict[str, Any], action: str = "add") -> RecordedResource:
    type_ = "aws:iam/role:Role"
    policy = {
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}]
    }
    return RecordedResource(
        f"urn:pulumi:s::p::{type_}::{name}",
        type_,
        name,
        "",
        True,
        False,
        None,
        {"assumeRolePolicy": policy},
        {},
    )


def test_a_trust_change_is_still_flagged() -> None:
    before = _role("deploy", {"Service": "ecs-tasks.amazonaws.com"})
    after = _role("deploy", {"AWS": "arn:aws:iam::210987654321:root"})
    risks = assess(diff_resources([before], [after]).changes, "production")
    assert [r.message for r in risks] == [
        "deploy trusts new principals: arn:aws:iam::210987654321:root."
    ]
    new_account = _role("new", {"AWS": "arn:aws:iam::210987654321:root"})
    assert [r.code for r in assess(diff_resources([], [new_account]).changes, "production")] == [
        "iam-widened"
    ]


def test_ids_in_messages_become_logical_names() -> None:
    arn = "arn:aws:ec2:eu-west-1:1:security-group/sg-0123456789abcdef0"
    group = RecordedResource(
        "urn:x::alb-sg", "aws:ec2/securityGroup:SecurityGroup", "alb-sg", "", True, False,
        "sg-0123456789abcdef0", {}, {"arn": arn},
    )  # fmt: skip
    risk = Risk("ingress-widened", None, "from sg-0123456789abcdef0 and api")
    renamed = with_logical_names([risk], [group])
    assert renamed[0].message == "from `alb-sg` and api"


def test_widgets_without_unique_titles_fall_back_to_positions() -> None:
    old = {"widgets": [{"properties": {"title": "a"}}, {"properties": {"title": "a"}}]}
    new = {"widgets": [{"properties": {"title": "a"}}, {"properties": {"title": "b"}}]}
    assert [path for path, _, _ in compare(old, new)] == ["widgets[1].properties.title"]


def test_a_risk_code_without_its_meaning_is_refused() -> None:
    with pytest.raises(ValueError, match=r"review/risks/codes\.py"):
        Risk("no-such-code", None, "?")
    with pytest.raises(ValueError, match="blocking=False"):
        Risk("transition-unique-value", None, "a blocking code raised as a warning")
