"""`renamedFrom` (services and pools) and `acknowledgedLosses`: each bad setting is refused
with one line naming the stack file and the key, before any resource is registered."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from settings_check import settings_problems

from settings.rules.renames import renamed_from_problems

from conftest import problems

Change = Callable[[dict[str, Any]], Any]
TODAY = datetime.date.today().isoformat()


def services(config: dict[str, Any]) -> dict[str, Any]:
    return config["ecs-platform:services"]


def acknowledged(*entries: dict[str, Any]) -> Change:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:acknowledgedLosses"] = list(entries)

    return change


def _pool(config: dict[str, Any]) -> dict[str, Any]:
    return config["ecs-platform:cluster"]["ec2Pools"][0]


REFUSED: dict[str, tuple[Change, str]] = {
    "itself": (
        lambda c: services(c)["worker"].update(renamedFrom="worker"),
        "Pulumi.prod.yaml: services.worker.renamedFrom: service worker is renamed from itself:"
        " remove renamedFrom",
    ),
    "a service that still exists": (
        lambda c: services(c)["api"].update(renamedFrom="worker"),
        "Pulumi.prod.yaml: services.api.renamedFrom: worker is still declared at"
        " services.worker: a rename moves a service (remove services.worker, or remove"
        " renamedFrom)",
    ),
    "not a service name": (
        lambda c: services(c)["api"].update(renamedFrom="Old_API"),
        "Pulumi.prod.yaml: services.api.renamedFrom: 'Old_API' is not a service name (lowercase"
        " letter, then up to 27 letters, digits or -)",
    ),
    "a pool renamed from itself": (
        lambda c: _pool(c).update(renamedFrom="general"),
        "Pulumi.prod.yaml: cluster.ec2Pools[0].renamedFrom: pool general is renamed from"
        " itself: remove renamedFrom",
    ),
    "an unknown acknowledgement key": (
        acknowledged({"resource": "worker-queue", "date": TODAY, "reason": "x", "by": "me"}),
        "Pulumi.prod.yaml: acknowledgedLosses[0].by: unknown key",
    ),
    "a date after today": (
        acknowledged({"resource": "worker-queue", "date": "2999-01-01", "reason": "empty"}),
        "Pulumi.prod.yaml: acknowledgedLosses[0].date: 2999-01-01 is after today: give the day"
        " it was accepted",
    ),
    "no reason": (
        acknowledged({"resource": "worker-queue", "date": TODAY, "reason": ""}),
        "Pulumi.prod.yaml: acknowledgedLosses[0].reason:",
    ),
    "the same resource twice": (
        acknowledged(
            {"resource": "worker-logs", "date": TODAY, "reason": "exported"},
            {"resource": "worker-logs", "date": TODAY, "reason": "again"},
        ),
        "Pulumi.prod.yaml: acknowledgedLosses[1].resource: worker-logs is already acknowledged"
        " at acknowledgedLosses[0]",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_setting_is_refused_in_one_line(case: str) -> None:
    change, expected = REFUSED[case]
    lines = settings_problems("prod", change)
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected), lines[0]


def test_the_program_refuses_them_before_registering_anything() -> None:
    change, expected = REFUSED["a service that still exists"]
    assert problems("prod", change) == [expected]


def test_a_service_renamed_away_and_its_pool_renamed_are_accepted() -> None:
    def change(config: dict[str, Any]) -> None:
        services(config)["consumer"] = services(config).pop("worker")
        services(config)["consumer"].update(renamedFrom="worker", capacity="compute")
        _pool(config).update(name="compute", renamedFrom="general")
        config["ecs-platform:acknowledgedLosses"] = [
            {"resource": "worker-logs", "date": TODAY, "reason": "exported to S3"}
        ]

    assert settings_problems("prod", change) == []


def test_two_entries_renamed_from_one_name_are_refused() -> None:
    entries = [(("jobs", "a"), "a", "old"), (("jobs", "b"), "b", "old"), (("jobs", "c"), "c", None)]
    found = list(renamed_from_problems(entries, "job"))
    assert [(p.path, p.message) for p in found] == [
        ("jobs.b.renamedFrom", "a is already renamed from old")
    ]
