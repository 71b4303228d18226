"""`svc status` against the emulator: a degraded rolling service (one task stopped with exit
code 137, one unhealthy target, an alarm in ALARM) exits 1 and shows each, by name."""

from __future__ import annotations

import datetime
import json

from emulator import moto_backend, seed

from cli.app import main

T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def degraded_api(names_of) -> seed.Seeded:
    seeded = seed.stack(names_of("dev"))
    names = seed.service(seeded, "api", desired=2)
    region, cluster = seeded.names.region, seeded.names.cluster
    healthy, crashed = seed.start_task(seeded, "api"), seed.start_task(seeded, "api")
    moto_backend.hold_running(region, cluster, healthy["taskArn"])
    moto_backend.set_task(
        region,
        cluster,
        healthy["taskArn"],
        started_at=T0,
        health="HEALTHY",
        availability_zone="eu-west-1a",
        capacity_provider="FARGATE_SPOT",
    )
    moto_backend.set_stopped(
        region,
        cluster,
        crashed["taskArn"],
        exit_code=137,
        stop_code="EssentialContainerExited",
        reason="Essential container in task exited",
        container_reason="OutOfMemoryError: Container killed due to memory usage",
        stopped_at=T0 + datetime.timedelta(minutes=20),
    )
    group = names.target_groups[0]
    healthy_ip = healthy["attachments"][0]["details"][-1]["value"]
    seed.register_target(seeded, group, healthy_ip, 8080)
    seed.register_target(seeded, group, "10.10.1.99", 8080)
    moto_backend.set_target_health(seeded.target_groups[group], "10.10.1.99")
    moto_backend.set_service(
        region,
        cluster,
        "api",
        running=1,
        rollout="COMPLETED",
        events=[
            (
                T0 + datetime.timedelta(minutes=21),
                "(service api) has started 1 tasks: (task 9f3c).",
            ),
            (
                T0 + datetime.timedelta(minutes=20),
                "(service api) task failed container health checks.",
            ),
        ],
    )
    seed.client("cloudwatch", region).set_alarm_state(
        AlarmName=names.alarms[1], StateValue="ALARM", StateReason="Threshold Crossed: 3 datapoints"
    )
    return seeded


def test_a_degraded_service_shows_why_and_exits_1(emulator, names_of, fixture_project, capsys):
    seeded = degraded_api(names_of)
    argv = ["svc", "status", "api", "--stack", "dev", "--project-dir", str(fixture_project)]
    assert main([*argv, "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert (found["service"], found["desiredCount"], found["runningCount"]) == ("api", 2, 1)
    assert [t["lastStatus"] for t in found["tasks"]] == ["RUNNING"]
    assert found["tasks"][0]["health"] == "HEALTHY"
    assert found["tasks"][0]["revision"] == "1"
    (stopped,) = found["stoppedTasks"]
    assert (stopped["exitCode"], stopped["stopCode"]) == (137, "EssentialContainerExited")
    states = sorted(t["state"] for t in found["targetHealth"])
    assert states == ["healthy", "unhealthy"]
    assert found["tasks"][0]["targetHealth"] == "healthy"
    assert [a["name"] for a in found["alarmsInAlarm"]] == [seeded.names.service("api").alarms[1]]
    assert found["scaling"]["nextScheduledAction"]["name"] in {"night", "morning"}
    assert found["verdict"] == "degraded"
    assert any("exit codes 137" in p for p in found["problems"])

    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "api in ecs-platform-dev (stack dev, rolling): DEGRADED" in out
    assert "OutOfMemoryError" not in out or "Essential container in task exited" in out
    assert "unhealthy" in out and "137" in out
