"""`svc status` against the emulator: a degraded rolling service (one task stopped with exit
code 137, one unhealthy target, an alarm in ALARM) exits 1 and shows each, by name."""

from __future__ import annotations

import json

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
