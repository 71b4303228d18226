"""`svc status` against the emulator: a degraded rolling service (one task stopped with exit
code 137, one unhealthy target, an alarm in ALARM) exits 1 and shows each, by name."""

from __future__ import annotations

import datetime
import json

from emulator import seed
from emulator.scenarios import degraded_api

from cli.app import main


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


def test_a_queue_worker_shows_its_depth_oldest_age_and_dead_letters(
    emulator, names_of, fixture_project, capsys
):
    seeded = seed.stack(names_of("queues"))
    names = seed.service(seeded, "worker", desired=0)
    sqs = seed.client("sqs", "eu-west-1")
    for queue, count in ((names.queue, 3), (names.dead_letter_queue, 1)):
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        for index in range(count):
            sqs.send_message(QueueUrl=url, MessageBody=f"order {index}")
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=2)
    seed.client("cloudwatch", "eu-west-1").put_metric_data(
        Namespace="AWS/SQS",
        MetricData=[{"MetricName": "ApproximateAgeOfOldestMessage", "Timestamp": now,
                     "Value": 420.0, "Dimensions": [{"Name": "QueueName", "Value": names.queue}]}],
    )  # fmt: skip
    argv = ["svc", "status", "worker", "--stack", "queues", "--project-dir", str(fixture_project)]
    main([*argv, "--json"])
    queue = json.loads(capsys.readouterr().out)["queue"]
    assert (queue["name"], queue["visible"], queue["oldestMessageAgeSeconds"]) == (
        names.queue, 3, 420.0,
    )  # fmt: skip
    assert queue["deadLetter"] == {"name": names.dead_letter_queue, "visible": 1, "inFlight": 0}


def test_a_service_not_deployed_yet_is_named(emulator, names_of, fixture_project, capsys):
    seed.stack(names_of("dev"))
    argv = ["svc", "status", "api", "--stack", "dev", "--project-dir", str(fixture_project)]
    assert main(argv) == 1
    assert "service api is not in cluster ecs-platform-dev (not deployed yet" in (
        capsys.readouterr().err
    )
    assert main([*argv[:2], "nope", *argv[3:]]) == 1
    assert "Pulumi.dev.yaml: no service 'nope' (declared: api, worker)" in capsys.readouterr().err
