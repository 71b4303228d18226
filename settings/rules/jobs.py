"""Rules for `jobs.*` that span keys: names (shared with services: a job's roles, task family
and log group are named like a service's). What every task must satisfy is in tasks.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path
from settings.rules.service import SERVICE_NAME

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def job_names(settings: PlatformSettings) -> Iterable[Problem]:
    for name in settings.jobs:
        if not SERVICE_NAME.match(name):
            yield Problem(
                join_path(["jobs", name]),
                f"{name!r} is not a job name (lowercase letter, then up to 27 letters, digits"
                " or -)",
            )
        elif name in settings.services:
            yield Problem(
                join_path(["jobs", name]),
                f"a service is also named {name!r}: a job's roles, task family and alarms are"
                " named like a service's, so the names must differ",
            )


RULES = (job_names,)
