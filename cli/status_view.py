"""How `svc status` prints a service's state (ops/status.py gathers it): a headline with the
verdict, then one section per part, each a table or `none`."""

from __future__ import annotations

from typing import Any

import click

from cli.opsutil import print_rows, short, when


def _headline(status: dict[str, Any]) -> None:
    verdict = status["verdict"].upper()
    click.echo(
        f"{status['service']} in {status['cluster']} (stack {status['stack']},"
        f" {status['strategy']}): {verdict}"
    )
    for problem in status["problems"]:
        click.echo(f"  - {problem}")
    revision = (status.get("taskDefinition") or "?").rsplit("/", 1)[-1]
    click.echo(
        f"desired {status['desiredCount']}, running {status['runningCount']}, pending"
        f" {status['pendingCount']}; task definition {revision}\n"
    )


def _rollout(status: dict[str, Any]) -> None:
    deployment = status.get("serviceDeployment")
    if status["strategy"] != "rolling":
        serving = ", ".join(
            f"{name} (weight {status['productionWeights'][name]})"
            for name in status["servingTargetGroups"]
        )
        click.echo(f"Serving target group: {serving or 'unknown (no production rule found)'}")
        if deployment is None:
            click.echo("Service deployment: none\n")
        else:
            click.echo(
                f"Service deployment: {deployment['status']} at {deployment['lifecycleStage']}"
                f" (started {when(deployment.get('startedAt'))})"
            )
            for hook in deployment["pausedForApproval"]:
                click.echo(
                    f"  PAUSED FOR APPROVAL until {when(hook['expiresAt'])} (then"
                    f" {hook['timeoutAction']}): ecs-platform svc approve {status['service']}"
                    f" --stack {status['stack']}, or svc rollback"
                )
            click.echo()
    rows = [
        [
            d["status"],
            (d.get("taskDefinition") or "?").rsplit(":", 1)[-1],
            d.get("desiredCount"),
            d.get("runningCount"),
            d.get("pendingCount"),
            d.get("failedTasks"),
            d.get("rolloutState"),
        ]
        for d in status["deployments"]
    ]
    columns = ["Deployment", "Rev", "Desired", "Running", "Pending", "Failed", "Rollout"]
    print_rows("Deployments", columns, rows)


def _tasks(status: dict[str, Any]) -> None:
    rows = [
        [
            short(t["id"]),
            t["lastStatus"],
            t["revision"],
            when(t["startedAt"]),
            t["health"],
            t.get("targetHealth"),
            t["capacityProvider"],
            t["availabilityZone"],
        ]
        for t in status["tasks"]
    ]
    columns = ["ID", "Status", "Rev", "Started", "Health", "Target", "Capacity", "AZ"]
    print_rows("Tasks", columns, rows)
    grouped = [
        [g["count"], g["exitCodes"], ", ".join(short(i) for i in g["taskIds"][:3]), g["reason"]]
        for g in status["stoppedByReason"]
    ]
    print_rows("Stopped tasks", ["Count", "Exit codes", "Sample IDs", "Reason"], grouped)


def _health(status: dict[str, Any]) -> None:
    rows = [
        [t["targetGroup"], t["target"], t["state"], t.get("reason")] for t in status["targetHealth"]
    ]
    if status["targetHealth"] or status["strategy"] != "rolling" or rows:
        print_rows("Targets", ["Target group", "Target", "State", "Reason"], rows)
    alarms = [[a["name"], when(a.get("since")), a.get("reason")] for a in status["alarmsInAlarm"]]
    print_rows("Alarms in ALARM", ["Alarm", "Since", "Reason"], alarms)


def _capacity(status: dict[str, Any]) -> None:
    scaling = status.get("scaling")
    if scaling:
        line = f"Scaling: min {scaling['minCapacity']}, max {scaling['maxCapacity']}"
        suspended = [k for k, v in (scaling.get("suspended") or {}).items() if v]
        if suspended:
            line += f" (suspended: {', '.join(suspended)})"
        action = scaling.get("nextScheduledAction")
        if action:
            moment = action.get("next")
            at = moment.strftime("%Y-%m-%d %H:%M %Z") if moment else action["schedule"]
            line += (
                f"; next scheduled action {action['name']} at {at}:"
                f" min {action['minCapacity']}, max {action['maxCapacity']}"
            )
        click.echo(line)
    queue = status.get("queue")
    if queue:
        age = queue.get("oldestMessageAgeSeconds")
        line = (
            f"Queue {queue['name']}: {queue['visible']} visible, {queue['inFlight']} in flight,"
            f" oldest {'-' if age is None else f'{age:.0f} s'}"
        )
        dead = queue.get("deadLetter")
        if dead:
            line += f"; dead-letter {dead['name']}: {dead['visible']}"
        click.echo(line)
    if scaling or queue:
        click.echo()


def render_status(status: dict[str, Any]) -> None:
    _headline(status)
    _rollout(status)
    _tasks(status)
    _health(status)
    _capacity(status)
    events = [[when(e["at"]), e["message"]] for e in status["events"]]
    print_rows("Events (newest first)", ["Time", "Message"], events)
