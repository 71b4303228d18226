"""`svc exec`: each pre-check's message, and the command's exit status carried back through a
fake session-manager-plugin on PATH (the real one always exits 0, aws/copilot-cli#4317). ECS
calls are botocore Stubber responses of the API reference's shapes (moto has no
ExecuteCommand)."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from emulator.scenarios import EXEC_CLUSTER as CLUSTER
from emulator.scenarios import RUNTIME, SESSION, TASK
from emulator.scenarios import exec_execute as execute
from emulator.scenarios import exec_service as service
from emulator.scenarios import exec_task as task

from cli.app import main
from ops.exec import relay, wrapped

FAKE_PLUGIN = """#!{python}
import json, os, subprocess, sys
with open(os.environ["FAKE_PLUGIN_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
command = os.environ.get("FAKE_EXEC_COMMAND")
if command:  # what the agent would run in the container, run here by a real shell
    sys.stdout.flush()
    subprocess.run(["/bin/sh", "-c", command], check=False)
print("\\nExiting session with sessionId: ecs-execute-command-0123456789abcdef0.")
sys.exit(0)  # the real plugin exits 0 whatever the command did
"""


@pytest.fixture
def ecs(emulator, monkeypatch) -> Stubber:
    client = boto3.client("ecs", region_name="eu-west-1")
    monkeypatch.setattr("ops.aws.client", lambda service, region=None: client)
    with Stubber(client) as stubber:
        yield stubber


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "session-manager-plugin"
    script.write_text(FAKE_PLUGIN.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "plugin.log"
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_PLUGIN_LOG", str(log))
    return log


def run(project: Path, *words: str) -> list[str]:
    return ["svc", "exec", *words, "--stack", "dev", "--project-dir", str(project)]


def test_the_command_exit_status_comes_back(ecs, plugin, fixture_project, monkeypatch, capfd):
    command = wrapped("echo checking migrations; exit 3")
    monkeypatch.setenv("FAKE_EXEC_COMMAND", command)
    service(ecs)
    task(ecs)
    execute(ecs, command)
    assert main(run(fixture_project, "api", "--command", "echo checking migrations; exit 3")) == 3
    out = capfd.readouterr().out
    assert "checking migrations" in out
    assert "EXIT_STATUS" not in out  # the marker line is held back
    (args,) = [json.loads(line) for line in plugin.read_text().splitlines()]
    assert json.loads(args[0]) == SESSION
    assert args[1:4] == ["eu-west-1", "StartSession", ""]
    assert json.loads(args[4]) == {"Target": f"ecs:{CLUSTER}_{TASK.rsplit('/', 1)[1]}_{RUNTIME}"}


def test_a_session_that_ends_early_exits_255(ecs, plugin, fixture_project, monkeypatch, capfd):
    monkeypatch.delenv("FAKE_EXEC_COMMAND", raising=False)  # the plugin prints no status
    service(ecs)
    task(ecs)
    execute(ecs, wrapped("true"))
    assert main(run(fixture_project, "api", "--command", "true")) == 255
    assert "before the command's exit status came back" in capfd.readouterr().err


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not in the stack file", "Pulumi.dev.yaml: services.worker.execEnabled is false"),
        ("off in AWS", "runs without enableExecuteCommand although"),
        ("agent stopped", "the ExecuteCommandAgent of container api is STOPPED"),
        ("no plugin", "session-manager-plugin is not on PATH: install it"),
    ],
)
def test_each_pre_check_says_what_is_wrong(
    case: str, message: str, ecs, fixture_project, capsys
) -> None:
    if case != "not in the stack file":
        service(ecs, enabled=case != "off in AWS")
    if case in ("agent stopped", "no plugin"):
        task(ecs, agent="STOPPED" if case == "agent stopped" else "RUNNING")
    name = "worker" if case == "not in the stack file" else "api"
    assert main(run(fixture_project, name)) == 125
    assert message in capsys.readouterr().err
    ecs.assert_no_pending_responses()


def test_relay_keeps_output_and_drops_only_the_marker() -> None:
    out = io.StringIO()
    lines = ["a\r\n", "\r\n", "b\r\n", "\r\n", "__ECS_PLATFORM_EXIT_STATUS__=0\r\n", "bye\r\n"]
    assert relay(iter(lines), out) == 0
    assert out.getvalue() == "a\r\n\r\nb\r\nbye\r\n"
