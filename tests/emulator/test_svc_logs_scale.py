"""`svc logs`, `svc scale`, `svc tasks` and `svc stop-task` against the emulator."""

from __future__ import annotations

import json

import pytest
from emulator import moto_backend, seed
from emulator.scenarios import NOW, two_streams

from cli.app import main
from ops import logs as log_ops


def run(fixture_project, *argv: str) -> list[str]:
    return [*argv, "--stack", "dev", "--project-dir", str(fixture_project)]


def test_logs_since_returns_both_streams_events_in_order(
    emulator, names_of, fixture_project, capsys
):
    two_streams(names_of)
    assert main(run(fixture_project, "svc", "logs", "api", "--since", "1h", "--json")) == 0
    found = json.loads(capsys.readouterr().out)
    messages = [event["message"] for event in found["events"]]
    assert messages == [
        "GET /api/orders 200",
        "POST /api/orders 201",
        "GET /api/orders 502",
        "ERROR db timeout",
    ]
    assert {e["stream"].split("/")[-1][0] for e in found["events"]} == {"a", "b"}
    assert main(run(fixture_project, "svc", "logs", "api", "--since", "1h")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 3)[-1] for line in lines] == messages
    assert lines[0].split()[2] == "api/aaaaaaaa"


def test_logs_of_one_task_and_a_filter(emulator, names_of, fixture_project, capsys):
    _, (first, _) = two_streams(names_of)
    # a whole task id ECS no longer lists (stopped over an hour ago) still selects its logs
    argv = run(fixture_project, "svc", "logs", "api", "--since", "2h", "--task", first, "--json")
    assert main(argv) == 0
    found = json.loads(capsys.readouterr().out)["events"]
    assert [e["message"] for e in found] == ["GET /api/orders 200", "GET /api/orders 502"]
    assert main(run(fixture_project, "svc", "logs", "api", "--task", "abc", "--json")) == 1
    assert "no task 'abc'" in capsys.readouterr().err
    assert main(run(fixture_project, "svc", "logs", "api", "--filter", "ERROR", "--json")) == 0
    found = json.loads(capsys.readouterr().out)["events"]
    assert [e["message"] for e in found] == ["ERROR db timeout"]


def test_follow_prints_then_polls_until_ctrl_c(
    emulator, names_of, fixture_project, capsys, monkeypatch
):
    two_streams(names_of)

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("cli.svc._sleep", interrupt)
    assert main(run(fixture_project, "svc", "logs", "api", "--follow")) == 0
    captured = capsys.readouterr()
    assert captured.out.count("ERROR db timeout") == 1  # Live Tail repeats it; shown once
    assert "interrupted: stopped following (nothing was changed)" in captured.err


def test_since_is_checked():
    with pytest.raises(ValueError, match="like 1h"):
        log_ops.since_ms("an hour", NOW)
    assert log_ops.since_ms("2h", NOW) == int(NOW.timestamp() * 1000) - 7_200_000


def test_scale_changes_the_scalable_target_and_says_what_up_does(
    emulator, names_of, fixture_project, capsys
):
    seeded = seed.stack(names_of("dev"))
    seed.service(seeded, "api", desired=1)
    assert main(run(fixture_project, "svc", "scale", "api", "--min", "2", "--max", "6")) == 0
    out = capsys.readouterr().out
    assert "minCapacity 2, maxCapacity 6" in out
    assert "schedules own them" in out  # dev's api has night/morning schedules
    aas = seed.client("application-autoscaling", "eu-west-1")
    (target,) = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 6)
    # a count outside the range would be undone by autoscaling: refused
    assert main(run(fixture_project, "svc", "scale", "api", "--count", "9")) == 2
    assert "outside the autoscaling range 2-6" in capsys.readouterr().err
    assert main(run(fixture_project, "svc", "scale", "api", "--count", "3", "--json")) == 0
    assert json.loads(capsys.readouterr().out)["desiredCount"] == 3
    ecs = seed.client("ecs", "eu-west-1")
    (service,) = ecs.describe_services(cluster="ecs-platform-dev", services=["api"])["services"]
    assert service["desiredCount"] == 3


def test_tasks_and_stop_task(emulator, names_of, fixture_project, capsys):
    seeded = seed.stack(names_of("dev"))
    seed.service(seeded, "api", desired=1)
    task = seed.start_task(seeded, "api")
    moto_backend.hold_running("eu-west-1", "ecs-platform-dev", task["taskArn"])
    task_id = task["taskArn"].rsplit("/", 1)[-1]
    assert main(run(fixture_project, "svc", "tasks", "api", "--json")) == 0
    assert [t["id"] for t in json.loads(capsys.readouterr().out)["tasks"]] == [task_id]
    assert main(run(fixture_project, "svc", "stop-task", task_id[:6])) == 0
    assert f"stopping {task['taskArn']}" in capsys.readouterr().out
    assert main(run(fixture_project, "svc", "stop-task", "ffff0000")) == 1
    assert "no task 'ffff0000'" in capsys.readouterr().err


def test_wait_for_a_rolling_deployment(emulator, names_of, fixture_project, capsys):
    """deployed: the PRIMARY rollout COMPLETED; a FAILED rollout (circuit breaker) exits 1."""
    seeded = seed.stack(names_of("dev"))
    seed.service(seeded, "api", desired=1)
    words = run(fixture_project, "svc", "wait", "api", "--timeout", "0", "--json")
    assert main(words) == 1  # moto leaves the deployment IN_PROGRESS: not deployed in time
    assert json.loads(capsys.readouterr().out)["outcome"] == "timeout"
    moto_backend.set_service("eu-west-1", "ecs-platform-dev", "api", running=1, rollout="COMPLETED")
    assert main(words) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "reached"
    moto_backend.set_service(
        "eu-west-1",
        "ecs-platform-dev",
        "api",
        rollout="FAILED",
        rollout_reason="ECS deployment circuit breaker: tasks failed to start.",
    )
    assert main(words) == 1
    assert "circuit breaker" in json.loads(capsys.readouterr().out)["lines"][0]
