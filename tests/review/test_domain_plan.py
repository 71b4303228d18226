"""The plan shows where each service answers and what the certificate covers; the diff flags a
hostname going away and a certificate being replaced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness.engine import run_program
from harness.records import Synthesis
from review.diff import diff_resources
from review.plan import build_plan, render_text
from review.risks import assess
from settings.stack_files import read_stack_config

from conftest import FIXTURES

Config = dict[str, Any]


def synthesize(edit: Callable[[Config], Any] | None = None) -> Synthesis:
    config = read_stack_config("domain", FIXTURES)
    if edit is not None:
        edit(config)
    return run_program("domain", stack_config=config)


@pytest.fixture(scope="module")
def before() -> Synthesis:
    return synthesize()


def routing(config: Config) -> dict[str, Any]:
    return config["ecs-platform:services"]["api"]["routing"]


def test_plan_shows_urls_and_certificate_names(before) -> None:
    plan = build_plan(before)
    text = render_text(plan)
    assert '  serviceUrls: {"api": "https://api.example.com"}' in text.splitlines()
    assert "  + aws:acm/certificate:Certificate  certificates-default" in text
    assert "      names: api.example.com" in text.splitlines()
    assert "      record: api.example.com A -> alias " in text


def test_hostname_removed_and_certificate_replaced_are_flagged(before) -> None:
    after = synthesize(lambda c: routing(c).update(hostHeaders=["www.example.com"]))
    risks = assess(diff_resources(before.resources, after.resources).changes, "production")
    by_code = {risk.code: risk.message for risk in risks}
    assert by_code["hostname-removed"] == (
        "api.example.com would stop resolving (A record deleted): https://api.example.com"
        " goes away."
    )
    assert by_code["certificate-replaced"] == (
        "certificates-default would be replaced: names api.example.com -> www.example.com;"
        " the new certificate must be issued (DNS validation) before the HTTPS listener"
        " switches to it."
    )


def test_adding_an_unrelated_service_flags_nothing_about_domains(before) -> None:
    after = synthesize(lambda c: c["ecs-platform:services"]["worker"].update(desiredCount=3))
    risks = assess(diff_resources(before.resources, after.resources).changes, "production")
    assert not {"hostname-removed", "certificate-replaced"} & {risk.code for risk in risks}
