"""Routes no request can reach: a rule whose every request a broader rule of a lower priority
takes first (`/api/billing/*` at 20 behind `/api/*` at 10).

The ALB "evaluates the request against each rule in priority order, starting with the lowest
numbered rule", and the first rule whose conditions all match takes it (ELB guide, "Listener
rules for your Application Load Balancer", https://docs.aws.amazon.com/elasticloadbalancing/
latest/application/listener-rules.html). Within a condition any value may match (`*` any
characters, `?` one); path patterns compare case-sensitively, host names not ("Condition types
for listener rules", rule-condition-types.html in the same guide).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.service import RouteSettings


def covers(broad: str, narrow: str) -> bool:
    """Every string the glob `narrow` matches is matched by the glob `broad` (`*` and `?`).
    Sound: `narrow`'s wildcards are matched as symbols that only `broad`'s can absorb."""

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(broad):
            return j == len(narrow)
        if broad[i] == "*":
            return match(i + 1, j) or (j < len(narrow) and match(i, j + 1))
        if j == len(narrow) or narrow[j] == "*":
            return False
        if broad[i] == "?" or broad[i] == narrow[j]:
            return match(i + 1, j + 1)
        return False

    return match(0, 0)


def _condition_covers(broad: Sequence[str], narrow: Sequence[str]) -> bool:
    """A rule's condition (values ORed; none: any) takes every request of the other's."""
    if not broad:
        return True
    return bool(narrow) and all(any(covers(b, n) for b in broad) for n in narrow)


def shadows(first: RouteSettings, later: RouteSettings) -> bool:
    """`first` (a lower priority) takes every request `later` matches."""
    hosts = ([h.lower() for h in first.host_headers], [h.lower() for h in later.host_headers])
    return _condition_covers(first.path_patterns, later.path_patterns) and _condition_covers(*hosts)


def _values(route: RouteSettings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(sorted(route.path_patterns)), tuple(sorted(h.lower() for h in route.host_headers))


def shadowed_routes(settings: PlatformSettings) -> Iterable[Problem]:
    routed = sorted(
        (
            (service.routing.priority, name, service.routing)
            for name, service in settings.services.items()
            if service.routing is not None
        ),
        key=lambda item: item[0],
    )
    for index, (priority, name, route) in enumerate(routed):
        if not route.path_patterns and not route.host_headers:
            continue  # the routing rule reports it
        for first_priority, first_name, first in routed[:index]:
            same = _values(first) == _values(route)  # the routing rule reports that one
            if first_priority < priority and not same and shadows(first, route):
                values = [*first.host_headers, *first.path_patterns]
                yield Problem(
                    join_path(["services", name, "routing", "priority"]),
                    f"{priority}: no request reaches this route: service {first_name}'s rule"
                    f" ({', '.join(values)}) at priority {first_priority} matches all of them"
                    " first (the ALB takes the lowest priority that matches); give this route a"
                    f" priority below {first_priority}",
                )
                break


RULES = (shadowed_routes,)
