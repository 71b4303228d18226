"""`svc exec`: ECS Exec into a service's task, with pre-checks that each say what is wrong, and
the command's exit status returned.

Pre-checks, in order: the stack file enables exec (`execEnabled`); the service runs with
`enableExecuteCommand`; the task was started with it (a task keeps the setting it started with:
ECS developer guide, "Using Amazon ECS Exec"); the container's ExecuteCommandAgent is RUNNING
(DescribeTasks `containers[].managedAgents`); `session-manager-plugin` is on PATH.

The session runs as the AWS CLI runs it (aws/aws-cli awscli/customizations/ecs/
executecommand.py @0130e1d): ExecuteCommand, then `session-manager-plugin <session JSON>
<region> StartSession <profile> {"Target": "ecs:<cluster>_<task id>_<runtime id>"} <endpoint>`.
The plugin always exits 0 whatever the command did (aws/copilot-cli#4317), so with `--command`
the command runs as `sh -c '(<command>); printf <marker><status>'`: the plugin's output is passed
through line by line, the marker line is held back, and its status becomes the exit status.
An interactive shell (no `--command`) keeps the terminal and exits with the plugin's status.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from ops.stack import StackNames
from ops.status import describe_service
from ops.tasks import resolve_task, service_tasks, task_id

PLUGIN = "session-manager-plugin"
PLUGIN_DOCS = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "session-manager-working-with-install-plugin.html"
)
MARKER = "__ECS_PLATFORM_EXIT_STATUS__="
STATUS_LINE = re.compile(rf"{re.escape(MARKER)}(\d+)")
NO_STATUS = 255  # the session ended before the command's status came back


class ExecRefusedError(Exception):
    """A pre-check that failed; the message says what to do."""


@dataclass(frozen=True)
class ExecTarget:
    cluster: str
    task_arn: str
    container: str
    runtime_id: str

    @property
    def ssm_target(self) -> str:
        return f"ecs:{self.cluster}_{task_id(self.task_arn)}_{self.runtime_id}"


def _task(ecs: Any, stack: StackNames, service: str, wanted: str | None) -> dict[str, Any]:
    running = service_tasks(ecs, stack.cluster, service, stopped=False)
    if wanted:
        arn = resolve_task(ecs, stack.cluster, wanted)
        found = [t for t in running if t.get("taskArn") == arn]
        if not found:
            raise ExecRefusedError(f"task {task_id(arn)} is not a running task of {service}")
        return found[0]
    found = [t for t in running if t.get("lastStatus") == "RUNNING"]
    if not found:
        raise ExecRefusedError(f"{service} has no RUNNING task (ecs-platform svc status {service})")
    return found[0]


def _agent(container: dict[str, Any]) -> dict[str, Any]:
    agents = container.get("managedAgents") or []
    return next((a for a in agents if a.get("name") == "ExecuteCommandAgent"), {})


def prechecks(
    ecs: Any,
    stack: StackNames,
    key: str,
    task: str | None = None,
    container: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> ExecTarget:
    """The task and container to exec into, or ExecRefusedError naming the failed check."""
    names = stack.service(key)
    where = f"{stack.settings.stack_file}: services.{key}.execEnabled"
    if not names.settings.exec_enabled:
        raise ExecRefusedError(f"{where} is false: set it to true and run `pulumi up` first")
    service = describe_service(ecs, stack.cluster, names.service)
    if not service.get("enableExecuteCommand"):
        raise ExecRefusedError(
            f"{names.service} runs without enableExecuteCommand although {where} is true: run"
            " `pulumi up` (the stack file and AWS differ)"
        )
    chosen = _task(ecs, stack, names.service, task)
    if chosen.get("enableExecuteCommand") is False:
        raise ExecRefusedError(
            f"task {task_id(chosen['taskArn'])} started before exec was enabled: its tasks need"
            " a new deployment (`pulumi up`, or stop the task)"
        )
    name = container or names.main_container
    described = next((c for c in chosen.get("containers") or [] if c.get("name") == name), None)
    if described is None:
        raise ExecRefusedError(f"task {task_id(chosen['taskArn'])} has no container {name!r}")
    agent = _agent(described)
    if agent.get("lastStatus") != "RUNNING":
        raise ExecRefusedError(
            f"the ExecuteCommandAgent of container {name} is {agent.get('lastStatus', 'absent')}"
            f"{': ' + agent['reason'] if agent.get('reason') else ''} (on a read-only root file"
            " system it needs its writable paths: docs/operations/services.md#exec; try `aws ecs"
            " describe-tasks` or the amazon-ecs-exec-checker)"
        )
    if which(PLUGIN) is None:
        raise ExecRefusedError(f"{PLUGIN} is not on PATH: install it ({PLUGIN_DOCS})")
    return ExecTarget(stack.cluster, chosen["taskArn"], name, str(described.get("runtimeId")))


def wrapped(command: str) -> str:
    """`command` run by sh, then its status printed after a marker. The marker is built by
    printf from two halves, so the command's own echo (a terminal may echo input) never holds
    it whole."""
    half = len(MARKER) // 2
    tail = f"printf '\\n%s%s%s\\n' '{MARKER[:half]}' '{MARKER[half:]}' \"$?\""
    # a subshell, so an `exit` in the command still reaches the printf
    return f"sh -c {shlex.quote(f'({command}); {tail}')}"


def plugin_command(
    session: dict[str, Any], target: ExecTarget, region: str, profile: str, endpoint: str
) -> list[str]:
    return [
        PLUGIN,
        json.dumps(session),
        region,
        "StartSession",
        profile,
        json.dumps({"Target": target.ssm_target}),
        endpoint,
    ]


def relay(stream: TextIO, out: TextIO) -> int | None:
    """Copy the plugin's output to `out` without the status line; the status it carried."""
    status = None
    blank = ""  # the newline printed before the marker is held until the next line shows
    for line in stream:
        found = STATUS_LINE.search(line)
        if found:
            status, blank = int(found.group(1)), ""
            continue
        if not line.strip("\r\n"):
            out.write(blank)
            blank = line
            continue
        out.write(blank + line)
        blank = ""
        out.flush()
    out.write(blank)
    out.flush()
    return status


def run_session(
    ecs: Any,
    target: ExecTarget,
    command: str | None,
    profile: str | None,
    out: TextIO = sys.stdout,
) -> int:
    """ExecuteCommand and the plugin; the command's exit status (or the plugin's, for a
    shell). NO_STATUS when the session ended before the command's status came back."""
    response = ecs.execute_command(
        cluster=target.cluster,
        task=target.task_arn,
        container=target.container,
        interactive=True,  # the only mode ECS Exec offers (ExecuteCommand API reference)
        command=wrapped(command) if command else "/bin/sh",
    )
    argv = plugin_command(
        response["session"], target, ecs.meta.region_name, profile or "", ecs.meta.endpoint_url
    )
    if not command:
        return subprocess.run(argv, check=False).returncode
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, errors="replace") as plugin:
        assert plugin.stdout is not None
        status = relay(plugin.stdout, out)
    return NO_STATUS if status is None else status
