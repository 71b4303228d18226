"""`job run` and `job status` against the emulator: the run is an execution of the job's state
machine with its schedule's input; its result and exit code come from DescribeExecution (moto
never runs the state machine: the finished execution is an in-process edit)."""

from __future__ import annotations

import json

from emulator import moto_backend, seed
from emulator.scenarios import REGION, SCHEDULE_INPUT, seeded_jobs

from cli.app import main


def run(project, *words: str) -> list[str]:
    return [*words, "--stack", "jobs", "--project-dir", str(project)]


def test_job_run_starts_the_state_machine_with_the_schedules_input(
    emulator, names_of, fixture_project, capsys
):
    arn = seeded_jobs(names_of)
    assert main(run(fixture_project, "job", "run", "nightly-report", "--no-wait", "--json")) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["input"] == SCHEDULE_INPUT
    (execution,) = seed.client("stepfunctions", REGION).list_executions(stateMachineArn=arn)[
        "executions"
    ]
    assert execution["executionArn"] == found["execution"]
    described = seed.client("stepfunctions", REGION).describe_execution(
        executionArn=found["execution"]
    )
    assert described["input"] == SCHEDULE_INPUT


def test_job_run_waits_and_exits_with_the_container_code_then_status_lists_it(
    emulator, names_of, fixture_project, capsys
):
    seeded_jobs(names_of)
    cause = json.dumps(
        {
            "StopCode": "EssentialContainerExited",
            "Containers": [{"Name": "nightly-report", "ExitCode": 2}],
        }
    )
    with moto_backend.finish_executions(REGION, "FAILED", "States.TaskFailed", cause):
        words = run(fixture_project, "job", "run", "nightly-report", "--interval", "0")
        assert main(words) == 2
    assert "the container exited with 2" in capsys.readouterr().err
    assert main(run(fixture_project, "job", "status", "nightly-report", "--json")) == 0
    (last,) = json.loads(capsys.readouterr().out)["runs"]
    assert (last["status"], last["exitCode"], last["error"]) == ("FAILED", 2, "States.TaskFailed")
    assert last["durationSeconds"] is not None


def test_an_on_demand_job_runs_with_an_empty_input(emulator, names_of, fixture_project, capsys):
    names = names_of("jobs")
    seed.client("stepfunctions", REGION).create_state_machine(
        name=names.settings.job_state_machine_name("reindex"),
        definition=json.dumps({"StartAt": "Run", "States": {"Run": {"Type": "Pass", "End": True}}}),
        roleArn=f"arn:aws:iam::{seed.ACCOUNT}:role/states",
    )
    assert main(run(fixture_project, "job", "run", "reindex", "--no-wait", "--json")) == 0
    assert json.loads(capsys.readouterr().out)["input"] == "{}"
    assert main(run(fixture_project, "job", "run", "nope", "--no-wait")) == 1
    assert "no job 'nope' (declared: nightly-report, reindex)" in capsys.readouterr().err
