"""Rules across `alarms` keys: alarm windows, names, production subscribers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path

if TYPE_CHECKING:
    from settings.platform import PlatformSettings

ALARM_WINDOW_LIMIT_SECONDS = 86400  # periods under an hour: one day
ALARM_WINDOW_LIMIT_LONG_SECONDS = 604800  # hourly periods: one week


def alarm_windows(settings: PlatformSettings) -> Iterable[Problem]:
    alarms = settings.alarms
    windows: list[tuple[list[str | int], int, int]] = [
        (
            ["alarms", "thresholds"],
            alarms.thresholds.evaluation_periods,
            alarms.thresholds.datapoints_to_alarm,
        ),
        *[
            (["alarms", "custom", index], custom.evaluation_periods, custom.datapoints_to_alarm)
            for index, custom in enumerate(alarms.custom)
        ],
    ]
    periods_of = [alarms.thresholds.period_seconds, *(c.period_seconds for c in alarms.custom)]
    for (path, periods, datapoints), period in zip(windows, periods_of, strict=True):
        if datapoints > periods:
            yield Problem(
                join_path([*path, "datapointsToAlarm"]),
                f"{datapoints} is more than evaluationPeriods {periods}",
            )
        limit = ALARM_WINDOW_LIMIT_SECONDS if period < 3600 else ALARM_WINDOW_LIMIT_LONG_SECONDS
        if period * periods > limit:
            yield Problem(
                join_path([*path, "evaluationPeriods"]),
                f"{periods} periods of {period}s exceed CloudWatch's {limit}s alarm window",
            )
    names = [custom.name for custom in alarms.custom]
    reserved = (
        "alb-",
        *(f"{s}-" for s in settings.services),
        *(f"{p}-" for p in settings.cluster.pool_names),
    )
    for index, name in enumerate(names):
        if names.count(name) > 1:
            yield Problem(join_path(["alarms", "custom", index, "name"]), f"duplicate {name!r}")
        if name.startswith(reserved):
            yield Problem(
                join_path(["alarms", "custom", index, "name"]),
                f"{name!r} could clash with a built-in alarm (names starting alb-, a service"
                " name or a pool name are taken)",
            )
    if settings.is_production:
        if not alarms.actions_enabled:
            yield Problem("alarms.actionsEnabled", "tier production never mutes alarms")
        if not alarms.notify.emails and not alarms.notify.https_endpoints:
            yield Problem("alarms.notify", "tier production needs at least one subscriber")


RULES = (alarm_windows,)
