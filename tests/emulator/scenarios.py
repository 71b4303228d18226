"""Seeded situations the emulator tests and the docs examples share (tests/emulator/
examples.py): what `pulumi up` and a few hours of traffic leave in AWS."""

from __future__ import annotations

import datetime

from emulator import moto_backend, seed

T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


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


def two_streams(names_of) -> tuple[seed.Seeded, list[str]]:
    seeded = seed.stack(names_of("dev"))
    names = seed.service(seeded, "api", desired=2)
    first, second = "a" * 32, "b" * 32
    minute = datetime.timedelta(minutes=1)
    seed.log_events(
        seeded,
        names.log_group,
        names.stream_prefix(task_id=first),
        [
            (NOW - 30 * minute, "GET /api/orders 200"),
            (NOW - 10 * minute, "GET /api/orders 502"),
        ],
    )
    seed.log_events(
        seeded,
        names.log_group,
        names.stream_prefix(task_id=second),
        [
            (NOW - 20 * minute, "POST /api/orders 201"),
            (NOW - 5 * minute, "ERROR db timeout"),
        ],
    )
    seed.log_events(
        seeded,
        names.log_group,
        names.stream_prefix(task_id="c" * 32),
        [
            (NOW - 3 * 60 * minute, "too old for --since 1h"),
        ],
    )
    return seeded, [first, second]
