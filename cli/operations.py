"""The day-2 command groups: `svc` (one service of a deployed stack), `task` (one-off tasks)
and `job` (scheduled jobs). Their commands live in cli/svc.py, cli/svc_changes.py,
cli/runs.py and cli/jobs.py."""

from __future__ import annotations

import click

from cli import jobs, runs, svc_changes
from cli import svc as svc_commands


@click.group("svc")
def svc() -> None:
    """Operate one service of a deployed stack: status, logs, exec, tasks, scale, wait,
    approve, rollback, revisions, verify, deploy (names from the stack file)."""


for _command in [*svc_commands.SUBCOMMANDS, *svc_changes.SUBCOMMANDS]:
    svc.add_command(_command)

COMMANDS = [svc, *runs.COMMANDS, jobs.job]
