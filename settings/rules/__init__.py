"""Rules that span several keys (per-field checks live on the models), one module per section.

A rule is a small generator of `Problem`s, each with the camelCase key path it is about, so the
error names the exact key in the stack file. Production rules depend on the declared `tier`,
never on the stack's name. Every rule runs, so every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from settings.rules import (
    alarms,
    ci_access,
    cluster,
    containers,
    deployment,
    domain,
    endpoints,
    existing,
    ignored,
    jobs,
    load_balancer,
    managed_instances,
    names,
    network,
    queues,
    quotas,
    registry,
    renames,
    service,
    storage,
    tasks,
)
from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings

Rule = Callable[["PlatformSettings"], Iterable[Problem]]
RULES: tuple[Rule, ...] = (
    *names.RULES,
    *network.RULES,
    *endpoints.RULES,
    *existing.RULES,
    *registry.RULES,
    *cluster.RULES,
    *managed_instances.RULES,
    *load_balancer.RULES,
    *domain.RULES,
    *alarms.RULES,
    *tasks.RULES,
    *service.RULES,
    *containers.RULES,
    *storage.RULES,
    *jobs.RULES,
    *ignored.RULES,
    *deployment.RULES,
    *queues.RULES,
    *ci_access.RULES,
    *quotas.RULES,
    *renames.RULES,
)


def check(settings: PlatformSettings) -> list[Problem]:
    return [problem for rule in RULES for problem in rule(settings)]
