"""`task run` against the emulator: the one-off task runs the service's task definition on its
network, its logs are streamed, and the command exits with the container's exit code; a task
that never started exits 125 with its stop reason."""

from __future__ import annotations

import json

from emulator import moto_backend, seed

from cli.app import main


def migrate(fixture_project, *extra: str) -> list[str]:
    return [
        "task",
        "run",
        "api",
        "--command",
        "python manage.py migrate",
        "--env",
        "DRY_RUN=0",
        "--interval",
        "0",
        "--stack",
        "dev",
        "--project-dir",
        str(fixture_project),
        *extra,
    ]


def test_task_run_waits_streams_logs_and_exits_with_the_container_code(
    emulator, names_of, fixture_project, capsys
):
    seeded = seed.stack(names_of("dev"))
    names = seed.service(seeded, "api", desired=1)
    lines = ["Applying orders.0007_index... ", "django.db.utils.OperationalError: lock timeout"]
    with moto_backend.exits_with(
        "eu-west-1",
        3,
        log_lines=lines,
        log_group=names.log_group,
        stream_prefix=names.stream_prefix(),
    ) as stopped:
        assert main(migrate(fixture_project)) == 3
    captured = capsys.readouterr()
    assert [line.split(" ", 2)[-1] for line in captured.out.splitlines()] == lines
    assert "container api exited with 3 (EssentialContainerExited" in captured.err
    ecs = seed.client("ecs", "eu-west-1")
    (task,) = ecs.describe_tasks(cluster="ecs-platform-dev", tasks=stopped)["tasks"]
    assert task["startedBy"] == "ecs-platform/task-run"
    (override,) = task["overrides"]["containerOverrides"]
    assert override["command"] == ["python", "manage.py", "migrate"]
    assert override["environment"] == [{"name": "DRY_RUN", "value": "0"}]
    assert task["taskDefinitionArn"] == seeded.task_definitions["api"]


def test_a_task_that_never_started_exits_125_with_the_reason(
    emulator, names_of, fixture_project, capsys
):
    seeded = seed.stack(names_of("dev"))
    seed.service(seeded, "api", desired=1)
    reason = "CannotPullContainerError: pull image manifest has been retried 7 time(s)"
    with moto_backend.exits_with("eu-west-1", None, stop_code="TaskFailedToStart", reason=reason):
        assert main(migrate(fixture_project, "--json")) == 125
    captured = capsys.readouterr()
    found = json.loads(captured.out)
    assert (found["exitCode"], found["stopCode"]) == (125, "TaskFailedToStart")
    assert reason in captured.err


def test_no_wait_prints_the_task_id(emulator, names_of, fixture_project, capsys):
    seeded = seed.stack(names_of("dev"))
    seed.service(seeded, "api", desired=1)
    assert main(migrate(fixture_project, "--no-wait")) == 0
    assert len(capsys.readouterr().out.strip()) == 36  # moto's task ids are UUIDs
