"""The docs' operations pages show real runs: each example below seeds the emulator (and, where
moto lacks an API, Stubber responses), runs the command through `cli.app.main`, and its output
replaces the block after `<!-- output: NAME -->` in docs/operations/<page>.md.

tests/emulator/test_operations_examples.py fails when a page differs from a fresh run;
`make operations-examples` rewrites the pages. Clocks are fixed (moto's random ids are seeded,
"now" is FIXED_NOW, progress shows 0 s) so a run is the same every time.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import re
import stat
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from emulator import moto_backend, progressive_stubs, scenarios, seed

from cli.app import main
from ops.exec import wrapped
from settings.stack_files import PROJECT_DIR

from conftest import project_copy

PAGES = PROJECT_DIR / "docs" / "operations"
BLOCK = re.compile(r"(<!-- output: (?P<name>[a-z0-9-]+) -->\n```text\n)(?P<body>.*?)(```\n)", re.S)
FIXED_NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


@dataclass
class Context:
    """What an example may use: the emulator URL, the fixture project, pytest's monkeypatch
    and a scratch folder."""

    url: str
    project: Path
    monkeypatch: pytest.MonkeyPatch
    scratch: Path

    def names(self, stack: str) -> Any:
        from ops.stack import stack_names

        return stack_names(stack, self.project)


def fresh(url: str) -> None:
    """An empty emulator with its random ids seeded (moto's `/moto-api/seed`)."""
    for path in ("/moto-api/reset", "/moto-api/seed?a=42"):
        urllib.request.urlopen(urllib.request.Request(url + path, method="POST"))
    moto_backend.reset()


def run(context: Context, words: list[str], *, stderr: bool = False) -> str:
    """`$ ecs-platform WORDS`, what it printed (stdout, with stderr interleaved when asked),
    and its exit status."""
    out = io.StringIO()
    err = out if stderr else io.StringIO()  # one stream: the lines in the order printed
    argv = [*words, "--project-dir", str(context.project)]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    text = out.getvalue()
    shown = " ".join(f"'{w}'" if " " in w else w for w in words)
    return f"$ ecs-platform {shown}\n{text.rstrip()}\n(exit status {status})\n"


def status_degraded(context: Context) -> str:
    seeded = scenarios.degraded_api(context.names)
    alarm = seeded.names.service("api").alarms[1]
    moto_backend.set_alarm_time("eu-west-1", alarm, scenarios.T0 + datetime.timedelta(minutes=19))
    return run(context, ["svc", "status", "api", "--stack", "dev"])


def status_blue_green(context: Context) -> str:
    stubber = progressive_stubs.stubbed_ecs(context.monkeypatch)
    progressive_stubs.seeded_web(context.names)
    progressive_stubs.described_service(stubber)
    progressive_stubs.no_tasks(stubber)
    progressive_stubs.listed(stubber)
    progressive_stubs.deployment(
        stubber, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", progressive_stubs.PAUSED
    )
    try:
        return run(context, ["svc", "status", "web", "--stack", "progressive"])
    finally:
        stubber.deactivate()


def wait_paused(context: Context) -> str:
    stubber = progressive_stubs.stubbed_ecs(context.monkeypatch)
    progressive_stubs.listed(stubber)
    progressive_stubs.described_service(stubber)
    progressive_stubs.deployment(
        stubber, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", progressive_stubs.PAUSED
    )
    try:
        words = ["svc", "wait", "web", "--stack", "progressive", "--timeout", "0"]
        return run(context, words, stderr=True)
    finally:
        stubber.deactivate()


def rollback(context: Context) -> str:
    stubber = progressive_stubs.stubbed_ecs(context.monkeypatch)
    stubs = progressive_stubs
    stubs.listed(stubber)
    stubs.deployment(stubber, "IN_PROGRESS", "BAKE_TIME")
    stubs.listed(stubber)
    stubber.add_response(
        "stop_service_deployment",
        {"serviceDeploymentArn": stubs.DEPLOYMENT},
        {"serviceDeploymentArn": stubs.DEPLOYMENT, "stopType": "ROLLBACK"},
    )
    stubs.deployment(stubber, "ROLLBACK_IN_PROGRESS", "BAKE_TIME")
    stubs.revision_images(stubber)
    try:
        return run(context, ["svc", "rollback", "web", "--stack", "progressive"])
    finally:
        stubber.deactivate()


def tasks(context: Context) -> str:
    seeded = seed.stack(context.names("dev"))
    seed.service(seeded, "api", desired=2)
    for zone in ("eu-west-1a", "eu-west-1b"):
        arn = seed.start_task(seeded, "api")["taskArn"]
        moto_backend.hold_running("eu-west-1", seeded.names.cluster, arn)
        moto_backend.set_task(
            "eu-west-1",
            seeded.names.cluster,
            arn,
            started_at=scenarios.T0,
            health="HEALTHY",
            availability_zone=zone,
            capacity_provider="FARGATE_SPOT",
        )
    return run(context, ["svc", "tasks", "api", "--stack", "dev"])


def logs(context: Context) -> str:
    scenarios.two_streams(context.names, now=FIXED_NOW)
    words = ["svc", "logs", "api", "--stack", "dev", "--start", "2026-12-01T09:00:00Z"]
    return run(context, [*words, "--end", "2026-12-01T10:00:00Z"])


def scale(context: Context) -> str:
    seed.service(seed.stack(context.names("dev")), "api", desired=1)
    first = run(context, ["svc", "scale", "api", "--stack", "dev", "--min", "2", "--max", "6"])
    return first + run(
        context, ["svc", "scale", "api", "--stack", "dev", "--count", "9"], stderr=True
    )


def revisions(context: Context) -> str:
    seeded = seed.stack(context.names("dev"))
    seed.service(seeded, "api", desired=1)
    seed.register(seeded, "api", image=f"{seed.IMAGE}:latest")
    return run(context, ["svc", "revisions", "api", "--stack", "dev"])


def verify(context: Context) -> str:
    seeded = seed.stack(context.names("dev"))
    scenarios.verifiable_api(seeded)
    return run(context, ["svc", "verify", "api", "--stack", "dev"])


FAKE_PLUGIN = """#!{python}
import os, subprocess, sys
subprocess.run(["/bin/sh", "-c", os.environ["FAKE_EXEC_COMMAND"]], check=False)
print("\\nExiting session with sessionId: ecs-execute-command-0123456789abcdef0.")
"""


def exec_command(context: Context) -> str:
    folder = context.scratch / "bin"
    folder.mkdir(exist_ok=True)
    plugin = folder / "session-manager-plugin"
    plugin.write_text(FAKE_PLUGIN.format(python=sys.executable))
    plugin.chmod(plugin.stat().st_mode | stat.S_IEXEC)
    context.monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    command = "python manage.py showmigrations --plan | tail -2; exit 3"
    context.monkeypatch.setenv(
        "FAKE_EXEC_COMMAND", wrapped("printf '[X] 0006\\n[ ] 0007\\n'; exit 3")
    )
    stubber = progressive_stubs.stubbed_ecs(context.monkeypatch)
    scenarios.exec_stubs(stubber, wrapped(command))
    try:
        return run(
            context, ["svc", "exec", "api", "--stack", "dev", "--command", command], stderr=True
        )
    finally:
        stubber.deactivate()


def task_run(context: Context) -> str:
    seeded = seed.stack(context.names("dev"))
    names = seed.service(seeded, "api", desired=1)
    lines = [
        "Operations to perform: apply all migrations",
        "Applying orders.0007_index...",
        "django.db.utils.OperationalError: lock timeout",
    ]
    words = [
        "task",
        "run",
        "api",
        "--stack",
        "dev",
        "--command",
        "python manage.py migrate",
        "--interval",
        "0",
    ]
    with moto_backend.exits_with(
        "eu-west-1",
        1,
        log_lines=lines,
        log_group=names.log_group,
        stream_prefix=names.stream_prefix(),
        at=FIXED_NOW,
    ):
        return run(context, words, stderr=True)


def deploy(context: Context) -> str:
    project = project_copy(context.scratch / "project")
    digest = "sha256:" + "3" * 64
    words = ["svc", "deploy", "api", "--stack", "dev", "--digest", digest, "--no-pr"]
    found = run(
        Context(context.url, project, context.monkeypatch, context.scratch), words, stderr=True
    )
    return found.replace(str(project), "<project>")


def job_runs(context: Context) -> tuple[str, str]:
    """`job run` of the jobs fixture's nightly report, failing with exit code 2, then
    `job status`."""
    scenarios.seeded_jobs(context.names)
    cause = json.dumps(
        {
            "StopCode": "EssentialContainerExited",
            "Containers": [{"Name": "nightly-report", "ExitCode": 2}],
        }
    )
    with moto_backend.finish_executions(
        "eu-west-1", "FAILED", "States.TaskFailed", cause, started_at=FIXED_NOW
    ):
        words = ["job", "run", "nightly-report", "--stack", "jobs", "--interval", "0"]
        ran = run(context, words, stderr=True)
    listed = run(context, ["job", "status", "nightly-report", "--stack", "jobs"])
    return ran, listed


def job_run(context: Context) -> str:
    return job_runs(context)[0]


def job_status(context: Context) -> str:
    return job_runs(context)[1]


EXAMPLES: dict[str, dict[str, Callable[[Context], str]]] = {
    "services.md": {
        "svc-status-degraded": status_degraded,
        "svc-status-blue-green": status_blue_green,
        "svc-tasks": tasks,
        "svc-logs": logs,
        "svc-scale": scale,
        "svc-wait-paused": wait_paused,
        "svc-rollback": rollback,
        "svc-revisions": revisions,
        "svc-verify": verify,
        "svc-exec": exec_command,
        "svc-deploy": deploy,
    },
    "tasks.md": {"task-run": task_run},
    "jobs.md": {"job-run": job_run, "job-status": job_status},
}


def record(page: str, context: Context) -> dict[str, str]:
    """Each example of `page`, run on a fresh emulator with the clocks fixed."""
    found = {}
    for name, example in EXAMPLES[page].items():
        fresh(context.url)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("ops.status._utcnow", lambda: FIXED_NOW)
            patch.setattr("cli.svc._now", lambda: FIXED_NOW)
            patch.setattr("cli.jobs._now", lambda: FIXED_NOW)
            patch.setattr("cli.opsutil.clock", lambda: 0.0)
            context.monkeypatch = patch
            found[name] = example(context)
    return found


def rendered(text: str, outputs: dict[str, str]) -> str:
    """`text` with each example block replaced by its recorded output (unknown names kept)."""

    def replace(match: re.Match[str]) -> str:
        body = outputs.get(match.group("name"), match.group("body"))
        return match.group(1) + body + match.group(4)

    return BLOCK.sub(replace, text)
